// SPDX-License-Identifier: GPL-2.0
/*
 * demo ept: memory virtualization (demos/ept.c). Guest RAM is tvmmctl's
 * memory, mapped by EPT: the guest writes it without an exit. A read-only
 * slot traps writes; addresses outside every slot go to a device model
 * (MMIO) or nowhere; nothing reaches the host's other memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "demo/demo.h"
#include "lib/x86.h"

#define RAM_SIZE	(2ULL << 20)
#define ROM_SLOT	1
#define ROM_SIZE	4096ULL
#define MMIO_SIZE	0x1000ULL
#define SECRET		"the host's own data, not the guest's"
#define ROM_WORD	0x100		/* the word the guest writes */

struct ept_priv {
	__u8 *rom;
	char *secret;			/* host memory the guest must not reach */
	__u64 scratch;			/* the MMIO device's register */
	__u64 rom_write_gpa;
	unsigned int rom_writes, mmio, beyond;
};

/* The host-physical address behind @hva, from /proc/self/pagemap; 0 if hidden. */
static __u64 host_phys(const void *hva)
{
	long page = sysconf(_SC_PAGESIZE);
	__u64 entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, 8, (unsigned long)hva / page * 8) != 8)
		entry = 0;
	close(fd);
	/* Bit 63: present; bits 54:0: the frame (0 without CAP_SYS_ADMIN). */
	if (!(entry >> 63))
		return 0;
	return (entry & ((1ULL << 55) - 1)) * page +
	       (unsigned long)hva % page;
}

/*
 * The guest's own translation of @gva: a walk of its 4-level page tables
 * from @cr3, in guest RAM (SDM Vol. 3A, 4.5). Returns the guest-physical
 * address, or ~0 when a table is missing or outside RAM.
 */
static __u64 guest_walk(struct demo_vm *vm, __u64 cr3, __u64 gva,
			char *path, size_t len)
{
	static const char *const names[] = { "PML4E", "PDPTE", "PDE", "PTE" };
	__u64 table = cr3 & PTE_ADDR_MASK, e = 0;
	size_t n = 0;
	int level;

	for (level = 0; level < 4; level++) {
		unsigned int shift = 39 - 9 * level;
		__u64 *entry = demo_vm_gpa(vm, table +
					   ((gva >> shift) & 511) * 8, 8);

		if (!entry)
			return ~0ULL;
		e = *entry;
		n += snprintf(path + n, len - n, "%s%s 0x%llx", n ? ", " : "",
			      names[level], (unsigned long long)e);
		if (n >= len || !(e & PTE_PRESENT))
			return ~0ULL;
		if (level > 0 && level < 3 && (e & PTE_LARGE))
			return (e & PTE_ADDR_MASK & ~((1ULL << shift) - 1)) |
			       (gva & ((1ULL << shift) - 1));
		table = e & PTE_ADDR_MASK;
	}
	return (e & PTE_ADDR_MASK) | (gva & 4095);
}

static int ept_exit(struct demo_vm *vm)
{
	struct ept_priv *p = vm->priv;
	struct tvmm_run *run = demo_vm_run_area(vm);
	__u64 gpa = run->mmio.phys_addr, val = 0;
	const char *what;

	if (run->exit_reason != TVMM_EXIT_MMIO)
		return VMM_HOOK_PASS;
	memcpy(&val, run->mmio.data, sizeof(val));
	if (gpa >= DEMO_ROM_BASE && gpa < DEMO_ROM_BASE + ROM_SIZE) {
		/* Only writes exit here: reads of the slot are plain memory. */
		p->rom_writes++;
		p->rom_write_gpa = gpa;
		what = "read-only slot: the write is dropped, as ROM drops it";
	} else if (gpa >= DEMO_MMIO_BASE && gpa < DEMO_MMIO_BASE + MMIO_SIZE) {
		p->mmio++;
		what = "the device model's register";
		if (run->mmio.is_write && gpa == DEMO_MMIO_BASE + DEMO_MMIO_SCRATCH)
			p->scratch = val;
		else if (!run->mmio.is_write)
			val = gpa == DEMO_MMIO_BASE + DEMO_MMIO_ID ?
			      DEMO_MMIO_MAGIC :
			      gpa == DEMO_MMIO_BASE + DEMO_MMIO_SCRATCH ?
			      p->scratch : ~0ULL;
	} else {
		p->beyond++;
		what = run->mmio.is_write ? "no memory, no device: dropped" :
		       "no memory, no device: all ones";
		if (!run->mmio.is_write)
			val = ~0ULL;
	}
	if (!run->mmio.is_write)
		memcpy(run->mmio.data, &val, sizeof(run->mmio.data));
	if (run->mmio.is_write)
		demo_vm_action(vm, "%s", what);
	else
		demo_vm_action(vm, "%s -> 0x%llx", what,
			       (unsigned long long)val);
	return VMM_HOOK_HANDLED;
}

/*
 * Before the guest runs: slot 1, a read-only page tvmmctl fills, and a
 * string of tvmmctl's own the guest must not reach.
 */
static int ept_setup(struct demo_vm *vm)
{
	const __u64 rom_word = 0x0123456789abcdefULL;
	struct ept_priv *p = vm->priv;
	void *rom;
	int ret;

	rom = mmap(NULL, ROM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p->rom = rom == MAP_FAILED ? NULL : rom;
	p->secret = strdup(SECRET);
	if (!p->rom || !p->secret) {
		fprintf(stderr, "tvmmctl: demo ept: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	memcpy(p->rom, DEMO_ROM_TEXT, sizeof(DEMO_ROM_TEXT));
	memcpy(p->rom + ROM_WORD, &rom_word, sizeof(rom_word));
	ret = vmm_add_memory(&vm->vmm, ROM_SLOT, DEMO_ROM_BASE, p->rom,
			     ROM_SIZE, TVMM_MEM_READONLY);
	if (ret)
		fprintf(stderr, "tvmmctl: demo ept: read-only slot: %s\n",
			strerror(-ret));
	return ret;
}

/* Once the VM is gone. */
static void ept_teardown(struct demo_vm *vm)
{
	struct ept_priv *p = vm->priv;

	if (p->rom)
		munmap(p->rom, ROM_SIZE);
	free(p->secret);
}

/* Step 1: guest RAM is tvmmctl's memory, written without an exit. */
static int ept_ram(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	__u64 gpa = demo_vm_value(vm, "ram_gpa");
	__u64 want = demo_vm_value(vm, "ram_value");
	__u64 *hva = demo_vm_gpa(vm, gpa, 8);
	__u64 hpa = hva ? host_phys(hva) : 0, walked;
	struct tvmm_sregs s = { 0 };
	char path[256] = "";

	vmm_get_sregs(&vm->vmm, &s);
	walked = guest_walk(vm, s.cr3, gpa, path, sizeof(path));
	demo_item(ctx, "guest",
		  "MOV of 0x%llx to its variable at virtual address 0x%llx.",
		  (unsigned long long)want, (unsigned long long)gpa);
	demo_item(ctx, "trapped",
		  "Nothing: RAM is mapped by EPT, and loads and stores run at full speed.");
	demo_item(ctx, "translated",
		  "guest-virtual 0x%llx\n-> by the guest's page tables (CR3 0x%llx: %s) guest-physical 0x%llx\n-> by EPT (slot 0: guest-physical 0 is tvmmctl's 0x%llx) tvmmctl's virtual 0x%llx\n-> by the host's page tables: host-physical %s%llx%s",
		  (unsigned long long)gpa, (unsigned long long)s.cr3, path,
		  (unsigned long long)walked,
		  (unsigned long long)(unsigned long)vm->vmm.ram.hva,
		  (unsigned long long)(unsigned long)hva, hpa ? "0x" : "",
		  (unsigned long long)hpa,
		  hpa ? ", the frame tvmm.ko pinned and put in the EPT entry" :
		  "unknown (pagemap hides it without CAP_SYS_ADMIN)");
	demo_item(ctx, "VMM saw",
		  "0x%llx at 0x%llx in its own buffer, without being told.",
		  hva ? (unsigned long long)*hva : 0ULL,
		  (unsigned long long)(unsigned long)hva);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_HEX, want, "guest_wrote");
	demo_fact(ctx, DEMO_FACT_HEX, hva ? *hva : 0, "host_saw");
	demo_fact(ctx, DEMO_FACT_HEX, walked, "guest_walk_gpa");
	demo_fact(ctx, DEMO_FACT_HEX, hpa, "hpa");
	demo_check(ctx, hva && *hva == want,
		   "the host's buffer holds the guest's value");
	demo_check(ctx, walked == gpa, "the guest's page tables map it 1:1");
	demo_check(ctx, !vm->exits[TVMM_VMX_EXIT_EPT_VIOLATION],
		   "writing RAM took no EPT exit");
	return 0;
}

/* Step 2: a read-only slot traps the guest's writes. */
static int ept_rom(struct demo_vm *vm)
{
	struct ept_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	const char *text = demo_vm_str(vm, "rom_text");
	__u64 gpa = demo_vm_value(vm, "rom_write_gpa");

	demo_item(ctx, "guest",
		  "Reads the page at 0x%llx (slot 1, which tvmmctl made read-only and filled), then writes 8 bytes at 0x%llx and reads them again.",
		  DEMO_ROM_BASE, (unsigned long long)gpa);
	demo_item(ctx, "trapped",
		  "The read: nothing. The write: an EPT violation, the EPT entry having no write permission. Writes to ROM, or to pages a VMM watches (copy-on-write, dirty tracking), must not change memory.");
	demo_item(ctx, "VMM",
		  "tvmm.ko decoded the guest's MOV and returned with exit reason MMIO, a write at 0x%llx; tvmmctl dropped it, as ROM would.",
		  (unsigned long long)p->rom_write_gpa);
	demo_item(ctx, "guest saw",
		  "\"%s\"; the word 0x%llx before the write and 0x%llx after.",
		  text, (unsigned long long)demo_vm_value(vm, "rom_before"),
		  (unsigned long long)demo_vm_value(vm, "rom_after"));
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_HEX, p->rom_write_gpa, "ro_write_gpa");
	demo_fact_str(ctx, text, "ro_text");
	demo_check(ctx, !strcmp(text, DEMO_ROM_TEXT),
		   "the guest reads what the host put in the read-only slot");
	demo_check(ctx, p->rom_writes == 1 && p->rom_write_gpa == gpa,
		   "the write trapped, with its address 0x%llx", gpa);
	demo_check(ctx, demo_vm_value(vm, "rom_before") == 0x0123456789abcdefULL &&
		   demo_vm_value(vm, "rom_after") == 0x0123456789abcdefULL,
		   "the read-only word did not change");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_EPT_VIOLATION] == 1,
		   "one EPT violation, for the write (%llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_EPT_VIOLATION]);
	return 0;
}

/* Step 3: where no slot is, MMIO to a device model. */
static int ept_mmio(struct demo_vm *vm)
{
	struct ept_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 id = demo_vm_value(vm, "mmio_id");
	__u64 scratch = demo_vm_value(vm, "mmio_scratch");

	demo_item(ctx, "guest",
		  "Reads the ID register at 0x%llx, writes the scratch register, reads it back: a driver talking to a memory-mapped device.",
		  DEMO_MMIO_BASE);
	demo_item(ctx, "trapped",
		  "Each access: no slot covers 0xd0000000, so EPT has no entry there.");
	demo_item(ctx, "VMM",
		  "tvmm.ko decoded each instruction and returned with exit reason MMIO; tvmmctl's device model answered the reads.");
	demo_item(ctx, "guest saw", "ID 0x%llx (\"%.8s\"), scratch 0x%llx.",
		  (unsigned long long)id, (const char *)&id,
		  (unsigned long long)scratch);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_HEX, id, "mmio_id");
	demo_fact(ctx, DEMO_FACT_HEX, scratch, "mmio_scratch");
	demo_check(ctx, id == DEMO_MMIO_MAGIC, "the device's ID came back");
	demo_check(ctx, scratch == 0x1122334455667788ULL,
		   "the scratch register kept the guest's value");
	demo_check(ctx, p->mmio == 3 &&
		   vm->exits[TVMM_VMX_EXIT_EPT_VIOLATION] == 3,
		   "three accesses, three MMIO exits (%u)", p->mmio);
	return 0;
}

/* Step 4: neither memory nor device: nothing of the host's. */
static int ept_beyond(struct demo_vm *vm)
{
	struct ept_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 n = demo_vm_value(vm, "addresses");
	bool intact = !strcmp(p->secret, SECRET);

	demo_item(ctx, "guest",
		  "Writes, then reads, at %llu addresses where tvmmctl gave nothing: the end of its 2 MiB of RAM, 256 MiB, just below 4 GiB.",
		  (unsigned long long)n);
	demo_item(ctx, "trapped",
		  "Each access: EPT is the only way from a guest-physical address to memory, and it maps the slots, nothing else. Whatever address the guest makes up, it cannot name tvmmctl's other memory (such as the string at 0x%llx) or the host's.",
		  (unsigned long long)(unsigned long)p->secret);
	demo_item(ctx, "VMM",
		  "tvmmctl dropped the writes and answered all ones to the reads, as an empty bus does.");
	demo_item(ctx, "guest saw", "0x%llx.",
		  (unsigned long long)demo_vm_value(vm, "read_back"));
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, p->beyond, "beyond_ram_exits");
	demo_fact(ctx, DEMO_FACT_BOOL, intact, "host_memory_intact");
	demo_check(ctx, p->beyond == 2 * n,
		   "every access outside the slots exited (%u for %llu addresses)",
		   p->beyond, (unsigned long long)n);
	demo_check(ctx, demo_vm_value(vm, "read_back") == ~0ULL,
		   "reads outside the slots are all ones");
	demo_check(ctx, intact, "tvmmctl's own memory is untouched");
	return 0;
}

/* The steps of demos/ept.c, in its order. */
static const demo_step_fn ept_steps[] = {
	ept_ram,
	ept_rom,
	ept_mmio,
	ept_beyond,
};

const struct demo demo_ept = {
	.name		= "ept",
	.summary	= "memory: EPT, a read-only page, MMIO, no way out",
	.title		= "memory: guest-physical is not host-physical",
	.intro		=
		"A guest's physical memory is ordinary memory of the VMM process. The CPU translates twice: the guest's page tables turn its virtual addresses into guest-physical ones, and EPT, owned by the VMM, turns those into host-physical ones. What EPT does not map, the guest cannot touch: each access becomes an exit.",
	.image		= DEMO_IMAGE(ept),
	.guests		= { {
		.mem		= RAM_SIZE,
		.priv_size	= sizeof(struct ept_priv),
		.setup		= ept_setup,
		.teardown	= ept_teardown,
		.on_exit	= ept_exit,
		.steps		= ept_steps,
		.nr_steps	= ARRAY_SIZE(ept_steps),
	} },
};
