/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_vm.h - the guest-test library: VMs, their memory and vCPUs over the
 * ioctls of uapi/tvmm.h, vCPUs put in real, protected or long mode, guest
 * code loaded from the test binary itself, and the ucall channel
 * (tvmm_ucall.h).
 *
 * Naming: __vm_x()/__vcpu_x() return the raw result (0 or -errno, unless
 * said otherwise) for tests that check errors; vm_x()/vcpu_x() assert it
 * and fail the test with the call, errno and file:line (TEST_ASSERT).
 *
 * 64-bit guest code is C in the test file (static void guest_code(void)),
 * run from the test binary's own image: vm_create() copies the binary's
 * PT_LOAD segments (from /proc/self/exe) into guest memory at guest-physical
 * addresses equal to their virtual addresses, and the long-mode page tables
 * map them 1:1, so a function's address in the test is its address in the
 * guest. The binary must be static and non-PIE (see the Makefile). Guest
 * code must not call libc: no syscalls, no stdio, no memset/memcpy (use
 * guest_memset()/guest_memcpy() of tvmm_x86.h); it talks to the host through
 * GUEST_SYNC(), GUEST_ASSERT*() and GUEST_DONE(). What the guest sees of
 * the binary's data is the file's initial contents, not the host's current
 * values: sync_global_to_guest() copies a variable over.
 *
 * 16- and 32-bit guest code is assembly in the test file:
 *
 *	GUEST_ASM16(my_guest,
 *		    "cli\n"
 *		    "hlt\n");
 *
 * assembles it between the labels my_guest_start and my_guest_end and
 * declares them; vm_load_asm_guest(vm, my_guest_start, my_guest_end)
 * copies it to TVMM_GPA_ASM_CODE, where it runs with data segment base 0:
 * offset = linear address = guest-physical address. Its own labels are at
 * GUEST_ASM_ADDR(my_guest_start, label) there, for the assembler, and at
 * GUEST_ASM_GPA(my_guest_start, label) for the host; jumps and calls are
 * relative and need nothing.
 *
 * Guest-physical memory, the same in every VM vm_create() makes:
 *
 *   slot TVMM_SLOT_LOWMEM, 0 to 2 MiB:
 *	0x000000-0x000fff  zero (the real-mode interrupt vector table)
 *	0x001000	   GDT: TVMM_SEL_* below
 *	0x002000	   IDT of protected and long mode: all gates not
 *			   present, so an exception shuts the guest down
 *			   (TVMM_EXIT_SHUTDOWN) unless the test installs
 *			   handlers or asks for exception exits
 *	0x003000	   TSS (TR), no I/O bitmap
 *	0x004000	   struct ucall mailbox of asm guests
 *	0x005000-0x007fff  real-mode stack (SS = 0, SP = 0x8000)
 *	0x008000-0x00ffff  asm guest code (TVMM_GPA_ASM_CODE)
 *	0x010000-0x04ffff  page-table pool: PML4 at 0x10000, then tables as
 *			   virt_map() needs them
 *	0x050000-0x0fffff  free for tests (TVMM_GPA_TEST_DATA), zero
 *	0x100000-0x1fffff  64-bit and 32-bit stacks, 16 KiB per vCPU id:
 *			   vCPU n's stack ends at 0x100000 + (n + 1) * 16 KiB
 *   slot TVMM_SLOT_IMAGE: the test binary's PT_LOAD segments, at their
 *	virtual addresses (from 0x400000 for x86-64 non-PIE binaries)
 *   from TVMM_GPA_TEST_SLOTS (256 MiB): free for the test's own slots,
 *	TVMM_SLOT_FIRST_FREE onwards
 *
 * The long-mode page tables map low memory (but page 0, so that a NULL
 * dereference faults) and the image 1:1, with 4 KiB pages, supervisor,
 * writable; virt_map() adds more.
 */
#ifndef TVMM_SELFTEST_VM_H
#define TVMM_SELFTEST_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdnoreturn.h>
#include <linux/types.h>

#include "uapi/tvmm.h"
#include "tvmm_x86.h"
#include "tvmm_ucall.h"

/*
 * Library assertions: print the failed condition, errno, file:line and the
 * message, then end the test (exit(KSFT_FAIL)): the harness reports the
 * test failed. For the library and for tests' own host code alike. The
 * printf() that never runs has the compiler check the format.
 */
noreturn void test_assert_fail(const char *file, int line,
			       const char *cond, const char *fmt, ...);

#define TEST_ASSERT(cond, ...) do {					\
	if (!(cond)) {							\
		if (0)							\
			printf(__VA_ARGS__);				\
		test_assert_fail(__FILE__, __LINE__, #cond,		\
				 __VA_ARGS__);				\
	}								\
} while (0)

#define TEST_FAIL(...) do {						\
	if (0)								\
		printf(__VA_ARGS__);					\
	test_assert_fail(__FILE__, __LINE__, NULL, __VA_ARGS__);	\
} while (0)

/* Turn a numeric macro into a string, for asm guests. */
#define __TVMM_STR(x)		#x
#define TVMM_STR(x)		__TVMM_STR(x)

/* Guest-physical layout; plain numbers, asm guests stringify them. */
#define TVMM_SLOT_LOWMEM	0
#define TVMM_SLOT_IMAGE		1
#define TVMM_SLOT_FIRST_FREE	2

#define TVMM_LOWMEM_SIZE	0x200000
#define TVMM_GPA_GDT		0x1000
#define TVMM_GPA_IDT		0x2000
#define TVMM_GPA_TSS		0x3000
#define TVMM_GPA_UCALL_MAILBOX	0x4000
#define TVMM_GPA_REAL_STACK_TOP	0x8000
#define TVMM_GPA_ASM_CODE	0x8000
#define TVMM_ASM_CODE_MAX	0x8000
#define TVMM_GPA_PT_POOL	0x10000
#define TVMM_PT_POOL_PAGES	64
#define TVMM_GPA_TEST_DATA	0x50000
#define TVMM_TEST_DATA_SIZE	0xb0000
#define TVMM_GPA_STACKS		0x100000
#define TVMM_STACK_SIZE		0x4000
#define TVMM_GPA_TEST_SLOTS	0x10000000

/* The GDT at TVMM_GPA_GDT: selectors, all RPL 0. */
#define TVMM_SEL_CODE64		0x08	/* 64-bit code: L = 1, D = 0 */
#define TVMM_SEL_DATA		0x10	/* flat 4 GiB read/write data */
#define TVMM_SEL_CODE32		0x18	/* flat 4 GiB 32-bit code */
#define TVMM_SEL_TSS		0x20	/* 16 bytes: entries 4 and 5 */
#define TVMM_GDT_ENTRIES	6
#define TVMM_GDT_LIMIT		(TVMM_GDT_ENTRIES * 8 - 1)

/*
 * An asm guest called @name: @code between the labels @name_start and
 * @name_end, assembled as 16-bit (GUEST_ASM16) or 32-bit (GUEST_ASM32)
 * code in the test binary, and the C declarations of both labels. Code in
 * it runs at TVMM_GPA_ASM_CODE once vm_load_asm_guest() copied it there.
 */
#define __GUEST_ASM(name, bits, code)					\
	asm(".pushsection .text.guest, \"ax\"\n"			\
		".code" #bits "\n"					\
		#name "_start:\n"					\
		code							\
		#name "_end:\n"					\
		".code64\n"						\
		".popsection\n");					\
	extern const char name##_start[], name##_end[]
#define GUEST_ASM16(name, code)		__GUEST_ASM(name, 16, code)
#define GUEST_ASM32(name, code)		__GUEST_ASM(name, 32, code)

/* The C declaration of a label inside guest code written in asm. */
#define GUEST_ASM_LABEL(label)		extern const char label[]

/*
 * A label's address once its asm guest is at TVMM_GPA_ASM_CODE, as an
 * assembler expression, for asm guests to address their own data (data
 * segment base 0: offset = linear = guest-physical address).
 */
#define GUEST_ASM_ADDR(start, label)					\
	"(" #label " - " #start " + " TVMM_STR(TVMM_GPA_ASM_CODE) ")"

/*
 * A field of the ucall mailbox as an assembler expression. Asm guests
 * write only the low halves of its fields; the high halves stay zero, as
 * the library left them.
 */
#define GUEST_ASM_MAILBOX(offset)					\
	TVMM_STR(TVMM_GPA_UCALL_MAILBOX) "+" TVMM_STR(offset)

/* Send the mailbox to the host as a ucall of @cmd. Clobbers EAX, EDX. */
#define GUEST_ASM_UCALL(cmd)						\
	"movl $" TVMM_STR(cmd) ", " GUEST_ASM_MAILBOX(UCALL_OFFSET_CMD) "\n" \
	"movw $" TVMM_STR(UCALL_PORT) ", %dx\n"				\
	"movl $" TVMM_STR(TVMM_GPA_UCALL_MAILBOX) ", %eax\n"		\
	"outl %eax, %dx\n"

/*
 * GUEST_SYNC(@stage, @value) from asm: @stage a number, @value "$n" or a
 * 32-bit register. Clobbers EAX, EDX.
 */
#define GUEST_ASM_SYNC(stage, value)					\
	"movl $" TVMM_STR(stage) ", "					\
	GUEST_ASM_MAILBOX(UCALL_OFFSET_ARG(UCALL_SYNC_STAGE)) "\n"	\
	"movl " value ", "						\
	GUEST_ASM_MAILBOX(UCALL_OFFSET_ARG(UCALL_SYNC_VALUE)) "\n"	\
	GUEST_ASM_UCALL(UCALL_SYNC)

#define GUEST_ASM_DONE		GUEST_ASM_UCALL(UCALL_DONE)

/* A memory slot the library created (hva != NULL). */
struct tvmm_mem_region {
	void *hva;
	__u64 gpa;
	__u64 size;
	__u32 flags;
};

struct tvmm_vcpu {
	struct tvmm_vm *vm;
	__u32 id;
	int fd;
	struct tvmm_run *run;		/* mmap()ed on fd */
	size_t run_size;
};

struct tvmm_vm {
	int dev_fd;			/* /dev/tvmm, -1 if offline */
	int fd;				/* the VM, -1 if offline */
	size_t run_size;		/* TVMM_GET_VCPU_MMAP_SIZE */
	struct tvmm_mem_region regions[TVMM_MAX_MEMSLOTS]; /* by slot */
	__u64 pgd;			/* GPA of the PML4, 0 if none */
	unsigned int pt_pages;		/* pool pages used */
	struct tvmm_vcpu *vcpus[TVMM_MAX_VCPUS];
};

/*
 * VMs. vm_create(): a VM with low memory (GDT, TSS, page tables) and the
 * test binary's image. vm_create_barebones(): the VM file descriptor and
 * nothing else. vm_create_offline(): vm_create()'s guest memory in host
 * memory only, no kernel object, for unit tests of the library. vm_free()
 * closes and unmaps everything, vCPUs included.
 */
struct tvmm_vm *vm_create(void);
struct tvmm_vm *vm_create_barebones(void);
struct tvmm_vm *vm_create_offline(void);
void vm_free(struct tvmm_vm *vm);

/* vm_create() and vCPU 0 in long mode at @guest_code. */
struct tvmm_vm *vm_create_with_one_vcpu(struct tvmm_vcpu **vcpu,
					void (*guest_code)(void));

/*
 * vm_create() and vCPU 0 at the asm guest [@start, @end), copied to
 * TVMM_GPA_ASM_CODE: @bits 16 (GUEST_ASM16) in real mode at
 * 0000:TVMM_GPA_ASM_CODE, @bits 32 (GUEST_ASM32) in protected mode.
 */
struct tvmm_vm *vm_create_with_asm_vcpu(struct tvmm_vcpu **vcpu,
					const void *start, const void *end,
					unsigned int bits);

/* TVMM_SET_MEMORY_REGION as given (size 0 deletes the slot). */
int __vm_set_memory_region(struct tvmm_vm *vm, __u32 slot, __u32 flags,
			   __u64 gpa, __u64 size, void *hva);

/* A new slot of zeroed anonymous memory; returns its host address. */
void *vm_add_memory(struct tvmm_vm *vm, __u32 slot, __u64 gpa, __u64 size,
		    __u32 flags);

/* Delete a slot vm_add_memory() made, and unmap its memory. */
void vm_remove_memory(struct tvmm_vm *vm, __u32 slot);

/*
 * The host address of guest-physical [@gpa, @gpa + @size), which must lie
 * in one slot: NULL if it does not (__), else the test fails.
 */
void *__addr_gpa2hva(struct tvmm_vm *vm, __u64 gpa, __u64 size);
void *addr_gpa2hva(struct tvmm_vm *vm, __u64 gpa);

/* Copy to or from guest-physical memory (asserts it is there). */
void vm_write_guest(struct tvmm_vm *vm, __u64 gpa, const void *src,
		    size_t len);
void vm_read_guest(struct tvmm_vm *vm, __u64 gpa, void *dst, size_t len);

/*
 * A variable of the test binary (a global or a static), copied between the
 * host and the guest's copy of the image: vm_sync_to_guest() writes the
 * host's @len bytes at @var to the same address in the guest.
 */
void vm_sync_to_guest(struct tvmm_vm *vm, const void *var, size_t len);
void vm_sync_from_guest(struct tvmm_vm *vm, void *var, size_t len);
#define sync_global_to_guest(vm, g)	vm_sync_to_guest(vm, &(g), sizeof(g))
#define sync_global_from_guest(vm, g)	vm_sync_from_guest(vm, &(g), sizeof(g))

/*
 * Map [@gva, @gva + @size) to [@gpa, ...) in the long-mode page tables,
 * 4 KiB pages, supervisor, writable; page-aligned; no page already mapped.
 */
void virt_map(struct tvmm_vm *vm, __u64 gva, __u64 gpa, __u64 size);

/* Walk the library's page tables: false if @gva is not mapped. */
bool __addr_gva2gpa(struct tvmm_vm *vm, __u64 gva, __u64 *gpa);
__u64 addr_gva2gpa(struct tvmm_vm *vm, __u64 gva);

/*
 * Make @handler, 64-bit guest code, the handler of @vector in the library's
 * IDT: a present DPL-0 64-bit interrupt gate (SDM Vol. 3A, 7.14.1 "64-Bit
 * Mode IDT"), so IF is 0 inside it.
 */
void vm_set_idt_gate(struct tvmm_vm *vm, unsigned int vector,
		     const void *handler);

/* Copy asm guest code [@start, @end) to TVMM_GPA_ASM_CODE; returns that. */
__u64 vm_load_asm_guest(struct tvmm_vm *vm, const void *start,
			const void *end);

/* Where @label of the asm guest beginning at @start is, once loaded. */
#define GUEST_ASM_GPA(start, label)					\
	(TVMM_GPA_ASM_CODE +						\
	 (__u64)((unsigned long)(label) - (unsigned long)(start)))

/* vCPUs. __vm_create_vcpu(): TVMM_CREATE_VCPU, a fd or -errno. */
int __vm_create_vcpu(struct tvmm_vm *vm, __u32 id);

/* A vCPU with its struct tvmm_run mapped, in the state tvmm gives it. */
struct tvmm_vcpu *vm_vcpu_add(struct tvmm_vm *vm, __u32 id);

/*
 * Unmap the vCPU's struct tvmm_run and close its fd ahead of vm_free(),
 * which then skips them: for tests of what outlives what.
 */
void vcpu_close(struct tvmm_vcpu *vcpu);

/* TVMM_RUN: 0 or -errno (-EINTR for a signal); vcpu_run() asserts 0. */
int __vcpu_run(struct tvmm_vcpu *vcpu);
void vcpu_run(struct tvmm_vcpu *vcpu);

int __vcpu_get_regs(struct tvmm_vcpu *vcpu, struct tvmm_regs *regs);
int __vcpu_set_regs(struct tvmm_vcpu *vcpu, const struct tvmm_regs *regs);
int __vcpu_get_sregs(struct tvmm_vcpu *vcpu, struct tvmm_sregs *sregs);
int __vcpu_set_sregs(struct tvmm_vcpu *vcpu, const struct tvmm_sregs *sregs);
void vcpu_get_regs(struct tvmm_vcpu *vcpu, struct tvmm_regs *regs);
void vcpu_set_regs(struct tvmm_vcpu *vcpu, const struct tvmm_regs *regs);
void vcpu_get_sregs(struct tvmm_vcpu *vcpu, struct tvmm_sregs *sregs);
void vcpu_set_sregs(struct tvmm_vcpu *vcpu, const struct tvmm_sregs *sregs);

/*
 * The segment, control and descriptor-table registers of each mode, as a
 * CPU holds them after loading them from the library's GDT. Pure: they
 * only fill @sregs (all of it) from the VM's layout.
 *
 * Real mode: CS = @cs (base @cs * 16), DS, ES, FS, GS and SS = 0, 64 KiB
 * limits; CR0 = ET (caches on, no protection); the IVT at 0.
 * Protected mode: flat 4 GiB CS (TVMM_SEL_CODE32) and data, no paging,
 * CR0 = PE | MP | ET | NE.
 * Long mode (IA-32e, 64-bit submode): CS = TVMM_SEL_CODE64 (L = 1, D = 0),
 * flat data, CR0 = PE | MP | ET | NE | WP | PG, CR4 = PAE | OSFXSR |
 * OSXMMEXCPT, CR3 = the library's PML4, EFER = LME | LMA.
 * All: TR = the library's TSS (busy), LDTR unusable, the library's GDT and
 * IDT, CR2 = CR8 = 0.
 */
void vm_sregs_real_mode(struct tvmm_vm *vm, struct tvmm_sregs *sregs,
			__u16 cs);
void vm_sregs_protected_mode(struct tvmm_vm *vm, struct tvmm_sregs *sregs);
void vm_sregs_long_mode(struct tvmm_vm *vm, struct tvmm_sregs *sregs);

/*
 * Put the vCPU in a mode, at an entry point, with every general-purpose
 * register zero and RFLAGS = 0x2 (interrupts disabled).
 * Real mode: CS:IP = @cs:@ip, SS:SP = 0:TVMM_GPA_REAL_STACK_TOP.
 * Protected mode: EIP = @eip, ESP = the vCPU's stack.
 * Long mode: RIP = @rip, RSP = the vCPU's stack as a call leaves it (RSP + 8
 * 16-byte aligned), with a return address that reports "guest code
 * returned" as a guest assertion.
 */
void vcpu_setup_real_mode(struct tvmm_vcpu *vcpu, __u16 cs, __u16 ip);
void vcpu_setup_protected_mode(struct tvmm_vcpu *vcpu, __u32 eip);
void vcpu_setup_long_mode(struct tvmm_vcpu *vcpu, __u64 rip);

/* The top of vCPU @id's stack (TVMM_GPA_STACKS). */
__u64 vcpu_stack_top(__u32 id);

/* Pass up to 6 arguments to 64-bit guest code: RDI, RSI, RDX, RCX, R8, R9. */
void vcpu_args_set(struct tvmm_vcpu *vcpu, unsigned int n, ...);

/* CPUID: a zeroed table of @nent entries (free() it), and TVMM_SET_CPUID. */
struct tvmm_cpuid *tvmm_cpuid_alloc(__u32 nent);
int __vcpu_set_cpuid(struct tvmm_vcpu *vcpu, const struct tvmm_cpuid *cpuid);
void vcpu_set_cpuid(struct tvmm_vcpu *vcpu, const struct tvmm_cpuid *cpuid);

/*
 * MSRs. tvmm_msrs_alloc(): a zeroed list of @nmsrs entries (free() it).
 * __vcpu_get_msrs()/__vcpu_set_msrs(): the ioctl's result, the number
 * of entries processed, or -errno. One MSR: __vcpu_get_msr()/__vcpu_set_msr()
 * return 1 when done, 0 when tvmm does not virtualize it, or -errno;
 * vcpu_get_msr()/vcpu_set_msr() assert 1.
 */
struct tvmm_msrs *tvmm_msrs_alloc(__u32 nmsrs);
int __vcpu_get_msrs(struct tvmm_vcpu *vcpu, struct tvmm_msrs *msrs);
int __vcpu_set_msrs(struct tvmm_vcpu *vcpu, const struct tvmm_msrs *msrs);
int __vcpu_get_msr(struct tvmm_vcpu *vcpu, __u32 index, __u64 *value);
int __vcpu_set_msr(struct tvmm_vcpu *vcpu, __u32 index, __u64 value);
__u64 vcpu_get_msr(struct tvmm_vcpu *vcpu, __u32 index);
void vcpu_set_msr(struct tvmm_vcpu *vcpu, __u32 index, __u64 value);

/* TVMM_SET_EXCEPTION_EXITS: bit n exits on exception vector n. */
/* TVMM_INTERRUPT; 0 or -errno (flags and reserved: to test refusals). */
int __vcpu_interrupt(struct tvmm_vcpu *vcpu, __u32 vector, __u32 flags,
		     __u64 reserved);

int __vcpu_set_exception_exits(struct tvmm_vcpu *vcpu, __u32 vectors);
void vcpu_set_exception_exits(struct tvmm_vcpu *vcpu, __u32 vectors);

/*
 * TVMM_GET_VCPU_STATS with a correct header: 0 or -errno; vcpu_get_stats()
 * asserts 0. vcpu_exit_count(): the exits of basic exit reason @reason so
 * far (SDM Vol. 3D, Appendix C).
 */
int __vcpu_get_stats(struct tvmm_vcpu *vcpu, struct tvmm_vcpu_stats *stats);
void vcpu_get_stats(struct tvmm_vcpu *vcpu, struct tvmm_vcpu_stats *stats);
__u64 vcpu_exit_count(struct tvmm_vcpu *vcpu, __u32 reason);

/* "IO", "HLT", ...; "exit N" for a number tvmm does not define. */
const char *exit_reason_str(__u32 reason);

/* The last exit in words, with its data (port, address, error...). */
const char *vcpu_describe_exit(struct tvmm_vcpu *vcpu, char *buf,
			       size_t len);

/* Registers and segments, for a failure message ("# "-prefixed lines). */
void vcpu_dump(FILE *stream, struct tvmm_vcpu *vcpu);

/*
 * Fail the test at @file:@line: "expected @expected, got" the vCPU's last
 * exit, in words: a guest assertion with its message, another ucall, or
 * the exit with its data and the registers.
 */
noreturn void vcpu_fail_exit_at(struct tvmm_vcpu *vcpu, const char *expected,
				const char *file, int line);

/*
 * Run once and expect an exit of @reason that is not a ucall: anything
 * else, a guest assertion included, fails the test at the caller's line.
 */
void vcpu_run_expect_exit_at(struct tvmm_vcpu *vcpu, __u32 reason,
			     const char *file, int line);
#define vcpu_run_expect_exit(vcpu, reason)				\
	vcpu_run_expect_exit_at(vcpu, reason, __FILE__, __LINE__)

/*
 * Run once and expect TVMM_EXIT_EXCEPTION of @vector at @rip, with error
 * code @error_code (-1: none), and the guest's RIP still at @rip (the
 * instruction did not complete); then move RIP to @resume for the next
 * run. Anything else fails the test at the caller's line. @rip and
 * @resume may be labels of guest code (GUEST_ASM_LABEL()) or numbers.
 */
void vcpu_run_expect_exception_at(struct tvmm_vcpu *vcpu, __u32 vector,
				  __s64 error_code, __u64 rip, __u64 resume,
				  const char *file, int line);
#define vcpu_run_expect_exception(vcpu, vector, error_code, rip, resume) \
	vcpu_run_expect_exception_at(vcpu, vector, error_code,		\
				     (__u64)(unsigned long)(rip),	\
				     (__u64)(unsigned long)(resume),	\
				     __FILE__, __LINE__)

/* Fail the test unless the last exit is @reason. */
void vcpu_assert_exit_at(struct tvmm_vcpu *vcpu, __u32 reason,
			 const char *file, int line);
#define TEST_ASSERT_EXIT_REASON(vcpu, reason)				\
	vcpu_assert_exit_at(vcpu, reason, __FILE__, __LINE__)

#endif /* TVMM_SELFTEST_VM_H */
