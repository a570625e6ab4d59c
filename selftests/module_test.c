// SPDX-License-Identifier: GPL-2.0
/*
 * module_test - loading and unloading tvmm.ko: repeated cycles leave no
 * memory behind, an open /dev/tvmm pins the module, bad parameters are
 * refused, and defer_vmxon=1 loads without entering VMX.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tvmm_test.h"

#define CYCLES		50
#define WARMUP_CYCLES	3
/*
 * One leaked page per load would grow used memory by 200 KiB over 50
 * cycles; allow a little noise from the rest of the (idle) system.
 */
#define LEAK_TOLERANCE_KB	96

static bool dev_exists(void)
{
	struct stat st;

	return !stat(TVMM_DEV, &st) && S_ISCHR(st.st_mode);
}

FIXTURE(mod) {
	int unused;
};

FIXTURE_SETUP(mod)
{
	TVMM_REQUIRE_UNLOADED();
}

FIXTURE_TEARDOWN(mod)
{
	tvmm_ensure_unloaded();
}

TEST_F(mod, load_unload_50_times_without_growth)
{
	long before, after;
	int i;

	for (i = 0; i < WARMUP_CYCLES; i++) {
		ASSERT_EQ(0, __tvmm_load(NULL));
		ASSERT_EQ(0, __tvmm_unload());
	}
	run_quiet("sync; echo 3 > /proc/sys/vm/drop_caches");
	before = used_memory_kb();
	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, __tvmm_load(NULL));
		ASSERT_TRUE(dev_exists());
		ASSERT_EQ(0, __tvmm_unload());
		ASSERT_FALSE(dev_exists());
		ASSERT_FALSE(tvmm_loaded());
	}
	run_quiet("sync; echo 3 > /proc/sys/vm/drop_caches");
	after = used_memory_kb();
	ksft_print_msg("used memory before %ld KiB, after %d cycles %ld KiB\n",
		       before, CYCLES, after);
	EXPECT_GT(LEAK_TOLERANCE_KB, after - before);
}

TEST_F(mod, unload_refused_while_open)
{
	int fd;

	ASSERT_EQ(0, __tvmm_load(NULL));
	fd = __tvmm_open();
	ASSERT_LE(0, fd);
	/* delete_module(O_NONBLOCK) on a module in use: -EWOULDBLOCK. */
	EXPECT_EQ(-EWOULDBLOCK, __tvmm_unload());
	EXPECT_TRUE(tvmm_loaded());
	EXPECT_EQ(TVMM_API_VERSION, ioctl(fd, TVMM_GET_API_VERSION, 0));
	close(fd);
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_F(mod, unload_refused_while_a_child_holds_it)
{
	int fd, status, pipefd[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, __tvmm_load(NULL));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The child opens the device and waits for the parent. */
		fd = __tvmm_open();
		if (write(pipefd[1], "x", 1) != 1 || fd < 0)
			_exit(1);
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_EQ(-EWOULDBLOCK, __tvmm_unload());
	close(pipefd[1]);
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_F(mod, second_load_is_eexist)
{
	ASSERT_EQ(0, __tvmm_load(NULL));
	EXPECT_EQ(-EEXIST, __tvmm_load(NULL));
	EXPECT_TRUE(dev_exists());
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_F(mod, bad_parameter_value_refused)
{
	EXPECT_EQ(-EINVAL, __tvmm_load("defer_vmxon=maybe"));
	EXPECT_FALSE(tvmm_loaded());
	EXPECT_FALSE(dev_exists());
}

TEST_F(mod, defer_vmxon_loads_without_vmx)
{
	struct tvmm_vmx_caps caps;
	int fd, i;

	ASSERT_EQ(0, __tvmm_load("defer_vmxon=1"));
	fd = __tvmm_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, __tvmm_get_caps(fd, &caps));
	EXPECT_NE(0, caps.state & TVMM_CAPS_VMXON_DEFERRED);
	for (i = 0; i < TVMM_CPU_WORDS; i++)
		EXPECT_EQ(0, caps.vmxon_cpus[i]);
	EXPECT_TRUE(cpu_in_map(caps.online_cpus, 0));
	close(fd);
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_HARNESS_MAIN
