// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl_image.c - "tvmmctl run" on an image or a file, its outputs
 * collected (tvmmctl_image.h). stdout goes to a temporary file, stderr
 * through a pipe read as it comes: a --trace of thousands of lines never
 * fills a buffer, and the pipe never blocks tvmmctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/elf.h>

#include "tvmmctl_image.h"

static int write_temp(char *path, const void *buf, size_t len)
{
	int fd;

	strcpy(path, "/tmp/tvmmctl_image_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -EIO;
	}
	close(fd);
	return 0;
}

void tvmmctl_read_file(const char *path, char *out, size_t outlen)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(out, 1, outlen - 1, f);
		fclose(f);
	}
	out[n] = '\0';
}

int tvmmctl_run_file(const char *path, const char *input, const char *opts,
		     char *out, size_t outlen, tvmmctl_line_fn *on_line,
		     void *data)
{
	char stdout_path[64], cmd[1024];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = -1;
	FILE *p;

	out[0] = '\0';
	if (write_temp(stdout_path, "", 0))
		return -1;
	/* stderr to the pipe first, then stdout to the file. */
	snprintf(cmd, sizeof(cmd), "%s tvmmctl run %s %s 2>&1 >%s%s",
		 input ? input : "", opts, path, stdout_path,
		 input ? "" : " </dev/null");
	p = popen(cmd, "r");
	if (!p)
		goto out_stdout;
	while ((n = getline(&line, &cap, p)) >= 0) {
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (on_line)
			on_line(line, data);
	}
	free(line);
	status = pclose(p);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	tvmmctl_read_file(stdout_path, out, outlen);
out_stdout:
	unlink(stdout_path);
	return status;
}

int tvmmctl_run_image(const void *img, size_t len, const char *input,
		      const char *opts, char *out, size_t outlen,
		      tvmmctl_line_fn *on_line, void *data)
{
	char image[64];
	int status;

	out[0] = '\0';
	if (write_temp(image, img, len))
		return -1;
	status = tvmmctl_run_file(image, input, opts, out, outlen, on_line,
				  data);
	unlink(image);
	return status;
}

int tvmmctl_self_image(const char *path, unsigned long long *lo_out)
{
	unsigned long long lo = ~0ULL, hi = 0;
	struct elf64_hdr eh;
	struct elf64_phdr ph;
	char *img;
	int fd, out, i, ret = -1;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		goto out;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) !=
		    sizeof(ph))
			goto out;
		if (ph.p_type != PT_LOAD)
			continue;
		lo = ph.p_vaddr < lo ? ph.p_vaddr : lo;
		hi = ph.p_vaddr + ph.p_memsz > hi ? ph.p_vaddr + ph.p_memsz : hi;
	}
	lo &= ~4095ULL;
	hi = (hi + 4095) & ~4095ULL;
	img = calloc(1, hi - lo);
	if (!img)
		goto out;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) !=
		    sizeof(ph))
			goto out_free;
		if (ph.p_type == PT_LOAD &&
		    pread(fd, img + ph.p_vaddr - lo, ph.p_filesz,
			  ph.p_offset) != (ssize_t)ph.p_filesz)
			goto out_free;
	}
	/* The ELF header and program headers: raw, not an ELF, to tvmmctl. */
	memset(img, 0, 1024);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out >= 0 && write(out, img, hi - lo) == (ssize_t)(hi - lo))
		ret = 0;
	if (out >= 0)
		close(out);
	*lo_out = lo;
out_free:
	free(img);
out:
	close(fd);
	return ret;
}

unsigned int tvmmctl_count_lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

int tvmmctl_wait_file(const char *path, int seconds)
{
	struct timespec ts = { 0, 10 * 1000000 };
	struct stat st;
	int i;

	for (i = 0; i < seconds * 100; i++) {
		if (!stat(path, &st))
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

pid_t tvmmctl_spawn(const char *cmd)
{
	pid_t pid = fork();

	if (!pid) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}
