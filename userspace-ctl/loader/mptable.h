/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the MP table (mptable.c) tells a Linux guest about its interrupt
 * wiring, and so what the device models must make true: where the table
 * is, the one I/O APIC (address, APIC ID, version) and which of its pins
 * each ISA IRQ enters. Pure constants: devices/ may include this.
 */
#ifndef TVMMCTL_LOADER_MPTABLE_H
#define TVMMCTL_LOADER_MPTABLE_H

/*
 * In the EBDA's last KiB, which the e820 map reserves and Linux scans:
 * room for 40 processors.
 */
#define MPTABLE_ADDR		0x9fc00ULL
#define MPTABLE_SPACE		0x400

#define IOAPIC_ADDR		0xfec00000ULL
/* The 82093AA's: what the I/O APIC model's version register says. */
#define IOAPIC_VERSION		0x11
/* Local APIC IDs are the vCPU numbers, 0 to nr_cpus - 1; then the I/O APIC's. */
#define IOAPIC_ID(nr_cpus)	(nr_cpus)
/* The local APICs' version in the processor entries (xAPIC). */
#define MPTABLE_LAPIC_VERSION	0x14

/*
 * ISA IRQ i enters I/O APIC pin ISA_IRQ_PINS[i]; -1: not connected. As
 * on PC chipsets, in QEMU's MP table (SeaBIOS, qboot) and in Linux's own
 * default MP configuration (mpparse.c): the PIT's IRQ0 on pin 2 (pin 0 is
 * the 8259's INTR), IRQ2 none (the 8259 cascade), every other IRQ on the
 * pin of its number. Edge-triggered, active high: the ISA bus's default.
 */
#define NR_ISA_IRQS		16
#define ISA_IRQ_PINS		{ 2, 1, -1, 3, 4, 5, 6, 7, \
				  8, 9, 10, 11, 12, 13, 14, 15 }

#endif /* TVMMCTL_LOADER_MPTABLE_H */
