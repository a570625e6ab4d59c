// SPDX-License-Identifier: GPL-2.0
/*
 * ept - memory virtualization. The guest's physical memory is the VMM's
 * ordinary memory, mapped by EPT: the guest writes RAM without an exit
 * and tvmmctl sees the value in its own buffer. A read-only slot reads
 * without exits and traps writes; addresses outside every slot are a
 * device's registers (MMIO) or nothing at all: the guest cannot name an
 * address that reaches the host's own memory.
 */
#include "demos/rt.h"

#define RAM_VALUE	0x600dcafe12345678ULL
#define ROM_OFFSET	0x100
#define MMIO(off)	(DEMO_MMIO_BASE + (off))

/* One page of guest RAM tvmmctl looks for in its own buffer. */
static __u64 page[512];

/* Guest-physical addresses the VMM gave nothing at (RAM is 2 MiB). */
static const __u64 beyond[] = { 0x200000, 0x10000000, 0xfffff000 };

void demo_main(__u64 arg)
{
	unsigned long rom = DEMO_ROM_BASE + ROM_OFFSET;
	char text[sizeof(DEMO_ROM_TEXT)];
	__u64 before, after, val;
	unsigned int i;

	demo_begin("write a value to guest RAM");
	write64((unsigned long)page, RAM_VALUE);
	demo_fact_hex("ram_gpa", (unsigned long)page);
	demo_fact_hex("ram_value", RAM_VALUE);
	demo_end();

	demo_begin("read a read-only page, then write to it");
	memcpy(text, (const void *)DEMO_ROM_BASE, sizeof(text));
	text[sizeof(text) - 1] = '\0';
	before = read64(rom);
	write64(rom, 0xbadbadbadULL);
	after = read64(rom);
	demo_fact_str("rom_text", text);
	demo_fact_hex("rom_write_gpa", rom);
	demo_fact_hex("rom_before", before);
	demo_fact_hex("rom_after", after);
	demo_end();

	demo_begin("a device's registers at 0xd0000000 (MMIO)");
	val = read64(MMIO(DEMO_MMIO_ID));
	demo_fact_hex("mmio_id", val);
	write64(MMIO(DEMO_MMIO_SCRATCH), 0x1122334455667788ULL);
	demo_fact_hex("mmio_scratch", read64(MMIO(DEMO_MMIO_SCRATCH)));
	demo_end();

	demo_begin("write and read where the VMM gave no memory");
	val = ~0ULL;
	for (i = 0; i < ARRAY_SIZE(beyond); i++) {
		write64(beyond[i], 0x5ec2e7);
		val &= read64(beyond[i]);
	}
	demo_fact("addresses", i);
	demo_fact_hex("read_back", val);
	demo_end();
}
