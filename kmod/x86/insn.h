/* SPDX-License-Identifier: GPL-2.0 */
/*
 * insn.h - decode the guest instruction behind an MMIO exit, and complete it.
 *
 * When a guest touches guest-physical memory outside its RAM slots (or
 * writes a read-only slot), the CPU exits with an EPT violation and tells
 * tvmm the address, not the instruction. tvmm_insn_decode() reads the
 * instruction's bytes and says how much memory it accesses, in which
 * direction, and which register or immediate is the other operand; the
 * helpers below then give the data of a write and put the data of a read
 * where the instruction would have put it. What is decoded, and what is
 * refused, is listed at the top of insn.c.
 *
 * Pure computation: no VMX, no guest memory, no locks. It builds in the
 * kernel and, for the unit tests in test/, in userspace.
 *
 * The names carry a tvmm_ prefix because the kernel has its own x86
 * decoder (<asm/insn.h>: struct insn, insn_decode()), which some kernel
 * headers pull in.
 *
 * Emulating one MMIO access with these (the flow tvmm's exit handler
 * follows; @regs holds RAX..R15 in encoding order, RSP included):
 *
 *	tvmm_insn_decode(bytes, n, mode, &insn);
 *	if (insn.mem_access & TVMM_INSN_MEM_READ) {
 *		exit to userspace: read insn.mem_size bytes; on its return:
 *		wb = tvmm_insn_complete_read(&insn, regs, &rflags, data);
 *		advance RIP by insn.len;
 *		if (insn.mem_access & TVMM_INSN_MEM_WRITE)
 *			exit to userspace: write wb, insn.mem_size bytes;
 *	} else {
 *		wb = tvmm_insn_reg_read(&insn, regs);
 *		if (tvmm_insn_complete_write(&insn, regs, rflags))
 *			advance RIP by insn.len;
 *		exit to userspace: write wb, insn.mem_size bytes;
 *	}
 *
 * Data is little-endian: the first byte in memory is bits 7:0.
 */
#ifndef TVMM_X86_INSN_H
#define TVMM_X86_INSN_H

#include <linux/types.h>
#ifndef __KERNEL__
#include <stdbool.h>
#include <stddef.h>
/* The kernel's names for the UAPI types, for the unit tests. */
typedef __u8 u8;
typedef __u16 u16;
typedef __u64 u64;
typedef __s64 s64;
#endif

/* SDM Vol. 2A, 2.3.11 "AVX Instruction Length": 15 bytes at most, ever. */
#define TVMM_INSN_MAX_LEN	15

/* RAX..R15 in the order the instruction encoding numbers them. */
#define TVMM_INSN_NR_GPRS	16
#define TVMM_INSN_RAX		0
#define TVMM_INSN_RCX		1
#define TVMM_INSN_RDI		7

/*
 * The code segment's default sizes (SDM Vol. 1, 3.6 "Operand-Size and
 * Address-Size Attributes"): real mode, virtual-8086 mode and CS.D = 0
 * are 16-bit; CS.D = 1 is 32-bit; CS.L = 1 with IA32_EFER.LMA is 64-bit.
 */
enum tvmm_insn_mode {
	TVMM_INSN_MODE_16,
	TVMM_INSN_MODE_32,
	TVMM_INSN_MODE_64,
};

/*
 * What the instruction does. "reg" is the register operand (or AL..RAX
 * for the moffs and STOS forms), "mem" the memory operand, "imm" the
 * immediate. The eight ALU operations follow the order of the opcode map's
 * Group 1, so that op = TVMM_INSN_ADD + ModRM.reg for opcodes 80-83.
 */
enum tvmm_insn_op {
	TVMM_INSN_INVALID,
	TVMM_INSN_MOV_LOAD,	/* reg = mem:       8A 8B A0 A1 */
	TVMM_INSN_MOV_STORE,	/* mem = reg:       88 89 A2 A3 */
	TVMM_INSN_MOV_STORE_IMM, /* mem = imm:      C6 /0, C7 /0 */
	TVMM_INSN_MOVZX,	/* reg = zx(mem):   0F B6, 0F B7 */
	TVMM_INSN_MOVSX,	/* reg = sx(mem):   0F BE, 0F BF, 63 (MOVSXD) */
	TVMM_INSN_STOS,		/* ES:[rDI] = rAX:  AA AB, rDI moves */
	TVMM_INSN_XCHG,		/* reg <-> mem:     86 87 */
	TVMM_INSN_ADD,		/* dst += src:      00-03, 80-83 /0 */
	TVMM_INSN_OR,		/* dst |= src:      08-0B, 80-83 /1 */
	TVMM_INSN_ADC,		/* dst += src + CF: 10-13, 80-83 /2 */
	TVMM_INSN_SBB,		/* dst -= src + CF: 18-1B, 80-83 /3 */
	TVMM_INSN_AND,		/* dst &= src:      20-23, 80-83 /4 */
	TVMM_INSN_SUB,		/* dst -= src:      28-2B, 80-83 /5 */
	TVMM_INSN_XOR,		/* dst ^= src:      30-33, 80-83 /6 */
	TVMM_INSN_CMP,		/* flags(dst - src): 38-3B, 80-83 /7 */
	TVMM_INSN_TEST,		/* flags(dst & src): 84 85, F6 /0, F7 /0 */
};

/* Segment-override prefixes, numbered as the SDM numbers Sreg (ES = 0). */
enum tvmm_insn_seg {
	TVMM_INSN_SEG_ES,
	TVMM_INSN_SEG_CS,
	TVMM_INSN_SEG_SS,
	TVMM_INSN_SEG_DS,
	TVMM_INSN_SEG_FS,
	TVMM_INSN_SEG_GS,
	TVMM_INSN_SEG_NONE,	/* no override: the instruction's default */
};

/* tvmm_insn.mem_access */
#define TVMM_INSN_MEM_READ	0x1
#define TVMM_INSN_MEM_WRITE	0x2

/* tvmm_insn.flags */
#define TVMM_INSN_F_HIGH8	0x0001	/* reg is AH, CH, DH or BH */
#define TVMM_INSN_F_REG_DEST	0x0002	/* reg is the first operand */
#define TVMM_INSN_F_IMM		0x0004	/* the source is imm, not reg */
#define TVMM_INSN_F_LOCK	0x0008	/* LOCK prefix (F0) */
#define TVMM_INSN_F_REP		0x0010	/* REP prefix (F3) on STOS */
#define TVMM_INSN_F_OPSIZE	0x0020	/* operand-size prefix (66) */
#define TVMM_INSN_F_ADSIZE	0x0040	/* address-size prefix (67) */
#define TVMM_INSN_F_TWO_BYTE	0x0080	/* opcode is 0F opcode */
#define TVMM_INSN_F_MODRM	0x0100	/* modrm is valid */
#define TVMM_INSN_F_SIB		0x0200	/* sib is valid */
#define TVMM_INSN_F_RIP_REL	0x0400	/* RIP-relative (64-bit mode) */
#define TVMM_INSN_F_MOFFS	0x0800	/* A0-A3: the address is moffs */

/*
 * RFLAGS bits (SDM Vol. 1, 3.4.3 "EFLAGS Register"): the status flags the
 * ALU operations set, and DF, which STOS reads.
 */
#define TVMM_INSN_RFLAGS_CF	0x0001ULL
#define TVMM_INSN_RFLAGS_PF	0x0004ULL
#define TVMM_INSN_RFLAGS_AF	0x0010ULL
#define TVMM_INSN_RFLAGS_ZF	0x0040ULL
#define TVMM_INSN_RFLAGS_SF	0x0080ULL
#define TVMM_INSN_RFLAGS_DF	0x0400ULL
#define TVMM_INSN_RFLAGS_OF	0x0800ULL
#define TVMM_INSN_RFLAGS_STATUS	(TVMM_INSN_RFLAGS_CF | TVMM_INSN_RFLAGS_PF | \
				 TVMM_INSN_RFLAGS_AF | TVMM_INSN_RFLAGS_ZF | \
				 TVMM_INSN_RFLAGS_SF | TVMM_INSN_RFLAGS_OF)

/*
 * struct tvmm_insn - one decoded instruction.
 * @len:	its length in bytes, 1 to TVMM_INSN_MAX_LEN
 * @op:		enum tvmm_insn_op
 * @mem_size:	bytes the memory operand reads or writes: 1, 2, 4 or 8
 * @op_size:	the operand size: of reg, of imm after extension, and of the
 *		result; larger than @mem_size only for MOVZX and MOVSX
 * @addr_size:	the address size: 2, 4 or 8 (width of moffs, and of rDI and
 *		rCX for STOS)
 * @mem_access:	TVMM_INSN_MEM_READ and/or TVMM_INSN_MEM_WRITE
 * @reg:	the register operand, 0 = RAX .. 15 = R15; with
 *		TVMM_INSN_F_HIGH8, bits 15:8 of register @reg (0-3: AH CH DH
 *		BH). 0 when the source is an immediate.
 * @seg:	enum tvmm_insn_seg: the segment-override prefix, if any
 *		(STOS always writes through ES, whatever it says)
 * @rex:	the REX prefix in effect (64-bit mode), 0 if none
 * @opcode:	the opcode byte, after 0F with TVMM_INSN_F_TWO_BYTE
 * @modrm:	the ModRM byte, with TVMM_INSN_F_MODRM
 * @sib:	the SIB byte, with TVMM_INSN_F_SIB
 * @disp_size:	bytes of displacement: 0, 1, 2 or 4
 * @imm_size:	bytes of immediate as encoded: 0, 1, 2 or 4
 * @flags:	TVMM_INSN_F_*
 * @disp:	the ModRM displacement, sign-extended
 * @imm:	the immediate, sign-extended (all the forms decoded here
 *		sign-extend theirs to @op_size)
 * @moffs:	A0-A3: the offset, zero-extended from @addr_size bytes
 */
struct tvmm_insn {
	u8 len;
	u8 op;
	u8 mem_size;
	u8 op_size;
	u8 addr_size;
	u8 mem_access;
	u8 reg;
	u8 seg;
	u8 rex;
	u8 opcode;
	u8 modrm;
	u8 sib;
	u8 disp_size;
	u8 imm_size;
	u16 flags;
	s64 disp;
	s64 imm;
	u64 moffs;
};

/*
 * tvmm_insn_decode - decode the instruction at the start of @bytes.
 * @bytes:	the instruction, as fetched from the guest at RIP
 * @len:	how many bytes @bytes holds; no byte past them is read, nor
 *		past the first TVMM_INSN_MAX_LEN
 * @mode:	the code segment's default sizes
 * @out:	filled in on success; zeroed on error
 *
 * Return: 0; -ENOSPC if the bytes end before the instruction does (fetch
 * more and try again); -EINVAL if the instruction is not one of the forms
 * this decoder supports, does not access memory, is longer than 15 bytes,
 * or would raise #UD.
 */
int tvmm_insn_decode(const u8 *bytes, size_t len, enum tvmm_insn_mode mode,
		     struct tvmm_insn *out);

/*
 * tvmm_insn_reg_read - the source operand: the immediate with
 * TVMM_INSN_F_IMM, else register @reg (bits 15:8 with TVMM_INSN_F_HIGH8),
 * truncated to op_size. For an instruction that only writes memory, this
 * is the data to write.
 */
u64 tvmm_insn_reg_read(const struct tvmm_insn *insn,
		       const u64 regs[TVMM_INSN_NR_GPRS]);

/*
 * tvmm_insn_complete_read - finish an instruction whose memory read gave
 * @data (the low mem_size bytes count): load the destination register
 * (8- and 16-bit writes keep the register's other bits, 32-bit writes
 * zero bits 63:32, MOVZX and MOVSX extend first), or compute the ALU
 * operation and set the status flags in *@rflags as the SDM defines them
 * (AF, undefined after AND, OR, XOR and TEST, is cleared).
 *
 * Return: the data to write back, when mem_access has TVMM_INSN_MEM_WRITE
 * (ALU operations with a memory destination, XCHG); else 0.
 */
u64 tvmm_insn_complete_read(const struct tvmm_insn *insn,
			    u64 regs[TVMM_INSN_NR_GPRS], u64 *rflags,
			    u64 data);

/*
 * tvmm_insn_complete_write - the register effects of an instruction that
 * only writes memory, once its data is taken: STOS moves rDI by mem_size
 * (down when RFLAGS.DF is set) and REP STOS counts rCX down; the width of
 * both is addr_size. Nothing for the MOV stores.
 *
 * Return: true when the instruction is done (advance RIP); false when REP
 * STOS has more to store, so the guest runs it again from the same RIP.
 */
bool tvmm_insn_complete_write(const struct tvmm_insn *insn,
			      u64 regs[TVMM_INSN_NR_GPRS], u64 rflags);

#endif /* TVMM_X86_INSN_H */
