// SPDX-License-Identifier: GPL-2.0
/*
 * memcg_test - what tvmm allocates for a vCPU is charged to the memory
 * cgroup of the task that asked, so that a memory.max bounds what a user
 * of /dev/tvmm can make the kernel hold.
 *
 * The test moves itself into a new cgroup (cgroup v2, mounted at
 * /sys/fs/cgroup if it is not yet; skipped without the memory
 * controller), creates NR_VCPUS vCPUs, then turns tracing on for each
 * (TVMM_SET_TRACE allocates its TVMM_TRACE_MMAP_SIZE ring, mapped to
 * userspace), and reads memory.current around each step.
 *
 * memory.current moves in batches: the kernel charges a CPU's stock of up
 * to 64 pages at once, and takes from that stock later without moving
 * it. So the rings must raise it by NR_VCPUS rings less 64 pages, one
 * ring. What the kernel itself allocates for the vCPU (the guest's FPU
 * state, fpu_alloc_guest_fpstate()) is not charged, and not checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define NR_VCPUS	32

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

static bool file_has_word(const char *path, const char *word)
{
	char buf[512], *tok, *save;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (tok = strtok_r(buf, "\n ", &save); tok;
	     tok = strtok_r(NULL, "\n ", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

static long long memory_current(const char *cg)
{
	char path[256], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/memory.current", cg);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoll(buf);
}

/* cgroup v2 with the memory controller at CGROUP_ROOT, or a reason. */
static const char *cgroup2_memory(void)
{
	struct statfs fs;

	if (statfs(CGROUP_ROOT, &fs))
		return "no " CGROUP_ROOT;
	if (fs.f_type != CGROUP2_SUPER_MAGIC &&
	    mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL))
		return "cannot mount cgroup2 at " CGROUP_ROOT;
	if (!file_has_word(CGROUP_ROOT "/cgroup.controllers", "memory"))
		return "the kernel has no memory controller";
	if (!file_has_word(CGROUP_ROOT "/cgroup.subtree_control", "memory") &&
	    write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory"))
		return "cannot enable the memory controller";
	return NULL;
}

TEST(vcpu_memory_is_charged_to_the_memcg)
{
	struct tvmm_trace_config cfg = { .flags = TVMM_TRACE_ON };
	long long before, created, traced, ring = TVMM_TRACE_MMAP_SIZE;
	long page = sysconf(_SC_PAGESIZE);
	char cg[128], procs[160], pid[32];
	const char *why;
	struct tvmm_vcpu *vcpu[NR_VCPUS];
	struct tvmm_vm *vm;
	int i;

	TVMM_REQUIRE_MODULE();
	why = cgroup2_memory();
	if (why)
		TVMM_SKIP("%s", why);
	snprintf(cg, sizeof(cg), CGROUP_ROOT "/tvmm_memcg_test.%d", getpid());
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	ASSERT_EQ(0, mkdir(cg, 0755));
	ASSERT_EQ(0, write_file(procs, pid));

	vm = vm_create();
	before = memory_current(cg);
	ASSERT_LE(0, before);
	for (i = 0; i < NR_VCPUS; i++)
		vcpu[i] = vm_vcpu_add(vm, i);
	created = memory_current(cg);
	for (i = 0; i < NR_VCPUS; i++)
		ASSERT_EQ(0, ioctl(vcpu[i]->fd, TVMM_SET_TRACE, &cfg));
	traced = memory_current(cg);
	TH_LOG("memory.current: %lld, %lld with %d vCPUs, %lld traced",
	       before, created, NR_VCPUS, traced);

	/* The cgroup charges at all: each vCPU's VMCS and run page. */
	EXPECT_LE(before + (NR_VCPUS - 1) * 2 * page, created);
	EXPECT_LE(created + (NR_VCPUS - 1) * ring, traced) {
		TH_LOG("%d trace rings of %lld bytes raised memory.current by %lld",
		       NR_VCPUS, ring, traced - created);
	}

	vm_free(vm);
	ASSERT_EQ(0, write_file(CGROUP_ROOT "/cgroup.procs", pid));
	EXPECT_EQ(0, rmdir(cg));
}

TEST_HARNESS_MAIN
