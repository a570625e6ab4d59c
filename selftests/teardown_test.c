// SPDX-License-Identifier: GPL-2.0
/*
 * teardown_test - closing in any order frees everything.
 *
 * A VM lives while anything refers to it: its fd, a vCPU's fd, a vCPU's
 * mmap()ed run area (which holds the vCPU's file); /dev/tvmm's fd is only
 * the way to create VMs. So whatever the order of the closes, and however
 * the process ends (exit with everything open, SIGKILL while a vCPU is in
 * TVMM_RUN running a guest that never exits), once the last reference is
 * gone:
 *  - the module is no longer in use: delete_module() succeeds;
 *  - the guest memory is unpinned and every kernel allocation freed: used
 *    memory does not grow over many create/close cycles (a VM pins a few
 *    MiB, so a leak of its pins shows at once).
 * Until then, what is still open works: a vCPU runs after its VM's fd and
 * /dev/tvmm's are closed.
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define EXTRA_SLOT		TVMM_SLOT_FIRST_FREE
#define EXTRA_GPA		TVMM_GPA_TEST_SLOTS
#define EXTRA_SIZE		0x200000
#define CYCLES			20
#define WARMUP_CYCLES		2
/*
 * Each cycle pins about 5 MiB (low memory, the image and EXTRA_SIZE): a
 * leak of the pins grows used memory by about 100 MiB over the cycles;
 * 8 MiB leaves room for the noise of an otherwise idle system.
 */
#define LEAK_TOLERANCE_KB	(8 * 1024)
#define WAIT_SECONDS		20

/* Counts forever at EXTRA_GPA; it exits only on GUEST_SYNC(1) first. */
static void guest_count_forever(void)
{
	__u64 *counter = (__u64 *)EXTRA_GPA;

	GUEST_SYNC(1, 0);
	for (;;) {
		(*counter)++;
		asm volatile("" : : : "memory");
	}
}

static void guest_sync_forever(void)
{
	__u64 n;

	for (n = 0;; n++)
		GUEST_SYNC(1, n);
}

/* Real mode, forever, no exit at all. */
GUEST_ASM16(jmp_self16,
	    "cli\n"
	    "jmp .\n");

/*
 * A VM with its extra slot of @mem (pinned, and mapped in the guest page
 * tables) and vCPU 0 at @guest, which has run up to its first GUEST_SYNC.
 */
static struct tvmm_vm *vm_with_guest(struct tvmm_vcpu **vcpu,
				     void (*guest)(void), void *mem)
{
	struct tvmm_vm *vm = vm_create_with_one_vcpu(vcpu, guest);
	int ret;

	ret = __vm_set_memory_region(vm, EXTRA_SLOT, 0, EXTRA_GPA, EXTRA_SIZE,
				     mem);
	TEST_ASSERT(!ret, "TVMM_SET_MEMORY_REGION: %s", strerror(-ret));
	virt_map(vm, EXTRA_GPA, EXTRA_GPA, PAGE_SIZE);
	vcpu_run_expect_sync(*vcpu, 1);
	return vm;
}

static void *alloc_extra(bool shared)
{
	void *mem = mmap(NULL, EXTRA_SIZE, PROT_READ | PROT_WRITE,
			 (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS,
			 -1, 0);

	TEST_ASSERT(mem != MAP_FAILED, "mmap: %s", strerror(errno));
	return mem;
}

static void close_vm_fd(struct tvmm_vm *vm)
{
	close(vm->fd);
	vm->fd = -1;
}

static void close_dev_fd(struct tvmm_vm *vm)
{
	close(vm->dev_fd);
	vm->dev_fd = -1;
}

enum order {
	VCPUS_FIRST,
	VM_FIRST,
	DEV_FIRST,
	CHILD_EXITS,
	CHILD_KILLED_IN_RUN,
	NR_ORDERS
};

static const char * const order_names[] = {
	"vCPUs, then VM, then /dev/tvmm",
	"VM and /dev/tvmm, then the vCPU",
	"/dev/tvmm, then VM, then vCPUs",
	"a child exits with everything open",
	"a child is killed in TVMM_RUN",
};

/* One VM, closed in @order. Test failures end the test here. */
static void vm_cycle(struct __test_metadata *_metadata, enum order order)
{
	void *mem = alloc_extra(order == CHILD_KILLED_IN_RUN);
	struct tvmm_vcpu *vcpu, *vcpu1;
	struct tvmm_vm *vm;
	__u64 *counter = mem;
	int status;
	pid_t pid;

	/* Touch it all: every page is pinned, a leak of them shows. */
	memset(mem, 0x5a, EXTRA_SIZE);
	*counter = 0;
	switch (order) {
	case VCPUS_FIRST:
		vm = vm_with_guest(&vcpu, guest_sync_forever, mem);
		vcpu1 = vm_vcpu_add(vm, 1);
		vcpu_close(vcpu);
		vcpu_close(vcpu1);
		close_vm_fd(vm);
		close_dev_fd(vm);
		vm_free(vm);
		break;
	case VM_FIRST:
		vm = vm_with_guest(&vcpu, guest_sync_forever, mem);
		close_vm_fd(vm);
		close_dev_fd(vm);
		/* The vCPU, and so the VM's memory, still work. */
		EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 1));
		EXPECT_EQ(2, vcpu_run_expect_sync(vcpu, 1));
		vcpu_close(vcpu);
		vm_free(vm);
		break;
	case DEV_FIRST:
		vm = vm_with_guest(&vcpu, guest_sync_forever, mem);
		close_dev_fd(vm);
		/* The VM still makes vCPUs, and they run. */
		vcpu1 = vm_vcpu_add(vm, 1);
		vcpu_setup_long_mode(vcpu1,
				     (__u64)(unsigned long)guest_sync_forever);
		EXPECT_EQ(0, vcpu_run_expect_sync(vcpu1, 1));
		EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 1));
		close_vm_fd(vm);
		vcpu_close(vcpu1);
		vcpu_close(vcpu);
		vm_free(vm);
		break;
	case CHILD_EXITS:
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			vm_with_guest(&vcpu, guest_sync_forever, mem);
			vm_vcpu_add(vcpu->vm, 1);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) {
			TH_LOG("the child's status: %#x", status);
		}
		break;
	case CHILD_KILLED_IN_RUN:
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			vm_with_guest(&vcpu, guest_count_forever, mem);
			__vcpu_run(vcpu);
			_exit(1);
		}
		/* Kill it once the guest is seen counting: in TVMM_RUN. */
		{
			double end = now_seconds() + WAIT_SECONDS;

			while (__atomic_load_n(counter, __ATOMIC_RELAXED) < 1000 &&
			       now_seconds() < end)
				;
		}
		EXPECT_LE(1000, __atomic_load_n(counter, __ATOMIC_RELAXED));
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			TH_LOG("the child's status: %#x", status);
		}
		break;
	default:
		break;
	}
	munmap(mem, EXTRA_SIZE);
}

FIXTURE(teardown) {
	int unused;
};

FIXTURE_SETUP(teardown)
{
	TVMM_REQUIRE_MODULE();
}

FIXTURE_TEARDOWN(teardown)
{
}

/* @order, then the module is free to go. */
static void close_then_unload(struct __test_metadata *_metadata,
			      enum order order)
{
	vm_cycle(_metadata, order);
	EXPECT_EQ(0, __tvmm_unload()) {
		TH_LOG("after \"%s\": the module is still in use",
		       order_names[order]);
	}
}

TEST_F(teardown, vcpus_then_vm_then_dev)
{
	close_then_unload(_metadata, VCPUS_FIRST);
}

TEST_F(teardown, vm_first_vcpu_still_works)
{
	close_then_unload(_metadata, VM_FIRST);
}

TEST_F(teardown, dev_first_vm_still_works)
{
	close_then_unload(_metadata, DEV_FIRST);
}

TEST_F(teardown, child_exits_with_everything_open)
{
	close_then_unload(_metadata, CHILD_EXITS);
}

TEST_F_TIMEOUT(teardown, child_killed_in_run_c_loop, 60)
{
	close_then_unload(_metadata, CHILD_KILLED_IN_RUN);
}

TEST_F_TIMEOUT(teardown, child_killed_in_run_real_mode_jmp_self, 60)
{
	struct tvmm_vcpu *vcpu;
	int status, pipefd[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Killed in the run: its VM is freed by the kernel. */
		vm_create_with_asm_vcpu(&vcpu, jmp_self16_start,
					jmp_self16_end, 16);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(2);
		__vcpu_run(vcpu);
		_exit(1);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);
	/* Long enough to be in the guest; it is still there. */
	spin_for(1);
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	EXPECT_EQ(0, __tvmm_unload());
}

/* A run area still mapped holds the vCPU, and so the module. */
TEST_F(teardown, mapped_run_area_holds_the_module)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	struct tvmm_run *run;

	vm = vm_create_with_one_vcpu(&vcpu, guest_sync_forever);
	run = vcpu->run;
	vcpu->run = NULL;
	vm_free(vm);
	EXPECT_EQ(-EWOULDBLOCK, __tvmm_unload());
	/* The page is still there to read. */
	EXPECT_EQ(0, run->exit_count);
	munmap(run, PAGE_SIZE);
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_F_TIMEOUT(teardown, cycles_in_every_order_without_growth, 600)
{
	long before = 0, after;
	int i;

	ASSERT_EQ(0, __tvmm_unload());
	for (i = 0; i < WARMUP_CYCLES + CYCLES; i++) {
		if (i == WARMUP_CYCLES) {
			run_quiet("sync; echo 3 > /proc/sys/vm/drop_caches");
			before = used_memory_kb();
		}
		ASSERT_EQ(0, __tvmm_load(NULL));
		vm_cycle(_metadata, i % NR_ORDERS);
		ASSERT_EQ(0, __tvmm_unload()) {
			TH_LOG("cycle %d, \"%s\": the module is still in use",
			       i, order_names[i % NR_ORDERS]);
		}
	}
	run_quiet("sync; echo 3 > /proc/sys/vm/drop_caches");
	after = used_memory_kb();
	ksft_print_msg("used memory before %ld KiB, after %d cycles %ld KiB\n",
		       before, CYCLES, after);
	EXPECT_GT(LEAK_TOLERANCE_KB, after - before);
}

TEST_HARNESS_MAIN
