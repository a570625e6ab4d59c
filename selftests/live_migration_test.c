// SPDX-License-Identifier: GPL-2.0
/*
 * live_migration_test - "tvmmctl run --migrate-on USR2 ADDR" moves a
 * running guest to "tvmmctl restore --incoming ADDR" in another process,
 * which goes on from the instruction where the sender stopped, and the
 * two runs together print exactly what one uninterrupted run prints.
 *
 * The guest is C in this file, run in long mode from this binary's image
 * (tvmmctl_self_image()): with the PIT ticking (IRQ0 through the 8259A
 * pair), it rewrites every word of BUF_PAGES pages each round, first
 * checking that each still holds what the round before wrote, sleeps
 * ("sti; hlt") until TICKS more ticks came, and prints the round, how many
 * words it found wrong and a checksum; then "done" and the checksum of
 * all, and exits through isa-debug-exit with a status made of it. It
 * writes its pages all the time, so the migration's pre-copy rounds keep
 * finding dirty pages, and a page the migration lost or sent stale is a
 * wrong word, which changes the output.
 *
 * Checked: over a UNIX socket and over TCP the output of the two halves
 * is the uninterrupted run's, the receiver's exit status is its, the
 * sender ends with 0 saying it migrated, after pre-copy rounds, and sent
 * at least all of RAM; with no receiver, or one that refuses the guest,
 * the sender says why and its guest goes on to the same end, and a second
 * USR2 tries again (and succeeds); a receiver sent garbage refuses it,
 * saying so, and runs nothing.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmmctl_image.h"
#include "tvmm_pc_guest.h"
#include "userspace-ctl/snapshot/format.h"

#define ROUNDS		40
#define TICKS		10		/* PIT ticks per round */
#define BUF_GPA		0xa00000ULL	/* the pages the guest rewrites */
#define BUF_PAGES	256
#define WORDS		(BUF_PAGES * 512)
#define MIGRATE_AFTER	3		/* lines printed before USR2 */

#define DIR		"/tmp/live_migration_test"
#define IMAGE		DIR "/guest.img"
#define SOCK		DIR "/sock"
#define OUT_MAX		4096

/* ---- the guest ---------------------------------------------------------- */

unsigned int guest_ticks;
static unsigned long long guest_idt[2 * 256];

GUEST_PIT_ISR(guest_isr_pit, guest_ticks);

/* What round @r writes in word @i of the buffer. */
static unsigned long long guest_word(unsigned int r, unsigned int i)
{
	return ((r + 1) * 0x9e3779b97f4a7c15ULL) ^ (i * 0xff51afd7ed558ccdULL);
}

/*
 * Every word checked against round @r - 1's and rewritten; the words
 * found wrong into *@wrong. Returns the round's checksum.
 */
static unsigned long long guest_round(unsigned int r, unsigned int *wrong)
{
	unsigned long long *buf = (unsigned long long *)BUF_GPA;
	unsigned long long sum = r;
	unsigned int i;

	*wrong = 0;
	for (i = 0; i < WORDS; i++) {
		if (r && buf[i] != guest_word(r - 1, i))
			(*wrong)++;
		buf[i] = guest_word(r, i);
		sum = (sum ^ buf[i]) * 0x100000001b3ULL;
	}
	return sum;
}

/* Until the PIT has ticked @n times; no wake-up lost ("sti; hlt"). */
static void guest_wait_ticks(unsigned int n)
{
	asm volatile("cli\n"
		     "1: cmpl %0, guest_ticks(%%rip)\n"
		     "jae 2f\n"
		     "sti; hlt; cli\n"
		     "jmp 1b\n"
		     "2: sti\n"
		     : : "r"(n) : "memory", "cc");
}

/* The guest's entry point (--entry): never returns. */
void guest_main(void)
{
	unsigned long long sum, all = 0;
	unsigned int r, wrong;

	guest_set_gate(guest_idt, PC_IRQ0_VECTOR, guest_isr_pit);
	guest_lidt(guest_idt, 256);
	guest_pic_init();
	guest_pit_periodic(100);
	asm volatile("sti");
	for (r = 0; r < ROUNDS; r++) {
		sum = guest_round(r, &wrong);
		all ^= sum;
		guest_wait_ticks((r + 1) * TICKS);
		guest_puts("round ");
		guest_put_hex(r);
		guest_puts(" wrong ");
		guest_put_hex(wrong);
		guest_puts(" sum ");
		guest_put_hex(sum);
		guest_puts("\n");
	}
	guest_done(all);
}

/* ---- the host ----------------------------------------------------------- */

static unsigned long long image_lo;
static char guest_args[256];

static const char *guest_opts(void)
{
	snprintf(guest_args, sizeof(guest_args),
		 "--timeout 300 --mem 16M --mode long --load-addr %#llx --entry %#llx",
		 image_lo, (unsigned long long)guest_main);
	return guest_args;
}

/* A wait status as a number: the exit status, or minus the signal. */
static int status_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) :
	       WIFSIGNALED(st) ? -WTERMSIG(st) : -1000;
}

/* @pid's exit status, or minus the signal that killed it. */
static int wait_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1000;
	return status_of(st);
}

/* Rounds that found every word as the round before left it. */
static unsigned int count_right(const char *s)
{
	unsigned int n = 0;

	while ((s = strstr(s, " wrong 0000000000000000 "))) {
		n++;
		s++;
	}
	return n;
}

static char plain_out[OUT_MAX];
static int plain_status = -1;

/* The uninterrupted run. */
static void plain_run(struct __test_metadata *_metadata)
{
	char cmd[1024], err[OUT_MAX];

	snprintf(cmd, sizeof(cmd), "exec tvmmctl run %s %s >" DIR "/pout 2>"
		 DIR "/perr </dev/null", guest_opts(), IMAGE);
	plain_status = wait_status(tvmmctl_spawn(cmd));
	tvmmctl_read_file(DIR "/pout", plain_out, sizeof(plain_out));
	tvmmctl_read_file(DIR "/perr", err, sizeof(err));
	ASSERT_EQ(ROUNDS + 1, tvmmctl_count_lines(plain_out)) {
		TH_LOG("status %d, stdout \"%s\", stderr \"%s\"", plain_status,
		       plain_out, err);
	}
	ASSERT_EQ(1, plain_status & 1);
	/* No word wrong in an uninterrupted run. */
	ASSERT_EQ(ROUNDS, count_right(plain_out));
}

/* The receiver, listening at @addr once it prints its "waiting" line. */
static pid_t start_receiver(struct __test_metadata *_metadata,
			    const char *addr)
{
	char cmd[512], err[OUT_MAX];
	struct timespec ts = { 0, 10 * 1000000 };
	pid_t pid;
	int i;

	unlink(DIR "/rout");
	unlink(DIR "/rerr");
	snprintf(cmd, sizeof(cmd), "exec tvmmctl restore --incoming %s >" DIR
		 "/rout 2>" DIR "/rerr </dev/null", addr);
	pid = tvmmctl_spawn(cmd);
	for (i = 0; i < 6000; i++) {
		tvmmctl_read_file(DIR "/rerr", err, sizeof(err));
		if (strstr(err, "waiting for a migration"))
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		nanosleep(&ts, NULL);
	}
	TH_LOG("the receiver did not listen: \"%s\"", err);
	return -1;
}

/*
 * The sender, sent USR2 after MIGRATE_AFTER lines, and again after each
 * "failed" line it prints while @retries last (then @then_receiver is
 * started first, if not NULL). Its exit status.
 */
struct sender {
	char out[OUT_MAX], err[OUT_MAX];
	int status;
};

static void run_sender(struct __test_metadata *_metadata, struct sender *s,
		       const char *addr, unsigned int retries,
		       const char *then_receiver, pid_t *receiver)
{
	struct timespec ts = { 0, 5 * 1000000 };
	unsigned int signals = 0, failed;
	char cmd[1024], *p;
	pid_t pid;

	/* Not a line of an earlier test's: USR2 too early kills tvmmctl. */
	unlink(DIR "/sout");
	unlink(DIR "/serr");
	snprintf(cmd, sizeof(cmd),
		 "exec tvmmctl run --json --migrate-on USR2 %s %s %s >" DIR
		 "/sout 2>" DIR "/serr </dev/null", addr, guest_opts(), IMAGE);
	pid = tvmmctl_spawn(cmd);
	ASSERT_LT(0, pid);
	while (waitpid(pid, &s->status, WNOHANG) == 0) {
		tvmmctl_read_file(DIR "/sout", s->out, sizeof(s->out));
		tvmmctl_read_file(DIR "/serr", s->err, sizeof(s->err));
		for (failed = 0, p = s->err; (p = strstr(p, "failed:")); p++)
			failed++;
		if ((!signals &&
		     tvmmctl_count_lines(s->out) >= MIGRATE_AFTER) ||
		    (signals && signals <= retries && failed == signals)) {
			if (signals == retries && then_receiver) {
				*receiver = start_receiver(_metadata,
							   then_receiver);
				ASSERT_LT(0, *receiver);
			}
			ASSERT_EQ(0, kill(pid, SIGUSR2));
			signals++;
		}
		nanosleep(&ts, NULL);
	}
	s->status = status_of(s->status);
	tvmmctl_read_file(DIR "/sout", s->out, sizeof(s->out));
	tvmmctl_read_file(DIR "/serr", s->err, sizeof(s->err));
	ASSERT_LT(0, signals) {
		TH_LOG("the guest ended before the migration: \"%s\"",
		       s->err);
	}
}

/* A JSON line's number after "@key": . */
static unsigned long long json_num(const char *s, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\": ", key);
	p = strstr(s, k);
	return p ? strtoull(p + strlen(k), NULL, 10) : 0;
}

/* The sender's half then the receiver's: the uninterrupted run's output. */
static void check_moved(struct __test_metadata *_metadata,
			const struct sender *s, pid_t receiver)
{
	char out[OUT_MAX], err[OUT_MAX], both[2 * OUT_MAX];
	const char *mig;
	int status;

	/* A sender that did not migrate leaves the receiver waiting. */
	if (s->status)
		kill(receiver, SIGTERM);
	status = wait_status(receiver);
	tvmmctl_read_file(DIR "/rout", out, sizeof(out));
	tvmmctl_read_file(DIR "/rerr", err, sizeof(err));
	EXPECT_EQ(0, s->status) {
		TH_LOG("sender: \"%s\"", s->err);
	}
	EXPECT_EQ(plain_status, status) {
		TH_LOG("receiver: \"%s\"", err);
	}
	EXPECT_NE(NULL, strstr(err, "goes on here")) {
		TH_LOG("receiver: \"%s\"", err);
	}
	snprintf(both, sizeof(both), "%s%s", s->out, out);
	EXPECT_STREQ(plain_out, both) {
		TH_LOG("sender printed \"%s\", receiver \"%s\"", s->out, out);
	}
	/* Both halves ran: the move came mid-run. */
	EXPECT_LE(MIGRATE_AFTER, tvmmctl_count_lines(s->out));
	EXPECT_LT(0, tvmmctl_count_lines(out));
	mig = strstr(s->err, "\"type\": \"migration\"");
	ASSERT_NE(NULL, mig) {
		TH_LOG("sender: \"%s\"", s->err);
	}
	/* Round 0 (all of RAM), at least one more, the last stopped. */
	EXPECT_LE(2, json_num(mig, "rounds"));
	EXPECT_LE(16ULL << 20 >> 12, json_num(mig, "pages"));
	EXPECT_LT(0, json_num(mig, "state_bytes"));
	EXPECT_LT(0, json_num(mig, "downtime_ns"));
	TH_LOG("%.*s", (int)strcspn(strstr(s->err, "migrated to"), "\n"),
	       strstr(s->err, "migrated to"));
}

FIXTURE(live) {
	struct sender s;
	pid_t receiver;
};

FIXTURE_SETUP(live)
{
	TVMM_REQUIRE_MODULE();
	mkdir(DIR, 0755);
	unlink(SOCK);
	ASSERT_EQ(0, tvmmctl_self_image(IMAGE, &image_lo));
	plain_run(_metadata);
	self->receiver = -1;
}

FIXTURE_TEARDOWN(live)
{
	if (self->receiver > 0) {
		kill(self->receiver, SIGKILL);
		waitpid(self->receiver, NULL, 0);
	}
	unlink(SOCK);
}

TEST_F_TIMEOUT(live, over_unix_socket, 600)
{
	self->receiver = start_receiver(_metadata, "unix:" SOCK);
	ASSERT_LT(0, self->receiver);
	run_sender(_metadata, &self->s, "unix:" SOCK, 0, NULL, NULL);
	check_moved(_metadata, &self->s, self->receiver);
	self->receiver = -1;
}

TEST_F_TIMEOUT(live, over_tcp, 600)
{
	self->receiver = start_receiver(_metadata, "tcp:127.0.0.1:47011");
	ASSERT_LT(0, self->receiver);
	run_sender(_metadata, &self->s, "tcp:127.0.0.1:47011", 0, NULL, NULL);
	check_moved(_metadata, &self->s, self->receiver);
	self->receiver = -1;
}

/*
 * Nobody listens: the sender says so and its guest goes on; a second
 * USR2, with a receiver there now, moves it.
 */
TEST_F_TIMEOUT(live, no_receiver_then_retry, 600)
{
	run_sender(_metadata, &self->s, "unix:" SOCK, 1, "unix:" SOCK,
		   &self->receiver);
	EXPECT_NE(NULL, strstr(self->s.err, "failed: cannot connect")) {
		TH_LOG("sender: \"%s\"", self->s.err);
	}
	EXPECT_NE(NULL, strstr(self->s.err, "the guest goes on here"));
	check_moved(_metadata, &self->s, self->receiver);
	self->receiver = -1;
}

/*
 * A receiver of this test's own, in a child: it takes one connection,
 * reads records until the state, and refuses the guest with a NAK.
 */
static pid_t refusing_receiver(void)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = SOCK };
	static const char no[] = "this test says no";
	struct mig_record r, nak = { .type = MIG_REC_NAK };
	char buf[65536];
	int lfd, fd;
	pid_t pid;
	size_t n;

	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&un, sizeof(un)) ||
	    listen(lfd, 1))
		return -1;
	pid = fork();
	if (pid) {
		close(lfd);
		return pid;
	}
	fd = accept(lfd, NULL, NULL);
	do {
		if (recv(fd, &r, sizeof(r), MSG_WAITALL) != sizeof(r))
			_exit(1);
		for (n = r.length; n; n -= r.length) {
			r.length = n < sizeof(buf) ? n : sizeof(buf);
			if (recv(fd, buf, r.length, MSG_WAITALL) !=
			    (ssize_t)r.length)
				_exit(1);
		}
	} while (r.type != MIG_REC_STATE);
	nak.length = strlen(no);
	nak.crc32 = tvmm_crc32(no, nak.length);
	nak.header_crc32 = tvmm_crc32(&nak,
				      offsetof(struct mig_record, header_crc32));
	if (send(fd, &nak, sizeof(nak), 0) != sizeof(nak) ||
	    send(fd, no, nak.length, 0) != (ssize_t)nak.length)
		_exit(1);
	_exit(0);
}

/*
 * The receiver refuses the guest after all of it came: the sender says
 * why, and its guest goes on to the uninterrupted run's end.
 */
TEST_F_TIMEOUT(live, refused_goes_on_here, 600)
{
	self->receiver = refusing_receiver();
	ASSERT_LT(0, self->receiver);
	run_sender(_metadata, &self->s, "unix:" SOCK, 0, NULL, NULL);
	EXPECT_EQ(0, wait_status(self->receiver));
	self->receiver = -1;
	EXPECT_NE(NULL, strstr(self->s.err,
			       "the receiver refused the guest: this test says no")) {
		TH_LOG("sender: \"%s\"", self->s.err);
	}
	EXPECT_EQ(plain_status, self->s.status);
	EXPECT_STREQ(plain_out, self->s.out);
}

/* Garbage in: the receiver says what it got, and runs nothing. */
TEST_F_TIMEOUT(live, receiver_refuses_garbage, 120)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = SOCK };
	char err[OUT_MAX], out[OUT_MAX];
	static const char junk[64] = "GET / HTTP/1.0\r\n\r\n";
	int fd;

	self->receiver = start_receiver(_metadata, "unix:" SOCK);
	ASSERT_LT(0, self->receiver);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&un, sizeof(un)));
	ASSERT_EQ(sizeof(junk), send(fd, junk, sizeof(junk), 0));
	EXPECT_EQ(1, wait_status(self->receiver));
	self->receiver = -1;
	close(fd);
	tvmmctl_read_file(DIR "/rout", out, sizeof(out));
	tvmmctl_read_file(DIR "/rerr", err, sizeof(err));
	EXPECT_NE(NULL, strstr(err, "corrupt")) {
		TH_LOG("receiver: \"%s\"", err);
	}
	EXPECT_STREQ("", out);
}

TEST_HARNESS_MAIN
