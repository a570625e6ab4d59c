// SPDX-License-Identifier: GPL-2.0
/*
 * CRC-32 (lib/crc32.h), a byte at a time through a table made on first
 * use: fast enough for the snapshot's few hundred MiB at most.
 */
#include <pthread.h>

#include "lib/crc32.h"

#define CRC32_POLY_LE	0xedb88320u	/* 0x04c11db7 bit-reversed */

static __u32 crc32_table[256];
static pthread_once_t crc32_once = PTHREAD_ONCE_INIT;

static void crc32_init(void)
{
	unsigned int i, bit;
	__u32 c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (bit = 0; bit < 8; bit++)
			c = c & 1 ? (c >> 1) ^ CRC32_POLY_LE : c >> 1;
		crc32_table[i] = c;
	}
}

__u32 crc32_update(__u32 crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	pthread_once(&crc32_once, crc32_init);
	crc = ~crc;
	while (len--)
		crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
