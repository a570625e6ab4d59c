/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm.h - what the parts of the module core share.
 */
#ifndef TVMM_TVMM_H
#define TVMM_TVMM_H

#include <linux/types.h>

/* Module parameter: VMXON only while a VM exists (see main.c). */
extern bool tvmm_defer_vmxon;

/* dev.c: /dev/tvmm. Registering it is the last step of loading. */
int tvmm_dev_init(void);
void tvmm_dev_exit(void);

#endif /* TVMM_TVMM_H */
