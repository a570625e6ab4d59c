// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of snapshot/stream.c and the receiver of snapshot/migrate.c:
 * addresses parsed and refused; records sent and received whole over a
 * socket pair, a flipped byte and a header that lies about its length
 * refused; a receiver fed by a pretend sender (a thread of this test)
 * ending with exactly the RAM the pages said, pages sent twice and zero
 * pages included, and refusing, saying why, a stream of another version,
 * a page outside RAM, a record out of order or a sender that went away;
 * and a snapshot written into memory that reads back as a file.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "kselftest.h"

#include "tvmmctl.h"
#include "lib/crc32.h"
#include "lib/util.h"
#include "snapshot/file.h"
#include "snapshot/migrate.h"
#include "snapshot/stream.h"
#include "check.h"
#include "migrate_test.h"

bool test_mig_addr(void)
{
	static const char *const bad[] = {
		"", "unix:", "tcp:", "tcp:1.2.3.4", "tcp:1.2.3.4:0",
		"tcp:1.2.3.4:65536", "tcp::80", "tcp:host.example:80",
		"udp:1.2.3.4:5", "/tmp/sock",
	};
	struct sockaddr_in6 *in6;
	struct sockaddr_in *in;
	struct mig_addr a;
	char why[MIG_WHY_MAX], path[200];
	bool ok = true;
	unsigned int i;

	ok &= EXPECT(!mig_parse_addr("unix:/tmp/x.sock", &a, why, sizeof(why)));
	ok &= EXPECT(a.sa.ss_family == AF_UNIX);
	ok &= EXPECT(!strcmp(((struct sockaddr_un *)&a.sa)->sun_path,
			     "/tmp/x.sock"));
	ok &= EXPECT(!strcmp(a.text, "unix:/tmp/x.sock"));
	ok &= EXPECT(!mig_parse_addr("tcp:10.1.2.3:4444", &a, why, sizeof(why)));
	in = (struct sockaddr_in *)&a.sa;
	ok &= EXPECT(in->sin_family == AF_INET && ntohs(in->sin_port) == 4444 &&
		     ntohl(in->sin_addr.s_addr) == 0x0a010203);
	ok &= EXPECT(!mig_parse_addr("tcp:localhost:1", &a, why, sizeof(why)));
	in = (struct sockaddr_in *)&a.sa;
	ok &= EXPECT(ntohl(in->sin_addr.s_addr) == 0x7f000001);
	ok &= EXPECT(!mig_parse_addr("tcp:[::1]:65535", &a, why, sizeof(why)));
	in6 = (struct sockaddr_in6 *)&a.sa;
	ok &= EXPECT(in6->sin6_family == AF_INET6 &&
		     ntohs(in6->sin6_port) == 65535 &&
		     in6->sin6_addr.s6_addr[15] == 1);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		why[0] = '\0';
		if (!EXPECT(mig_parse_addr(bad[i], &a, why, sizeof(why)) ==
			    -EINVAL && why[0])) {
			ksft_print_msg("'%s' taken\n", bad[i]);
			ok = false;
		}
	}
	/* A path longer than sun_path. */
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	memcpy(path, "unix:", 5);
	ok &= EXPECT(mig_parse_addr(path, &a, why, sizeof(why)) == -EINVAL);
	return ok;
}

static bool stream_pair(struct mig_stream *a, struct mig_stream *b)
{
	int sv[2];

	mig_stream_init(a);
	mig_stream_init(b);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return false;
	a->fd = sv[0];
	b->fd = sv[1];
	return true;
}

bool test_mig_records(void)
{
	static char big[70000];
	struct iovec iov[2] = {
		{ .iov_base = "head", .iov_len = 4 },
		{ .iov_base = big, .iov_len = sizeof(big) },
	};
	struct mig_stream a, b;
	struct mig_record r;
	bool ok = true;
	pid_t pid;
	void *p;

	memset(big, 0x5a, sizeof(big));
	if (!EXPECT(stream_pair(&a, &b)))
		return false;
	/* Larger than a socket buffer: a child sends, the parent reads. */
	pid = fork();
	if (!pid)
		_exit(mig_send(&a, MIG_REC_PAGES, 7, iov, 2) ||
		      mig_send(&a, MIG_REC_ACK, 0, NULL, 0) ? 1 : 0);
	ok &= EXPECT(!mig_recv(&b, &r, &p, 1 << 20));
	ok &= EXPECT(r.type == MIG_REC_PAGES && r.count == 7 &&
		     r.length == 4 + sizeof(big));
	ok &= EXPECT(p && !memcmp(p, "head", 4) &&
		     !memcmp((char *)p + 4, big, sizeof(big)));
	free(p);
	ok &= EXPECT(!mig_recv(&b, &r, &p, 16));
	ok &= EXPECT(r.type == MIG_REC_ACK && !r.length && !p);
	ok &= EXPECT(b.bytes == 2 * sizeof(r) + 4 + sizeof(big));
	ok &= EXPECT(waitpid(pid, NULL, 0) == pid);
	/* More than the reader takes. */
	ok &= EXPECT(!mig_send(&a, MIG_REC_STATE, 0, iov, 1));
	ok &= EXPECT(mig_recv(&b, &r, &p, 3) == -EPROTO && !p);
	ok &= EXPECT(strstr(b.why, "a state record of 4 bytes"));
	/* A flipped byte of the payload, then of a header. */
	r = (struct mig_record){ .type = MIG_REC_NAK, .length = 2 };
	r.crc32 = 1;
	ok &= EXPECT(write(a.fd, &r, sizeof(r)) == sizeof(r));
	ok &= EXPECT(mig_recv(&b, &r, &p, 16) == -EPROTO);
	ok &= EXPECT(strstr(b.why, "header is corrupt"));
	mig_stream_close(&b);
	mig_stream_close(&a);
	if (!EXPECT(stream_pair(&a, &b)))
		return false;
	r = (struct mig_record){ .type = MIG_REC_NAK, .length = 4 };
	r.crc32 = crc32_update(0, "head", 4);
	r.header_crc32 = crc32_update(0, &r,
				      offsetof(struct mig_record, header_crc32));
	ok &= EXPECT(write(a.fd, &r, sizeof(r)) == sizeof(r));
	ok &= EXPECT(write(a.fd, "heaX", 4) == 4);
	ok &= EXPECT(mig_recv(&b, &r, &p, 16) == -EPROTO && !p);
	ok &= EXPECT(strstr(b.why, "a nak record is corrupt"));
	mig_stream_close(&a);
	/* The peer gone: ECONNRESET, said. */
	ok &= EXPECT(mig_recv(&b, &r, &p, 16) == -ECONNRESET);
	ok &= EXPECT(strstr(b.why, "closed the connection"));
	mig_stream_close(&b);
	/* Sending to a peer gone: EPIPE, and this process still here. */
	if (!EXPECT(stream_pair(&a, &b)))
		return false;
	mig_stream_close(&b);
	ok &= EXPECT(mig_send(&a, MIG_REC_ACK, 0, NULL, 0) == -EPIPE);
	mig_stream_close(&a);
	return ok;
}

/* ---- a receiver fed by a pretend sender --------------------------------- */

#define RAM_SIZE	(64 * 4096)

static char sock_path[64];

/* What the pretend sender sends, record by record. */
enum feed {
	FEED_GOOD,		/* hello, pages (twice, some zero), state */
	FEED_VERSION,		/* a hello of version 2 */
	FEED_OUTSIDE,		/* a page past RAM */
	FEED_ORDER,		/* an ack among the pages */
	FEED_GONE,		/* hello, then nothing */
};

struct feeder {
	struct mig_addr addr;
	enum feed how;
	int answer;		/* the receiver's answer: MIG_REC_* */
	pthread_t thread;
};

static int feed_pages(struct mig_stream *s, __u64 first, unsigned int n,
		      unsigned char fill, bool zero_last)
{
	static __u8 data[4][4096];
	__u64 gpa[4];
	unsigned int i, stored = 0;
	struct iovec iov[2];

	for (i = 0; i < n; i++) {
		gpa[i] = first + i * 4096;
		if (zero_last && i == n - 1) {
			gpa[i] |= MIG_PAGE_ZERO;
			continue;
		}
		memset(data[stored++], fill + i, 4096);
	}
	iov[0] = (struct iovec){ .iov_base = gpa, .iov_len = n * 8 };
	iov[1] = (struct iovec){ .iov_base = data, .iov_len = stored * 4096 };
	return mig_send(s, MIG_REC_PAGES, n, iov, 2);
}

static void *feeder_thread(void *data)
{
	struct feeder *fd = data;
	struct mig_hello h = {
		.version = MIG_VERSION,
		.page_size = 4096,
		.ram_size = RAM_SIZE,
		.nr_vcpus = 1,
	};
	struct iovec iov = { .iov_base = &h, .iov_len = sizeof(h) };
	struct mig_stream s;
	struct mig_record r;
	void *p;
	int i;

	memcpy(h.magic, MIG_MAGIC, 8);
	if (fd->how == FEED_VERSION)
		h.version = 2;
	mig_stream_init(&s);
	for (i = 0; i < 500 && mig_connect(&s, &fd->addr); i++)
		usleep(10000);
	if (mig_send(&s, MIG_REC_HELLO, 0, &iov, 1))
		goto out;
	if (fd->how == FEED_GONE)
		goto out;
	/* Pages 2-5, then 4-7 again: 4 and 5 replaced, 7 a zero page. */
	feed_pages(&s, 2 * 4096, 4, 0x10, false);
	feed_pages(&s, 4 * 4096, 4, 0x20, true);
	if (fd->how == FEED_OUTSIDE)
		feed_pages(&s, RAM_SIZE, 1, 0x30, false);
	if (fd->how == FEED_ORDER)
		mig_send(&s, MIG_REC_ACK, 0, NULL, 0);
	iov = (struct iovec){ .iov_base = "STATE", .iov_len = 5 };
	mig_send(&s, MIG_REC_STATE, 0, &iov, 1);
	if (!mig_recv(&s, &r, &p, MIG_NAK_MAX))
		fd->answer = r.type;
	free(p);
out:
	mig_stream_close(&s);
	return NULL;
}

static bool feeder_start(struct feeder *f, enum feed how)
{
	char why[MIG_WHY_MAX];

	snprintf(sock_path, sizeof(sock_path), "unix:/tmp/tvmmctl-mig-%d",
		 getpid());
	unlink(sock_path + 5);
	memset(f, 0, sizeof(*f));
	f->how = how;
	return !mig_parse_addr(sock_path, &f->addr, why, sizeof(why)) &&
	       !pthread_create(&f->thread, NULL, feeder_thread, f);
}

static FILE *null_file(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

bool test_mig_receive(void)
{
	char why[MIG_WHY_MAX] = "";
	struct mig_recv r = { 0 };
	struct feeder f;
	struct vmm vmm;
	bool ok = true;
	unsigned int i;
	__u8 want;
	int ret;

	if (!EXPECT(feeder_start(&f, FEED_GOOD)))
		return false;
	ret = mig_receive(&r, &f.addr, &vmm, null_file(), "test", why,
			  sizeof(why));
	ok &= EXPECT(!ret);
	if (ret)
		ksft_print_msg("%s\n", why);
	ok &= EXPECT(r.ram_size == RAM_SIZE && vmm.ram.size == RAM_SIZE);
	ok &= EXPECT(r.pages == 8);
	ok &= EXPECT(r.state_len == 5 && !memcmp(r.state, "STATE", 5));
	for (i = 0; !ret && i < RAM_SIZE / 4096; i++) {
		want = i == 2 || i == 3 ? 0x10 + i - 2 :
		       i >= 4 && i <= 6 ? 0x20 + i - 4 : 0;
		if (vmm.ram.hva[i * 4096] != want ||
		    vmm.ram.hva[i * 4096 + 4095] != want) {
			ksft_print_msg("page %u: %#x, not %#x\n", i,
				       vmm.ram.hva[i * 4096], want);
			ok = false;
		}
	}
	/* The listening socket's file is gone once the sender came. */
	ok &= EXPECT(access(sock_path + 5, F_OK) && errno == ENOENT);
	ok &= EXPECT(!mig_recv_answer(&r, NULL));
	pthread_join(f.thread, NULL);
	ok &= EXPECT(f.answer == MIG_REC_ACK);
	mig_recv_free(&r);
	if (!ret)
		vmm_destroy(&vmm);
	return ok;
}

bool test_mig_receive_refused(void)
{
	static const struct {
		enum feed how;
		const char *says;
	} cases[] = {
		{ FEED_VERSION, "stream version 2, this tvmmctl reads 1" },
		{ FEED_OUTSIDE, "a page at 0x40000, outside RAM" },
		{ FEED_ORDER, "a ack record among the pages" },
		{ FEED_GONE, "the sender closed the connection" },
	};
	char why[MIG_WHY_MAX];
	struct mig_recv r = { 0 };
	struct feeder f;
	struct vmm vmm;
	bool ok = true;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		why[0] = '\0';
		if (!EXPECT(feeder_start(&f, cases[i].how)))
			return false;
		ret = mig_receive(&r, &f.addr, &vmm, null_file(), "test", why,
				  sizeof(why));
		if (!EXPECT(ret < 0 && strstr(why, cases[i].says))) {
			ksft_print_msg("case %u: %d \"%s\"\n", i, ret, why);
			ok = false;
		}
		mig_recv_answer(&r, why);
		mig_recv_free(&r);
		pthread_join(f.thread, NULL);
		if (r.ram_size)
			vmm_destroy(&vmm);
	}
	return ok;
}

/* snap_writer_open_mem(): the same file as on disk, read back whole. */
bool test_snap_state_in_memory(void)
{
	static const __u32 features[SNAP_NR_FEATURE_WORDS] = { 1, 2, 3 };
	static __u8 ram[4 * 4096];
	struct snap_writer w;
	struct snap_file f;
	char payload[300];
	bool ok = true;
	size_t len = 0;
	void *buf = NULL;
	unsigned int i;

	memset(ram + 4096, 0xaa, 4096);
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = i;
	ok &= EXPECT(!snap_writer_open_mem(&w, features));
	for (i = 0; i < 40; i++)
		snap_section(&w, SNAP_SEC_UART, i, 1, payload, 10 + i * 7);
	snap_write_memory(&w, 0, 0, ram, sizeof(ram));
	ok &= EXPECT(!snap_writer_close_mem(&w, &buf, &len));
	ok &= EXPECT(buf && snap_parse(&f, buf, len) == SNAP_OK);
	ok &= EXPECT(f.nr == 41 && f.hdr.file_size == len);
	for (i = 0; ok && i < 40; i++)
		ok &= EXPECT(f.sec[i].length == 10 + i * 7 &&
			     !memcmp(f.sec[i].data, payload, f.sec[i].length));
	snap_file_free(&f);
	free(buf);
	return ok;
}
