/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmmctl_image.h - running guest images with "tvmmctl run", for the
 * tests of tvmmctl itself: the image goes to a file (or is one already),
 * tvmmctl runs it in a shell command, its stdout (the guest's UART) is
 * collected and its stderr (errors, --trace, --stats) is handed over line
 * by line, however long.
 *
 * Images are usually asm guests (GUEST_ASM16/GUEST_ASM32 of tvmm_vm.h):
 * run as raw images at TVMM_GPA_ASM_CODE, with "--load-addr 0x8000"
 * (and "--mode protected" for 32-bit code), their GUEST_ASM_ADDR()s hold.
 */
#ifndef TVMM_SELFTEST_TVMMCTL_IMAGE_H
#define TVMM_SELFTEST_TVMMCTL_IMAGE_H

#include <stddef.h>
#include <sys/types.h>

/* Called with each line of stderr, without its newline. */
typedef void tvmmctl_line_fn(const char *line, void *data);

/**
 * tvmmctl_run_image() - "@input tvmmctl run @opts IMAGE".
 * @img, @len:	the image, written to a temporary file.
 * @input:	a shell command piped into tvmmctl's stdin ("printf 'x' |"),
 *		or NULL for /dev/null.
 * @opts:	tvmmctl run's options.
 * @out:	gets stdout, NUL-terminated, cut at @outlen - 1 bytes.
 * @on_line:	gets each line of stderr; NULL to drop them.
 *
 * Return: tvmmctl's exit status, or -1 if it could not run or died.
 */
int tvmmctl_run_image(const void *img, size_t len, const char *input,
		      const char *opts, char *out, size_t outlen,
		      tvmmctl_line_fn *on_line, void *data);

/* The same with the image in the file @path. */
int tvmmctl_run_file(const char *path, const char *input, const char *opts,
		     char *out, size_t outlen, tvmmctl_line_fn *on_line,
		     void *data);

/*
 * For tests whose guest is C in the test binary (snapshot_test,
 * live_migration_test): the binary's own PT_LOAD segments as one raw
 * image at @path, its first 1 KiB (the ELF headers) zeroed, so that
 * "tvmmctl run --mode long --load-addr *@lo --entry FUNCTION" runs any
 * function of the binary as a guest. 0 or -1.
 */
int tvmmctl_self_image(const char *path, unsigned long long *lo);

/* "sh -c @cmd" in a child process of its own: its pid, or -1. */
pid_t tvmmctl_spawn(const char *cmd);
/* A small file whole into @buf, NUL-terminated ("" if unreadable). */
void tvmmctl_read_file(const char *path, char *buf, size_t len);
/* Lines (newlines) in @s. */
unsigned int tvmmctl_count_lines(const char *s);
/* Whether @path exists within @seconds, looked for every 10 ms. */
int tvmmctl_wait_file(const char *path, int seconds);

#endif /* TVMM_SELFTEST_TVMMCTL_IMAGE_H */
