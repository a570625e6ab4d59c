/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests of the Linux loaders, the e820 map, the MP table and the
 * loader table, in linux_test.c; each returns pass. The skip_* functions
 * say why a test of Debian's kernel cannot run (NULL: it can).
 */
#ifndef TVMMCTL_TESTS_LINUX_TEST_H
#define TVMMCTL_TESTS_LINUX_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/*
 * A bzImage of BZ_SIZE bytes: "MZ" and garbage (0xee) before the setup
 * header, Debian's header fields but an 8 MiB init_size, more garbage
 * (0xdd) after the header, the payload from BZ_PAYLOAD (byte i: i * 3).
 * set() changes its setup header field at @off (the H_* offsets).
 */
#define BZ_SIZE		0x1000
#define BZ_PAYLOAD	0x400		/* setup_sects 1 */
#define H_INIT_SIZE	0x260
void make_bzimage(__u8 *img);
void set(__u8 *img, size_t off, __u64 v);

bool test_e820(void);
bool test_bzimage_bad(void);
bool test_bzimage_zero_page(void);
bool test_pvh(void);
bool test_pvh_bad(void);
bool test_mptable(void);
bool test_loader_order(void);
bool test_debian_bzimage(void);
bool test_debian_vmlinux(void);
const char *skip_no_debian_bzimage(void);
const char *skip_no_debian_vmlinux(void);

#endif /* TVMMCTL_TESTS_LINUX_TEST_H */
