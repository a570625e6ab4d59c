// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm_util.c - helpers shared by the tvmm selftests: loading and unloading
 * the module, /proc and /sys readers, watching the kernel log, CPUs and
 * time, and running shell commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tvmm_util.h"

const char *tvmm_ko_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("TVMM_KO");
	struct utsname u;

	if (env && *env)
		return env;
	if (uname(&u))
		return "tvmm.ko";
	snprintf(path, sizeof(path), "/lib/modules/%s/extra/tvmm.ko",
		 u.release);
	return path;
}

int __tvmm_load(const char *params)
{
	int fd = open(tvmm_ko_path(), O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int __tvmm_unload(void)
{
	return syscall(SYS_delete_module, "tvmm", O_NONBLOCK) ? -errno : 0;
}

bool tvmm_loaded(void)
{
	struct stat st;

	return !stat("/sys/module/tvmm", &st);
}

int tvmm_ensure_loaded(void)
{
	return tvmm_loaded() ? 0 : __tvmm_load(NULL);
}

int tvmm_ensure_unloaded(void)
{
	return tvmm_loaded() ? __tvmm_unload() : 0;
}

int __tvmm_open(void)
{
	int fd = open(TVMM_DEV, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int __tvmm_get_caps(int fd, struct tvmm_vmx_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->size = sizeof(*caps);
	return ioctl(fd, TVMM_GET_VMX_CAPS, caps) ? -errno : 0;
}

int tvmm_read_caps(struct tvmm_vmx_caps *caps)
{
	int fd = __tvmm_open();
	int ret;

	if (fd < 0)
		return fd;
	ret = __tvmm_get_caps(fd, caps);
	close(fd);
	return ret;
}

/* The value of the first "KEY\t: value" line of /proc/cpuinfo. */
static const char *cpuinfo_value(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	size_t klen = strlen(key);
	char *line = NULL;
	size_t cap = 0;

	buf[0] = '\0';
	if (!f)
		return buf;
	while (getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, klen) || !colon ||
		    strspn(line + klen, " \t") != (size_t)(colon - line - klen))
			continue;
		snprintf(buf, len, "%s", colon + 1 + strspn(colon + 1, " "));
		buf[strcspn(buf, "\n")] = '\0';
		break;
	}
	free(line);
	fclose(f);
	return buf;
}

bool host_has_vmx(void)
{
	static char flags[8192];

	return word_in_list(cpuinfo_value("flags", flags, sizeof(flags)),
			    "vmx");
}

const char *cpuinfo_vmx_flags(void)
{
	static char flags[4096];

	return cpuinfo_value("vmx flags", flags, sizeof(flags));
}

bool word_in_list(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		bool start = p == list || p[-1] == ' ';
		bool end = p[len] == '\0' || p[len] == ' ';

		if (start && end)
			return true;
		p += len;
	}
	return false;
}

long proc_kb(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	size_t klen = strlen(key);
	char line[256];
	long val = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			val = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

long meminfo_kb(const char *key)
{
	return proc_kb("/proc/meminfo", key);
}

/*
 * Free pages the page allocator keeps on its per-CPU lists: the "count:"
 * of every pageset in /proc/zoneinfo. MemFree leaves them out, and how
 * many there are follows the last few frees, not what anyone holds, so a
 * module of another size can move MemFree by hundreds of KiB for good.
 */
static long pcp_free_kb(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	long pages = 0, n;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

long used_memory_kb(void)
{
	return meminfo_kb("MemTotal") - meminfo_kb("MemFree") -
	       pcp_free_kb() - meminfo_kb("Buffers") - meminfo_kb("Cached") -
	       meminfo_kb("SReclaimable");
}

int kmsg_watch_start(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

int kmsg_watch_count(int watch, const char *needle, char *first, size_t len)
{
	char rec[2048];
	int count = 0;
	ssize_t n;

	if (first && len)
		first[0] = '\0';
	for (;;) {
		char *msg;

		n = read(watch, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* records were overwritten */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		/* "prio,seq,time,flags;message\n" */
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		/*
		 * The module loader's own lines on a first load ("loading
		 * out-of-tree module taints kernel.") are not the module's.
		 */
		if (!strstr(msg, needle) || strstr(msg, "taint"))
			continue;
		if (!count && first && len)
			snprintf(first, len, "%s", msg);
		count++;
	}
	return count;
}

void kmsg_watch_stop(int watch)
{
	if (watch >= 0)
		close(watch);
}

int online_cpu_count(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

int __cpu_set_online(int cpu, bool online)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online",
		 cpu);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, online ? "1" : "0", 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

bool cpu_is_online(int cpu)
{
	char path[128], c = '1';
	int fd;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online",
		 cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cpu == 0;	/* CPU0 often has no "online" file */
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c == '1';
}

bool cpu_in_map(const __u64 *map, int cpu)
{
	return map[cpu / 64] & (1ULL << (cpu % 64));
}

int pin_thread(pthread_t thread, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(thread, sizeof(set), &set);
}

int signal_until_done(pthread_t thread, int sig, const bool *done)
{
	while (!__atomic_load_n(done, __ATOMIC_ACQUIRE)) {
		double t = now_seconds();
		int err = pthread_kill(thread, sig);

		if (err)
			return err;
		while (!__atomic_load_n(done, __ATOMIC_ACQUIRE) &&
		       now_seconds() < t + 0.1)
			;
	}
	return 0;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void spin_for(double seconds)
{
	double end = now_seconds() + seconds;

	while (now_seconds() < end)
		;
}

int run_quiet(const char *cmd)
{
	char buf[512];
	int status;

	snprintf(buf, sizeof(buf), "%s >/dev/null 2>&1", cmd);
	status = system(buf);
	if (status < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int run_capture(const char *cmd, char *out, size_t len)
{
	char buf[4096];
	size_t n = 0, got;
	int status;
	FILE *p;

	out[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while ((got = fread(buf, 1, sizeof(buf), p)) > 0) {
		if (got > len - 1 - n)
			got = len - 1 - n;
		memcpy(out + n, buf, got);
		n += got;
	}
	out[n] = '\0';
	status = pclose(p);
	if (status < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

__u32 tvmm_crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	__u32 c = ~0u;
	int k;

	while (len--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}
