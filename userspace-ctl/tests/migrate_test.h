/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of live migration's stream and receiver; each returns pass. */
#ifndef TVMMCTL_TESTS_MIGRATE_TEST_H
#define TVMMCTL_TESTS_MIGRATE_TEST_H

#include <stdbool.h>

bool test_mig_addr(void);
bool test_mig_records(void);
bool test_mig_receive(void);
bool test_mig_receive_refused(void);
bool test_snap_state_in_memory(void);

#endif /* TVMMCTL_TESTS_MIGRATE_TEST_H */
