// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm_ucall.c - the ucall channel (protocol in tvmm_ucall.h): the guest
 * side, which runs in 64-bit guests and must not call libc, then the host
 * side, which decodes the I/O exit and reads the record from guest memory.
 */
#include <stdio.h>
#include <string.h>

#include "tvmm_vm.h"

/* Guest side. */

static void ucall_send(struct ucall *uc)
{
	/* The guest-physical address of the record: identity-mapped. */
	asm volatile("outl %%eax, %%dx"
		     : : "a"((__u32)(unsigned long)uc), "d"((__u16)UCALL_PORT)
		     : "memory");
}

void ucall(__u64 cmd, __u64 arg0, __u64 arg1)
{
	struct ucall uc;

	/* Field by field: a struct initializer may become a memset call. */
	uc.cmd = cmd;
	uc.args[0] = arg0;
	uc.args[1] = arg1;
	uc.args[2] = 0;
	uc.args[3] = 0;
	uc.args[4] = 0;
	uc.args[5] = 0;
	ucall_send(&uc);
}

noreturn void __guest_assert(const char *expr, const char *file, __u64 line,
			     __u64 nvals, __u64 a, __u64 b)
{
	struct ucall uc;

	uc.cmd = UCALL_ASSERT;
	uc.args[UCALL_ASSERT_EXPR] = (__u64)(unsigned long)expr;
	uc.args[UCALL_ASSERT_FILE] = (__u64)(unsigned long)file;
	uc.args[UCALL_ASSERT_LINE] = line;
	uc.args[UCALL_ASSERT_NVALS] = nvals;
	uc.args[UCALL_ASSERT_A] = a;
	uc.args[UCALL_ASSERT_B] = b;
	for (;;)
		ucall_send(&uc);
}

/*
 * Reached by a "ret" with RSP 16-byte aligned, not as a call leaves it:
 * realign before the calls the compiler may make with SSE spills.
 */
__attribute__((force_align_arg_pointer))
noreturn void __guest_code_returned(void)
{
	__guest_assert("guest code returned without GUEST_DONE()", __FILE__,
		       __LINE__, 0, 0, 0);
}

/* Host side. */

__u64 get_ucall(struct tvmm_vcpu *vcpu, struct ucall *uc)
{
	struct tvmm_run *run = vcpu->run;
	char desc[256];
	__u32 gpa;
	void *hva;

	memset(uc, 0, sizeof(*uc));
	if (run->exit_reason != TVMM_EXIT_IO || run->io.port != UCALL_PORT)
		return UCALL_NONE;

	TEST_ASSERT(run->io.direction == TVMM_IO_OUT && run->io.size == 4 &&
		    run->io.count == 1,
		    "malformed ucall, not a 32-bit OUT: %s",
		    vcpu_describe_exit(vcpu, desc, sizeof(desc)));
	TEST_ASSERT(run->io.data_offset >= sizeof(*run) &&
		    run->io.data_offset <= vcpu->run_size - sizeof(gpa),
		    "ucall: I/O data offset %llu outside the %zu-byte run area",
		    (unsigned long long)run->io.data_offset, vcpu->run_size);
	memcpy(&gpa, (char *)run + run->io.data_offset, sizeof(gpa));

	hva = __addr_gpa2hva(vcpu->vm, gpa, sizeof(*uc));
	TEST_ASSERT(hva, "ucall record at %#x is not in guest memory", gpa);
	memcpy(uc, hva, sizeof(*uc));
	TEST_ASSERT(uc->cmd == UCALL_SYNC || uc->cmd == UCALL_ASSERT ||
		    uc->cmd == UCALL_DONE,
		    "ucall record at %#x has an unknown cmd %llu", gpa,
		    (unsigned long long)uc->cmd);
	return uc->cmd;
}

const char *ucall_guest_string(struct tvmm_vm *vm, __u64 gva, char *buf,
			       size_t len)
{
	size_t i;

	if (!len)
		return buf;
	for (i = 0; i + 1 < len; i++) {
		const char *c = __addr_gpa2hva(vm, gva + i, 1);

		if (!c) {
			snprintf(buf, len, "<bad address %#llx>",
				 (unsigned long long)gva);
			return buf;
		}
		buf[i] = *c;
		if (!*c)
			return buf;
	}
	buf[i] = '\0';
	return buf;
}

const char *ucall_format_assert(struct tvmm_vm *vm, const struct ucall *uc,
				char *buf, size_t len)
{
	const __u64 *args = uc->args;
	char expr[256], file[256];
	int n;

	ucall_guest_string(vm, args[UCALL_ASSERT_EXPR], expr, sizeof(expr));
	ucall_guest_string(vm, args[UCALL_ASSERT_FILE], file, sizeof(file));
	n = snprintf(buf, len, "guest assert at %s:%llu: %s", file,
		     (unsigned long long)args[UCALL_ASSERT_LINE], expr);
	if (args[UCALL_ASSERT_NVALS] == 2 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " (%#llx vs %#llx)",
			 (unsigned long long)args[UCALL_ASSERT_A],
			 (unsigned long long)args[UCALL_ASSERT_B]);
	return buf;
}

__u64 vcpu_run_ucall_at(struct tvmm_vcpu *vcpu, struct ucall *uc,
			const char *file, int line)
{
	__u64 cmd;

	vcpu_run(vcpu);
	cmd = get_ucall(vcpu, uc);
	if (cmd != UCALL_SYNC && cmd != UCALL_DONE)
		vcpu_fail_exit_at(vcpu, "GUEST_SYNC() or GUEST_DONE()", file,
				  line);
	return cmd;
}

__u64 vcpu_run_expect_sync_at(struct tvmm_vcpu *vcpu, __u64 stage,
			      const char *file, int line)
{
	char expected[64];
	struct ucall uc;

	vcpu_run(vcpu);
	if (get_ucall(vcpu, &uc) == UCALL_SYNC &&
	    uc.args[UCALL_SYNC_STAGE] == stage)
		return uc.args[UCALL_SYNC_VALUE];
	snprintf(expected, sizeof(expected), "GUEST_SYNC(%llu, ...)",
		 (unsigned long long)stage);
	vcpu_fail_exit_at(vcpu, expected, file, line);
}

void vcpu_run_expect_done_at(struct tvmm_vcpu *vcpu, const char *file,
			     int line)
{
	struct ucall uc;

	vcpu_run(vcpu);
	if (get_ucall(vcpu, &uc) != UCALL_DONE)
		vcpu_fail_exit_at(vcpu, "GUEST_DONE()", file, line);
}
