// SPDX-License-Identifier: GPL-2.0
/*
 * io_exit_test - port I/O exits to userspace with its port, size, direction,
 * count and data, and IN completes with the data userspace wrote.
 *
 * uapi/tvmm.h, struct tvmm_run: "For TVMM_EXIT_IO with direction IN [...]
 * userspace writes the data and the next TVMM_RUN completes the guest's
 * instruction with it"; run->io has direction, size (1, 2 or 4), port,
 * count ("> 1 for REP INS/OUTS") and data_offset, "from the start of
 * tvmm_run", where TVMM_RUN_IO_DATA_OFFSET says the data lives.
 *
 * SDM Vol. 2A, IN/OUT: the port is an 8-bit immediate (0-255) or DX
 * (0-65535); AL, AX or EAX holds the data. INS/OUTS with REP repeat
 * RCX times, moving bytes between the port and [RDI] / [RSI], which step
 * by the operand size (DF = 0: up); RCX ends at 0.
 *
 * A REP string instruction may reach userspace in several exits (the ABI
 * does not promise one); each carries the next count items, in order, and
 * the first carries more than one, as the ABI says.
 */
#include <stdalign.h>
#include <string.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define PORT_IMM	0x7e	/* reachable by the imm8 forms */
#define PORT_DX		0x5658	/* above 0xff: only the DX forms reach it */

#define OUT_B		0x11
#define OUT_W		0x2233
#define OUT_L		0x44556677
#define IN_B		0xa5
#define IN_W		0xbeef
#define IN_L		0xdeadbeefU

#define STR_LEN		16

/* Aligned to their size: within one page, so one exit can carry them. */
static const alignas(STR_LEN) __u8 out_string[STR_LEN] = "tvmm REP OUTSB!";
static const __u8 in_string_sent[STR_LEN] = "...and REP INSB";
static alignas(STR_LEN) __u8 in_string[STR_LEN]; /* the guest's buffer */

static void guest_code(void)
{
	const __u8 *src = out_string;
	__u8 *dst = in_string;
	__u64 count, i;
	__u32 l;
	__u16 w;
	__u8 b;

	asm volatile("outb %%al, %[p]" : : "a"((__u8)OUT_B), [p] "N"(PORT_IMM));
	asm volatile("outw %%ax, %[p]" : : "a"((__u16)OUT_W), [p] "N"(PORT_IMM));
	asm volatile("outl %%eax, %[p]" : : "a"(OUT_L), [p] "N"(PORT_IMM));
	asm volatile("outb %%al, %%dx" : : "a"((__u8)OUT_B), "d"(PORT_DX));
	asm volatile("outw %%ax, %%dx" : : "a"((__u16)OUT_W), "d"(PORT_DX));
	asm volatile("outl %%eax, %%dx" : : "a"(OUT_L), "d"(PORT_DX));

	asm volatile("inb %[p], %%al" : "=a"(b) : [p] "N"(PORT_IMM));
	GUEST_ASSERT_EQ(b, IN_B);
	asm volatile("inw %[p], %%ax" : "=a"(w) : [p] "N"(PORT_IMM));
	GUEST_ASSERT_EQ(w, IN_W);
	asm volatile("inl %[p], %%eax" : "=a"(l) : [p] "N"(PORT_IMM));
	GUEST_ASSERT_EQ(l, IN_L);
	asm volatile("inb %%dx, %%al" : "=a"(b) : "d"(PORT_DX));
	GUEST_ASSERT_EQ(b, IN_B);
	asm volatile("inw %%dx, %%ax" : "=a"(w) : "d"(PORT_DX));
	GUEST_ASSERT_EQ(w, IN_W);
	asm volatile("inl %%dx, %%eax" : "=a"(l) : "d"(PORT_DX));
	GUEST_ASSERT_EQ(l, IN_L);

	count = STR_LEN;
	asm volatile("cld; rep outsb"
		     : "+S"(src), "+c"(count) : "d"(PORT_DX) : "memory");
	GUEST_ASSERT_EQ(count, 0);
	GUEST_ASSERT_EQ((unsigned long)src,
			(unsigned long)(out_string + STR_LEN));

	count = STR_LEN;
	asm volatile("cld; rep insb"
		     : "+D"(dst), "+c"(count) : "d"(PORT_DX) : "memory");
	GUEST_ASSERT_EQ(count, 0);
	GUEST_ASSERT_EQ((unsigned long)dst,
			(unsigned long)(in_string + STR_LEN));
	for (i = 0; i < STR_LEN; i++)
		GUEST_ASSERT_EQ(in_string[i], in_string_sent[i]);

	GUEST_DONE();
}

/* One instruction of guest_code() as the host sees it, in order. */
struct io_step {
	const char *insn;
	__u8 direction;
	__u8 size;
	__u16 port;
	__u32 value;		/* single transfers: the data */
	const __u8 *string;	/* REP forms: STR_LEN bytes */
};

static const struct io_step steps[] = {
	{ "outb imm8", TVMM_IO_OUT, 1, PORT_IMM, OUT_B },
	{ "outw imm8", TVMM_IO_OUT, 2, PORT_IMM, OUT_W },
	{ "outl imm8", TVMM_IO_OUT, 4, PORT_IMM, OUT_L },
	{ "outb dx", TVMM_IO_OUT, 1, PORT_DX, OUT_B },
	{ "outw dx", TVMM_IO_OUT, 2, PORT_DX, OUT_W },
	{ "outl dx", TVMM_IO_OUT, 4, PORT_DX, OUT_L },
	{ "inb imm8", TVMM_IO_IN, 1, PORT_IMM, IN_B },
	{ "inw imm8", TVMM_IO_IN, 2, PORT_IMM, IN_W },
	{ "inl imm8", TVMM_IO_IN, 4, PORT_IMM, IN_L },
	{ "inb dx", TVMM_IO_IN, 1, PORT_DX, IN_B },
	{ "inw dx", TVMM_IO_IN, 2, PORT_DX, IN_W },
	{ "inl dx", TVMM_IO_IN, 4, PORT_DX, IN_L },
	{ "rep outsb", TVMM_IO_OUT, 1, PORT_DX, 0, out_string },
	{ "rep insb", TVMM_IO_IN, 1, PORT_DX, 0, in_string_sent },
};

FIXTURE(io) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

FIXTURE_SETUP(io)
{
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create_with_one_vcpu(&self->vcpu, guest_code);
}

FIXTURE_TEARDOWN(io)
{
	vm_free(self->vm);
}

/* The data area of the current I/O exit, checked to be inside the mapping. */
static __u8 *io_data(struct __test_metadata *_metadata,
		     struct tvmm_vcpu *vcpu)
{
	struct tvmm_run *run = vcpu->run;
	__u64 bytes = (__u64)run->io.size * run->io.count;

	EXPECT_EQ(TVMM_RUN_IO_DATA_OFFSET, run->io.data_offset);
	ASSERT_LE(run->io.data_offset, vcpu->run_size);
	ASSERT_LE(bytes, vcpu->run_size - run->io.data_offset);
	return (__u8 *)run + run->io.data_offset;
}

/* Whether the exit is @s's instruction; if not, say what it is. */
static bool exit_is(const struct io_step *s, struct tvmm_vcpu *vcpu)
{
	struct tvmm_run *run = vcpu->run;
	char desc[256];

	if (run->io.direction == s->direction && run->io.size == s->size &&
	    run->io.port == s->port)
		return true;
	fprintf(stderr, "# expected %s: %s size %u port %#x, got %s\n",
		s->insn, s->direction == TVMM_IO_OUT ? "OUT" : "IN", s->size,
		s->port, vcpu_describe_exit(vcpu, desc, sizeof(desc)));
	return false;
}

TEST_F(io, every_form_exits_with_its_data)
{
	struct tvmm_vcpu *vcpu = self->vcpu;
	struct tvmm_run *run = vcpu->run;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		const struct io_step *s = &steps[i];
		__u32 done = 0, value = 0;
		__u8 *data;

		vcpu_run_expect_exit(vcpu, TVMM_EXIT_IO);
		ASSERT_TRUE(exit_is(s, vcpu));

		if (!s->string) {
			ASSERT_EQ(1, run->io.count);
			data = io_data(_metadata, vcpu);
			if (s->direction == TVMM_IO_IN) {
				memcpy(data, &s->value, s->size);
				continue;
			}
			memcpy(&value, data, s->size);
			ASSERT_EQ(s->value, value) {
				TH_LOG("%s", s->insn);
			}
			continue;
		}

		/* REP: count items per exit, in order, until STR_LEN. */
		ASSERT_LT(1, run->io.count) {
			TH_LOG("%s: one item per exit", s->insn);
		}
		for (;;) {
			ASSERT_TRUE(exit_is(s, vcpu));
			ASSERT_LE(1, run->io.count);
			ASSERT_LE(run->io.count, STR_LEN - done);
			data = io_data(_metadata, vcpu);
			if (s->direction == TVMM_IO_IN)
				memcpy(data, s->string + done, run->io.count);
			else
				ASSERT_EQ(0, memcmp(data, s->string + done,
						    run->io.count));
			done += run->io.count;
			if (done == STR_LEN)
				break;
			vcpu_run_expect_exit(vcpu, TVMM_EXIT_IO);
		}
	}
	/* The guest checks what IN gave it, then finishes. */
	vcpu_run_expect_done(vcpu);
}

TEST_HARNESS_MAIN
