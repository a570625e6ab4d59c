/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRC-32 as zlib, PNG and Ethernet compute it (polynomial 0x04c11db7,
 * reflected, initial value and final XOR all ones): crc32(0, "123456789",
 * 9) is 0xcbf43926. The snapshot file's check per section.
 */
#ifndef TVMMCTL_LIB_CRC32_H
#define TVMMCTL_LIB_CRC32_H

#include <stddef.h>
#include <linux/types.h>

/* The CRC of @crc's bytes followed by @len bytes at @buf; start with 0. */
__u32 crc32_update(__u32 crc, const void *buf, size_t len);

#endif /* TVMMCTL_LIB_CRC32_H */
