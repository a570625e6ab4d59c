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

/*
 * The I/O APIC's address, version and ISA wiring are the model's
 * (devices/devices.h: IOAPIC_BASE, IOAPIC_VERSION, ioapic_isa_pin()).
 * Local APIC IDs are the vCPU numbers, 0 to nr_cpus - 1; then the I/O
 * APIC's.
 */
#define IOAPIC_ID(nr_cpus)	(nr_cpus)
/* The local APICs' version in the processor entries (xAPIC). */
#define MPTABLE_LAPIC_VERSION	0x14

/* The ISA IRQs the MP table routes: 0 to 15. */
#define NR_ISA_IRQS		16

#endif /* TVMMCTL_LOADER_MPTABLE_H */
