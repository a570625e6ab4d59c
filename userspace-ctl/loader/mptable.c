// SPDX-License-Identifier: GPL-2.0
/*
 * The MP table of Linux guests (Intel MultiProcessor Specification 1.4,
 * chapter 4; the field names of Linux's mpspec_def.h): the floating
 * pointer at MPTABLE_ADDR, in the last KiB of the EBDA that Linux scans
 * (mpparse.c), and the configuration table right after it:
 *  - one processor entry per vCPU: APIC ID = vCPU number, enabled, vCPU 0
 *    the bootstrap processor;
 *  - bus 0, ISA;
 *  - the I/O APIC (mptable.h: its ID, version and address);
 *  - an interrupt entry per connected ISA IRQ, to the pin mptable.h says;
 *  - ExtINT (the 8259's virtual wire) on vCPU 0's LINT0, NMI on every
 *    LINT1.
 * Without it Linux sets up no local APIC timer and finds no second CPU.
 * Both checksums make their structure's bytes sum to 0. The structures
 * have no padding: their sizes are checked below.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "devices/devices.h"
#include "loader/loader.h"
#include "loader/mptable.h"

#define MPF_SIGNATURE		"_MP_"
#define MPC_SIGNATURE		"PCMP"
#define MP_SPEC_REV		4	/* 1.4 */
#define MPC_OEM			"TVMM    "
#define MPC_PRODUCT		"TVMMCTL     "

/* Entry types, and their flags. */
#define MP_PROCESSOR		0
#define MP_BUS			1
#define MP_IOAPIC		2
#define MP_INTSRC		3
#define MP_LINTSRC		4
#define CPU_ENABLED		0x01
#define CPU_BOOTPROCESSOR	0x02
#define MPC_APIC_USABLE		0x01
#define MP_INT			0	/* interrupt types */
#define MP_NMI			1
#define MP_EXTINT		3
#define MP_IRQ_DEFAULT		0	/* polarity and trigger of the bus */
#define MP_APIC_ALL		0xff

/* A family 6 processor with an FPU and a local APIC (CPUID 1 EAX, EDX). */
#define MP_CPU_SIGNATURE	0x600
#define MP_CPU_FEATURES		(BIT(0) | BIT(9))
#define MP_LINT0		0
#define MP_LINT1		1

struct mpf_intel {
	char signature[4];
	__u32 physptr;
	__u8 length;		/* in 16-byte units */
	__u8 specification;
	__u8 checksum;
	__u8 feature[5];	/* 0: a table, no default configuration */
};

struct mpc_table {
	char signature[4];
	__u16 length;		/* the base table's, this header included */
	__u8 spec;
	__u8 checksum;
	char oem[8];
	char productid[12];
	__u32 oemptr;
	__u16 oemsize;
	__u16 oemcount;		/* the specification's entry count */
	__u32 lapic;
	__u16 ext_length;
	__u8 ext_checksum;
	__u8 reserved;
};

struct mpc_cpu {
	__u8 type, apicid, apicver, cpuflag;
	__u32 cpufeature, featureflag;
	__u32 reserved[2];
};

struct mpc_bus {
	__u8 type, busid;
	char bustype[6];
};

struct mpc_ioapic {
	__u8 type, apicid, apicver, flags;
	__u32 apicaddr;
};

/* An interrupt (mpc_intsrc) or local interrupt (mpc_lintsrc) entry. */
struct mpc_irq {
	__u8 type, irqtype;
	__u16 irqflag;
	__u8 srcbus, srcbusirq, dstapic, dstirq;
};

static_assert(sizeof(struct mpf_intel) == 16, "mpf_intel");
static_assert(sizeof(struct mpc_table) == 44, "mpc_table");
static_assert(sizeof(struct mpc_cpu) == 20, "mpc_cpu");
static_assert(sizeof(struct mpc_bus) == 8, "mpc_bus");
static_assert(sizeof(struct mpc_ioapic) == 8, "mpc_ioapic");
static_assert(sizeof(struct mpc_irq) == 8, "mpc_irq");

static unsigned int nr_intsrc(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < NR_ISA_IRQS; i++)
		n += ioapic_isa_pin(i) >= 0;
	return n;
}

size_t mptable_size(unsigned int nr_cpus)
{
	return sizeof(struct mpf_intel) + sizeof(struct mpc_table) +
	       nr_cpus * sizeof(struct mpc_cpu) + sizeof(struct mpc_bus) +
	       sizeof(struct mpc_ioapic) +
	       (nr_intsrc() + 2) * sizeof(struct mpc_irq);
}

static __u8 checksum(const void *p, size_t len)
{
	const __u8 *b = p;
	__u8 sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

/* Append @len bytes of @entry at *@at; one more entry. */
static void put(__u8 **at, const void *entry, size_t len, __u16 *count)
{
	memcpy(*at, entry, len);
	*at += len;
	(*count)++;
}

int mptable_write(struct guest_ram *ram, unsigned int nr_cpus,
		  const char **why)
{
	__u8 *base = ram->hva + MPTABLE_ADDR;
	struct mpf_intel *mpf = (struct mpf_intel *)base;
	struct mpc_table *mpc = (struct mpc_table *)(mpf + 1);
	__u8 *at = (__u8 *)(mpc + 1);
	struct mpc_bus bus = { MP_BUS, 0, "ISA   " };
	struct mpc_ioapic ioapic = {
		MP_IOAPIC, IOAPIC_ID(nr_cpus), IOAPIC_VERSION, MPC_APIC_USABLE,
		IOAPIC_BASE,
	};
	struct mpc_irq irq;
	struct mpc_cpu cpu;
	unsigned int i;
	__u16 count = 0;

	if (!nr_cpus || mptable_size(nr_cpus) > MPTABLE_SPACE) {
		*why = "no room for that many vCPUs in the MP table";
		return -EINVAL;
	}
	if (ram->size < MPTABLE_ADDR + MPTABLE_SPACE) {
		*why = "guest RAM ends below the MP table";
		return -EFBIG;
	}
	memset(base, 0, mptable_size(nr_cpus));

	for (i = 0; i < nr_cpus; i++) {
		memset(&cpu, 0, sizeof(cpu));
		cpu.type = MP_PROCESSOR;
		cpu.apicid = i;
		cpu.apicver = MPTABLE_LAPIC_VERSION;
		cpu.cpuflag = CPU_ENABLED | (i ? 0 : CPU_BOOTPROCESSOR);
		cpu.cpufeature = MP_CPU_SIGNATURE;
		cpu.featureflag = MP_CPU_FEATURES;
		put(&at, &cpu, sizeof(cpu), &count);
	}
	put(&at, &bus, sizeof(bus), &count);
	put(&at, &ioapic, sizeof(ioapic), &count);
	for (i = 0; i < NR_ISA_IRQS; i++) {
		if (ioapic_isa_pin(i) < 0)
			continue;
		irq = (struct mpc_irq){ MP_INTSRC, MP_INT, MP_IRQ_DEFAULT, 0, i,
					IOAPIC_ID(nr_cpus), ioapic_isa_pin(i) };
		put(&at, &irq, sizeof(irq), &count);
	}
	irq = (struct mpc_irq){ MP_LINTSRC, MP_EXTINT, MP_IRQ_DEFAULT, 0, 0,
				0, MP_LINT0 };
	put(&at, &irq, sizeof(irq), &count);
	irq = (struct mpc_irq){ MP_LINTSRC, MP_NMI, MP_IRQ_DEFAULT, 0, 0,
				MP_APIC_ALL, MP_LINT1 };
	put(&at, &irq, sizeof(irq), &count);

	memcpy(mpc->signature, MPC_SIGNATURE, 4);
	mpc->length = at - (__u8 *)mpc;
	mpc->spec = MP_SPEC_REV;
	memcpy(mpc->oem, MPC_OEM, sizeof(mpc->oem));
	memcpy(mpc->productid, MPC_PRODUCT, sizeof(mpc->productid));
	mpc->oemcount = count;
	mpc->lapic = LAPIC_BASE;
	mpc->checksum = checksum(mpc, mpc->length);

	memcpy(mpf->signature, MPF_SIGNATURE, 4);
	mpf->physptr = MPTABLE_ADDR + sizeof(*mpf);
	mpf->length = 1;
	mpf->specification = MP_SPEC_REV;
	mpf->checksum = checksum(mpf, sizeof(*mpf));
	return 0;
}
