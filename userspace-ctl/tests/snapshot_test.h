/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of snapshot/ and devices/state.c; each returns pass. */
#ifndef TVMMCTL_TESTS_SNAPSHOT_TEST_H
#define TVMMCTL_TESTS_SNAPSHOT_TEST_H

#include <stdbool.h>

bool test_snap_crc32(void);
bool test_snap_round_trip(void);
bool test_snap_refusals(void);
bool test_snap_features(void);
bool test_snap_vcpu_refusals(void);
bool test_snap_devices_round_trip(void);
bool test_snap_devices_refused(void);
bool test_snap_timers_go_on(void);

#endif /* TVMMCTL_TESTS_SNAPSHOT_TEST_H */
