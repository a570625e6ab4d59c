// SPDX-License-Identifier: GPL-2.0
/*
 * The port, MMIO and MSR tables: every device model, the dispatch of one
 * access with its count, where interrupts go (ISA lines to the PIC and
 * the IOAPIC, the PIC to vCPU 0, local APICs), and the devices' time (the
 * next event of any timer, and raising what is due).
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"
#include "lib/x86.h"
#include "devices/devices.h"

#define NSEC_PER_MSEC		1000000ULL

static const struct io_dev *const io_devs[] = {
	&uart_dev,
	&pic_master_dev,
	&pic_slave_dev,
	&pit_dev,
	&port_b_dev,
	&debug_exit_dev,
	&post_dev,
	&i8042_data_dev,
	&i8042_dev,
	&fw_cfg_dev,
	&rtc_dev,
};

static const struct mmio_dev *const mmio_devs[] = {
	&lapic_dev,
	&ioapic_dev,
};

/* The MSRs of dev_msr_read() and dev_msr_write(), for TVMM_SET_USER_MSRS. */
const __u32 dev_msrs[] = {
	MSR_IA32_APICBASE,
	MSR_IA32_TSC_DEADLINE,
};

const unsigned int dev_nr_msrs = ARRAY_SIZE(dev_msrs);

const char *dev_msr_owner(__u32 index)
{
	unsigned int i;

	for (i = 0; i < dev_nr_msrs; i++)
		if (dev_msrs[i] == index)
			return lapic_dev.name;
	return NULL;
}

static_assert(ARRAY_SIZE(io_devs) <= DEV_MAX_IO_DEVS, "io_counts too small");
static_assert(ARRAY_SIZE(mmio_devs) <= DEV_MAX_MMIO_DEVS,
	      "mmio_counts too small");

void dev_ctx_init(struct dev_ctx *ctx, FILE *out, bool trace)
{
	unsigned int cpu;

	memset(ctx, 0, sizeof(*ctx));
	pthread_mutex_init(&ctx->lock, NULL);
	ctx->out = out;
	ctx->trace = trace;
	ctx->nr_cpus = 1;
	pic_reset(ctx);
	ioapic_reset(ctx);
	pit_reset(ctx);
	rtc_reset(ctx);
	i8042_reset(ctx);
	for (cpu = 0; cpu < DEV_MAX_CPUS; cpu++)
		lapic_reset(ctx, cpu);
}

static int io_dev_index(__u16 port)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(io_devs); i++)
		if (port >= io_devs[i]->base &&
		    port - io_devs[i]->base < io_devs[i]->len)
			return i;
	return -1;
}

const struct io_dev *io_dev_find(__u16 port)
{
	int i = io_dev_index(port);

	return i < 0 ? NULL : io_devs[i];
}

static __u32 size_mask(unsigned int size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static struct dev_count *io_count(struct dev_ctx *ctx, int i)
{
	return &ctx->io_counts[i < 0 ? ARRAY_SIZE(io_devs) : (size_t)i];
}

const struct io_dev *io_access(struct dev_ctx *ctx, __u16 port,
			       unsigned int size, bool out, __u32 *val)
{
	int i = io_dev_index(port);
	const struct io_dev *dev = i < 0 ? NULL : io_devs[i];

	if (out) {
		io_count(ctx, i)->writes++;
		if (dev && dev->out)
			dev->out(ctx, port, size, *val & size_mask(size));
	} else {
		io_count(ctx, i)->reads++;
		*val = dev && dev->in ? dev->in(ctx, port, size) : ~0u;
		*val &= size_mask(size);
	}
	return dev;
}

__u32 io_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	__u32 val;

	io_access(ctx, port, size, false, &val);
	return val;
}

void io_out(struct dev_ctx *ctx, __u16 port, unsigned int size, __u32 val)
{
	io_access(ctx, port, size, true, &val);
}

void io_trace(const struct dev_ctx *ctx, const struct io_dev *dev, bool out,
	      __u32 val, char *buf, size_t len)
{
	if (!dev)
		snprintf(buf, len, "unknown port, %s",
			 out ? "write dropped" : "read as all ones");
	else if (dev->trace && dev->trace(ctx, buf, len))
		return;
	else if (out)
		snprintf(buf, len, "%s", dev->name);
	else
		snprintf(buf, len, "%s -> 0x%x", dev->name, val);
}

static int mmio_dev_index(__u64 addr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mmio_devs); i++)
		if (addr >= mmio_devs[i]->base &&
		    addr - mmio_devs[i]->base < mmio_devs[i]->len)
			return i;
	return -1;
}

const struct mmio_dev *mmio_dev_find(__u64 addr)
{
	int i = mmio_dev_index(addr);

	return i < 0 ? NULL : mmio_devs[i];
}

static struct dev_count *mmio_count(struct dev_ctx *ctx, int i)
{
	return &ctx->mmio_counts[i < 0 ? ARRAY_SIZE(mmio_devs) : (size_t)i];
}

static __u64 size_mask64(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

const struct mmio_dev *mmio_access(struct dev_ctx *ctx, unsigned int cpu,
				   __u64 addr, unsigned int size, bool write,
				   __u64 *val)
{
	int i = mmio_dev_index(addr);
	const struct mmio_dev *dev = i < 0 ? NULL : mmio_devs[i];

	if (write) {
		mmio_count(ctx, i)->writes++;
		if (dev && dev->write)
			dev->write(ctx, cpu, addr, size,
				   *val & size_mask64(size));
	} else {
		mmio_count(ctx, i)->reads++;
		*val = dev && dev->read ? dev->read(ctx, cpu, addr, size) :
		       ~0ULL;
		*val &= size_mask64(size);
	}
	return dev;
}

__u64 mmio_read(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
		unsigned int size)
{
	__u64 val;

	mmio_access(ctx, cpu, addr, size, false, &val);
	return val;
}

void mmio_write(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
		unsigned int size, __u64 val)
{
	mmio_access(ctx, cpu, addr, size, true, &val);
}

void mmio_trace(const struct dev_ctx *ctx, const struct mmio_dev *dev,
		bool write, __u64 val, char *buf, size_t len)
{
	if (!dev)
		snprintf(buf, len, "no device, %s",
			 write ? "write dropped" : "read as all ones");
	else if (write)
		snprintf(buf, len, "%s", dev->name);
	else
		snprintf(buf, len, "%s -> 0x%llx", dev->name,
			 (unsigned long long)val);
}

bool dev_count_get(const struct dev_ctx *ctx, unsigned int i,
		   const char **name, const struct dev_count **count)
{
	size_t nio = ARRAY_SIZE(io_devs), nmmio = ARRAY_SIZE(mmio_devs);

	if (i < nio) {
		*name = io_devs[i]->name;
		*count = &ctx->io_counts[i];
	} else if (i == nio) {
		*name = "unknown ports";
		*count = &ctx->io_counts[nio];
	} else if (i - nio - 1 < nmmio) {
		*name = mmio_devs[i - nio - 1]->name;
		*count = &ctx->mmio_counts[i - nio - 1];
	} else if (i - nio - 1 == nmmio) {
		*name = "unknown MMIO";
		*count = &ctx->mmio_counts[nmmio];
	} else {
		return false;
	}
	return true;
}

void dev_wake_io(struct dev_ctx *ctx)
{
	if (ctx->hooks && ctx->hooks->wake_io)
		ctx->hooks->wake_io(ctx->hooks->data);
}

__u64 dev_now_ns(struct dev_ctx *ctx)
{
	struct timespec ts;

	if (ctx->hooks && ctx->hooks->now_ns)
		return ctx->hooks->now_ns(ctx->hooks->data);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

__u64 dev_tsc(struct dev_ctx *ctx)
{
	if (ctx->hooks && ctx->hooks->tsc)
		return ctx->hooks->tsc(ctx->hooks->data);
	return __builtin_ia32_rdtsc();
}

/*
 * TSC cycles as nanoseconds, rounded up so that the timer is due by then;
 * without the TSC's rate, a millisecond (look again then).
 */
static __s64 dev_tsc_to_ns(const struct dev_ctx *ctx, __u64 cycles)
{
	__uint128_t ns;

	if (!cycles)
		return 0;
	if (!ctx->tsc_khz)
		return NSEC_PER_MSEC;
	ns = ((__uint128_t)cycles * NSEC_PER_MSEC + ctx->tsc_khz - 1) /
	     ctx->tsc_khz;
	return ns > INT64_MAX ? INT64_MAX : (__s64)ns;
}

__s64 dev_next_event_ns(struct dev_ctx *ctx)
{
	__s64 next = pit_next_event_ns(ctx), ns;
	__u64 now = 0, tsc, cycles;
	unsigned int cpu;
	bool got_now = false;

	for (cpu = 0; cpu < ctx->nr_cpus; cpu++) {
		if (!lapic_timer_deadline(ctx, cpu, &tsc))
			continue;
		if (!got_now) {
			now = dev_tsc(ctx);
			got_now = true;
		}
		cycles = tsc > now ? tsc - now : 0;
		ns = dev_tsc_to_ns(ctx, cycles);
		if (next < 0 || ns < next)
			next = ns;
	}
	return next;
}

void dev_update(struct dev_ctx *ctx)
{
	unsigned int cpu;

	pit_update(ctx);
	for (cpu = 0; cpu < ctx->nr_cpus; cpu++)
		lapic_timer_update(ctx, cpu);
}

int dev_msr_read(struct dev_ctx *ctx, unsigned int cpu, __u32 index,
		 __u64 *val)
{
	if (cpu >= ctx->nr_cpus)
		return -1;
	switch (index) {
	case MSR_IA32_APICBASE:
		*val = lapic_get_apic_base(ctx, cpu);
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*val = lapic_get_tsc_deadline(ctx, cpu);
		return 0;
	}
	return -1;
}

int dev_msr_write(struct dev_ctx *ctx, unsigned int cpu, __u32 index,
		  __u64 val)
{
	if (cpu >= ctx->nr_cpus)
		return -1;
	switch (index) {
	case MSR_IA32_APICBASE:
		return lapic_set_apic_base(ctx, cpu, val);
	case MSR_IA32_TSC_DEADLINE:
		lapic_set_tsc_deadline(ctx, cpu, val);
		return 0;
	}
	return -1;
}

void dev_set_irq(struct dev_ctx *ctx, unsigned int irq, bool level)
{
	int pin = ioapic_isa_pin(irq);

	pic_set_irq(ctx, irq, level);
	if (pin >= 0)
		ioapic_set_irq(ctx, pin, level);
}

/*
 * The local APIC's fixed interrupts first, then the PIC's where its INTR
 * reaches (vCPU 0, through LINT0 in ExtINT mode or with the APIC off).
 */
int dev_intr_peek(struct dev_ctx *ctx, unsigned int cpu)
{
	int vector = lapic_peek(ctx, cpu);

	if (vector < 0 && lapic_pic_connected(ctx, cpu))
		vector = pic_peek(ctx, NULL);
	return vector;
}

int dev_intr_ack(struct dev_ctx *ctx, unsigned int cpu, unsigned int vector)
{
	if (lapic_peek(ctx, cpu) == (int)vector) {
		lapic_ack(ctx, cpu, vector);
		return -1;
	}
	return lapic_pic_connected(ctx, cpu) ? pic_ack(ctx) : -1;
}
