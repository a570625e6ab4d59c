/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests of the APIC timers, MSRs and the IOAPIC, in apic_test.c; and
 * the local APIC accesses they and devices_test.c make, as a guest would.
 */
#ifndef TVMMCTL_TESTS_APIC_TEST_H
#define TVMMCTL_TESTS_APIC_TEST_H

#include <stdbool.h>
#include <linux/types.h>

#include "devices/devices.h"

static inline __u32 apic_read(struct dev_ctx *ctx, unsigned int cpu,
			      __u32 reg)
{
	return mmio_read(ctx, cpu, LAPIC_BASE + reg, 4);
}

static inline void apic_write(struct dev_ctx *ctx, unsigned int cpu,
			      __u32 reg, __u32 val)
{
	mmio_write(ctx, cpu, LAPIC_BASE + reg, 4, val);
}

/* Bit @v of the 256-bit register at @reg (ISR 0x100, TMR 0x180, IRR 0x200). */
static inline bool apic_bit(struct dev_ctx *ctx, unsigned int cpu, __u32 reg,
			    unsigned int v)
{
	return apic_read(ctx, cpu, reg + (v >> 5) * 0x10) & (1u << (v & 31));
}

/* An IPI from @from's ICR: destination @dest, low word @lo. */
static inline void send_ipi(struct dev_ctx *ctx, unsigned int from, __u8 dest,
			    __u32 lo)
{
	apic_write(ctx, from, 0x310, (__u32)dest << 24);
	apic_write(ctx, from, 0x300, lo);
}

bool test_apic_timer_one_shot(void);
bool test_apic_timer_periodic(void);
bool test_apic_timer_divide(void);
bool test_apic_timer_masked_and_stopped(void);
bool test_apic_tsc_deadline(void);
bool test_apic_base_msr(void);
bool test_apic_svr_disable(void);
bool test_apic_lint0_extint(void);
bool test_apic_destinations(void);
bool test_ioapic_registers(void);
bool test_ioapic_edge_and_isa(void);
bool test_ioapic_level(void);
bool test_ioapic_destinations(void);

#endif /* TVMMCTL_TESTS_APIC_TEST_H */
