// SPDX-License-Identifier: GPL-2.0
/*
 * vm_ioctl_errors_test - every VM and vCPU ioctl answers bad input with
 * its errno and changes nothing.
 *
 * uapi/tvmm.h: TVMM_SET_MEMORY_REGION is "-EINVAL: bad slot, flags,
 * reserved, alignment or range; -EEXIST: overlaps another slot; -EFAULT:
 * the memory cannot be pinned; -ENOMEM: over RLIMIT_MEMLOCK, or too large
 * to keep track of"; TVMM_SET_USER_MSRS is "-EINVAL, the list in force
 * unchanged: flags, an index past nmsrs not 0, nmsrs above
 * TVMM_MAX_USER_MSRS, an MSR twice, or one tvmm.ko keeps itself [...];
 * -EFAULT: a bad pointer" (user_msr_test tries them all, and what the
 * guest then sees); every struct userspace fills "has flags and
 * reserved fields that must be zero"; an argument that "must be 0" is
 * -EINVAL otherwise; an unknown command is -ENOTTY; a VM belongs to the
 * process that created it (kmod/vm.c: another mm gets -EIO).
 *
 * After every refusal the VM still works as before: a guest reads a value
 * from its low memory and one from a slot of the test's (slot 2, whose
 * number most refused requests reuse, so a request that replaced or
 * deleted it before failing would show), and the CPUID leaf the test set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmm_x86.h"

#define SLOT		TVMM_SLOT_FIRST_FREE
#define SLOT_GPA	TVMM_GPA_TEST_SLOTS
#define SLOT_SIZE	0x4000ULL
#define LOW_VALUE_GPA	TVMM_GPA_TEST_DATA
#define CPUID_OUT_GPA	(TVMM_GPA_TEST_DATA + 8)
#define TEST_LEAF	0x40000000
#define TEST_LEAF_EBX	0x7e57cafe
#define KERNEL_ADDR	0xffff888000000000ULL
#define MSR_IA32_SYSENTER_ESP_NR 0x175
#define MSR_IA32_APICBASE_NR	0x1b
#define MSR_IA32_TSC_DEADLINE_NR 0x6e0
#define MSR_EFER_NR		0xc0000080
#define MSR_LSTAR_NR		0xc0000082
#define MSR_IA32_TSC_NR		0x10

static void guest_read_forever(void)
{
	__u32 eax, ebx, ecx, edx;

	for (;;) {
		cpuid(TEST_LEAF, 0, &eax, &ebx, &ecx, &edx);
		/* Plain accesses: the ucall is a call, memory is re-read. */
		*(__u64 *)CPUID_OUT_GPA = ebx;
		GUEST_SYNC(*(__u64 *)LOW_VALUE_GPA, *(__u64 *)SLOT_GPA);
	}
}

FIXTURE(vm) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
	__u64 *slot;
	__u64 seq;
};

/* A zeroed, page-aligned buffer of one page and one unmapped after it. */
static void *page_before_hole(void)
{
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + PAGE_SIZE, PAGE_SIZE);
	return p;
}

static void set_test_cpuid(struct tvmm_vcpu *vcpu)
{
	struct tvmm_cpuid *cpuid = tvmm_cpuid_alloc(1);

	cpuid->entries[0].function = TEST_LEAF;
	cpuid->entries[0].ebx = TEST_LEAF_EBX;
	vcpu_set_cpuid(vcpu, cpuid);
	free(cpuid);
}

FIXTURE_SETUP(vm)
{
	self->vm = NULL;
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create();
	self->slot = vm_add_memory(self->vm, SLOT, SLOT_GPA, SLOT_SIZE, 0);
	virt_map(self->vm, SLOT_GPA, SLOT_GPA, SLOT_SIZE);
	self->vcpu = vm_vcpu_add(self->vm, 0);
	vcpu_setup_long_mode(self->vcpu,
			     (__u64)(unsigned long)guest_read_forever);
	set_test_cpuid(self->vcpu);
}

FIXTURE_TEARDOWN(vm)
{
	vm_free(self->vm);
}

/* The guest still reads both slots and the CPUID table set up above. */
#define EXPECT_VM_INTACT()						\
	expect_vm_intact(_metadata, self->vcpu, self->slot, &self->seq,	\
			 __LINE__)

static void expect_vm_intact(struct __test_metadata *_metadata,
			     struct tvmm_vcpu *vcpu, __u64 *slot, __u64 *seq,
			     int line)
{
	__u64 low = 0x10000 + ++*seq, high = 0x20000 + *seq;
	__u64 *lowp = addr_gpa2hva(vcpu->vm, LOW_VALUE_GPA);
	struct ucall uc;

	*lowp = low;
	*slot = high;
	if (vcpu_run_ucall_at(vcpu, &uc, __FILE__, line) != UCALL_SYNC)
		vcpu_fail_exit_at(vcpu, "GUEST_SYNC", __FILE__, line);
	EXPECT_EQ(low, uc.args[0]) TH_LOG("line %d: low memory", line);
	EXPECT_EQ(high, uc.args[1]) TH_LOG("line %d: slot %d", line, SLOT);
	EXPECT_EQ(TEST_LEAF_EBX, lowp[1]) TH_LOG("line %d: CPUID", line);
}

static int set_region(struct tvmm_vm *vm, struct tvmm_memory_region *r)
{
	return ioctl(vm->fd, TVMM_SET_MEMORY_REGION, r) ? -errno : 0;
}

TEST(create_vm_nonzero_arg_is_einval)
{
	unsigned long args[] = { 1, 0x100, ~0UL };
	int fd, i;

	TVMM_REQUIRE_MODULE();
	fd = __tvmm_open();
	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(args); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, TVMM_CREATE_VM, args[i]));
		EXPECT_EQ(EINVAL, errno);
	}
	close(fd);
}

TEST_F(vm, memory_region_bad_pointer_is_efault)
{
	void *ptrs[] = { NULL, (void *)1, (void *)KERNEL_ADDR,
			 (void *)-4096L };
	char *hole = page_before_hole();
	int i;

	for (i = 0; i < ARRAY_SIZE(ptrs); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->vm->fd, TVMM_SET_MEMORY_REGION,
				    ptrs[i]));
		EXPECT_EQ(EFAULT, errno);
	}
	/* A struct that runs into an unmapped page. */
	ASSERT_NE(NULL, hole);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vm->fd, TVMM_SET_MEMORY_REGION,
			    hole + PAGE_SIZE - 8));
	EXPECT_EQ(EFAULT, errno);
	munmap(hole, PAGE_SIZE);
	EXPECT_VM_INTACT();
}

TEST_F(vm, memory_region_bad_fields_are_einval)
{
	__u64 top = 1ULL << phys_addr_bits();
	__u64 uaddr = (unsigned long)mmap(NULL, 4 * PAGE_SIZE,
					  PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct tvmm_memory_region good = {
		.slot = SLOT,
		.guest_phys_addr = SLOT_GPA + 0x100000,
		.memory_size = 2 * PAGE_SIZE,
		.userspace_addr = uaddr,
	};
	struct {
		const char *what;
		struct tvmm_memory_region r;
	} cases[] = {
		{ "slot = max" },
		{ "slot = ~0" },
		{ "flags bit 2" },
		{ "flags bit 31" },
		{ "reserved[0]" },
		{ "reserved[1]" },
		{ "gpa + 1" },
		{ "gpa + 0x800" },
		{ "size + 1" },
		{ "size 0x1800" },
		{ "uaddr + 1" },
		{ "uaddr + 0x800" },
		{ "gpa + size wraps" },
		{ "gpa + size = 2^64" },
		{ "beyond the width" },
		{ "across the width" },
		{ "huge size" },
		{ "kernel uaddr" },
		{ "uaddr + size wraps" },
		{ "uaddr across TASK_SIZE" },
	};
	int i = 0, n = ARRAY_SIZE(cases);

	ASSERT_NE((__u64)(unsigned long)MAP_FAILED, uaddr);
	for (i = 0; i < n; i++)
		cases[i].r = good;
	i = 0;
	cases[i++].r.slot = TVMM_MAX_MEMSLOTS;
	cases[i++].r.slot = ~0U;
	cases[i++].r.flags = 0x4;	/* after TVMM_MEM_LOG_DIRTY */
	cases[i++].r.flags = 0x80000000;
	cases[i++].r.reserved[0] = 1;
	cases[i++].r.reserved[1] = 1;
	cases[i++].r.guest_phys_addr += 1;
	cases[i++].r.guest_phys_addr += 0x800;
	cases[i++].r.memory_size += 1;
	cases[i++].r.memory_size = 0x1800;
	cases[i++].r.userspace_addr += 1;
	cases[i++].r.userspace_addr += 0x800;
	cases[i].r.guest_phys_addr = -0x1000ULL;
	cases[i++].r.memory_size = 0x2000;
	cases[i].r.guest_phys_addr = -0x2000ULL;
	cases[i++].r.memory_size = 0x2000;
	cases[i++].r.guest_phys_addr = top;
	cases[i].r.guest_phys_addr = top - PAGE_SIZE;
	cases[i++].r.memory_size = 2 * PAGE_SIZE;
	cases[i++].r.memory_size = -0x1000ULL;
	cases[i++].r.userspace_addr = KERNEL_ADDR;
	cases[i++].r.userspace_addr = -0x1000ULL;
	cases[i++].r.userspace_addr = 0x00007ffffffff000ULL;
	ASSERT_EQ(n, i);

	for (i = 0; i < n; i++) {
		EXPECT_EQ(-EINVAL, set_region(self->vm, &cases[i].r)) {
			TH_LOG("case \"%s\"", cases[i].what);
		}
		EXPECT_VM_INTACT();
	}
	/* The same with the size that deletes a slot: still refused. */
	for (i = 0; i < 6; i++) {
		cases[i].r.memory_size = 0;
		EXPECT_EQ(-EINVAL, set_region(self->vm, &cases[i].r)) {
			TH_LOG("case \"%s\", size 0", cases[i].what);
		}
		EXPECT_VM_INTACT();
	}
	/* Control: the good request works (and moves slot 2), and back. */
	EXPECT_EQ(0, set_region(self->vm, &good));
	good.guest_phys_addr = SLOT_GPA;
	good.memory_size = SLOT_SIZE;
	good.userspace_addr = (unsigned long)self->slot;
	EXPECT_EQ(0, set_region(self->vm, &good));
	EXPECT_VM_INTACT();
	munmap((void *)(unsigned long)uaddr, 4 * PAGE_SIZE);
}

TEST_F(vm, memory_region_overlap_is_eexist)
{
	__u64 image = self->vm->regions[TVMM_SLOT_IMAGE].gpa;
	struct tvmm_memory_region r = {
		.slot = SLOT + 1,
		.memory_size = 2 * PAGE_SIZE,
	};
	__u64 gpas[] = {
		0, TVMM_LOWMEM_SIZE - PAGE_SIZE, image, SLOT_GPA - PAGE_SIZE,
		SLOT_GPA, SLOT_GPA + SLOT_SIZE - PAGE_SIZE,
	};
	void *mem = mmap(NULL, r.memory_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	ASSERT_NE(MAP_FAILED, mem);
	r.userspace_addr = (unsigned long)mem;
	for (i = 0; i < ARRAY_SIZE(gpas); i++) {
		r.guest_phys_addr = gpas[i];
		EXPECT_EQ(-EEXIST, set_region(self->vm, &r)) {
			TH_LOG("new slot at %#llx", (unsigned long long)gpas[i]);
		}
		EXPECT_VM_INTACT();
	}
	/* Moving slot 2 onto low memory: refused, slot 2 stays. */
	r.slot = SLOT;
	r.guest_phys_addr = TVMM_GPA_TEST_DATA;
	EXPECT_EQ(-EEXIST, set_region(self->vm, &r));
	EXPECT_VM_INTACT();
	/* Control: just past slot 2 is free. */
	r.slot = SLOT + 1;
	r.guest_phys_addr = SLOT_GPA + SLOT_SIZE;
	EXPECT_EQ(0, set_region(self->vm, &r));
	r.memory_size = 0;
	EXPECT_EQ(0, set_region(self->vm, &r));
	EXPECT_VM_INTACT();
	munmap(mem, 2 * PAGE_SIZE);
}

TEST_F(vm, memory_region_unmapped_memory_is_efault)
{
	struct tvmm_memory_region r = {
		.slot = SLOT,
		.guest_phys_addr = SLOT_GPA,
		.memory_size = 4 * PAGE_SIZE,
	};
	char *mem = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, mem);
	r.userspace_addr = (unsigned long)mem;
	/* A hole in the middle: the pages before it are pinned, then undone. */
	munmap(mem + 2 * PAGE_SIZE, PAGE_SIZE);
	EXPECT_EQ(-EFAULT, set_region(self->vm, &r));
	EXPECT_VM_INTACT();
	/* All of it unmapped, as a new slot and as slot 2 itself. */
	munmap(mem, 4 * PAGE_SIZE);
	EXPECT_EQ(-EFAULT, set_region(self->vm, &r));
	EXPECT_VM_INTACT();
	r.slot = SLOT + 1;
	r.guest_phys_addr = SLOT_GPA + SLOT_SIZE;
	EXPECT_EQ(-EFAULT, set_region(self->vm, &r));
	EXPECT_VM_INTACT();
}

/*
 * Guest RAM backed by a writable shared mapping of a file with writeback
 * behind it (ramfs here: the test machine has no disk) would lose the
 * guest's writes to the page cache's ignorance: -EOPNOTSUPP. A private
 * mapping of the same file, and shmem (a memfd), are guest RAM.
 */
TEST_F(vm, memory_region_shared_file_mapping_is_eopnotsupp)
{
	struct tvmm_memory_region r = {
		.slot = SLOT + 1,
		.guest_phys_addr = SLOT_GPA + SLOT_SIZE,
		.memory_size = 4 * PAGE_SIZE,
	};
	char dir[] = "/tmp/ramfs-XXXXXX", path[64];
	char *mem;
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	if (mount("none", dir, "ramfs", 0, NULL)) {
		rmdir(dir);
		SKIP(return, "cannot mount a ramfs: %s", strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/ram", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4 * PAGE_SIZE));

	mem = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	ASSERT_NE(MAP_FAILED, mem);
	r.userspace_addr = (unsigned long)mem;
	EXPECT_EQ(-EOPNOTSUPP, set_region(self->vm, &r));
	EXPECT_VM_INTACT();
	munmap(mem, 4 * PAGE_SIZE);

	mem = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		   fd, 0);
	ASSERT_NE(MAP_FAILED, mem);
	r.userspace_addr = (unsigned long)mem;
	EXPECT_EQ(0, set_region(self->vm, &r));
	r.memory_size = 0;
	EXPECT_EQ(0, set_region(self->vm, &r));
	munmap(mem, 4 * PAGE_SIZE);
	close(fd);

	fd = memfd_create("ram", 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4 * PAGE_SIZE));
	mem = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	ASSERT_NE(MAP_FAILED, mem);
	r.userspace_addr = (unsigned long)mem;
	r.memory_size = 4 * PAGE_SIZE;
	EXPECT_EQ(0, set_region(self->vm, &r));
	r.memory_size = 0;
	EXPECT_EQ(0, set_region(self->vm, &r));
	munmap(mem, 4 * PAGE_SIZE);
	close(fd);
	EXPECT_VM_INTACT();
	unlink(path);
	umount(dir);
	rmdir(dir);
}

/*
 * A slot as large as the guest-physical space allows (1 TiB with the test
 * machine's 40 address bits, 2^28 pages, so in a VM of its own) needs a
 * page array of 2 GiB, which kvmalloc refuses: the request is -ENOMEM and
 * the host log stays free of the WARN kvmalloc gives when not told to be
 * quiet. Nothing need be mapped at the address: the array comes before
 * any pinning. The VM takes a small slot afterwards.
 */
TEST(memory_region_huge_slot_is_enomem_without_warn)
{
	struct tvmm_memory_region r = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = 1ULL << 40,
		.userspace_addr = 0x100000000000ULL,
	};
	char first[256] = "", *mem;
	int dev, vm, watch;

	if (phys_addr_bits() != 40)
		SKIP(return, "the sizes here are for 40 physical address bits");
	dev = __tvmm_open();
	ASSERT_LE(0, dev);
	vm = ioctl(dev, TVMM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	watch = kmsg_watch_start();
	ASSERT_LE(0, watch);
	EXPECT_EQ(-1, ioctl(vm, TVMM_SET_MEMORY_REGION, &r));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(0, kmsg_watch_count(watch, "WARNING", first, sizeof(first)))
		TH_LOG("%s", first);
	kmsg_watch_stop(watch);

	mem = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	r.memory_size = PAGE_SIZE;
	r.userspace_addr = (unsigned long)mem;
	EXPECT_EQ(0, ioctl(vm, TVMM_SET_MEMORY_REGION, &r));
	close(vm);
	close(dev);
	munmap(mem, PAGE_SIZE);
}

TEST_F(vm, create_vcpu_bad_id)
{
	unsigned long ids[] = { TVMM_MAX_VCPUS, TVMM_MAX_VCPUS + 1, 0xffffffff,
				0x100000000UL, ~0UL };
	int i, fd;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->vm->fd, TVMM_CREATE_VCPU, ids[i]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("id %#lx", ids[i]);
	}
	EXPECT_EQ(-EEXIST, __vm_create_vcpu(self->vm, 0));
	EXPECT_VM_INTACT();
	/* Nothing was taken: the last id is still free, once. */
	fd = __vm_create_vcpu(self->vm, TVMM_MAX_VCPUS - 1);
	EXPECT_LE(0, fd);
	EXPECT_EQ(-EEXIST, __vm_create_vcpu(self->vm, TVMM_MAX_VCPUS - 1));
	if (fd >= 0)
		close(fd);
}

TEST_F(vm, tsc_offset_bad_input)
{
	struct tvmm_tsc_offset t = { .offset = 1 };

	t.flags = 1;
	EXPECT_EQ(-1, ioctl(self->vm->fd, TVMM_SET_TSC_OFFSET, &t));
	EXPECT_EQ(EINVAL, errno);
	t.flags = 0;
	t.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->vm->fd, TVMM_SET_TSC_OFFSET, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vm->fd, TVMM_SET_TSC_OFFSET, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_VM_INTACT();
}

static int set_user_msrs(struct tvmm_vm *vm, const struct tvmm_user_msrs *u)
{
	return ioctl(vm->fd, TVMM_SET_USER_MSRS, u) ? -errno : 0;
}

/* The list stays {IA32_APIC_BASE}: tvmm's TVMM_GET_MSRS does not read it. */
TEST_F(vm, user_msrs_bad_input)
{
	struct tvmm_user_msrs good = {
		.nmsrs = 1, .indices = { MSR_IA32_APICBASE_NR },
	};
	struct {
		const char *what;
		struct tvmm_user_msrs u;
	} cases[] = {
		{ "flags bit 0" },
		{ "flags bit 31" },
		{ "nmsrs max + 1" },
		{ "nmsrs ~0" },
		{ "index past nmsrs" },
		{ "last index past nmsrs" },
		{ "duplicate" },
		{ "EFER" },
		{ "LSTAR" },
		{ "TSC" },
	};
	char *hole = page_before_hole();
	int i = 0, n = ARRAY_SIZE(cases);
	__u64 v;

	if (ioctl(self->vm->dev_fd, TVMM_CHECK_EXTENSION,
		  TVMM_CAP_USER_MSRS) <= 0)
		SKIP(return, "no TVMM_CAP_USER_MSRS");
	ASSERT_NE(NULL, hole);
	ASSERT_EQ(0, set_user_msrs(self->vm, &good));
	for (i = 0; i < n; i++) {
		cases[i].u = good;
		cases[i].u.nmsrs = 2;
		cases[i].u.indices[1] = MSR_IA32_TSC_DEADLINE_NR;
	}
	i = 0;
	cases[i++].u.flags = 1;
	cases[i++].u.flags = 0x80000000;
	cases[i++].u.nmsrs = TVMM_MAX_USER_MSRS + 1;
	cases[i++].u.nmsrs = ~0U;
	cases[i++].u.indices[2] = 1;
	cases[i++].u.indices[TVMM_MAX_USER_MSRS - 1] = 1;
	cases[i++].u.indices[1] = MSR_IA32_APICBASE_NR;
	cases[i++].u.indices[1] = MSR_EFER_NR;
	cases[i++].u.indices[1] = MSR_LSTAR_NR;
	cases[i++].u.indices[1] = MSR_IA32_TSC_NR;
	ASSERT_EQ(n, i);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(-EINVAL, set_user_msrs(self->vm, &cases[i].u)) {
			TH_LOG("case \"%s\"", cases[i].what);
		}
		EXPECT_EQ(0, __vcpu_get_msr(self->vcpu, MSR_IA32_APICBASE_NR,
					    &v)) TH_LOG("case \"%s\"",
							cases[i].what);
	}
	EXPECT_EQ(-EFAULT, set_user_msrs(self->vm, NULL));
	EXPECT_EQ(-EFAULT, set_user_msrs(self->vm, (void *)KERNEL_ADDR));
	EXPECT_EQ(-EFAULT, set_user_msrs(self->vm, (void *)(hole + PAGE_SIZE -
							   8)));
	EXPECT_EQ(0, __vcpu_get_msr(self->vcpu, MSR_IA32_APICBASE_NR, &v));
	EXPECT_VM_INTACT();
	/* Control: an empty list gives IA32_APIC_BASE back to tvmm. */
	good.nmsrs = 0;
	good.indices[0] = 0;
	EXPECT_EQ(0, set_user_msrs(self->vm, &good));
	EXPECT_EQ(1, __vcpu_get_msr(self->vcpu, MSR_IA32_APICBASE_NR, &v));
	munmap(hole, PAGE_SIZE);
}

TEST_F(vm, run_nonzero_arg_is_einval)
{
	__u64 exits = self->vcpu->run->exit_count;

	EXPECT_EQ(-1, ioctl(self->vcpu->fd, TVMM_RUN, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(exits, self->vcpu->run->exit_count);
	EXPECT_VM_INTACT();
}

TEST_F(vm, set_cpuid_bad_input)
{
	struct tvmm_cpuid *c = tvmm_cpuid_alloc(TVMM_MAX_CPUID_ENTRIES + 1);
	char *hole = page_before_hole();
	struct tvmm_cpuid *h;
	int i;

	ASSERT_NE(NULL, hole);
	for (i = 0; i <= TVMM_MAX_CPUID_ENTRIES; i++)
		c->entries[i].function = TEST_LEAF;
	c->nent = TVMM_MAX_CPUID_ENTRIES + 1;
	EXPECT_EQ(-EINVAL, __vcpu_set_cpuid(self->vcpu, c));
	c->nent = ~0U;
	EXPECT_EQ(-EINVAL, __vcpu_set_cpuid(self->vcpu, c));
	c->nent = 1;
	c->flags = 1;
	EXPECT_EQ(-EINVAL, __vcpu_set_cpuid(self->vcpu, c));
	c->flags = 0;
	/* A bad entry anywhere in the table, here the last. */
	c->nent = 3;
	c->entries[2].flags = 0x2;
	EXPECT_EQ(-EINVAL, __vcpu_set_cpuid(self->vcpu, c));
	c->entries[2].flags = 0;
	for (i = 0; i < 3; i++) {
		c->entries[2].reserved[i] = 1;
		EXPECT_EQ(-EINVAL, __vcpu_set_cpuid(self->vcpu, c));
		c->entries[2].reserved[i] = 0;
	}
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, TVMM_SET_CPUID, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* A good header whose entries run into an unmapped page. */
	h = (struct tvmm_cpuid *)(hole + PAGE_SIZE - sizeof(*h) -
				  sizeof(h->entries[0]));
	h->nent = 2;
	h->flags = 0;
	EXPECT_EQ(-EFAULT, __vcpu_set_cpuid(self->vcpu, h));
	EXPECT_VM_INTACT();
	munmap(hole, PAGE_SIZE);
	free(c);
}

TEST_F(vm, msrs_bad_input)
{
	struct tvmm_msrs *m = calloc(1, sizeof(*m) + (TVMM_MAX_MSR_ENTRIES + 1) *
				     sizeof(m->entries[0]));
	int set;

	ASSERT_NE(NULL, m);
	vcpu_set_msr(self->vcpu, MSR_IA32_SYSENTER_ESP_NR, 0x1111000);
	for (set = 0; set < 2; set++) {
		unsigned long cmd = set ? TVMM_SET_MSRS : TVMM_GET_MSRS;
		int i;

		for (i = 0; i <= TVMM_MAX_MSR_ENTRIES; i++) {
			m->entries[i].index = MSR_IA32_SYSENTER_ESP_NR;
			m->entries[i].data = 0x2222000;
		}
		m->nmsrs = TVMM_MAX_MSR_ENTRIES + 1;
		EXPECT_EQ(-1, ioctl(self->vcpu->fd, cmd, m));
		EXPECT_EQ(EINVAL, errno) TH_LOG("set %d: nmsrs", set);
		m->nmsrs = 2;
		m->flags = 1;
		EXPECT_EQ(-1, ioctl(self->vcpu->fd, cmd, m));
		EXPECT_EQ(EINVAL, errno) TH_LOG("set %d: flags", set);
		m->flags = 0;
		m->entries[1].reserved = 1;
		EXPECT_EQ(-1, ioctl(self->vcpu->fd, cmd, m));
		EXPECT_EQ(EINVAL, errno) TH_LOG("set %d: reserved", set);
		m->entries[1].reserved = 0;
		EXPECT_EQ(-1, ioctl(self->vcpu->fd, cmd, NULL));
		EXPECT_EQ(EFAULT, errno) TH_LOG("set %d: NULL", set);
		/* The refused SET did not write entry 0 before refusing. */
		EXPECT_EQ(0x1111000,
			  vcpu_get_msr(self->vcpu, MSR_IA32_SYSENTER_ESP_NR));
	}
	EXPECT_VM_INTACT();
	free(m);
}

TEST_F(vm, exception_exits_bad_input)
{
	struct tvmm_exception_exits ex = { .vectors = 1 << 6, .flags = 1 };

	EXPECT_EQ(-1, ioctl(self->vcpu->fd, TVMM_SET_EXCEPTION_EXITS, &ex));
	EXPECT_EQ(EINVAL, errno);
	ex.flags = 0x80000000;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, TVMM_SET_EXCEPTION_EXITS, &ex));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, TVMM_SET_EXCEPTION_EXITS, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_VM_INTACT();
}

TEST_F(vm, regs_bad_pointers_are_efault)
{
	unsigned long cmds[] = { TVMM_GET_REGS, TVMM_SET_REGS, TVMM_GET_SREGS,
				 TVMM_SET_SREGS };
	void *ptrs[] = { NULL, (void *)1, (void *)KERNEL_ADDR,
			 (void *)-4096L };
	char *hole = page_before_hole();
	struct tvmm_regs before, after;
	int i, j;

	ASSERT_NE(NULL, hole);
	vcpu_get_regs(self->vcpu, &before);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		for (j = 0; j < ARRAY_SIZE(ptrs); j++) {
			errno = 0;
			EXPECT_EQ(-1, ioctl(self->vcpu->fd, cmds[i], ptrs[j]));
			EXPECT_EQ(EFAULT, errno)
				TH_LOG("ioctl %#lx, %p", cmds[i], ptrs[j]);
		}
		/* Straddling the end of the mapping. */
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->vcpu->fd, cmds[i],
				    hole + PAGE_SIZE - 16));
		EXPECT_EQ(EFAULT, errno) TH_LOG("ioctl %#lx, straddling",
						cmds[i]);
	}
	vcpu_get_regs(self->vcpu, &after);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	munmap(hole, PAGE_SIZE);
	EXPECT_VM_INTACT();
}

/* System ioctls, the other fd kind's, KVM's, and right numbers, wrong size. */
static const unsigned long common_bad_cmds[] = {
	0,
	_IO(TVMMIO, 0x7f),
	_IO(TVMMIO, 0xff),
	TVMM_GET_API_VERSION,
	TVMM_CHECK_EXTENSION,
	TVMM_GET_VMX_CAPS,
	TVMM_CREATE_VM,
	TVMM_GET_VCPU_MMAP_SIZE,
	_IO(0xAE, 0x00),		/* KVM_GET_API_VERSION */
	_IO(0xAE, 0x01),		/* KVM_CREATE_VM */
	_IO(0xAE, 0x80),		/* KVM_RUN */
};

static void expect_enotty(struct __test_metadata *_metadata, int fd,
			  const unsigned long *cmds, int n)
{
	static __u64 buf[1024];
	int i;

	for (i = 0; i < n; i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, cmds[i], buf));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("ioctl %#lx", cmds[i]);
	}
}

TEST_F(vm, unknown_ioctls_are_enotty)
{
	unsigned long vm_only[] = {
		TVMM_RUN, TVMM_GET_REGS, TVMM_SET_REGS, TVMM_GET_SREGS,
		TVMM_SET_CPUID, TVMM_SET_EXCEPTION_EXITS,
		TVMM_GET_XSAVE, TVMM_SET_XSAVE, TVMM_GET_DEBUGREGS,
		TVMM_SET_DEBUGREGS, TVMM_GET_MSR_INDEX_LIST,
		_IOW(TVMMIO, 0x10, __u64),
		_IOR(TVMMIO, 0x10, struct tvmm_memory_region),
		_IOW(TVMMIO, 0x12, __u64),
		_IO(TVMMIO, 0x13),
		_IOW(TVMMIO, 0x13, __u64),	/* wrong size */
		_IOW(TVMMIO, 0x14, __u64),	/* wrong size */
	};
	unsigned long vcpu_only[] = {
		TVMM_SET_MEMORY_REGION, TVMM_CREATE_VCPU, TVMM_SET_TSC_OFFSET,
		TVMM_SET_USER_MSRS, TVMM_GET_DIRTY_LOG, TVMM_GET_MSR_INDEX_LIST,
		_IOR(TVMMIO, 0x21, __u64),
		_IOW(TVMMIO, 0x22, __u64),
		_IOW(TVMMIO, 0x28, __u32),	/* wrong size */
		_IO(TVMMIO, 0x29),
	};

	expect_enotty(_metadata, self->vm->fd, common_bad_cmds,
		      ARRAY_SIZE(common_bad_cmds));
	expect_enotty(_metadata, self->vm->fd, vm_only, ARRAY_SIZE(vm_only));
	expect_enotty(_metadata, self->vcpu->fd, common_bad_cmds,
		      ARRAY_SIZE(common_bad_cmds));
	expect_enotty(_metadata, self->vcpu->fd, vcpu_only,
		      ARRAY_SIZE(vcpu_only));
	EXPECT_VM_INTACT();
}

TEST_F(vm, vcpu_mmap_bad_offset_or_size_is_einval)
{
	struct {
		size_t len;
		off_t off;
	} cases[] = {
		{ PAGE_SIZE, PAGE_SIZE },
		{ PAGE_SIZE, 16 * PAGE_SIZE },
		{ 2 * PAGE_SIZE, 0 },
		{ 16 * PAGE_SIZE, 0 },
	};
	void *p;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		errno = 0;
		p = mmap(NULL, cases[i].len, PROT_READ | PROT_WRITE,
			 MAP_SHARED, self->vcpu->fd, cases[i].off);
		EXPECT_EQ(MAP_FAILED, p) TH_LOG("case %d", i);
		EXPECT_EQ(EINVAL, errno) TH_LOG("case %d", i);
		if (p != MAP_FAILED)
			munmap(p, cases[i].len);
	}
	/*
	 * A private copy of the run area would stop following the vCPU at
	 * the first write: refused, like a mapping that tries to grow.
	 */
	errno = 0;
	p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->vcpu->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	if (p != MAP_FAILED)
		munmap(p, PAGE_SIZE);
	/* Control: one page at offset 0 is the run area. */
	p = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, self->vcpu->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, PAGE_SIZE, 2 * PAGE_SIZE, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_VM_INTACT();
	EXPECT_EQ(self->vcpu->run->exit_count,
		  ((struct tvmm_run *)p)->exit_count);
	munmap(p, PAGE_SIZE);
}

/* Each failed check of the child sets one bit of its exit status. */
static int child_expect(int fd, unsigned long cmd, unsigned long arg)
{
	errno = 0;
	return ioctl(fd, cmd, arg) == -1 && errno == EIO ? 0 : 1;
}

TEST_F(vm, other_process_gets_eio)
{
	struct tvmm_memory_region r = {
		.slot = SLOT + 1,
		.guest_phys_addr = SLOT_GPA + SLOT_SIZE,
		.memory_size = PAGE_SIZE,
		.userspace_addr = (unsigned long)self->slot,
	};
	struct tvmm_tsc_offset t = {};
	struct tvmm_dirty_log log = { .slot = SLOT };
	struct tvmm_debugregs dbg = { .dr7 = 0x400 };
	struct tvmm_user_msrs u = {
		.nmsrs = 1, .indices = { MSR_IA32_APICBASE_NR },
	};
	struct tvmm_regs regs;
	int status;
	__u64 v;
	pid_t pid;

	vcpu_get_regs(self->vcpu, &regs);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fail = 0;

		fail |= child_expect(self->vm->fd, TVMM_SET_MEMORY_REGION,
				     (unsigned long)&r) << 0;
		fail |= child_expect(self->vm->fd, TVMM_CREATE_VCPU, 1) << 1;
		fail |= child_expect(self->vm->fd, TVMM_SET_TSC_OFFSET,
				     (unsigned long)&t) << 2;
		fail |= child_expect(self->vcpu->fd, TVMM_RUN, 0) << 3;
		fail |= child_expect(self->vcpu->fd, TVMM_GET_REGS,
				     (unsigned long)&regs) << 4;
		fail |= child_expect(self->vcpu->fd, TVMM_SET_REGS,
				     (unsigned long)&regs) << 5;
		fail |= child_expect(self->vm->fd, TVMM_SET_USER_MSRS,
				     (unsigned long)&u) << 6;
		fail |= child_expect(self->vm->fd, TVMM_GET_DIRTY_LOG,
				     (unsigned long)&log) << 7;
		fail |= child_expect(self->vcpu->fd, TVMM_SET_DEBUGREGS,
				     (unsigned long)&dbg) << 8;
		_exit(fail);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	/* Bits: region, vcpu, tsc, run, get, set, user MSRs, log, DRs. */
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("failed checks (bits in the child's order): %#x",
		       WEXITSTATUS(status));
	}
	/* IA32_APIC_BASE is still tvmm's. */
	EXPECT_EQ(1, __vcpu_get_msr(self->vcpu, MSR_IA32_APICBASE_NR, &v));
	/* Nothing the child asked for happened: vCPU 1 is still free. */
	status = __vm_create_vcpu(self->vm, 1);
	EXPECT_LE(0, status);
	if (status >= 0)
		close(status);
	EXPECT_VM_INTACT();
}

TEST_HARNESS_MAIN
