/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device models of the PC that "tvmmctl run" gives its guests. Each device
 * file defines one struct io_dev (ports) or struct mmio_dev (guest-physical
 * addresses no memory slot covers) with its handlers; devices.c lists them
 * and hands each access to its owner. Ports and addresses nobody owns read
 * as all ones and drop writes, as on a PC bus.
 *
 * Interrupts: the UART and the PIT raise ISA lines (dev_set_irq()) on the
 * 8259A pair (pic.c), whose output goes to vCPU 0 as ExtINT through its
 * local APIC's LINT0, and on the IOAPIC's pins (ioapic.c), whose messages
 * go to the local APICs (lapic.c) as IPIs do. The vCPU loop asks
 * dev_intr_peek() which vector a vCPU would take next and calls
 * dev_intr_ack() once it was injected.
 *
 * Time: the PIT counts with hooks->now_ns, the APIC timers with the
 * guest's TSC (hooks->tsc). The input thread of vmm/ sleeps until
 * dev_next_event_ns() and then calls dev_update(), which raises what is
 * due; a device whose next event moves earlier calls dev_wake_io().
 *
 * Locking: every function here expects ctx->lock held by its caller (the
 * vCPU threads and the input thread of vmm/). One lock for all devices:
 * accesses are short, and the devices are wired to each other (UART to
 * PIC to vCPU 0, one APIC to another), so finer locks would only add an
 * order to get wrong.
 *
 * Handlers never print to stderr or exit: a device that wants the VM to
 * stop sets ctx->stop and ctx->status (the exit status of tvmmctl).
 */
#ifndef TVMMCTL_DEVICES_H
#define TVMMCTL_DEVICES_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

/* The most vCPUs "tvmmctl run --cpus" gives a guest. */
#define DEV_MAX_CPUS		16

/*
 * The IOAPIC (ioapic.c), as the MP table (loader/) describes it too: an
 * 82093AA (version 0x11) with 24 pins at 0xfec00000.
 */
#define IOAPIC_BASE		0xfec00000ULL
#define IOAPIC_SIZE		0x1000
#define IOAPIC_VERSION		0x11
#define IOAPIC_PINS		24

/*
 * The IOAPIC pin ISA IRQ @irq drives, as on a PC (and QEMU's): IRQ0, the
 * PIT, on pin 2 (pin 0 being the 8259A's INTR output), IRQs 1 and 3-15
 * on the pins of their number; -1 for IRQ2 (the 8259A cascade, no
 * device's) and beyond 15. The MP table's interrupt source entries must
 * say the same: this is the one copy of the wiring.
 */
static inline int ioapic_isa_pin(unsigned int irq)
{
	if (irq == 0)
		return 2;
	return irq == 2 || irq >= 16 ? -1 : (int)irq;
}

/* Why a device stopped the VM. */
enum dev_stop {
	DEV_RUNNING = 0,
	DEV_STOP_DEBUG_EXIT,	/* isa-debug-exit written */
	DEV_STOP_RESET,		/* i8042 pulsed the reset line */
	DEV_STOP_PANIC,		/* the keyboard LEDs blink as Linux's panic */
	DEV_STOP_EMERGENCY,	/* reset, the keyboard not shut down first */
};

#define UART_FIFO_SIZE		16

/* The 16550A's state (uart.c). */
struct uart_state {
	__u8 ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thri;			/* THR-empty interrupt pending */
	bool rx_armed;			/* the guest looked at its receiver */
	__u8 rx[UART_FIFO_SIZE];	/* receiver FIFO: rx_count from rx_head */
	unsigned int rx_head, rx_count;
};

/* One 8259A (pic.c); the master is pic[0], the slave on its IRQ2 pic[1]. */
struct pic_chip {
	__u8 irr;			/* interrupt requests latched */
	__u8 isr;			/* in service */
	__u8 imr;			/* masked */
	__u8 lines;			/* input levels, for edge detection */
	__u8 vector_base;		/* ICW2 */
	__u8 lowest;			/* the IRQ of lowest priority (rotation) */
	__u8 init_step;			/* 0: initialized; 2, 3, 4: next ICW */
	bool need_icw4, single, level, auto_eoi, rotate_on_aeoi;
	bool read_isr, poll, special_mask;
};

/* One counter of the 8254 (pit.c). */
struct pit_channel {
	__u8 mode;			/* 0 to 5 */
	__u8 access;			/* 1 lobyte, 2 hibyte, 3 lobyte/hibyte */
	bool bcd;			/* counts in BCD, 0 to 9999 */
	bool write_hi, read_hi;		/* next byte of a lobyte/hibyte access */
	bool latched;			/* @latch holds the count to read */
	bool status_latched;		/* @status comes first (read-back) */
	bool null_count;		/* control word written, no count yet */
	bool running;			/* a count was loaded */
	bool gate;			/* the GATE input */
	bool triggered;			/* modes 1 and 5: a gate edge started it */
	bool irq_done;			/* counter 0, modes 0 and 4: IRQ0 raised */
	__u8 status;
	__u16 latch;
	__u16 write_lo;
	__u32 reload;			/* 1 to 65536 (10000 in BCD) */
	__u64 start_ns;			/* when counting last (re)started */
	__u64 ticks_base;		/* ticks counted before @start_ns */
	__u64 ticks_done;		/* counter 0: IRQ0 periods raised */
};

#define PIT_CHANNELS		3

/* The 8254 (counter 0 on IRQ0, counter 2 gated by port 0x61) and port 0x61. */
struct pit_state {
	struct pit_channel ch[PIT_CHANNELS];
	__u8 port_b;			/* port 0x61's writable bits */
};

#define LAPIC_NR_LVT		7	/* CMCI, timer, thermal, perf, LINT0/1, error */

/*
 * A local APIC (lapic.c): the registers of the xAPIC page it keeps, its
 * timer in guest TSC cycles, and IA32_APIC_BASE's enable bit.
 */
struct lapic_state {
	__u32 tpr, ldr, dfr, svr, esr, icr_lo, icr_hi;
	__u32 lvt[LAPIC_NR_LVT];
	__u32 timer_initial, timer_divide;
	__u32 irr[8], isr[8], tmr[8];	/* 256 bits each */
	bool timer_armed;		/* one-shot or periodic count running */
	__u64 timer_next;		/* the TSC of its next expiry */
	__u64 timer_period;		/* TMICT times the divider, in TSC cycles */
	__u64 tsc_deadline;		/* IA32_TSC_DEADLINE; 0: disarmed */
	bool hw_disabled;		/* IA32_APIC_BASE[11] clear: no APIC */
	/* INIT and STARTUP: lapic.c's; vmm/ takes them with lapic_take_*(). */
	bool init;			/* INIT received: leave the guest */
	bool sipi;			/* STARTUP received, at sipi_vector << 12 */
	__u8 sipi_vector;
	/* Waiting for STARTUP: after INIT, or an AP never started. */
	bool wait_sipi;
	unsigned long long nmi_dropped;	/* NMI IPIs: no way to inject them */
};

/* The IOAPIC (ioapic.c). */
struct ioapic_state {
	__u32 regsel;			/* IOREGSEL */
	__u8 id;			/* the ID register's bits 27:24 */
	__u32 lines;			/* input levels, a bit per pin */
	__u64 rte[IOAPIC_PINS];		/* redirection table, remote IRR in */
};

#define I8042_QUEUE_SIZE	16

/* The keyboard controller and its keyboard (i8042.c). */
struct i8042_state {
	__u8 ctr;			/* the command byte */
	__u8 outport;			/* the output port (0xd0, 0xd1) */
	__u8 pending;			/* a command waiting for its data byte */
	bool last_was_cmd;		/* status bit 3 */
	__u8 queue[I8042_QUEUE_SIZE];	/* bytes to read at 0x60: the head */
	bool aux[I8042_QUEUE_SIZE];	/* ... is the output buffer */
	unsigned int head, count;
	__u8 last;			/* the output buffer, once read */
	__u8 kbd_cmd;			/* a keyboard command waiting for its parameter */
	__u8 kbd_last;			/* the keyboard's last byte, for 0xfe */
	__u8 kbd_leds, kbd_scan_set;
	bool kbd_scanning;
	bool kbd_in_use;		/* enabled (0xf4), not reset or defaulted since */
};

#define RTC_RAM_SIZE		128

/*
 * The CMOS RTC (rtc.c): its registers and RAM, and the guest's clock:
 * the devices' clock (dev_now_ns()) plus @offset_ns, or @held_ns while
 * the guest holds it (SET, or the divider in reset).
 */
struct rtc_state {
	__u8 index;			/* the register port 0x71 reaches */
	bool nmi_masked;		/* bit 7 of the last index written */
	bool held;
	__u8 ram[RTC_RAM_SIZE];		/* A, B, D, alarms and RAM; not the time */
	__u8 wday_adjust;		/* day of the week written, less the date's */
	__s64 offset_ns;		/* guest UTC ns since 1970, less the clock */
	__s64 held_ns;
	__s64 c_secs;			/* the time when register C was last read */
	__u64 c_ns;			/* ... and the devices' clock then */
};

/* fw_cfg: the selected item and the offset of the next byte read. */
struct fw_cfg_state {
	__u16 key;
	__u32 offset;
};

/**
 * struct dev_hooks - how devices reach the vCPU loop (vmm/); all optional.
 * @kick:	something is pending for vCPU @cpu (an interrupt, INIT,
 *		STARTUP): make it look, whatever it is doing.
 * @wake_io:	the input thread should look again: the UART's receiver
 *		has room for input, or a timer's next event moved earlier.
 * @now_ns:	a monotonic clock in nanoseconds (the PIT counts with it).
 * @tsc:	the guest's time-stamp counter (the APIC timers count with
 *		it; vmm/ reads the host's, tvmmctl setting no TSC offset).
 * @data:	their first argument.
 */
struct dev_hooks {
	void (*kick)(void *data, unsigned int cpu);
	void (*wake_io)(void *data);
	__u64 (*now_ns)(void *data);
	__u64 (*tsc)(void *data);
	void *data;
};

/* Accesses counted per device, for --stats. */
struct dev_count {
	unsigned long long reads, writes;
};

#define DEV_MAX_IO_DEVS		16
#define DEV_MAX_MMIO_DEVS	4

/**
 * struct dev_ctx - the devices of one VM, and what they share with vmm/.
 * @lock:	held around every call into devices/ (see above).
 * @out:	where the UART's transmitter goes (stdout).
 * @trace:	--trace was given.
 * @nr_cpus:	vCPUs of the VM, 1 to DEV_MAX_CPUS: one local APIC each,
 *		and fw_cfg's FW_CFG_NB_CPUS and FW_CFG_MAX_CPUS;
 *		dev_ctx_init() sets 1, vmm_run() the vCPUs it has.
 * @ram_size:	guest RAM in bytes, as fw_cfg reports it (FW_CFG_RAM_SIZE).
 * @tsc_khz:	the guest's TSC rate (TVMM_CAP_TSC_KHZ), to turn APIC timer
 *		deadlines into sleeps; 0 unknown (the timers are then looked
 *		at every millisecond).
 * @cmdline:	the command line fw_cfg gives (FW_CFG_CMDLINE_SIZE/_DATA),
 *		or NULL for none, as QEMU has none for a boot sector or a
 *		multiboot kernel (which finds its own in its info block).
 * @stop:	set by a device to end the run.
 * @status:	tvmmctl's exit status when @stop is set.
 * @hooks:	NULL, or how to reach the vCPU loop.
 * @uart, @pic, @pit, @lapic, @ioapic, @fw_cfg, @rtc, @i8042: the devices'
 *		state.
 * @io_counts:	port accesses per entry of the port table, then the ports
 *		nobody owns; an element of string I/O counts as one.
 * @mmio_counts: the same for MMIO.
 */
struct dev_ctx {
	pthread_mutex_t lock;
	FILE *out;
	bool trace;
	unsigned int nr_cpus;
	__u64 ram_size;
	__u32 tsc_khz;
	const char *cmdline;
	enum dev_stop stop;
	int status;
	const struct dev_hooks *hooks;
	struct uart_state uart;
	struct pic_chip pic[2];
	struct pit_state pit;
	struct lapic_state lapic[DEV_MAX_CPUS];
	struct ioapic_state ioapic;
	struct fw_cfg_state fw_cfg;
	struct rtc_state rtc;
	struct i8042_state i8042;
	struct dev_count io_counts[DEV_MAX_IO_DEVS + 1];
	struct dev_count mmio_counts[DEV_MAX_MMIO_DEVS + 1];
};

/**
 * struct io_dev - a device model on ports [@base, @base + @len).
 * @name:	what --trace and --stats call it.
 * @in:		returns the value read (@size 1, 2 or 4 bytes).
 * @out:	takes the value written.
 * @trace:	optional: words the access just made in @buf when the name
 *		(and the value read) would not tell it, as when it ended the
 *		run; false leaves io_trace()'s usual words.
 * @reg_name:	optional: the name of the register at @off from @base as
 *		a read (@write false) or a write sees it, for the exit
 *		summary (vmm/summary.c); NULL when it has none.
 */
struct io_dev {
	const char *name;
	__u16 base;
	__u16 len;
	__u32 (*in)(struct dev_ctx *ctx, __u16 port, unsigned int size);
	void (*out)(struct dev_ctx *ctx, __u16 port, unsigned int size,
		    __u32 val);
	bool (*trace)(const struct dev_ctx *ctx, char *buf, size_t len);
	const char *(*reg_name)(__u64 off, bool write);
};

/**
 * struct mmio_dev - a device model at guest-physical [@base, @base + @len).
 * @name:	what --trace and --stats call it.
 * @read:	returns the value read (@size 1, 2, 4 or 8 bytes) by @cpu.
 * @write:	takes the value written by @cpu.
 * @reg_name:	optional, as struct io_dev's.
 */
struct mmio_dev {
	const char *name;
	__u64 base;
	__u64 len;
	__u64 (*read)(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
		      unsigned int size);
	void (*write)(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
		      unsigned int size, __u64 val);
	const char *(*reg_name)(__u64 off, bool write);
};

extern const struct io_dev uart_dev, debug_exit_dev, post_dev, i8042_dev,
	pic_master_dev, pic_slave_dev, pit_dev, fw_cfg_dev, port_b_dev,
	rtc_dev, i8042_data_dev;
extern const struct mmio_dev lapic_dev, ioapic_dev;

void dev_ctx_init(struct dev_ctx *ctx, FILE *out, bool trace);
const struct io_dev *io_dev_find(__u16 port);
/*
 * One access to @port, counted: *@val written (@out), or set to what was
 * read. Returns the device that took it, NULL when nobody owns @port, so
 * that the caller can have it word the access with io_trace().
 */
const struct io_dev *io_access(struct dev_ctx *ctx, __u16 port,
			       unsigned int size, bool out, __u32 *val);
/* io_access() for one read (the value) or one write. */
__u32 io_in(struct dev_ctx *ctx, __u16 port, unsigned int size);
void io_out(struct dev_ctx *ctx, __u16 port, unsigned int size, __u32 val);
/*
 * The --trace words for an access io_access() gave to @dev (NULL: nobody),
 * @val the value read: "NAME", "NAME -> 0x...", the device's own words,
 * or what became of an access nobody took.
 */
void io_trace(const struct dev_ctx *ctx, const struct io_dev *dev, bool out,
	      __u32 val, char *buf, size_t len);

/* The same for MMIO, by vCPU @cpu (the local APIC is per vCPU). */
const struct mmio_dev *mmio_dev_find(__u64 addr);
const struct mmio_dev *mmio_access(struct dev_ctx *ctx, unsigned int cpu,
				   __u64 addr, unsigned int size, bool write,
				   __u64 *val);
__u64 mmio_read(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
		unsigned int size);
void mmio_write(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
		unsigned int size, __u64 val);
void mmio_trace(const struct dev_ctx *ctx, const struct mmio_dev *dev,
		bool write, __u64 val, char *buf, size_t len);

/*
 * The @i-th device counter, for --stats: false past the last one. Names
 * are the devices' own, "unknown ports" and "unknown MMIO".
 */
bool dev_count_get(const struct dev_ctx *ctx, unsigned int i,
		   const char **name, const struct dev_count **count);

/* Call hooks->wake_io, if any. */
void dev_wake_io(struct dev_ctx *ctx);
/* The guest's TSC: hooks->tsc, else the host's. */
__u64 dev_tsc(struct dev_ctx *ctx);
/* The devices' clock: hooks->now_ns, or CLOCK_MONOTONIC without hooks. */
__u64 dev_now_ns(struct dev_ctx *ctx);

/*
 * Time: nanoseconds to the next event of a device that counts time (the
 * PIT, each vCPU's APIC timer), -1 for none; dev_update() raises what is
 * due by now.
 */
__s64 dev_next_event_ns(struct dev_ctx *ctx);
void dev_update(struct dev_ctx *ctx);

/*
 * MSRs the device models own (lapic.c): IA32_APIC_BASE, IA32_TSC_DEADLINE.
 * vmm/ has tvmm.ko hand them over (TVMM_SET_USER_MSRS) when it can.
 */
extern const __u32 dev_msrs[];
extern const unsigned int dev_nr_msrs;
/* The name of the device that owns MSR @index, NULL if none does. */
const char *dev_msr_owner(__u32 index);
/* One guest RDMSR/WRMSR of a dev_msrs[] MSR by vCPU @cpu: 0, or -1 for #GP. */
int dev_msr_read(struct dev_ctx *ctx, unsigned int cpu, __u32 index,
		 __u64 *val);
int dev_msr_write(struct dev_ctx *ctx, unsigned int cpu, __u32 index,
		  __u64 val);

/*
 * Interrupts. dev_set_irq(): ISA line @irq (0-15) at @level, on the PIC
 * and on the IOAPIC pin ioapic_isa_pin() says.
 */
void dev_set_irq(struct dev_ctx *ctx, unsigned int irq, bool level);
/* The vector @cpu would take now, or -1. */
int dev_intr_peek(struct dev_ctx *ctx, unsigned int cpu);
/* @cpu took @vector (from dev_intr_peek()); which IRQ it was, or -1. */
int dev_intr_ack(struct dev_ctx *ctx, unsigned int cpu, unsigned int vector);

/* The PIC pair (pic.c): ISA IRQ lines 0-15 and the INTA cycle. */
void pic_reset(struct dev_ctx *ctx);
void pic_set_irq(struct dev_ctx *ctx, unsigned int irq, bool level);
int pic_peek(struct dev_ctx *ctx, int *irq);
int pic_ack(struct dev_ctx *ctx);

/*
 * The UART's receiver (uart.c): the room for input (0 until the guest
 * first reads LSR or enables the receive interrupt), and bytes received.
 */
unsigned int uart_rx_room(const struct dev_ctx *ctx);
unsigned int uart_rx_push(struct dev_ctx *ctx, const __u8 *buf,
			  unsigned int len);

/*
 * The PIT (pit.c): nanoseconds to its next IRQ0 edge (-1: none), and the
 * edges due by now, raised.
 */
void pit_reset(struct dev_ctx *ctx);
__s64 pit_next_event_ns(struct dev_ctx *ctx);
void pit_update(struct dev_ctx *ctx);

/* The IOAPIC (ioapic.c): its pins, and the EOI of a level interrupt. */
void ioapic_reset(struct dev_ctx *ctx);
void ioapic_set_irq(struct dev_ctx *ctx, unsigned int pin, bool level);
void ioapic_eoi(struct dev_ctx *ctx, unsigned int vector);
/* The keyboard controller (i8042.c), as a BIOS leaves it. */
void i8042_reset(struct dev_ctx *ctx);

/* The RTC (rtc.c): the host's time, registers as after power-on. */
void rtc_reset(struct dev_ctx *ctx);

/* Local APICs (lapic.c). */
#define LAPIC_BASE		0xfee00000ULL

/*
 * The APIC timer's base clock is the crystal of CPUID leaf 0x15: the TSC
 * divided by this, 1, or 2 for a TSC of 4.295 GHz and more, whose rate in
 * Hz leaf 0x15's 32-bit ECX cannot hold. The CPU model must say the same
 * (leaf 0x15 EBX/EAX).
 */
static inline unsigned int apic_tsc_ratio(__u32 tsc_khz)
{
	return (__u64)tsc_khz * 1000 >= 1ULL << 32 ? 2 : 1;
}

void lapic_reset(struct dev_ctx *ctx, unsigned int cpu);
int lapic_peek(struct dev_ctx *ctx, unsigned int cpu);
void lapic_ack(struct dev_ctx *ctx, unsigned int cpu, unsigned int vector);
/* Whether the 8259A's INTR reaches @cpu (LINT0 in ExtINT mode, or no APIC). */
bool lapic_pic_connected(const struct dev_ctx *ctx, unsigned int cpu);

/* Delivery modes of the ICR, LVT entries and IOAPIC entries (SDM 11.6.1). */
enum apic_delivery {
	APIC_DM_FIXED		= 0,
	APIC_DM_LOWEST		= 1,
	APIC_DM_SMI		= 2,
	APIC_DM_NMI		= 4,
	APIC_DM_INIT		= 5,
	APIC_DM_STARTUP		= 6,
	APIC_DM_EXTINT		= 7,
};

/**
 * struct apic_msg - one interrupt message to local APICs (an IOAPIC's).
 * @vector:	0-255; fixed and lowest priority need 16 or more.
 * @delivery:	an enum apic_delivery.
 * @dest:	an APIC ID (0xff: all), or with @logical a logical
 *		destination matched against each APIC's LDR and DFR.
 * @level:	level-triggered: the target's TMR bit is set, and its EOI
 *		goes to the IOAPIC.
 */
struct apic_msg {
	__u8 vector;
	__u8 delivery;
	__u8 dest;
	bool logical;
	bool level;
};

/* Deliver @m: the number of APICs that took it (lowest priority: 1). */
unsigned int lapic_deliver(struct dev_ctx *ctx, const struct apic_msg *m);

/*
 * The APIC timers: the TSC of vCPU @cpu's next expiry (false: none
 * armed), and the expiries due by now, raised.
 */
bool lapic_timer_deadline(const struct dev_ctx *ctx, unsigned int cpu,
			  __u64 *tsc);
void lapic_timer_update(struct dev_ctx *ctx, unsigned int cpu);

/* The MSRs (dev_msr_read(), dev_msr_write()): 0, or -1 for #GP. */
__u64 lapic_get_apic_base(const struct dev_ctx *ctx, unsigned int cpu);
int lapic_set_apic_base(struct dev_ctx *ctx, unsigned int cpu, __u64 val);
__u64 lapic_get_tsc_deadline(const struct dev_ctx *ctx, unsigned int cpu);
void lapic_set_tsc_deadline(struct dev_ctx *ctx, unsigned int cpu, __u64 val);

/*
 * INIT and STARTUP between a vCPU's APIC and its thread (vmm/), which
 * asks before each entry. lapic_wait_startup(): the vCPU waits for
 * INIT-SIPI-SIPI, as a PC's APs do at power-on. lapic_take_init(): INIT
 * arrived since the last call (the APIC is reset and the vCPU waits for
 * STARTUP already); the thread drops what it was waiting for.
 * lapic_take_sipi(): whether the vCPU may run, and the STARTUP vector
 * when it starts now.
 */
enum lapic_start {
	LAPIC_RUNNING,		/* not waiting for STARTUP */
	LAPIC_WAITING,		/* waiting, no STARTUP yet: do not enter */
	LAPIC_STARTED,		/* STARTUP taken: real mode at vector << 12 */
};

void lapic_wait_startup(struct dev_ctx *ctx, unsigned int cpu);
bool lapic_take_init(struct dev_ctx *ctx, unsigned int cpu);
enum lapic_start lapic_take_sipi(struct dev_ctx *ctx, unsigned int cpu,
				 __u8 *vector);

#endif /* TVMMCTL_DEVICES_H */
