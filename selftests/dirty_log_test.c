// SPDX-License-Identifier: GPL-2.0
/*
 * dirty_log_test - TVMM_GET_DIRTY_LOG reports exactly the pages the guest
 * wrote in a TVMM_MEM_LOG_DIRTY slot since the last call, and clears the
 * log as it reads it.
 *
 * tvmm write-protects a logged slot's pages in the EPT and logs a page at
 * its first write (kmod/dirty_log.c); reading the log write-protects the
 * reported pages again and invalidates the EPT's cached translations
 * (INVEPT, SDM Vol. 3C, 29.4.3.1), so the next write to them is caught:
 * a page written in one round and again in the next is reported twice.
 * Pages only read are never reported; what the guest wrote is in memory;
 * what tvmm.ko stores for the guest (an INS) is reported too.
 * Every refusal (bad slot, flags, reserved, a bitmap too small, a slot
 * without the flag) has its errno and leaves the log as it was; a bitmap
 * tvmm cannot write loses no bit. Turning the flag off and on for the
 * same memory keeps the guest's memory and starts an empty log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmm_x86.h"

#define SLOT		TVMM_SLOT_FIRST_FREE
#define SLOT_GPA	TVMM_GPA_TEST_SLOTS
#define SLOT_PAGES	130			/* 3 words, the last in part */
#define LOG_WORDS	((SLOT_PAGES + 63) / 64)
#define NR_ROUNDS	4
#define END		-1

/*
 * The pages the guest writes in each round; in round 3, page 7 twice.
 * The last row is the page an INS writes, through tvmm.ko.
 */
#define INS_ROUND	NR_ROUNDS
#define INS_PAGE	20
#define INS_PORT	0x3000
static const int round_pages[NR_ROUNDS + 1][8] = {
	{ 0, 1, 63, 64, 129, END },
	{ 1, 5, 128, END },
	{ END },
	{ 7, 7, END },
	{ INS_PAGE, END },
};

#define READ_ONLY_PAGE	8	/* read in every round, never written */

static __u64 slot_word(__u64 page, __u64 round)
{
	return SLOT_GPA + page * PAGE_SIZE + 8 * round;
}

static void guest_code(void)
{
	__u64 r, i, sum = 0;

	for (r = 0; r < NR_ROUNDS; r++) {
		for (i = 0; round_pages[r][i] != END; i++)
			guest_write64(slot_word(round_pages[r][i], r),
				      0xd1e7000 + r);
		sum += guest_read64(slot_word(READ_ONLY_PAGE, 0));
		GUEST_SYNC(r, sum);
	}
	GUEST_DONE();
}

/* An INS into the slot: tvmm.ko stores the byte userspace gives. */
static void guest_ins(void)
{
	__u64 dst = SLOT_GPA + INS_PAGE * PAGE_SIZE;

	asm volatile("insb" : "+D"(dst) : "d"(INS_PORT) : "memory");
	GUEST_SYNC(0, 0);
	GUEST_DONE();
}

static int get_log(struct tvmm_vm *vm, __u32 slot, __u64 *bitmap,
		   __u64 size, __u32 flags, __u64 reserved)
{
	struct tvmm_dirty_log log = {
		.slot = slot,
		.flags = flags,
		.bitmap = (__u64)(unsigned long)bitmap,
		.bitmap_size = size,
		.reserved = { 0, reserved },
	};

	return ioctl(vm->fd, TVMM_GET_DIRTY_LOG, &log) ? -errno : 0;
}

/* The log of the test slot is exactly the pages of round @r (-1: none). */
static void expect_log(struct __test_metadata *_metadata, struct tvmm_vm *vm,
		       int r)
{
	__u64 got[LOG_WORDS + 1], want[LOG_WORDS] = { 0 };
	int i;

	for (i = 0; r >= 0 && round_pages[r][i] != END; i++)
		want[round_pages[r][i] / 64] |= 1ULL << (round_pages[r][i] % 64);
	/* A sentinel word: tvmm writes TVMM_DIRTY_LOG_BYTES, no more. */
	memset(got, 0xa5, sizeof(got));
	ASSERT_EQ(0, get_log(vm, SLOT, got, sizeof(got), 0, 0));
	for (i = 0; i < LOG_WORDS; i++)
		EXPECT_EQ(want[i], got[i]) {
			TH_LOG("round %d, word %d", r, i);
		}
	EXPECT_EQ(0xa5a5a5a5a5a5a5a5ULL, got[LOG_WORDS]);
}

static struct tvmm_vm *__log_vm(struct __test_metadata *_metadata,
				struct tvmm_vcpu **vcpu, __u8 **mem,
				void (*code)(void))
{
	struct tvmm_vm *vm;
	int fd = open(TVMM_DEV, O_RDWR);

	EXPECT_LE(0, fd);
	if (ioctl(fd, TVMM_CHECK_EXTENSION, TVMM_CAP_DIRTY_LOG) <= 0) {
		close(fd);
		return NULL;
	}
	close(fd);
	vm = vm_create_with_one_vcpu(vcpu, code);
	*mem = vm_add_memory(vm, SLOT, SLOT_GPA, SLOT_PAGES * PAGE_SIZE,
			     TVMM_MEM_LOG_DIRTY);
	virt_map(vm, SLOT_GPA, SLOT_GPA, SLOT_PAGES * PAGE_SIZE);
	return vm;
}

#define log_vm(m, vcpu, mem)	__log_vm(m, vcpu, mem, guest_code)

TEST(log_reports_exactly_the_pages_written)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u8 *mem;
	int r, i;

	TVMM_REQUIRE_MODULE();
	vm = log_vm(_metadata, &vcpu, &mem);
	if (!vm)
		SKIP(return, "no TVMM_CAP_DIRTY_LOG");
	/* The host's own writes are not the guest's: not logged. */
	*(__u64 *)(mem + READ_ONLY_PAGE * PAGE_SIZE) = 5;
	expect_log(_metadata, vm, -1);
	for (r = 0; r < NR_ROUNDS; r++) {
		EXPECT_EQ(5 * (r + 1), vcpu_run_expect_sync(vcpu, r));
		expect_log(_metadata, vm, r);
		/* Read, cleared: the next call has nothing new. */
		expect_log(_metadata, vm, -1);
		for (i = 0; round_pages[r][i] != END; i++)
			EXPECT_EQ(0xd1e7000 + r,
				  *(__u64 *)(mem + round_pages[r][i] *
					     PAGE_SIZE + 8 * r));
	}
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/* What tvmm.ko writes for the guest is the guest's write. */
TEST(ins_by_tvmm_is_logged)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u8 *mem;

	TVMM_REQUIRE_MODULE();
	vm = __log_vm(_metadata, &vcpu, &mem, guest_ins);
	if (!vm)
		SKIP(return, "no TVMM_CAP_DIRTY_LOG");
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_IO);
	ASSERT_EQ(TVMM_IO_IN, vcpu->run->io.direction);
	ASSERT_EQ(INS_PORT, vcpu->run->io.port);
	((__u8 *)vcpu->run)[vcpu->run->io.data_offset] = 0x5a;
	/* The store happens when the next TVMM_RUN completes the INS. */
	expect_log(_metadata, vm, -1);
	vcpu_run_expect_sync(vcpu, 0);
	expect_log(_metadata, vm, INS_ROUND);
	EXPECT_EQ(0x5a, mem[INS_PAGE * PAGE_SIZE]);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST(refusals_keep_the_log)
{
	__u64 bitmap[LOG_WORDS];
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u8 *mem;

	TVMM_REQUIRE_MODULE();
	vm = log_vm(_metadata, &vcpu, &mem);
	if (!vm)
		SKIP(return, "no TVMM_CAP_DIRTY_LOG");
	vcpu_run_expect_sync(vcpu, 0);
	EXPECT_EQ(-ENOENT, get_log(vm, TVMM_SLOT_LOWMEM, bitmap,
				   sizeof(bitmap), 0, 0));
	EXPECT_EQ(-ENOENT, get_log(vm, TVMM_MAX_MEMSLOTS - 1, bitmap,
				   sizeof(bitmap), 0, 0));
	EXPECT_EQ(-EINVAL, get_log(vm, TVMM_MAX_MEMSLOTS, bitmap,
				   sizeof(bitmap), 0, 0));
	EXPECT_EQ(-EINVAL, get_log(vm, SLOT, bitmap, sizeof(bitmap), 1, 0));
	EXPECT_EQ(-EINVAL, get_log(vm, SLOT, bitmap, sizeof(bitmap), 0, 1));
	EXPECT_EQ(-EINVAL, get_log(vm, SLOT, bitmap, sizeof(bitmap) - 8,
				   0, 0));
	EXPECT_EQ(-EINVAL, get_log(vm, SLOT, bitmap, 0, 0, 0));
	/* A bitmap tvmm cannot write: the bits stay for the next call. */
	EXPECT_EQ(-EFAULT, get_log(vm, SLOT, NULL, sizeof(bitmap), 0, 0));
	EXPECT_EQ(-EFAULT, ioctl(vm->fd, TVMM_GET_DIRTY_LOG, NULL) ? -errno :
			   0);
	expect_log(_metadata, vm, 0);
	expect_log(_metadata, vm, -1);
	vm_free(vm);
}

TEST(flag_off_and_on_keeps_memory_starts_empty)
{
	__u64 bitmap[LOG_WORDS];
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u8 *mem;

	TVMM_REQUIRE_MODULE();
	vm = log_vm(_metadata, &vcpu, &mem);
	if (!vm)
		SKIP(return, "no TVMM_CAP_DIRTY_LOG");
	vcpu_run_expect_sync(vcpu, 0);
	ASSERT_EQ(0, __vm_set_memory_region(vm, SLOT, 0, SLOT_GPA,
					    SLOT_PAGES * PAGE_SIZE, mem));
	EXPECT_EQ(-ENOENT, get_log(vm, SLOT, bitmap, sizeof(bitmap), 0, 0));
	/* Not logged now: round 1's writes leave no trace... */
	vcpu_run_expect_sync(vcpu, 1);
	ASSERT_EQ(0, __vm_set_memory_region(vm, SLOT, TVMM_MEM_LOG_DIRTY,
					    SLOT_GPA, SLOT_PAGES * PAGE_SIZE,
					    mem));
	/* ...and the log starts empty; round 0's bits went with the flag. */
	expect_log(_metadata, vm, -1);
	/* The same memory all along: the guest's writes are there. */
	EXPECT_EQ(0xd1e7000, *(__u64 *)(mem + 129 * PAGE_SIZE));
	EXPECT_EQ(0xd1e7001, *(__u64 *)(mem + 128 * PAGE_SIZE + 8));
	vcpu_run_expect_sync(vcpu, 2);
	expect_log(_metadata, vm, 2);
	vcpu_run_expect_sync(vcpu, 3);
	expect_log(_metadata, vm, 3);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST_HARNESS_MAIN
