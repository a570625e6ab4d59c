// SPDX-License-Identifier: GPL-2.0
/*
 * The live migration stream's transport (stream.h): addresses, sockets,
 * whole records with their checksums. Runs in whichever thread migrates:
 * the pre-copy thread and the input thread of "tvmmctl run", the command's
 * thread of "tvmmctl restore --incoming".
 */
#define _GNU_SOURCE	/* accept4() */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "lib/crc32.h"
#include "lib/parse.h"
#include "lib/util.h"
#include "snapshot/stream.h"

static int mig_fail(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

static int mig_parse_unix(const char *path, struct mig_addr *a, char *why,
			  size_t len)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&a->sa;

	if (!*path || strlen(path) >= sizeof(un->sun_path))
		return mig_fail(why, len, -EINVAL,
				"unix:PATH: want a path of 1 to %zu bytes",
				sizeof(un->sun_path) - 1);
	un->sun_family = AF_UNIX;
	strcpy(un->sun_path, path);
	a->len = sizeof(*un);
	return 0;
}

static int mig_parse_tcp(const char *hp, struct mig_addr *a, char *why,
			 size_t len)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->sa;
	struct sockaddr_in *in = (struct sockaddr_in *)&a->sa;
	const char *colon = strrchr(hp, ':');
	char host[64];
	size_t n;
	__u64 port;

	if (!colon || tvmm_parse_range(colon + 1, 1, 65535, &port))
		return mig_fail(why, len, -EINVAL,
				"tcp:HOST:PORT: want a port from 1 to 65535");
	n = colon - hp;
	if (n >= 2 && hp[0] == '[' && hp[n - 1] == ']') {
		hp++;
		n -= 2;
	}
	if (!n || n >= sizeof(host))
		return mig_fail(why, len, -EINVAL,
				"tcp:HOST:PORT: the host is missing or too long");
	memcpy(host, hp, n);
	host[n] = '\0';
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		a->len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		a->len = sizeof(*in6);
		return 0;
	}
	return mig_fail(why, len, -EINVAL,
			"tcp:HOST:PORT: '%s' is no IPv4 or [IPv6] address",
			host);
}

int mig_parse_addr(const char *s, struct mig_addr *a, char *why, size_t len)
{
	memset(a, 0, sizeof(*a));
	if (!s || strlen(s) >= sizeof(a->text))
		return mig_fail(why, len, -EINVAL,
				"want unix:PATH or tcp:HOST:PORT");
	snprintf(a->text, sizeof(a->text), "%s", s);
	if (!strncmp(s, "unix:", 5))
		return mig_parse_unix(s + 5, a, why, len);
	if (!strncmp(s, "tcp:", 4))
		return mig_parse_tcp(s + 4, a, why, len);
	return mig_fail(why, len, -EINVAL,
			"'%s': want unix:PATH or tcp:HOST:PORT", s);
}

void mig_stream_init(struct mig_stream *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

void mig_stream_close(struct mig_stream *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* A peer quiet for MIG_IO_TIMEOUT_S fails the call (EAGAIN). */
static void mig_set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = MIG_IO_TIMEOUT_S };
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int mig_connect(struct mig_stream *s, const struct mig_addr *a)
{
	int fd, err;

	fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return mig_fail(s->why, sizeof(s->why), -errno,
				"%s: socket: %s", a->text, strerror(errno));
	mig_set_timeouts(fd);
	if (connect(fd, (const struct sockaddr *)&a->sa, a->len)) {
		err = errno;
		close(fd);
		return mig_fail(s->why, sizeof(s->why), -err,
				"cannot connect to %s: %s", a->text,
				strerror(err));
	}
	s->fd = fd;
	return 0;
}

int mig_listen(const struct mig_addr *a, char *why, size_t len)
{
	int fd, err, one = 1;

	fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return mig_fail(why, len, -errno, "%s: socket: %s", a->text,
				strerror(errno));
	if (a->sa.ss_family != AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->sa, a->len) ||
	    listen(fd, 1)) {
		err = errno;
		close(fd);
		return mig_fail(why, len, -err, "cannot listen on %s: %s",
				a->text, strerror(err));
	}
	return fd;
}

int mig_accept(struct mig_stream *s, int lfd, const struct mig_addr *a)
{
	int fd, err;

	do
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	err = errno;
	close(lfd);
	if (a->sa.ss_family == AF_UNIX)
		unlink(((const struct sockaddr_un *)&a->sa)->sun_path);
	if (fd < 0)
		return mig_fail(s->why, sizeof(s->why), -err,
				"%s: accept: %s", a->text, strerror(err));
	mig_set_timeouts(fd);
	s->fd = fd;
	return 0;
}

static __u32 mig_header_crc(const struct mig_record *r)
{
	return crc32_update(0, r, offsetof(struct mig_record, header_crc32));
}

static const char *const mig_record_names[] = {
	[MIG_REC_HELLO]	= "hello",
	[MIG_REC_PAGES]	= "pages",
	[MIG_REC_STATE]	= "state",
	[MIG_REC_ACK]	= "ack",
	[MIG_REC_NAK]	= "nak",
};

const char *mig_record_name(__u32 type)
{
	if (type < ARRAY_SIZE(mig_record_names) && mig_record_names[type])
		return mig_record_names[type];
	return "unknown";
}

/*
 * All of @iov[@n] out, whatever partial writes and signals do. A peer
 * gone is EPIPE, never SIGPIPE: it must not kill the guest's process.
 */
static int mig_write_all(struct mig_stream *s, struct iovec *iov, int n)
{
	struct msghdr msg = { 0 };
	ssize_t done;

	while (n > 0) {
		msg.msg_iov = iov;
		msg.msg_iovlen = n;
		done = sendmsg(s->fd, &msg, MSG_NOSIGNAL);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return mig_fail(s->why, sizeof(s->why),
					done ? -errno : -EIO, "sending: %s",
					done && errno == EAGAIN ?
					"the receiver stopped reading" :
					strerror(done ? errno : EIO));
		s->bytes += done;
		while (n > 0 && (size_t)done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
	return 0;
}

#define MIG_IOV_MAX	8

int mig_send(struct mig_stream *s, __u32 type, __u32 count,
	     const struct iovec *iov, int n)
{
	struct iovec v[MIG_IOV_MAX + 1];
	struct mig_record r = { .type = type, .count = count };
	int i;

	if (n > MIG_IOV_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		r.crc32 = crc32_update(r.crc32, iov[i].iov_base,
				       iov[i].iov_len);
		r.length += iov[i].iov_len;
		v[i + 1] = iov[i];
	}
	r.header_crc32 = mig_header_crc(&r);
	v[0] = (struct iovec){ .iov_base = &r, .iov_len = sizeof(r) };
	return mig_write_all(s, v, n + 1);
}

static int mig_read_all(struct mig_stream *s, void *buf, size_t len)
{
	ssize_t done;

	while (len) {
		done = read(s->fd, buf, len);
		if (done < 0 && errno == EINTR)
			continue;
		if (!done)
			return mig_fail(s->why, sizeof(s->why), -ECONNRESET,
					"the sender closed the connection");
		if (done < 0)
			return mig_fail(s->why, sizeof(s->why), -errno,
					"receiving: %s", errno == EAGAIN ?
					"nothing came for a minute" :
					strerror(errno));
		s->bytes += done;
		buf = (char *)buf + done;
		len -= done;
	}
	return 0;
}

int mig_recv(struct mig_stream *s, struct mig_record *r, void **payload,
	     size_t max)
{
	void *p = NULL;
	int ret;

	*payload = NULL;
	ret = mig_read_all(s, r, sizeof(*r));
	if (ret)
		return ret;
	if (r->header_crc32 != mig_header_crc(r))
		return mig_fail(s->why, sizeof(s->why), -EPROTO,
				"a record's header is corrupt");
	if (r->length > max)
		return mig_fail(s->why, sizeof(s->why), -EPROTO,
				"a %s record of %llu bytes, more than %zu",
				mig_record_name(r->type),
				(unsigned long long)r->length, max);
	if (r->length) {
		p = malloc(r->length);
		if (!p)
			return mig_fail(s->why, sizeof(s->why), -ENOMEM,
					"no memory for a %s record",
					mig_record_name(r->type));
		ret = mig_read_all(s, p, r->length);
		if (!ret && crc32_update(0, p, r->length) != r->crc32)
			ret = mig_fail(s->why, sizeof(s->why), -EPROTO,
				       "a %s record is corrupt",
				       mig_record_name(r->type));
		if (ret) {
			free(p);
			return ret;
		}
	}
	*payload = p;
	return 0;
}
