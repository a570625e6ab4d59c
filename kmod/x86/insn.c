// SPDX-License-Identifier: GPL-2.0
/*
 * insn.c - decode and complete the guest instructions behind MMIO exits.
 *
 * The bytes come from the guest, which may have rewritten them since the
 * fault, so they are hostile: nothing past @len or past 15 bytes is read,
 * and anything not fully understood is refused (-EINVAL) rather than
 * guessed at. An instruction this file refuses becomes an internal-error
 * exit with its bytes; one it decodes wrongly would corrupt the guest.
 *
 * Decoded, in 16-, 32- and 64-bit code, with a memory operand only:
 *   MOV      88 89 8A 8B (r/m <-> reg), C6 /0 C7 /0 (r/m <- imm),
 *            A0-A3 (AL/rAX <-> moffs, 2, 4 or 8 bytes as the address size)
 *   MOVZX    0F B6, 0F B7        MOVSX 0F BE, 0F BF
 *   MOVSXD   63 (64-bit mode; with or without REX.W, or with 66)
 *   ALU      ADD OR ADC SBB AND SUB XOR CMP: 00-3B forms 0-3 (both
 *            directions, byte and word/dword/qword), 80 81 83 /0-/7, and
 *            82 /0-/7 outside 64-bit mode
 *   TEST     84 85, F6 /0 F7 /0
 *   XCHG     86 87
 *   STOS     AA AB, and REP STOS (one element per exit)
 * Prefixes: 66, 67, segment overrides (recorded), LOCK where the SDM
 * allows it (ALU with a memory destination other than CMP, and XCHG), REP
 * (F3) on STOS; REX in 64-bit mode, which counts only when the opcode
 * follows it (a REX followed by another prefix is ignored, as the CPU
 * ignores it).
 *
 * Refused: register-direct ModRM (mod = 3: no memory access); REPNE (F2)
 * anywhere and REP (F3) but on STOS (including the XACQUIRE/XRELEASE
 * hints); LOCK elsewhere (#UD); ModRM.reg extensions other than those
 * above (C6/C7 /1-/7; F6/F7 /1-/7: TEST's reserved alias, NOT, NEG, MUL,
 * IMUL, DIV, IDIV); every other opcode, among them MOVS, LODS, CMPS,
 * SCAS, CMPXCHG, XADD, BT*, INC, DEC, shifts, PUSH/POP with memory, MOV
 * to or from a segment register, and every SSE/AVX move (VEX, EVEX and
 * XOP included); instructions longer than 15 bytes.
 *
 * Effective addresses are not computed: the CPU reports the
 * guest-physical address. ModRM, SIB, displacement and moffs are only
 * recorded.
 *
 * References are to the Intel SDM: Vol. 2A, chapter 2 "Instruction
 * Format"; Vol. 2, Appendix A "Opcode Map" (Table A-2 "One-byte Opcode
 * Map", Table A-3 "Two-byte Opcode Map", Table A-6 "Opcode Extensions for
 * One- and Two-byte Opcodes by Group Number"); the instruction pages
 * (chapters 3 and 4) for operand sizes, flags and #UD; Vol. 1, 3.4
 * "Basic Program Execution Registers" for how results land in registers.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "insn.h"

/* Legacy prefixes (Vol. 2A, 2.1.1 "Instruction Prefixes") */
#define PFX_LOCK		0xf0	/* group 1 */
#define PFX_REPNE		0xf2
#define PFX_REP			0xf3
#define PFX_ES			0x26	/* group 2: segment override */
#define PFX_CS			0x2e
#define PFX_SS			0x36
#define PFX_DS			0x3e
#define PFX_FS			0x64
#define PFX_GS			0x65
#define PFX_OPSIZE		0x66	/* group 3 */
#define PFX_ADSIZE		0x67	/* group 4 */

/*
 * REX, 0100WRXB, 64-bit mode only (Vol. 2A, 2.2.1 "REX Prefixes", Table
 * 2-4): it must come right before the opcode; "other placements are
 * ignored".
 */
#define REX_MASK		0xf0
#define REX_BASE		0x40
#define REX_W			0x08	/* 64-bit operand size */
#define REX_R			0x04	/* extends ModRM.reg */
#define REX_X			0x02	/* extends SIB.index */
#define REX_B			0x01	/* extends ModRM.rm or SIB.base */

/*
 * ModRM and SIB (Vol. 2A, 2.1.5 "Addressing-Mode Encoding of ModR/M and
 * SIB Bytes": Table 2-1 for 16-bit addressing, Tables 2-2 and 2-3 for
 * 32-bit; 2.2.1.6 "RIP-Relative Addressing" for 64-bit mode).
 */
#define MODRM_MOD(m)		((m) >> 6)
#define MODRM_REG(m)		(((m) >> 3) & 7)
#define MODRM_RM(m)		((m) & 7)
#define MOD_NO_DISP		0	/* [base], but see the next two */
#define MOD_DISP8		1	/* [base + disp8] */
#define MOD_DISP		2	/* [base + disp16 or disp32] */
#define MOD_REGISTER		3	/* a register: not memory */
#define RM16_DISP16		6	/* 16-bit, mod 0: [disp16] */
#define RM_SIB			4	/* 32/64-bit: a SIB byte follows */
#define RM_DISP32		5	/* 32/64-bit, mod 0: [disp32], [RIP + disp32] */
#define SIB_BASE(s)		((s) & 7)
#define SIB_BASE_DISP32		5	/* mod 0: no base, disp32 */

/*
 * One-byte opcodes (Table A-2). 00-3F hold the eight ALU operations:
 * bits 5:3 say which (in TVMM_INSN_ADD order), bits 2:0 the form; forms
 * 0-3 have a ModRM operand, their bit 0 is the w bit (0: byte operands)
 * and bit 1 the d bit (1: the register is the destination) of Vol. 2,
 * Appendix B.1.4 "Special Fields". Forms 4-7 (AL/rAX with an immediate,
 * segment prefixes, PUSH/POP ES..DS, DAA..AAS, 0F) are not memory forms.
 */
#define OPC_ALU_LAST		0x3f
#define OPC_ALU_OP(o)		(((o) >> 3) & 7)
#define OPC_ALU_FORM(o)		((o) & 7)
#define OPC_ALU_FORM_LAST_MEM	3
#define OPC_W			0x01
#define OPC_D			0x02

#define OPC_MOVSXD		0x63	/* MOVSXD Gv,Ed (o64); ARPL otherwise */
#define OPC_GRP1_EB_IB		0x80	/* Group 1: ALU op = ModRM.reg */
#define OPC_GRP1_EV_IZ		0x81
#define OPC_GRP1_EB_IB_I64	0x82	/* 80's alias, invalid in 64-bit mode */
#define OPC_GRP1_EV_IB		0x83	/* imm8 sign-extended */
#define OPC_TEST_EB_GB		0x84
#define OPC_TEST_EV_GV		0x85
#define OPC_XCHG_EB_GB		0x86
#define OPC_XCHG_EV_GV		0x87
#define OPC_MOV_EB_GB		0x88
#define OPC_MOV_EV_GV		0x89
#define OPC_MOV_GB_EB		0x8a
#define OPC_MOV_GV_EV		0x8b
#define OPC_MOV_AL_OB		0xa0
#define OPC_MOV_RAX_OV		0xa1
#define OPC_MOV_OB_AL		0xa2
#define OPC_MOV_OV_RAX		0xa3
#define OPC_STOS_YB_AL		0xaa
#define OPC_STOS_YV_RAX		0xab
#define OPC_GRP11_EB_IB		0xc6	/* Group 11: /0 is MOV Eb,Ib */
#define OPC_GRP11_EV_IZ		0xc7	/* /0 is MOV Ev,Iz */
#define OPC_GRP3_EB		0xf6	/* Group 3: /0 is TEST Eb,Ib */
#define OPC_GRP3_EV		0xf7	/* /0 is TEST Ev,Iz */

/* Two-byte opcodes, 0F xx (Table A-3) */
#define OPC_ESCAPE		0x0f
#define OPC2_MOVZX_GV_EB	0xb6
#define OPC2_MOVZX_GV_EW	0xb7
#define OPC2_MOVSX_GV_EB	0xbe
#define OPC2_MOVSX_GV_EW	0xbf

/*
 * How an opcode's operands are encoded, in the opcode map's notation
 * (Vol. 2, A.2 "Key to Abbreviations"): E is the ModRM memory operand, G
 * the ModRM.reg register, b a byte, v a word, dword or qword as the
 * operand size says, Ib an imm8, Iz an imm16 or imm32 (sign-extended for
 * a qword), O a moffs, Y ES:[rDI].
 */
#define FORM_BYTE		0x0001	/* b operands; v otherwise */
#define FORM_MODRM		0x0002	/* E: ModRM, SIB, displacement */
#define FORM_REG_DEST		0x0004	/* G,E: reg is the first operand */
#define FORM_GREG		0x0008	/* G: ModRM.reg is a register */
#define FORM_EXT0		0x0010	/* ModRM.reg must be /0 */
#define FORM_GRP1		0x0020	/* op = TVMM_INSN_ADD + ModRM.reg */
#define FORM_IB			0x0040	/* imm8 */
#define FORM_IZ			0x0080	/* imm16 or imm32 */
#define FORM_MOFFS		0x0100	/* Ob, Ov */
#define FORM_STRING		0x0200	/* Yb, Yv */
#define FORM_SRC_B		0x0400	/* memory is Eb (MOVZX, MOVSX) */
#define FORM_SRC_W		0x0800	/* memory is Ew (MOVZX, MOVSX) */
#define FORM_SRC_D		0x1000	/* memory is Ed (MOVSXD) */
#define FORM_I64		0x2000	/* invalid in 64-bit mode */
#define FORM_O64		0x4000	/* valid in 64-bit mode only */

#define E_G		(FORM_MODRM | FORM_GREG)
#define G_E		(FORM_MODRM | FORM_GREG | FORM_REG_DEST)

struct opcode_form {
	u8 op;			/* enum tvmm_insn_op; 0: not decoded here */
	u16 form;		/* FORM_* */
};

static const struct opcode_form one_byte_map[256] = {
	[OPC_MOVSXD]		= { TVMM_INSN_MOVSX, G_E | FORM_SRC_D | FORM_O64 },
	[OPC_GRP1_EB_IB]	= { TVMM_INSN_ADD, FORM_MODRM | FORM_GRP1 |
						   FORM_BYTE | FORM_IB },
	[OPC_GRP1_EV_IZ]	= { TVMM_INSN_ADD, FORM_MODRM | FORM_GRP1 |
						   FORM_IZ },
	[OPC_GRP1_EB_IB_I64]	= { TVMM_INSN_ADD, FORM_MODRM | FORM_GRP1 |
						   FORM_BYTE | FORM_IB |
						   FORM_I64 },
	[OPC_GRP1_EV_IB]	= { TVMM_INSN_ADD, FORM_MODRM | FORM_GRP1 |
						   FORM_IB },
	[OPC_TEST_EB_GB]	= { TVMM_INSN_TEST, E_G | FORM_BYTE },
	[OPC_TEST_EV_GV]	= { TVMM_INSN_TEST, E_G },
	[OPC_XCHG_EB_GB]	= { TVMM_INSN_XCHG, E_G | FORM_BYTE },
	[OPC_XCHG_EV_GV]	= { TVMM_INSN_XCHG, E_G },
	[OPC_MOV_EB_GB]		= { TVMM_INSN_MOV_STORE, E_G | FORM_BYTE },
	[OPC_MOV_EV_GV]		= { TVMM_INSN_MOV_STORE, E_G },
	[OPC_MOV_GB_EB]		= { TVMM_INSN_MOV_LOAD, G_E | FORM_BYTE },
	[OPC_MOV_GV_EV]		= { TVMM_INSN_MOV_LOAD, G_E },
	[OPC_MOV_AL_OB]		= { TVMM_INSN_MOV_LOAD, FORM_MOFFS | FORM_BYTE |
							FORM_REG_DEST },
	[OPC_MOV_RAX_OV]	= { TVMM_INSN_MOV_LOAD, FORM_MOFFS |
							FORM_REG_DEST },
	[OPC_MOV_OB_AL]		= { TVMM_INSN_MOV_STORE, FORM_MOFFS | FORM_BYTE },
	[OPC_MOV_OV_RAX]	= { TVMM_INSN_MOV_STORE, FORM_MOFFS },
	[OPC_STOS_YB_AL]	= { TVMM_INSN_STOS, FORM_STRING | FORM_BYTE },
	[OPC_STOS_YV_RAX]	= { TVMM_INSN_STOS, FORM_STRING },
	[OPC_GRP11_EB_IB]	= { TVMM_INSN_MOV_STORE_IMM, FORM_MODRM |
						     FORM_EXT0 | FORM_BYTE |
						     FORM_IB },
	[OPC_GRP11_EV_IZ]	= { TVMM_INSN_MOV_STORE_IMM, FORM_MODRM |
						     FORM_EXT0 | FORM_IZ },
	[OPC_GRP3_EB]		= { TVMM_INSN_TEST, FORM_MODRM | FORM_EXT0 |
						    FORM_BYTE | FORM_IB },
	[OPC_GRP3_EV]		= { TVMM_INSN_TEST, FORM_MODRM | FORM_EXT0 |
						    FORM_IZ },
};

static const struct opcode_form two_byte_map[256] = {
	[OPC2_MOVZX_GV_EB]	= { TVMM_INSN_MOVZX, G_E | FORM_SRC_B },
	[OPC2_MOVZX_GV_EW]	= { TVMM_INSN_MOVZX, G_E | FORM_SRC_W },
	[OPC2_MOVSX_GV_EB]	= { TVMM_INSN_MOVSX, G_E | FORM_SRC_B },
	[OPC2_MOVSX_GV_EW]	= { TVMM_INSN_MOVSX, G_E | FORM_SRC_W },
};

/* The instruction's bytes, as far as they may be read. */
struct insn_bytes {
	const u8 *bytes;
	size_t len;		/* at most TVMM_INSN_MAX_LEN */
	unsigned int pos;
};

/*
 * Take the next @n (at most 8) bytes, little-endian (Vol. 2A, 2.1.4
 * "Displacement and Immediate Bytes"). -EINVAL past 15 bytes, which the
 * CPU refuses with #GP; -ENOSPC past the bytes given.
 */
static int take(struct insn_bytes *b, unsigned int n, u64 *val)
{
	unsigned int i;

	if (b->pos + n > TVMM_INSN_MAX_LEN)
		return -EINVAL;
	if (b->pos + n > b->len)
		return -ENOSPC;
	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (u64)b->bytes[b->pos + i] << (8 * i);
	b->pos += n;
	return 0;
}

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* @val's low @size bytes, sign-extended to 64 bits. */
static u64 sign_extend(u64 val, unsigned int size)
{
	u64 sign;

	if (size >= 8)
		return val;
	sign = 1ULL << (8 * size - 1);
	val &= size_mask(size);
	return (val ^ sign) - sign;
}

/* Read the 0-, 1-, 2- or 4-byte displacement; @size may be 0. */
static int take_disp(struct insn_bytes *b, struct tvmm_insn *insn,
		     unsigned int size)
{
	u64 v;
	int ret;

	if (!size)
		return 0;
	ret = take(b, size, &v);
	if (ret)
		return ret;
	insn->disp_size = size;
	insn->disp = (s64)sign_extend(v, size);
	return 0;
}

/*
 * The SIB byte and displacement that follow ModRM: Table 2-1 with a
 * 16-bit address size, Tables 2-2 and 2-3 otherwise. mod = 3 is refused
 * before this.
 */
static int take_address(struct insn_bytes *b, struct tvmm_insn *insn,
			enum tvmm_insn_mode mode)
{
	unsigned int mod = MODRM_MOD(insn->modrm);
	unsigned int rm = MODRM_RM(insn->modrm);
	u64 v;
	int ret;

	if (insn->addr_size == 2) {
		if (mod == MOD_NO_DISP)
			return take_disp(b, insn, rm == RM16_DISP16 ? 2 : 0);
		return take_disp(b, insn, mod == MOD_DISP8 ? 1 : 2);
	}

	if (rm == RM_SIB) {
		ret = take(b, 1, &v);
		if (ret)
			return ret;
		insn->sib = v;
		insn->flags |= TVMM_INSN_F_SIB;
		if (mod == MOD_NO_DISP)
			return take_disp(b, insn, SIB_BASE(insn->sib) ==
					 SIB_BASE_DISP32 ? 4 : 0);
	} else if (mod == MOD_NO_DISP) {
		if (rm != RM_DISP32)
			return 0;
		/* Vol. 2A, 2.2.1.6: in 64-bit mode, [disp32] is RIP-relative. */
		if (mode == TVMM_INSN_MODE_64)
			insn->flags |= TVMM_INSN_F_RIP_REL;
		return take_disp(b, insn, 4);
	}
	if (mod == MOD_NO_DISP)
		return 0;
	return take_disp(b, insn, mod == MOD_DISP8 ? 1 : 4);
}

/*
 * Whether LOCK is allowed: LOCK raises #UD unless the instruction is one
 * of ADD ADC AND OR SBB SUB XOR XCHG (among those decoded here) and its
 * destination is memory (Vol. 2A, "LOCK-Assert LOCK# Signal Prefix").
 */
static bool lock_allowed(const struct tvmm_insn *insn)
{
	if (insn->op == TVMM_INSN_XCHG)
		return true;
	return insn->op >= TVMM_INSN_ADD && insn->op <= TVMM_INSN_XOR &&
	       !(insn->flags & TVMM_INSN_F_REG_DEST);
}

/* Which way the memory operand goes. */
static u8 mem_access(const struct tvmm_insn *insn)
{
	switch (insn->op) {
	case TVMM_INSN_MOV_LOAD:
	case TVMM_INSN_MOVZX:
	case TVMM_INSN_MOVSX:
	case TVMM_INSN_CMP:
	case TVMM_INSN_TEST:
		return TVMM_INSN_MEM_READ;
	case TVMM_INSN_MOV_STORE:
	case TVMM_INSN_MOV_STORE_IMM:
	case TVMM_INSN_STOS:
		return TVMM_INSN_MEM_WRITE;
	case TVMM_INSN_XCHG:
		return TVMM_INSN_MEM_READ | TVMM_INSN_MEM_WRITE;
	default:
		/* ALU: a register destination is only read from memory. */
		if (insn->flags & TVMM_INSN_F_REG_DEST)
			return TVMM_INSN_MEM_READ;
		return TVMM_INSN_MEM_READ | TVMM_INSN_MEM_WRITE;
	}
}

/*
 * Operand and address sizes (Vol. 1, 3.6.1, Tables 3-3 and 3-4; Vol. 2A,
 * 2.2.1.2): 66 flips the default 16/32-bit operand size, REX.W makes it 64
 * bits and wins over 66; 67 flips a 16/32-bit address size, and makes a
 * 64-bit one 32 bits.
 */
static void set_sizes(struct tvmm_insn *insn, enum tvmm_insn_mode mode,
		      u16 form, bool opsize, bool adsize)
{
	bool op16 = (mode == TVMM_INSN_MODE_16) != opsize;

	if (mode == TVMM_INSN_MODE_64)
		insn->addr_size = adsize ? 4 : 8;
	else
		insn->addr_size = (mode == TVMM_INSN_MODE_16) != adsize ? 2 : 4;

	if (form & FORM_BYTE)
		insn->op_size = 1;
	else if (insn->rex & REX_W)
		insn->op_size = 8;
	else
		insn->op_size = op16 ? 2 : 4;

	/* MOVSXD: r16 <- m16, r32 <- m32, r64 <- m32 (its SDM page). */
	if (form & FORM_SRC_B)
		insn->mem_size = 1;
	else if (form & FORM_SRC_W)
		insn->mem_size = 2;
	else if (form & FORM_SRC_D)
		insn->mem_size = insn->op_size == 8 ? 4 : insn->op_size;
	else
		insn->mem_size = insn->op_size;
}

/* The operands that follow the opcode: ModRM, SIB, displacement, moffs, imm. */
static int take_operands(struct insn_bytes *b, struct tvmm_insn *insn,
			 enum tvmm_insn_mode mode, u16 form)
{
	unsigned int ext;
	u64 v;
	int ret;

	if (form & FORM_MODRM) {
		ret = take(b, 1, &v);
		if (ret)
			return ret;
		insn->modrm = v;
		insn->flags |= TVMM_INSN_F_MODRM;
		if (MODRM_MOD(insn->modrm) == MOD_REGISTER)
			return -EINVAL;
		ext = MODRM_REG(insn->modrm);
		if ((form & FORM_EXT0) && ext)
			return -EINVAL;
		if (form & FORM_GRP1)
			insn->op = TVMM_INSN_ADD + ext;
		if (form & FORM_GREG)
			insn->reg = ext | (insn->rex & REX_R ? 8 : 0);
		ret = take_address(b, insn, mode);
		if (ret)
			return ret;
	}

	if (form & FORM_MOFFS) {
		ret = take(b, insn->addr_size, &v);
		if (ret)
			return ret;
		insn->moffs = v;
		insn->flags |= TVMM_INSN_F_MOFFS;
	}

	if (form & (FORM_IB | FORM_IZ)) {
		if (form & FORM_IB)
			insn->imm_size = 1;
		else
			insn->imm_size = insn->op_size == 2 ? 2 : 4;
		ret = take(b, insn->imm_size, &v);
		if (ret)
			return ret;
		insn->imm = (s64)sign_extend(v, insn->imm_size);
		insn->flags |= TVMM_INSN_F_IMM;
	}
	return 0;
}

/* The prefixes before the opcode (Vol. 2A, 2.1.1 and 2.2.1). */
struct prefixes {
	bool lock, rep, repne, opsize, adsize;
};

/*
 * Take the prefixes, in any order, and then the opcode byte. A REX counts
 * only when the opcode follows it: one followed by another prefix, REX or
 * legacy, is dropped. Of two segment overrides the last counts.
 */
static int take_prefixes(struct insn_bytes *b, enum tvmm_insn_mode mode,
			 struct prefixes *p, struct tvmm_insn *insn)
{
	u64 v;
	int ret;

	insn->seg = TVMM_INSN_SEG_NONE;
	for (;;) {
		ret = take(b, 1, &v);
		if (ret)
			return ret;
		switch (v) {
		case PFX_LOCK:
			p->lock = true;
			break;
		case PFX_REPNE:
			p->repne = true;
			break;
		case PFX_REP:
			p->rep = true;
			break;
		case PFX_ES:
			insn->seg = TVMM_INSN_SEG_ES;
			break;
		case PFX_CS:
			insn->seg = TVMM_INSN_SEG_CS;
			break;
		case PFX_SS:
			insn->seg = TVMM_INSN_SEG_SS;
			break;
		case PFX_DS:
			insn->seg = TVMM_INSN_SEG_DS;
			break;
		case PFX_FS:
			insn->seg = TVMM_INSN_SEG_FS;
			break;
		case PFX_GS:
			insn->seg = TVMM_INSN_SEG_GS;
			break;
		case PFX_OPSIZE:
			p->opsize = true;
			break;
		case PFX_ADSIZE:
			p->adsize = true;
			break;
		default:
			if (mode == TVMM_INSN_MODE_64 &&
			    (v & REX_MASK) == REX_BASE) {
				insn->rex = v;
				continue;
			}
			insn->opcode = v;
			return 0;
		}
		insn->rex = 0;
	}
}

/* ALU forms 0-3 of opcodes 00-3F, here for ADD; the others follow suit. */
static const struct opcode_form alu_forms[] = {
	{ TVMM_INSN_ADD, E_G | FORM_BYTE },	/* 00: ADD Eb,Gb */
	{ TVMM_INSN_ADD, E_G },			/* 01: ADD Ev,Gv */
	{ TVMM_INSN_ADD, G_E | FORM_BYTE },	/* 02: ADD Gb,Eb */
	{ TVMM_INSN_ADD, G_E },			/* 03: ADD Gv,Ev */
};

/* The opcode (after 0F if it is one) and how its operands are encoded. */
static int take_opcode(struct insn_bytes *b, struct tvmm_insn *insn,
		       const struct opcode_form **form)
{
	const struct opcode_form *f;
	u64 v;
	int ret;

	if (insn->opcode == OPC_ESCAPE) {
		ret = take(b, 1, &v);
		if (ret)
			return ret;
		insn->opcode = v;
		insn->flags |= TVMM_INSN_F_TWO_BYTE;
		f = &two_byte_map[insn->opcode];
		insn->op = f->op;
	} else if (insn->opcode <= OPC_ALU_LAST &&
		   OPC_ALU_FORM(insn->opcode) <= OPC_ALU_FORM_LAST_MEM) {
		f = &alu_forms[OPC_ALU_FORM(insn->opcode)];
		insn->op = f->op + OPC_ALU_OP(insn->opcode);
	} else {
		f = &one_byte_map[insn->opcode];
		insn->op = f->op;
	}
	if (insn->op == TVMM_INSN_INVALID)
		return -EINVAL;
	*form = f;
	return 0;
}

static int decode(struct insn_bytes *b, enum tvmm_insn_mode mode,
		  struct tvmm_insn *insn)
{
	struct prefixes p = { };
	const struct opcode_form *f;
	int ret;

	if (mode != TVMM_INSN_MODE_16 && mode != TVMM_INSN_MODE_32 &&
	    mode != TVMM_INSN_MODE_64)
		return -EINVAL;

	ret = take_prefixes(b, mode, &p, insn);
	if (ret)
		return ret;
	ret = take_opcode(b, insn, &f);
	if (ret)
		return ret;
	if ((f->form & FORM_I64) && mode == TVMM_INSN_MODE_64)
		return -EINVAL;
	if ((f->form & FORM_O64) && mode != TVMM_INSN_MODE_64)
		return -EINVAL;

	if (f->form & FORM_REG_DEST)
		insn->flags |= TVMM_INSN_F_REG_DEST;
	if (p.opsize)
		insn->flags |= TVMM_INSN_F_OPSIZE;
	if (p.adsize)
		insn->flags |= TVMM_INSN_F_ADSIZE;
	set_sizes(insn, mode, f->form, p.opsize, p.adsize);

	ret = take_operands(b, insn, mode, f->form);
	if (ret)
		return ret;
	insn->mem_access = mem_access(insn);

	/*
	 * Vol. 1, 3.4.1.1 and Vol. 2A, 3.1.1.1 (Table 3-1): without REX,
	 * byte registers 4-7 are AH CH DH BH, bits 15:8 of registers 0-3;
	 * with any REX they are SPL BPL SIL DIL.
	 */
	if (insn->op_size == 1 && !insn->rex && insn->reg >= 4) {
		insn->reg -= 4;
		insn->flags |= TVMM_INSN_F_HIGH8;
	}

	if (p.lock) {
		if (!lock_allowed(insn))
			return -EINVAL;
		insn->flags |= TVMM_INSN_F_LOCK;
	}
	/*
	 * REP and REPNE (Vol. 2B, "REP/REPE/REPZ/REPNE/REPNZ"): REP on STOS
	 * repeats it; REPNE is for CMPS and SCAS; on other instructions both
	 * are reserved or are other instructions' hints (XACQUIRE/XRELEASE).
	 */
	if (p.repne || (p.rep && insn->op != TVMM_INSN_STOS))
		return -EINVAL;
	if (p.rep)
		insn->flags |= TVMM_INSN_F_REP;

	insn->len = b->pos;
	return 0;
}

int tvmm_insn_decode(const u8 *bytes, size_t len, enum tvmm_insn_mode mode,
		     struct tvmm_insn *out)
{
	struct insn_bytes b = {
		.bytes = bytes,
		.len = len < TVMM_INSN_MAX_LEN ? len : TVMM_INSN_MAX_LEN,
	};
	int ret;

	memset(out, 0, sizeof(*out));
	ret = decode(&b, mode, out);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}

/* Register @r as an operand of @size bytes (bits 15:8 with @high8). */
static u64 gpr_read(const u64 regs[TVMM_INSN_NR_GPRS], unsigned int r,
		    bool high8, unsigned int size)
{
	u64 val = regs[r % TVMM_INSN_NR_GPRS];

	if (high8)
		return (val >> 8) & 0xff;
	return val & size_mask(size);
}

/*
 * Write @val to register @r as an operand of @size bytes (Vol. 1,
 * 3.4.1.1 "General-Purpose Registers in 64-Bit Mode"): 8- and 16-bit
 * results replace those bits only, 32-bit results are zero-extended to
 * 64 bits.
 */
static void gpr_write(u64 regs[TVMM_INSN_NR_GPRS], unsigned int r,
		      bool high8, unsigned int size, u64 val)
{
	u64 *reg = &regs[r % TVMM_INSN_NR_GPRS];

	if (high8)
		*reg = (*reg & ~0xff00ULL) | (val & 0xff) << 8;
	else if (size < 4)
		*reg = (*reg & ~size_mask(size)) | (val & size_mask(size));
	else
		*reg = val & size_mask(size);
}

u64 tvmm_insn_reg_read(const struct tvmm_insn *insn,
		       const u64 regs[TVMM_INSN_NR_GPRS])
{
	if (insn->flags & TVMM_INSN_F_IMM)
		return (u64)insn->imm & size_mask(insn->op_size);
	return gpr_read(regs, insn->reg, insn->flags & TVMM_INSN_F_HIGH8,
			insn->op_size);
}

static void reg_write(const struct tvmm_insn *insn,
		      u64 regs[TVMM_INSN_NR_GPRS], u64 val)
{
	gpr_write(regs, insn->reg, insn->flags & TVMM_INSN_F_HIGH8,
		  insn->op_size, val);
}

/* PF: set when the result's low byte has an even number of 1 bits. */
static bool parity_even(u64 val)
{
	u8 b = val;

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

/* Bit 4 of dst ^ src ^ result: the carry (or borrow) out of bit 3. */
#define CARRY_INTO_BIT4		0x10

/*
 * @dst OP @src on @size-byte operands, and the status flags it sets, as
 * the instruction pages' "Flags Affected" define them: ADD ADC SUB SBB CMP
 * set all six from the result (CF the carry or borrow out of the top bit,
 * OF signed overflow, AF the carry or borrow out of bit 3); AND OR XOR TEST
 * clear CF and OF, set SF ZF PF, and leave AF undefined: cleared here.
 */
static u64 alu(u8 op, unsigned int size, u64 dst, u64 src, u64 *rflags)
{
	u64 mask = size_mask(size);
	u64 sign = 1ULL << (8 * size - 1);
	u64 carry = *rflags & TVMM_INSN_RFLAGS_CF ? 1 : 0;
	u64 res, flags = 0;

	dst &= mask;
	src &= mask;
	switch (op) {
	case TVMM_INSN_ADD:
	case TVMM_INSN_ADC:
		if (op == TVMM_INSN_ADD)
			carry = 0;
		res = (dst + src + carry) & mask;
		if (res < dst || (carry && res == dst))
			flags |= TVMM_INSN_RFLAGS_CF;
		if (~(dst ^ src) & (dst ^ res) & sign)
			flags |= TVMM_INSN_RFLAGS_OF;
		if ((dst ^ src ^ res) & CARRY_INTO_BIT4)
			flags |= TVMM_INSN_RFLAGS_AF;
		break;
	case TVMM_INSN_SUB:
	case TVMM_INSN_SBB:
	case TVMM_INSN_CMP:
		if (op != TVMM_INSN_SBB)
			carry = 0;
		res = (dst - src - carry) & mask;
		if (dst < src || (carry && dst == src))
			flags |= TVMM_INSN_RFLAGS_CF;
		if ((dst ^ src) & (dst ^ res) & sign)
			flags |= TVMM_INSN_RFLAGS_OF;
		if ((dst ^ src ^ res) & CARRY_INTO_BIT4)
			flags |= TVMM_INSN_RFLAGS_AF;
		break;
	case TVMM_INSN_OR:
		res = dst | src;
		break;
	case TVMM_INSN_XOR:
		res = dst ^ src;
		break;
	default:	/* AND, TEST */
		res = dst & src;
		break;
	}
	if (!res)
		flags |= TVMM_INSN_RFLAGS_ZF;
	if (res & sign)
		flags |= TVMM_INSN_RFLAGS_SF;
	if (parity_even(res))
		flags |= TVMM_INSN_RFLAGS_PF;
	*rflags = (*rflags & ~TVMM_INSN_RFLAGS_STATUS) | flags;
	return res;
}

u64 tvmm_insn_complete_read(const struct tvmm_insn *insn,
			    u64 regs[TVMM_INSN_NR_GPRS], u64 *rflags,
			    u64 data)
{
	u64 src, res;

	data &= size_mask(insn->mem_size);
	switch (insn->op) {
	case TVMM_INSN_MOV_LOAD:
	case TVMM_INSN_MOVZX:
		reg_write(insn, regs, data);
		return 0;
	case TVMM_INSN_MOVSX:
		reg_write(insn, regs, sign_extend(data, insn->mem_size));
		return 0;
	case TVMM_INSN_XCHG:
		src = tvmm_insn_reg_read(insn, regs);
		reg_write(insn, regs, data);
		return src;
	case TVMM_INSN_ADD:
	case TVMM_INSN_OR:
	case TVMM_INSN_ADC:
	case TVMM_INSN_SBB:
	case TVMM_INSN_AND:
	case TVMM_INSN_SUB:
	case TVMM_INSN_XOR:
	case TVMM_INSN_CMP:
	case TVMM_INSN_TEST:
		src = tvmm_insn_reg_read(insn, regs);
		if (insn->flags & TVMM_INSN_F_REG_DEST) {
			res = alu(insn->op, insn->op_size, src, data, rflags);
			if (insn->op != TVMM_INSN_CMP)
				reg_write(insn, regs, res);
			return 0;
		}
		res = alu(insn->op, insn->op_size, data, src, rflags);
		return insn->mem_access & TVMM_INSN_MEM_WRITE ? res : 0;
	default:
		/* Stores read nothing. */
		return 0;
	}
}

bool tvmm_insn_complete_write(const struct tvmm_insn *insn,
			      u64 regs[TVMM_INSN_NR_GPRS], u64 rflags)
{
	u64 step = insn->mem_size;
	u64 count;

	if (insn->op != TVMM_INSN_STOS)
		return true;

	/*
	 * Vol. 2B, "STOS/STOSB/STOSW/STOSD/STOSQ" and "REP...": rDI moves
	 * by the operand size, down when DF is set; REP counts rCX down and
	 * stops at 0. Both registers are addr_size wide. A count of 0 never
	 * reaches memory, so it cannot fault here: if it is 0 anyway (the
	 * guest rewrote its code), touch nothing.
	 */
	count = gpr_read(regs, TVMM_INSN_RCX, false, insn->addr_size);
	if ((insn->flags & TVMM_INSN_F_REP) && !count)
		return true;
	if (rflags & TVMM_INSN_RFLAGS_DF)
		step = -step;
	gpr_write(regs, TVMM_INSN_RDI, false, insn->addr_size,
		  regs[TVMM_INSN_RDI] + step);
	if (!(insn->flags & TVMM_INSN_F_REP))
		return true;
	gpr_write(regs, TVMM_INSN_RCX, false, insn->addr_size, count - 1);
	return count == 1;
}
