// SPDX-License-Identifier: GPL-2.0
/*
 * ucall_test - the test library's guest-to-host channel works end to end.
 *
 * include/tvmm_ucall.h: the guest writes the guest-physical address of a
 * struct ucall to UCALL_PORT ("outl %eax, %dx"); the host sees
 * TVMM_EXIT_IO (OUT, 4 bytes, count 1) and reads the record from guest
 * memory. GUEST_SYNC(stage, value) carries both, 64 bits each;
 * GUEST_ASSERT*() carries the expression, __FILE__ and __LINE__ of the
 * failed check, and GUEST_ASSERT_EQ() both values; GUEST_DONE() ends.
 * uapi/tvmm.h: after an OUT exit, "the next TVMM_RUN completes the guest's
 * instruction", so the guest resumes after its ucall.
 *
 * The assertion cases fail in the guest on purpose: the host expects the
 * UCALL_ASSERT and checks what it says.
 */
#include <string.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

static const __u64 sync_values[] = {
	0, 1, 0xffffffffULL, 0x100000000ULL, 0x8000000000000000ULL,
	~0ULL, 0x0123456789abcdefULL,
};

#define NR_SYNCS	ARRAY_SIZE(sync_values)

/* Set by the host, read by the guest. */
static __u64 guest_input;

/* The line of the failing assertion, as the guest saw it. */
static __u64 failing_line;

/* @check on one line with recording __LINE__, for the host to compare. */
#define RECORD_LINE_AND(check) do {					\
	failing_line = __LINE__;					\
	check;								\
} while (0)

static void guest_sync_values(void)
{
	__u64 i;

	for (i = 0; i < NR_SYNCS; i++)
		GUEST_SYNC(i, sync_values[i]);
	GUEST_SYNC(NR_SYNCS, guest_input);
	GUEST_DONE();
}

static void guest_assert_eq_fails(void)
{
	GUEST_SYNC(1, guest_input);
	RECORD_LINE_AND(GUEST_ASSERT_EQ(guest_input, 42));
	GUEST_DONE();
}

static void guest_assert_fails(void)
{
	RECORD_LINE_AND(GUEST_ASSERT(guest_input == 42));
	GUEST_DONE();
}

static void guest_returns(void)
{
}

TEST(sync_carries_stage_and_value)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 i;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_sync_values);
	guest_input = 0xfeedfacecafebeefULL;
	sync_global_to_guest(vm, guest_input);

	for (i = 0; i < NR_SYNCS; i++)
		EXPECT_EQ(sync_values[i], vcpu_run_expect_sync(vcpu, i));
	EXPECT_EQ(guest_input, vcpu_run_expect_sync(vcpu, NR_SYNCS));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/*
 * Run a guest that fails an assertion after @syncs GUEST_SYNCs: the ucall
 * must say where (this file, the line the guest recorded) and what.
 */
static void expect_guest_assert(struct __test_metadata *_metadata,
				void (*guest)(void), int syncs,
				const char *expr, __u64 nvals)
{
	char buf[512], expected[512];
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	struct ucall uc;
	__u64 *args = uc.args;
	int i;

	vm = vm_create_with_one_vcpu(&vcpu, guest);
	guest_input = 41;
	sync_global_to_guest(vm, guest_input);
	for (i = 1; i <= syncs; i++)
		vcpu_run_expect_sync(vcpu, i);

	/* Twice: a guest that failed an assertion repeats it. */
	for (i = 0; i < 2; i++) {
		vcpu_run(vcpu);
		ASSERT_EQ(UCALL_ASSERT, get_ucall(vcpu, &uc));
		sync_global_from_guest(vm, failing_line);
		ASSERT_NE(0, failing_line);
		EXPECT_EQ(failing_line, args[UCALL_ASSERT_LINE]);
		ucall_guest_string(vm, args[UCALL_ASSERT_FILE], buf,
				   sizeof(buf));
		EXPECT_STREQ(__FILE__, buf);
		ucall_guest_string(vm, args[UCALL_ASSERT_EXPR], buf,
				   sizeof(buf));
		EXPECT_STREQ(expr, buf);
		EXPECT_EQ(nvals, args[UCALL_ASSERT_NVALS]);
	}
	if (nvals)
		snprintf(expected, sizeof(expected),
			 "guest assert at %s:%llu: %s (0x29 vs 0x2a)", __FILE__,
			 (unsigned long long)failing_line, expr);
	else
		snprintf(expected, sizeof(expected),
			 "guest assert at %s:%llu: %s", __FILE__,
			 (unsigned long long)failing_line, expr);
	EXPECT_STREQ(expected, ucall_format_assert(vm, &uc, buf, sizeof(buf)));
	if (nvals) {
		EXPECT_EQ(41, args[UCALL_ASSERT_A]);
		EXPECT_EQ(42, args[UCALL_ASSERT_B]);
	}
	vm_free(vm);
}

TEST(assert_eq_reports_file_line_and_values)
{
	TVMM_REQUIRE_MODULE();
	expect_guest_assert(_metadata, guest_assert_eq_fails, 1,
			    "guest_input == 42", 2);
}

TEST(assert_reports_file_line_and_expression)
{
	TVMM_REQUIRE_MODULE();
	expect_guest_assert(_metadata, guest_assert_fails, 0,
			    "guest_input == 42", 0);
}

/* Guest code that returns instead of GUEST_DONE() is a guest assertion. */
TEST(returning_guest_code_is_reported)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	struct ucall uc;
	char buf[256];

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_returns);
	vcpu_run(vcpu);
	ASSERT_EQ(UCALL_ASSERT, get_ucall(vcpu, &uc));
	EXPECT_STREQ("guest code returned without GUEST_DONE()",
		     ucall_guest_string(vm, uc.args[UCALL_ASSERT_EXPR], buf,
					sizeof(buf)));
	vm_free(vm);
}

TEST_HARNESS_MAIN
