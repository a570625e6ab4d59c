/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live migration stream's transport (format.h has its records):
 * addresses ("unix:PATH", "tcp:HOST:PORT"), connecting and listening,
 * and records sent and received whole, their checksums checked. A peer
 * that goes quiet for MIG_IO_TIMEOUT_S seconds is a failure, not a hang.
 * Nothing here prints: failures come back as a negative errno and one
 * sentence in the stream's why[].
 */
#ifndef TVMMCTL_SNAPSHOT_STREAM_H
#define TVMMCTL_SNAPSHOT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/types.h>

#include "snapshot/format.h"

#define MIG_IO_TIMEOUT_S	60
#define MIG_WHY_MAX		256
#define MIG_ADDR_MAX		128

/**
 * struct mig_addr - where a migration goes, parsed.
 * @sa, @len:	the socket address (AF_UNIX, AF_INET or AF_INET6).
 * @text:	as the user wrote it, for messages.
 */
struct mig_addr {
	struct sockaddr_storage sa;
	socklen_t len;
	char text[MIG_ADDR_MAX];
};

/*
 * "unix:PATH" or "tcp:HOST:PORT" (HOST an IPv4 address, "[IPv6]", or
 * "localhost") into @a: 0, or -EINVAL with @why saying what is wrong.
 */
int mig_parse_addr(const char *s, struct mig_addr *a, char *why, size_t len);

/**
 * struct mig_stream - one end of a migration.
 * @fd:		the connected socket, -1 if none.
 * @bytes:	bytes sent or received so far, record headers included.
 * @why:	after a failure, what went wrong.
 */
struct mig_stream {
	int fd;
	__u64 bytes;
	char why[MIG_WHY_MAX];
};

void mig_stream_init(struct mig_stream *s);
void mig_stream_close(struct mig_stream *s);
/* Connect to @a: 0 or a negative errno (s->why). */
int mig_connect(struct mig_stream *s, const struct mig_addr *a);
/*
 * Listen on @a (a UNIX socket's path is made, and must not exist): the
 * listening socket, or a negative errno (@why).
 */
int mig_listen(const struct mig_addr *a, char *why, size_t len);
/*
 * The first connection to @lfd, then @lfd closed (and @a's path removed):
 * 0 or a negative errno (s->why).
 */
int mig_accept(struct mig_stream *s, int lfd, const struct mig_addr *a);

/* One record of @type and @count, its payload @iov[@n]: 0 or -errno. */
int mig_send(struct mig_stream *s, __u32 type, __u32 count,
	     const struct iovec *iov, int n);
/*
 * The next record into @r, its payload (at most @max bytes) into a
 * malloc()ed *@payload (NULL when empty), checksums checked: 0, or
 * -EPROTO (corrupt, too long), -ECONNRESET (the peer closed), -errno.
 */
int mig_recv(struct mig_stream *s, struct mig_record *r, void **payload,
	     size_t max);

/* The record type's name ("pages"), for messages. */
const char *mig_record_name(__u32 type);

#endif /* TVMMCTL_SNAPSHOT_STREAM_H */
