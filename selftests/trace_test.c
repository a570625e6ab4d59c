// SPDX-License-Identifier: GPL-2.0
/*
 * trace_test - the tvmm:tvmm_exit tracepoint records every VM exit, those
 * handled in the kernel included, for the standard tracing tools (tracefs
 * events/tvmm/tvmm_exit), with the exit reason (CPUID is 10, SDM Vol. 3D,
 * Appendix C) and the guest's RIP.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define NR_CPUIDS	23

static void guest_code(void)
{
	__u32 a, b, c, d;
	int i;

	for (i = 0; i < NR_CPUIDS; i++)
		cpuid(0, 0, &a, &b, &c, &d);
	GUEST_DONE();
}

/* tracefs, mounted if need be; NULL if the kernel has none. */
static const char *tracefs(void)
{
	struct stat st;

	if (!stat("/sys/kernel/tracing/trace", &st))
		return "/sys/kernel/tracing";
	if (!mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
		return "/sys/kernel/tracing";
	return NULL;
}

static int write_file(const char *dir, const char *name, const char *val)
{
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(fd);
	return ret;
}

/* Lines of the trace buffer that contain @needle. */
static int count_trace_lines(const char *dir, const char *needle)
{
	char path[256], line[512];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, needle);
	fclose(f);
	return n;
}

TEST(every_exit_is_traced)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	const char *dir;

	TVMM_REQUIRE_MODULE();
	dir = tracefs();
	if (!dir)
		TVMM_SKIP("no tracefs");
	ASSERT_EQ(0, write_file(dir, "events/tvmm/tvmm_exit/enable", "1"));
	ASSERT_EQ(0, write_file(dir, "trace", ""));

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);

	ASSERT_EQ(0, write_file(dir, "events/tvmm/tvmm_exit/enable", "0"));
	EXPECT_EQ(NR_CPUIDS, count_trace_lines(dir, "vcpu 0 reason 10 "));
	/* The ucall that ended the guest: an I/O exit (30). */
	EXPECT_LE(1, count_trace_lines(dir, "vcpu 0 reason 30 "));
}

TEST_HARNESS_MAIN
