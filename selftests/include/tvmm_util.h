/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_util.h - helpers shared by the tvmm selftests.
 *
 * Functions named __tvmm_x() return the raw result (0 or -errno) for tests
 * that check errors; the tests assert on them with the kselftest harness.
 */
#ifndef TVMM_SELFTEST_UTIL_H
#define TVMM_SELFTEST_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "uapi/tvmm.h"

#define TVMM_DEV	"/dev/tvmm"

/* Where the module is: $TVMM_KO, else /lib/modules/$(uname -r)/extra/tvmm.ko */
const char *tvmm_ko_path(void);

/* finit_module()/delete_module(): 0 or -errno. @params may be NULL. */
int __tvmm_load(const char *params);
int __tvmm_unload(void);
bool tvmm_loaded(void);

/* Bring the module to a known state: 0 or -errno. */
int tvmm_ensure_loaded(void);
int tvmm_ensure_unloaded(void);

/* open(/dev/tvmm): fd or -errno. */
int __tvmm_open(void);

/* TVMM_GET_VMX_CAPS with a correct header: 0 or -errno. */
int __tvmm_get_caps(int fd, struct tvmm_vmx_caps *caps);

/* The same through a /dev/tvmm opened and closed for it: 0 or -errno. */
int tvmm_read_caps(struct tvmm_vmx_caps *caps);

/* Whether /proc/cpuinfo lists "vmx" in the flags of the first CPU. */
bool host_has_vmx(void);

/* The "vmx flags" line of the first CPU in /proc/cpuinfo, or "" if none. */
const char *cpuinfo_vmx_flags(void);

/* Whether @word appears as a whole word in the space-separated @list. */
bool word_in_list(const char *list, const char *word);

/* A value from /proc/meminfo in KiB, or -1. */
long meminfo_kb(const char *key);
/* The same from another file of "Key:  N kB" lines, e.g. /proc/self/status. */
long proc_kb(const char *path, const char *key);

/*
 * Used memory in KiB, leaving out page cache, reclaimable slab and the
 * free pages on the allocator's per-CPU lists.
 */
long used_memory_kb(void);

/*
 * Kernel log watching: kmsg_watch_start() remembers where the log ends;
 * kmsg_watch_count() counts the records written since that contain @needle
 * and copies the first into @first (if not NULL). The module loader's
 * tainting notices are left out.
 */
int kmsg_watch_start(void);
int kmsg_watch_count(int watch, const char *needle, char *first, size_t len);
void kmsg_watch_stop(int watch);

/* CPUs: count online, set one online or offline (0 or -errno). */
int online_cpu_count(void);
int __cpu_set_online(int cpu, bool online);
bool cpu_is_online(int cpu);
bool cpu_in_map(const __u64 *map, int cpu);

/* Let @thread run on @cpu only: 0 or an error number. */
int pin_thread(pthread_t thread, int cpu);

/*
 * Send @sig to @thread every 100 ms until *@done (read with acquire) is
 * true: for a thread in TVMM_RUN that only a signal brings back. 0 or
 * pthread_kill()'s error number.
 */
int signal_until_done(pthread_t thread, int sig, const bool *done);

/*
 * CLOCK_MONOTONIC in seconds; spin_for() busy-waits @seconds (the emulator
 * stalls on idle waits). For deadlines and progress, not for assertions.
 */
double now_seconds(void);
void spin_for(double seconds);

/* Run a shell command quietly; its exit status, or -1. */
int run_quiet(const char *cmd);

/*
 * Run the shell command @cmd (add "2>&1" to it for stderr too): its stdout
 * in @out, NUL-terminated, cut at @len - 1 bytes (the rest is read and
 * dropped, so the command never blocks on a full pipe). Its exit status,
 * or -1 if it could not run or died.
 */
int run_capture(const char *cmd, char *out, size_t len);

/*
 * CRC-32 (zlib's), as tvmmctl's snapshot file and migration stream check
 * them: for tests that forge or break one.
 */
__u32 tvmm_crc32(const void *buf, size_t len);

#endif /* TVMM_SELFTEST_UTIL_H */
