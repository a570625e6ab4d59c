// SPDX-License-Identifier: GPL-2.0
/*
 * memory_isolation_test - a guest reaches its own slots and nothing else.
 *
 * uapi/tvmm.h: a slot maps guest-physical [guest_phys_addr, + memory_size)
 * to the caller's memory at userspace_addr; TVMM_EXIT_MMIO is "memory
 * outside RAM". So:
 *  - inside a slot, the guest reads what the host wrote at the same
 *    offset, and the host sees the guest's writes at the right offsets;
 *  - everywhere else in the guest-physical space, up to the top of the
 *    physical-address width, every access is an MMIO exit with its
 *    address: just below and above each slot, the gap above low memory,
 *    the APIC page, 4 GiB, the top of the width, and the host-physical
 *    addresses of the host's own pages (a guest must not reach host
 *    memory by its physical address);
 *  - the host memory just outside a slot's backing (guard pages on both
 *    sides, in the same mapping) is never touched.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define SLOT_A		TVMM_SLOT_FIRST_FREE
#define SLOT_B		(TVMM_SLOT_FIRST_FREE + 1)
#define GPA_A		TVMM_GPA_TEST_SLOTS
#define GPA_B		0x40000000ULL
#define SLOT_SIZE	0x10000ULL
#define GUARD_BYTE	0xee
#define MMIO_TAG	0x4d4d4d4d00000000ULL
#define MAX_PROBES	32

/* In the guest's copy of the image, set by the host. */
static __u64 probes[MAX_PROBES];
static __u64 nr_probes;

static void guest_code(void)
{
	__u64 i;

	for (i = 0; i < nr_probes; i++)
		GUEST_SYNC(i, guest_read64(probes[i]));
	guest_write64(GPA_A, 0x1111);
	guest_write64(GPA_A + SLOT_SIZE - 8, 0x2222);
	guest_write64(GPA_B + 0x2000, 0x3333);
	/* Outside: MMIO, the guards stay as they were. */
	guest_write64(GPA_A + SLOT_SIZE, 0x4444);
	guest_write64(GPA_A - 8, 0x5555);
	guest_write64(GPA_B + SLOT_SIZE, 0x6666);
	GUEST_DONE();
}

/* A slot's backing with a guard page on each side; returns the slot part. */
static __u64 *alloc_guarded(void)
{
	char *p = mmap(NULL, SLOT_SIZE + 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	TEST_ASSERT(p != MAP_FAILED, "mmap");
	memset(p, GUARD_BYTE, SLOT_SIZE + 2 * PAGE_SIZE);
	return (__u64 *)(p + PAGE_SIZE);
}

static bool guard_intact(const __u64 *slot)
{
	const unsigned char *lo = (const unsigned char *)slot - PAGE_SIZE;
	const unsigned char *hi = (const unsigned char *)slot + SLOT_SIZE;
	int i;

	for (i = 0; i < PAGE_SIZE; i++)
		if (lo[i] != GUARD_BYTE || hi[i] != GUARD_BYTE)
			return false;
	return true;
}

/* The host-physical address of the page at @va, 0 if unknown. */
static __u64 host_phys(const void *va)
{
	__u64 entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry),
		  (unsigned long)va / PAGE_SIZE * sizeof(entry)) != sizeof(entry))
		entry = 0;
	close(fd);
	if (!(entry & BIT_ULL(63)))
		return 0;
	return (entry & (BIT_ULL(55) - 1)) << PAGE_SHIFT;
}

/* The host address of @gpa if a slot holds it, else NULL. */
static __u64 *slot_hva(struct tvmm_vm *vm, __u64 *a, __u64 *b, __u64 gpa)
{
	if (gpa >= GPA_A && gpa < GPA_A + SLOT_SIZE)
		return a + (gpa - GPA_A) / 8;
	if (gpa >= GPA_B && gpa < GPA_B + SLOT_SIZE)
		return b + (gpa - GPA_B) / 8;
	return __addr_gpa2hva(vm, gpa, 8);
}

static void add_probe(struct tvmm_vm *vm, __u64 gpa)
{
	__u64 page = gpa & ~(PAGE_SIZE - 1), unused;

	TEST_ASSERT(nr_probes < MAX_PROBES, "too many probes");
	if (!__addr_gva2gpa(vm, page, &unused))
		virt_map(vm, page, page, PAGE_SIZE);
	probes[nr_probes++] = gpa;
}

TEST(guest_reaches_its_slots_and_nothing_else)
{
	__u64 *a = alloc_guarded(), *b = alloc_guarded();
	__u64 top, image_end, hpa[3], i, off;
	struct tvmm_mem_region *image;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	struct tvmm_run *run;
	unsigned int bits;
	struct ucall uc;

	TVMM_REQUIRE_MODULE();
	bits = phys_addr_bits();
	/* Probes are identity-mapped: keep them canonical. */
	top = 1ULL << (bits < 47 ? bits : 47);
	for (off = 0; off < SLOT_SIZE; off += 8) {
		a[off / 8] = 0xa000000000000000ULL | off;
		b[off / 8] = 0xb000000000000000ULL | off;
	}
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	run = vcpu->run;
	image = &vm->regions[TVMM_SLOT_IMAGE];
	image_end = image->gpa + image->size;
	ASSERT_EQ(0, __vm_set_memory_region(vm, SLOT_A, 0, GPA_A, SLOT_SIZE,
					    a));
	ASSERT_EQ(0, __vm_set_memory_region(vm, SLOT_B, 0, GPA_B, SLOT_SIZE,
					    b));
	virt_map(vm, GPA_A, GPA_A, SLOT_SIZE);
	virt_map(vm, GPA_B, GPA_B, SLOT_SIZE);

	/* Inside the slots. */
	add_probe(vm, GPA_A);
	add_probe(vm, GPA_A + 0x1230);
	add_probe(vm, GPA_A + SLOT_SIZE - 8);
	add_probe(vm, GPA_B);
	add_probe(vm, GPA_B + SLOT_SIZE - 8);
	/* Outside every slot. */
	add_probe(vm, GPA_A - 8);
	add_probe(vm, GPA_A + SLOT_SIZE);
	add_probe(vm, GPA_B - 8);
	add_probe(vm, GPA_B + SLOT_SIZE);
	add_probe(vm, TVMM_LOWMEM_SIZE);
	if (image->gpa - TVMM_LOWMEM_SIZE >= PAGE_SIZE)
		add_probe(vm, image->gpa - 8);
	add_probe(vm, (image_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	add_probe(vm, 0xfee00000);
	add_probe(vm, 0xfffffff8);
	add_probe(vm, 0x100000000ULL);
	add_probe(vm, top / 2);
	add_probe(vm, top - 8);
	/* The host's own pages, by their host-physical addresses. */
	hpa[0] = host_phys((char *)a - PAGE_SIZE);
	hpa[1] = host_phys(a);
	hpa[2] = host_phys(&nr_probes);
	for (i = 0; i < 3; i++)
		if (hpa[i] && hpa[i] < top && !slot_hva(vm, a, b, hpa[i]))
			add_probe(vm, hpa[i]);
	ksft_print_msg("%llu probes, width %u bits; host pages at %#llx %#llx %#llx\n",
		       (unsigned long long)nr_probes, bits,
		       (unsigned long long)hpa[0], (unsigned long long)hpa[1],
		       (unsigned long long)hpa[2]);
	sync_global_to_guest(vm, probes);
	sync_global_to_guest(vm, nr_probes);

	for (i = 0; i < nr_probes; i++) {
		__u64 *hva = slot_hva(vm, a, b, probes[i]);
		__u64 expect = hva ? *hva : MMIO_TAG | i;

		vcpu_run(vcpu);
		if (!hva) {
			TEST_ASSERT_EXIT_REASON(vcpu, TVMM_EXIT_MMIO);
			EXPECT_EQ(probes[i], run->mmio.phys_addr);
			EXPECT_EQ(8, run->mmio.len);
			EXPECT_EQ(0, run->mmio.is_write);
			memcpy(run->mmio.data, &expect, 8);
			vcpu_run(vcpu);
		}
		if (get_ucall(vcpu, &uc) != UCALL_SYNC)
			vcpu_fail_exit_at(vcpu, "GUEST_SYNC", __FILE__,
					  __LINE__);
		EXPECT_EQ(i, uc.args[UCALL_SYNC_STAGE]);
		EXPECT_EQ(expect, uc.args[UCALL_SYNC_VALUE]) {
			TH_LOG("probe %llu at %#llx (%s)",
			       (unsigned long long)i,
			       (unsigned long long)probes[i],
			       hva ? "in a slot" : "MMIO");
		}
	}

	/* The writes outside: MMIO exits with their addresses and data. */
	{
		__u64 outside[][2] = {
			{ GPA_A + SLOT_SIZE, 0x4444 },
			{ GPA_A - 8, 0x5555 },
			{ GPA_B + SLOT_SIZE, 0x6666 },
		};
		__u64 data;

		for (i = 0; i < ARRAY_SIZE(outside); i++) {
			vcpu_run_expect_exit(vcpu, TVMM_EXIT_MMIO);
			EXPECT_EQ(outside[i][0], run->mmio.phys_addr);
			EXPECT_EQ(1, run->mmio.is_write);
			EXPECT_EQ(8, run->mmio.len);
			memcpy(&data, run->mmio.data, 8);
			EXPECT_EQ(outside[i][1], data);
		}
	}
	vcpu_run_expect_done(vcpu);

	/* The writes inside, at their offsets, and nothing else. */
	for (off = 0; off < SLOT_SIZE; off += 8) {
		__u64 ea = 0xa000000000000000ULL | off;
		__u64 eb = 0xb000000000000000ULL | off;

		if (off == 0)
			ea = 0x1111;
		if (off == SLOT_SIZE - 8)
			ea = 0x2222;
		if (off == 0x2000)
			eb = 0x3333;
		EXPECT_EQ(ea, a[off / 8]) TH_LOG("slot A offset %#llx",
						 (unsigned long long)off);
		EXPECT_EQ(eb, b[off / 8]) TH_LOG("slot B offset %#llx",
						 (unsigned long long)off);
	}
	EXPECT_TRUE(guard_intact(a));
	EXPECT_TRUE(guard_intact(b));
	vm_free(vm);
	munmap((char *)a - PAGE_SIZE, SLOT_SIZE + 2 * PAGE_SIZE);
	munmap((char *)b - PAGE_SIZE, SLOT_SIZE + 2 * PAGE_SIZE);
}

TEST_HARNESS_MAIN
