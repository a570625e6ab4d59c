/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of "tvmmctl run"'s parts, in run_test.c; each returns pass. */
#ifndef TVMMCTL_TESTS_RUN_TEST_H
#define TVMMCTL_TESTS_RUN_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* An ELF program header for make_elf(). */
struct seg_spec {
	__u64 offset, paddr, filesz, memsz;
};

/* @size bytes of @value, little-endian, at @off of an image; none if 0. */
struct poke {
	size_t off, size;
	__u64 value;
};

void poke(__u8 *img, const struct poke *p);

/* A small ELF file: header, @n program headers, bytes i & 0xff from 0x200. */
size_t make_elf(__u8 *buf, size_t size, bool is64, __u64 entry,
		const struct seg_spec *segs, unsigned int n);

bool test_run_parse_size(void);
bool test_run_parse_opt(void);
bool test_opt_table(void);
bool test_run_raw(void);
bool test_run_elf64_good(void);
bool test_run_elf32_good(void);
bool test_run_elf_bad(void);
bool test_run_boot_long(void);
bool test_run_boot_area(void);
bool test_run_uart(void);
bool test_run_debug_exit(void);

#endif /* TVMMCTL_TESTS_RUN_TEST_H */
