// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration (migrate.h): the sender's pre-copy thread and last
 * round, the receiver's loop.
 *
 * Threads of the sender: mig_pause() runs in vmm/'s input thread, with
 * ctx->lock held and every vCPU stopped; mig_thread() is the pre-copy
 * thread, which takes no lock of vmm/ (it reads guest RAM and the dirty
 * logs, which tvmm.ko keeps coherent with running vCPUs) and only asks
 * for the last pause. m->lock orders the two around m->state.
 *
 * The order that loses no write: the logs go on before the first page is
 * read, and a page is read only after the TVMM_GET_DIRTY_LOG that cleared
 * its bit; a write after that sets the bit again, and the page goes in a
 * later round, at the latest in the last, with the vCPUs stopped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tvmmctl.h"
#include "lib/jsonl.h"
#include "lib/util.h"
#include "snapshot/migrate.h"

#define MIG_NS_PER_SEC	1000000000ULL

static __u64 mig_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * MIG_NS_PER_SEC + ts.tv_nsec;
}

static bool mig_page_zero(const __u8 *p)
{
	static const __u8 zero[SNAP_PAGE_SIZE];

	return !memcmp(p, zero, SNAP_PAGE_SIZE);
}

/* ---- the sender --------------------------------------------------------- */

/*
 * Pages queued for one MIG_REC_PAGES record: their addresses, and the
 * bytes of those not zero, copied when queued.
 */
struct mig_batch {
	__u64 gpa[MIG_PAGES_MAX];
	__u8 data[MIG_PAGES_MAX][SNAP_PAGE_SIZE];
	unsigned int n, stored;
};

static int mig_flush(struct mig_send *m, struct mig_batch *b)
{
	struct iovec iov[2] = {
		{ .iov_base = b->gpa, .iov_len = b->n * sizeof(b->gpa[0]) },
		{ .iov_base = b->data, .iov_len = b->stored * SNAP_PAGE_SIZE },
	};
	int ret;

	if (!b->n)
		return 0;
	ret = mig_send(&m->stream, MIG_REC_PAGES, b->n, iov, 2);
	b->n = 0;
	b->stored = 0;
	return ret;
}

static int mig_queue(struct mig_send *m, struct mig_batch *b, __u64 gpa)
{
	const __u8 *p = m->vmm->ram.hva + gpa;

	if (mig_page_zero(p)) {
		b->gpa[b->n++] = gpa | MIG_PAGE_ZERO;
		m->stats.zero_pages++;
	} else {
		b->gpa[b->n++] = gpa;
		memcpy(b->data[b->stored++], p, SNAP_PAGE_SIZE);
	}
	m->stats.pages++;
	return b->n == MIG_PAGES_MAX ? mig_flush(m, b) : 0;
}

static bool mig_cancelled(struct mig_send *m)
{
	return __atomic_load_n(&m->cancel, __ATOMIC_ACQUIRE);
}

/* Round 0: every page of RAM. The number sent, or -errno. */
static long mig_send_all(struct mig_send *m, struct mig_batch *b)
{
	__u64 start, end, gpa;
	unsigned int slot;
	long n = 0;
	int ret;

	for (slot = 0; vmm_ram_slot(m->vmm, slot, &start, &end); slot++) {
		for (gpa = start; gpa < end; gpa += SNAP_PAGE_SIZE, n++) {
			ret = mig_queue(m, b, gpa);
			if (ret)
				return ret;
			if (mig_cancelled(m))
				return -ECANCELED;
		}
	}
	ret = mig_flush(m, b);
	return ret ? ret : n;
}

/* The pages written since the last round: the number sent, or -errno. */
static long mig_send_dirty(struct mig_send *m, struct mig_batch *b)
{
	__u64 start, end, pages, i, word;
	unsigned int slot;
	long n = 0;
	int ret;

	for (slot = 0; vmm_ram_slot(m->vmm, slot, &start, &end); slot++) {
		pages = (end - start) / SNAP_PAGE_SIZE;
		ret = vmm_get_dirty_log(m->vmm, slot, m->bitmap,
					m->bitmap_bytes);
		if (ret) {
			snprintf(m->stream.why, sizeof(m->stream.why),
				 "TVMM_GET_DIRTY_LOG of slot %u: %s", slot,
				 strerror(-ret));
			return ret;
		}
		for (i = 0; i < pages; i++) {
			word = m->bitmap[i / 64];
			if (!word) {
				i |= 63;
				continue;
			}
			if (!(word & 1ULL << (i % 64)))
				continue;
			ret = mig_queue(m, b, start + i * SNAP_PAGE_SIZE);
			if (ret)
				return ret;
			n++;
		}
	}
	ret = mig_flush(m, b);
	return ret ? ret : n;
}

static int mig_hello(struct mig_send *m)
{
	struct mig_hello h = {
		.version = MIG_VERSION,
		.page_size = SNAP_PAGE_SIZE,
		.ram_size = m->vmm->ram.size,
		.nr_vcpus = m->vmm->nr_vcpus,
	};
	struct iovec iov = { .iov_base = &h, .iov_len = sizeof(h) };

	memcpy(h.magic, MIG_MAGIC, SNAP_MAGIC_LEN);
	snprintf(h.tvmmctl_version, sizeof(h.tvmmctl_version), "%s",
		 TVMMCTL_VERSION);
	return mig_send(&m->stream, MIG_REC_HELLO, 0, &iov, 1);
}

static void mig_round(struct mig_send *m, long n)
{
	if (m->stats.rounds < ARRAY_SIZE(m->stats.round_pages))
		m->stats.round_pages[m->stats.rounds++] = n;
}

/*
 * A try that failed: the logs off (their write faults cost the guest),
 * the connection closed, the guest left running. Either thread.
 */
static void mig_failed(struct mig_send *m, const char *why)
{
	vmm_log_dirty(m->vmm, false);
	pthread_mutex_lock(&m->lock);
	mig_stream_close(&m->stream);
	m->state = MIG_IDLE;
	m->last_round = false;
	pthread_mutex_unlock(&m->lock);
	fprintf(stderr, "tvmmctl: %s: migration to %s failed: %s; the guest goes on here\n",
		m->who, m->addr.text, why);
}

/* The pre-copy thread: rounds until the rest is small, then the pause. */
static void *mig_thread(void *data)
{
	struct mig_send *m = data;
	struct mig_batch *b;
	unsigned int stalled = 0;
	long n, prev;
	int ret;

	b = malloc(sizeof(*b));
	if (!b) {
		mig_failed(m, strerror(ENOMEM));
		return NULL;
	}
	b->n = 0;
	b->stored = 0;
	ret = mig_connect(&m->stream, &m->addr);
	if (!ret)
		ret = mig_hello(m);
	n = ret ? ret : mig_send_all(m, b);
	if (n >= 0)
		mig_round(m, n);
	while (n >= 0 && !mig_cancelled(m)) {
		prev = n;
		n = mig_send_dirty(m, b);
		if (n < 0)
			break;
		mig_round(m, n);
		stalled = n >= prev ? stalled + 1 : 0;
		if (n <= MIG_LAST_ROUND_PAGES ||
		    m->stats.rounds + 1 >= MIG_MAX_ROUNDS ||
		    stalled >= MIG_STALL_ROUNDS)
			break;
	}
	free(b);
	if (n < 0 || mig_cancelled(m)) {
		if (!mig_cancelled(m))
			mig_failed(m, m->stream.why);
		return NULL;
	}
	pthread_mutex_lock(&m->lock);
	m->last_round = true;
	pthread_mutex_unlock(&m->lock);
	vmm_request_pause(m->vmm);
	return NULL;
}

/* The receiver's answer to the state: 0 when it took the guest. */
static int mig_answer(struct mig_send *m)
{
	struct mig_record r;
	void *p;
	int ret;

	ret = mig_recv(&m->stream, &r, &p, MIG_NAK_MAX);
	if (ret)
		return ret;
	if (r.type == MIG_REC_ACK) {
		free(p);
		return 0;
	}
	if (r.type == MIG_REC_NAK)
		snprintf(m->stream.why, sizeof(m->stream.why),
			 "the receiver refused the guest: %.*s",
			 (int)r.length, p ? (char *)p : "");
	else
		snprintf(m->stream.why, sizeof(m->stream.why),
			 "the receiver answered with a %s record",
			 mig_record_name(r.type));
	free(p);
	return -EPROTO;
}

/*
 * In the pause the thread asked for: the last dirty pages, the state, the
 * answer. VMM_PAUSE_END when the receiver took the guest, else 0.
 */
static int mig_last_round(struct mig_send *m)
{
	__u64 stop = mig_now_ns();
	struct iovec iov;
	struct mig_batch *b;
	char why[SNAP_WHY_MAX];
	size_t len = 0;
	void *state = NULL;
	long n;
	int ret;

	pthread_join(m->thread, NULL);
	m->thread_started = false;
	b = malloc(sizeof(*b));
	if (!b) {
		mig_failed(m, strerror(ENOMEM));
		return 0;
	}
	b->n = 0;
	b->stored = 0;
	n = mig_send_dirty(m, b);
	free(b);
	if (n < 0) {
		mig_failed(m, m->stream.why);
		return 0;
	}
	mig_round(m, n);
	ret = snap_save_state(m->vmm, m->machine, &state, &len, why,
			      sizeof(why));
	if (ret) {
		mig_failed(m, why);
		return 0;
	}
	m->stats.state_bytes = len;
	iov = (struct iovec){ .iov_base = state, .iov_len = len };
	ret = mig_send(&m->stream, MIG_REC_STATE, 0, &iov, 1);
	free(state);
	if (!ret)
		ret = mig_answer(m);
	if (ret) {
		mig_failed(m, m->stream.why);
		return 0;
	}
	m->stats.bytes = m->stream.bytes;
	m->stats.downtime_ns = mig_now_ns() - stop;
	m->stats.total_ns = mig_now_ns() - m->start_ns;
	pthread_mutex_lock(&m->lock);
	m->state = MIG_DONE;
	mig_stream_close(&m->stream);
	pthread_mutex_unlock(&m->lock);
	return VMM_PAUSE_END;
}

/* SIGNAL, nothing under way: the logs on, the thread started. */
static int mig_start(struct mig_send *m)
{
	int ret;

	if (m->thread_started) {
		pthread_join(m->thread, NULL);
		m->thread_started = false;
	}
	memset(&m->stats, 0, sizeof(m->stats));
	mig_stream_init(&m->stream);
	m->start_ns = mig_now_ns();
	m->attempts++;
	__atomic_store_n(&m->cancel, false, __ATOMIC_RELEASE);
	ret = vmm_log_dirty(m->vmm, true);
	if (ret) {
		mig_failed(m, "the dirty-page log cannot go on (TVMM_MEM_LOG_DIRTY)");
		return 0;
	}
	m->state = MIG_PRECOPY;
	m->last_round = false;
	ret = pthread_create(&m->thread, NULL, mig_thread, m);
	if (ret) {
		mig_failed(m, strerror(ret));
		return 0;
	}
	m->thread_started = true;
	fprintf(stderr, "tvmmctl: %s: migrating to %s\n", m->who,
		m->addr.text);
	return 0;
}

int mig_pause(struct vmm *vmm, void *data)
{
	struct mig_send *m = data;
	enum mig_state state;
	bool last;

	pthread_mutex_lock(&m->lock);
	state = m->state;
	last = m->last_round;
	pthread_mutex_unlock(&m->lock);
	if (state == MIG_PRECOPY && last)
		return mig_last_round(m);
	if (state == MIG_PRECOPY) {
		fprintf(stderr, "tvmmctl: %s: a migration to %s is under way already\n",
			m->who, m->addr.text);
		return 0;
	}
	if (state == MIG_DONE)
		return VMM_PAUSE_END;
	return mig_start(m);
}

int mig_send_init(struct mig_send *m, struct vmm *vmm, const char *who)
{
	__u64 start, end, most = 0;
	unsigned int slot;

	m->vmm = vmm;
	m->who = who;
	m->state = MIG_IDLE;
	m->thread_started = false;
	mig_stream_init(&m->stream);
	for (slot = 0; vmm_ram_slot(vmm, slot, &start, &end); slot++)
		if (end - start > most)
			most = end - start;
	m->bitmap_bytes = TVMM_DIRTY_LOG_BYTES(most / SNAP_PAGE_SIZE);
	m->bitmap = calloc(1, m->bitmap_bytes);
	if (!m->bitmap)
		return -ENOMEM;
	return -pthread_mutex_init(&m->lock, NULL);
}

void mig_send_end(struct mig_send *m)
{
	__atomic_store_n(&m->cancel, true, __ATOMIC_RELEASE);
	pthread_mutex_lock(&m->lock);
	/* A thread blocked in send() or connect() comes back now. */
	if (m->stream.fd >= 0)
		shutdown(m->stream.fd, SHUT_RDWR);
	pthread_mutex_unlock(&m->lock);
	if (m->thread_started)
		pthread_join(m->thread, NULL);
	m->thread_started = false;
	mig_stream_close(&m->stream);
	free(m->bitmap);
	m->bitmap = NULL;
	pthread_mutex_destroy(&m->lock);
}

void mig_print_stats(FILE *out, const struct mig_send *m)
{
	const struct mig_stats *s = &m->stats;
	char line[512];
	struct jsonl j;
	unsigned int i;

	fprintf(out, "tvmmctl: %s: migrated to %s: %u rounds (", m->who,
		m->addr.text, s->rounds);
	for (i = 0; i < s->rounds; i++)
		fprintf(out, "%s%u", i ? ", " : "", s->round_pages[i]);
	fprintf(out, " pages, the last with the guest stopped), ");
	fprintf(out, "%.1f MiB sent in %.2f s; the guest stopped for %.3f s\n",
		s->bytes / 1048576.0, s->total_ns / 1e9, s->downtime_ns / 1e9);
	if (!m->json)
		return;
	jsonl_begin(&j, line, sizeof(line));
	jsonl_str(&j, "type", "migration");
	jsonl_str(&j, "to", m->addr.text);
	jsonl_uint(&j, "rounds", s->rounds);
	jsonl_uint(&j, "last_round_pages",
		   s->rounds ? s->round_pages[s->rounds - 1] : 0);
	jsonl_uint(&j, "pages", s->pages);
	jsonl_uint(&j, "zero_pages", s->zero_pages);
	jsonl_uint(&j, "bytes", s->bytes);
	jsonl_uint(&j, "state_bytes", s->state_bytes);
	jsonl_uint(&j, "total_ns", s->total_ns);
	jsonl_uint(&j, "downtime_ns", s->downtime_ns);
	if (jsonl_end(&j) > 0)
		fprintf(out, "%s\n", line);
}

/* ---- the receiver ------------------------------------------------------- */

static int mig_bad(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EPROTO;
}

static int mig_recv_hello(struct mig_recv *r, struct vmm *vmm, char *why,
			  size_t len)
{
	struct mig_hello h;
	struct mig_record rec;
	void *p;
	int ret;

	ret = mig_recv(&r->stream, &rec, &p, sizeof(h));
	if (ret)
		return mig_bad(why, len, "%s", r->stream.why);
	if (rec.type != MIG_REC_HELLO || rec.length != sizeof(h)) {
		free(p);
		return mig_bad(why, len, "not a tvmm migration stream");
	}
	memcpy(&h, p, sizeof(h));
	free(p);
	if (memcmp(h.magic, MIG_MAGIC, SNAP_MAGIC_LEN))
		return mig_bad(why, len, "not a tvmm migration stream");
	if (h.version != MIG_VERSION)
		return mig_bad(why, len, "stream version %u, this tvmmctl reads %u",
			       h.version, MIG_VERSION);
	if (h.page_size != SNAP_PAGE_SIZE || !h.ram_size ||
	    h.ram_size % SNAP_PAGE_SIZE || h.ram_size > (size_t)-1 ||
	    !h.nr_vcpus || h.nr_vcpus > DEV_MAX_CPUS)
		return mig_bad(why, len, "pages of %u bytes, %llu bytes of RAM, %u vCPUs",
			       h.page_size, (unsigned long long)h.ram_size,
			       h.nr_vcpus);
	ret = vmm_alloc_ram(vmm, h.ram_size);
	if (ret) {
		snprintf(why, len, "cannot allocate %llu bytes of guest RAM: %s",
			 (unsigned long long)h.ram_size, strerror(-ret));
		return ret;
	}
	r->ram_size = h.ram_size;
	r->nr_vcpus = h.nr_vcpus;
	if (!r->make_vm)
		return 0;
	/*
	 * The VM now, while the guest still runs over there: pinning its RAM
	 * is the slowest step of making it, and would else be downtime.
	 */
	ret = vmm_create(vmm, r->make_vm, h.nr_vcpus);
	if (ret)
		vmm_create_strerror(vmm, "the receiver", ret, why, len);
	return ret;
}

/* One MIG_REC_PAGES into RAM, every address checked first. */
static int mig_recv_pages(struct mig_recv *r, struct vmm *vmm,
			  const struct mig_record *rec, const void *p,
			  char *why, size_t len)
{
	const __u64 *gpa = p;
	const __u8 *data;
	__u64 addr, stored = 0;
	unsigned int i;

	if (!rec->count || rec->count > MIG_PAGES_MAX ||
	    rec->length < rec->count * sizeof(__u64))
		return mig_bad(why, len, "a pages record of %u pages", rec->count);
	for (i = 0; i < rec->count; i++) {
		addr = gpa[i] & ~MIG_PAGE_ZERO;
		if (addr % SNAP_PAGE_SIZE || addr >= r->ram_size)
			return mig_bad(why, len, "a page at %#llx, outside RAM",
				       (unsigned long long)gpa[i]);
		stored += !(gpa[i] & MIG_PAGE_ZERO);
	}
	if (rec->length != rec->count * sizeof(__u64) + stored * SNAP_PAGE_SIZE)
		return mig_bad(why, len, "a pages record of the wrong length");
	data = (const __u8 *)(gpa + rec->count);
	for (i = 0; i < rec->count; i++) {
		addr = gpa[i] & ~MIG_PAGE_ZERO;
		if (gpa[i] & MIG_PAGE_ZERO) {
			memset(vmm->ram.hva + addr, 0, SNAP_PAGE_SIZE);
		} else {
			memcpy(vmm->ram.hva + addr, data, SNAP_PAGE_SIZE);
			data += SNAP_PAGE_SIZE;
		}
	}
	r->pages += rec->count;
	return 0;
}

int mig_receive(struct mig_recv *r, const struct mig_addr *a,
		struct vmm *vmm, FILE *out, const char *who, char *why,
		size_t len)
{
	const char *make_vm = r->make_vm;
	struct mig_record rec;
	void *p;
	int lfd, ret;

	memset(r, 0, sizeof(*r));
	r->make_vm = make_vm;
	mig_stream_init(&r->stream);
	lfd = mig_listen(a, why, len);
	if (lfd < 0)
		return lfd;
	fprintf(out, "tvmmctl: %s: waiting for a migration on %s\n", who,
		a->text);
	fflush(out);
	ret = mig_accept(&r->stream, lfd, a);
	if (ret) {
		snprintf(why, len, "%s", r->stream.why);
		return ret;
	}
	ret = mig_recv_hello(r, vmm, why, len);
	while (!ret) {
		ret = mig_recv(&r->stream, &rec, &p, MIG_STATE_MAX);
		if (ret) {
			snprintf(why, len, "%s", r->stream.why);
			break;
		}
		if (rec.type == MIG_REC_STATE) {
			r->state = p;
			r->state_len = rec.length;
			break;
		}
		if (rec.type == MIG_REC_PAGES)
			ret = mig_recv_pages(r, vmm, &rec, p, why, len);
		else
			ret = mig_bad(why, len, "a %s record among the pages",
				      mig_record_name(rec.type));
		free(p);
	}
	return ret;
}

int mig_recv_answer(struct mig_recv *r, const char *why)
{
	struct iovec iov = {
		.iov_base = (void *)why,
		.iov_len = why ? strnlen(why, MIG_NAK_MAX) : 0,
	};

	if (r->stream.fd < 0)
		return -ENOTCONN;
	return mig_send(&r->stream, why ? MIG_REC_NAK : MIG_REC_ACK, 0, &iov,
			why ? 1 : 0);
}

void mig_recv_free(struct mig_recv *r)
{
	mig_stream_close(&r->stream);
	free(r->state);
	r->state = NULL;
}
