// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm_x86.c - segment descriptors as the guest's GDT holds them (SDM Vol.
 * 3A, 3.4.5 "Segment Descriptors", and "Segment Descriptor Tables" for the
 * 16-byte system descriptors of IA-32e mode). Pure computation.
 */
#include <string.h>

#include "tvmm_x86.h"

#define DESC_LIMIT_MAX		0xfffffU	/* 20 bits */
#define DESC_G_SHIFT		12		/* G = 1: 4 KiB units */
#define DESC_G_LOW_BITS		0xfffU

/* Fields of the descriptor's high doubleword (bits 63:32). */
#define DESC_HI_BASE_23_16(b)	(((b) >> 16) & 0xff)
#define DESC_HI_TYPE_SHIFT	8
#define DESC_HI_S_SHIFT		12
#define DESC_HI_DPL_SHIFT	13
#define DESC_HI_P_SHIFT		15
#define DESC_HI_LIMIT_19_16(l)	((((l) >> 16) & 0xf) << 16)
#define DESC_HI_AVL_SHIFT	20
#define DESC_HI_L_SHIFT		21
#define DESC_HI_DB_SHIFT	22
#define DESC_HI_G_SHIFT		23
#define DESC_HI_BASE_31_24(b)	((((b) >> 24) & 0xff) << 24)

int desc_encode(void *desc, const struct tvmm_segment *seg,
		bool long_mode_system)
{
	__u32 limit = seg->limit;
	__u32 w[4] = { 0 };
	__u64 base = seg->base;

	if (seg->g) {
		if ((limit & DESC_G_LOW_BITS) != DESC_G_LOW_BITS)
			return 0;
		limit >>= DESC_G_SHIFT;
	} else if (limit > DESC_LIMIT_MAX) {
		return 0;
	}
	if (seg->type > 0xf || seg->dpl > 3 ||
	    (!long_mode_system && base > 0xffffffffULL))
		return 0;

	w[0] = (limit & 0xffff) | (__u32)(base & 0xffff) << 16;
	w[1] = DESC_HI_BASE_23_16(base) |
	       (__u32)seg->type << DESC_HI_TYPE_SHIFT |
	       (__u32)!!seg->s << DESC_HI_S_SHIFT |
	       (__u32)seg->dpl << DESC_HI_DPL_SHIFT |
	       (__u32)!!seg->present << DESC_HI_P_SHIFT |
	       DESC_HI_LIMIT_19_16(limit) |
	       (__u32)!!seg->avl << DESC_HI_AVL_SHIFT |
	       (__u32)!!seg->l << DESC_HI_L_SHIFT |
	       (__u32)!!seg->db << DESC_HI_DB_SHIFT |
	       (__u32)!!seg->g << DESC_HI_G_SHIFT |
	       DESC_HI_BASE_31_24(base);
	if (!long_mode_system) {
		memcpy(desc, w, 8);
		return 8;
	}
	w[2] = (__u32)(base >> 32);	/* w[3]: reserved, type 0 */
	memcpy(desc, w, 16);
	return 16;
}

void desc_decode(const void *desc, struct tvmm_segment *seg,
		 bool long_mode_system)
{
	__u32 w[4] = { 0 };
	__u32 limit;

	memcpy(w, desc, long_mode_system ? 16 : 8);
	memset(seg, 0, sizeof(*seg));
	seg->base = (w[0] >> 16) | (w[1] & 0xff) << 16 |
		    (w[1] & 0xff000000U);
	if (long_mode_system)
		seg->base |= (__u64)w[2] << 32;
	seg->type = (w[1] >> DESC_HI_TYPE_SHIFT) & 0xf;
	seg->s = (w[1] >> DESC_HI_S_SHIFT) & 1;
	seg->dpl = (w[1] >> DESC_HI_DPL_SHIFT) & 3;
	seg->present = (w[1] >> DESC_HI_P_SHIFT) & 1;
	seg->avl = (w[1] >> DESC_HI_AVL_SHIFT) & 1;
	seg->l = (w[1] >> DESC_HI_L_SHIFT) & 1;
	seg->db = (w[1] >> DESC_HI_DB_SHIFT) & 1;
	seg->g = (w[1] >> DESC_HI_G_SHIFT) & 1;
	limit = (w[0] & 0xffff) | (w[1] & 0xf0000);
	seg->limit = seg->g ? limit << DESC_G_SHIFT | DESC_G_LOW_BITS : limit;
}
