/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_ucall.h - "ucall": how guest code talks to the test on the host.
 *
 * The protocol, one I/O port for everything:
 *  - the guest fills a struct ucall in its memory: cmd (UCALL_*) and args;
 *  - it writes the struct's guest-physical address, 32 bits, to UCALL_PORT
 *    with "outl %eax, %dx" (DX = UCALL_PORT);
 *  - TVMM_RUN returns TVMM_EXIT_IO: OUT, size 4, count 1, port UCALL_PORT,
 *    the address in the data area; get_ucall() copies the struct out of
 *    guest memory. Running the vCPU again completes the OUT and the guest
 *    goes on after its ucall.
 *
 * The struct must sit below 4 GiB at an address where the guest's linear
 * and physical addresses agree: true of the whole memory the library maps
 * (tvmm_vm.h), in every mode it sets up, and so of a C guest's stack and
 * of the test binary's own data as the guest sees it.
 *
 * UCALL_SYNC	args[0] = stage, args[1] = value: the guest reports progress
 *		(and a value) and waits for the host to run it again.
 * UCALL_ASSERT	a GUEST_ASSERT*() failed: args[] as UCALL_ASSERT_* below. The
 *		expression and file name are pointers into the test binary,
 *		which the guest has a copy of; the host reads them from there.
 *		The guest repeats the ucall if it is run again.
 * UCALL_DONE	the guest code finished.
 *
 * Guest code must not call libc, so the guest side here is plain C with no
 * library calls: ucall() and __guest_assert() in lib/tvmm_ucall.c run in
 * the guest, get_ucall() and the rest on the host.
 */
#ifndef TVMM_SELFTEST_UCALL_H
#define TVMM_SELFTEST_UCALL_H

#include <stddef.h>
#include <stdnoreturn.h>
#include <linux/types.h>

/* Numbers, not enums: asm guests (tvmm_vm.h) stringify them. */
#define UCALL_PORT		0x1000

#define UCALL_NONE		0	/* the exit was not a ucall */
#define UCALL_SYNC		1
#define UCALL_ASSERT		2
#define UCALL_DONE		3

#define UCALL_MAX_ARGS		6

/* The guest-written record; the layout is fixed, asm guests fill it too. */
struct ucall {
	__u64 cmd;
	__u64 args[UCALL_MAX_ARGS];
};

#define UCALL_OFFSET_CMD	0
#define UCALL_OFFSET_ARG(n)	(8 + 8 * (n))

/* UCALL_SYNC arguments. */
#define UCALL_SYNC_STAGE	0
#define UCALL_SYNC_VALUE	1

/* UCALL_ASSERT arguments. */
#define UCALL_ASSERT_EXPR	0	/* guest address of the expression text */
#define UCALL_ASSERT_FILE	1	/* guest address of __FILE__ */
#define UCALL_ASSERT_LINE	2
#define UCALL_ASSERT_NVALS	3	/* 2 when A and B hold the two values */
#define UCALL_ASSERT_A		4
#define UCALL_ASSERT_B		5

/* Guest side. */
void ucall(__u64 cmd, __u64 arg0, __u64 arg1);
noreturn void __guest_assert(const char *expr, const char *file, __u64 line,
			     __u64 nvals, __u64 a, __u64 b);

/*
 * The return address vcpu_setup_long_mode() leaves on a 64-bit guest's
 * stack: returning from the guest code is a guest assertion failure.
 */
noreturn void __guest_code_returned(void);

#define GUEST_SYNC(stage, value)	ucall(UCALL_SYNC, (stage), (value))
#define GUEST_DONE()			ucall(UCALL_DONE, 0, 0)

#define GUEST_ASSERT(cond) do {						\
	if (!(cond))							\
		__guest_assert(#cond, __FILE__, __LINE__, 0, 0, 0);	\
} while (0)

#define GUEST_ASSERT_EQ(a, b) do {					\
	__u64 __a = (a), __b = (b);					\
									\
	if (__a != __b)							\
		__guest_assert(#a " == " #b, __FILE__, __LINE__, 2,	\
			       __a, __b);				\
} while (0)

/* Host side. */
struct tvmm_vm;
struct tvmm_vcpu;

/*
 * If the vCPU's last exit was a ucall, copy it into @uc and return its cmd;
 * else zero @uc and return UCALL_NONE. A malformed ucall (wrong size or
 * direction, a record outside guest memory, an unknown cmd) fails the test.
 */
__u64 get_ucall(struct tvmm_vcpu *vcpu, struct ucall *uc);

/*
 * Copy a NUL-terminated string at guest address @gva (identity-mapped, as
 * everything the library maps is) into @buf; "<bad address>" if it is not
 * in guest memory; truncated to @len - 1 bytes. Returns @buf.
 */
const char *ucall_guest_string(struct tvmm_vm *vm, __u64 gva, char *buf,
			       size_t len);

/*
 * "guest assert at FILE:LINE: EXPR (A vs B)" ("(A vs B)" only when the
 * assertion carried values) into @buf. Returns @buf.
 */
const char *ucall_format_assert(struct tvmm_vm *vm, const struct ucall *uc,
				char *buf, size_t len);

/*
 * Run the vCPU once and expect a GUEST_SYNC() or GUEST_DONE(): anything
 * else fails the test at the caller's line with what it was (a guest
 * assertion with its message, another exit described, with the
 * registers). Returns the cmd with @uc filled.
 */
__u64 vcpu_run_ucall_at(struct tvmm_vcpu *vcpu, struct ucall *uc,
			const char *file, int line);
#define vcpu_run_ucall(vcpu, uc)					\
	vcpu_run_ucall_at(vcpu, uc, __FILE__, __LINE__)

/* The same, expecting GUEST_SYNC(@stage, value): returns value. */
__u64 vcpu_run_expect_sync_at(struct tvmm_vcpu *vcpu, __u64 stage,
			      const char *file, int line);
#define vcpu_run_expect_sync(vcpu, stage)				\
	vcpu_run_expect_sync_at(vcpu, stage, __FILE__, __LINE__)

/* The same, expecting GUEST_DONE(). */
void vcpu_run_expect_done_at(struct tvmm_vcpu *vcpu, const char *file,
			     int line);
#define vcpu_run_expect_done(vcpu)					\
	vcpu_run_expect_done_at(vcpu, __FILE__, __LINE__)

#endif /* TVMM_SELFTEST_UCALL_H */
