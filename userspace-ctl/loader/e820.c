// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's memory map, one for every loader that hands one over
 * (multiboot's memory map, Linux's zero page e820_table, PVH's memmap):
 * the PC's, as SeaBIOS reports it (INT 15h E820) on QEMU's PC, so that a
 * multiboot kernel reads the same map under both. Its EBDA below 640 KiB
 * (tvmmctl keeps the MP table there), the BIOS below 1 MiB, 128 KiB of
 * its tables at the top of RAM, its flash below 4 GiB.
 *
 * tvmmctl has one RAM slot from 0 (vmm.c): usable RAM stops before the
 * I/O APIC at 0xfec00000, and what the slot has above is left out of the
 * map. QEMU's PC moves RAM above 3 GiB to 4 GiB instead, so above 3 GiB
 * the two maps differ.
 */
#include <assert.h>

#include "lib/util.h"
#include "loader/loader.h"
#include "devices/devices.h"
#include "loader/mptable.h"

#define E820_EBDA_END		0xa0000ULL
#define E820_BIOS		0xf0000ULL
#define E820_FLASH		0xfffc0000ULL
#define E820_4G			0x100000000ULL

static_assert(MPTABLE_ADDR == E820_EBDA, "the MP table is in the EBDA");

__u64 e820_ram_top(__u64 ram_size)
{
	__u64 top = ram_size < IOAPIC_BASE ? ram_size : IOAPIC_BASE;

	return top - E820_FW_TABLES;
}

unsigned int e820_map(__u64 ram_size, struct e820_entry *map)
{
	__u64 top = e820_ram_top(ram_size);
	const struct e820_entry pc[E820_MAX_ENTRIES] = {
		{ 0, E820_EBDA, E820_RAM },
		{ E820_EBDA, E820_EBDA_END - E820_EBDA, E820_RESERVED },
		{ E820_BIOS, E820_HIGH - E820_BIOS, E820_RESERVED },
		{ E820_HIGH, top - E820_HIGH, E820_RAM },
		{ top, E820_FW_TABLES, E820_RESERVED },
		{ E820_FLASH, E820_4G - E820_FLASH, E820_RESERVED },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pc); i++)
		map[i] = pc[i];
	return ARRAY_SIZE(pc);
}
