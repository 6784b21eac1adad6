/*
 * test_frr_vty.c - daemon/frr_vty.c against a fake FRR vty server (a thread
 * serving a Unix socket in a temporary directory with FRR's framing): a
 * sequence of commands, an answer in many pieces, a refused command that
 * stops the sequence, a daemon that never answers (timeout, while the loop
 * keeps running other sources), one that hangs up, no socket, a socket
 * nobody listens on, answers at and over the output cap, bytes after an
 * answer, cancel; the same exchange blocking; and argument checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "frr_vty.h"

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- the fake daemon ------------------------------------------------------------ */

/*
 * Answers each NUL-terminated command as FRR does (output, three NULs, the
 * status byte), after these rules:
 *   "silent"  no answer at all            "hangup"   closes the connection
 *   "refuse"  "% refused\n", status 13    "split"    an answer in 1-byte writes
 *   "big N"   N bytes of output           "extra"    an answer, then junk
 *   anything else: "ok: <command>\n", status 0.
 */
#define LOG_SIZE 256

struct fake {
	char dir[64];
	char path[FRR_VTY_PATH_MAX];
	int listen_fd;
	int stop[2]; /* written to end the thread */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	char log[LOG_SIZE]; /* the commands received, each followed by '|' */
	int closed;     /* connections ended */
};

static void send_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t r = send(fd, p, len, MSG_NOSIGNAL);

		if (r <= 0)
			return; /* the client went away: its business */
		p += r;
		len -= (size_t)r;
	}
}

static void answer(int fd, const char *output, size_t len, int status)
{
	const char end[4] = { 0, 0, 0, (char)status };

	send_all(fd, output, len);
	send_all(fd, end, sizeof(end));
}

/* false: close the connection */
static bool serve_command(struct fake *f, int fd, const char *cmd)
{
	char out[FRR_VTY_COMMAND_MAX + 16];
	size_t used;

	pthread_mutex_lock(&f->lock);
	used = strlen(f->log);
	snprintf(f->log + used, sizeof(f->log) - used, "%.32s|", cmd); /* long ones cut */
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);

	if (strcmp(cmd, "silent") == 0)
		return true;
	if (strcmp(cmd, "hangup") == 0)
		return false;
	if (strcmp(cmd, "refuse") == 0) {
		answer(fd, "% refused\n", 10, FRR_CMD_WARNING_CONFIG_FAILED);
	} else if (strcmp(cmd, "split") == 0) {
		static const char whole[] = "split answer\n\0\0\0"; /* + its NUL: status 0 */

		for (size_t i = 0; i < sizeof(whole); i++) {
			send_all(fd, whole + i, 1);
			usleep(1000);
		}
	} else if (strncmp(cmd, "big ", 4) == 0) {
		size_t n = strtoul(cmd + 4, NULL, 10);
		char *big = malloc(n);

		if (!big)
			return false; /* the client sees a hangup */
		memset(big, 'x', n);
		answer(fd, big, n, FRR_CMD_SUCCESS);
		free(big);
	} else if (strcmp(cmd, "extra") == 0) {
		send_all(fd, "\0\0\0\0junk", 8); /* one write: read at once */
	} else {
		int len = snprintf(out, sizeof(out), "ok: %s\n", cmd);

		answer(fd, out, (size_t)len, FRR_CMD_SUCCESS);
	}
	return true;
}

/* false: stop */
static bool wait_readable(struct fake *f, int fd)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
			       { .fd = f->stop[0], .events = POLLIN } };

	return poll(p, 2, -1) > 0 && !p[1].revents;
}

static void serve_connection(struct fake *f, int fd)
{
	char line[2 * FRR_VTY_COMMAND_MAX];
	size_t len = 0;

	while (wait_readable(f, fd)) {
		ssize_t r = read(fd, line + len, sizeof(line) - len);
		char *nul;

		if (r <= 0)
			break;
		len += (size_t)r;
		while ((nul = memchr(line, '\0', len))) {
			size_t used = (size_t)(nul - line) + 1;

			if (!serve_command(f, fd, line))
				return;
			memmove(line, line + used, len - used);
			len -= used;
		}
	}
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;

	while (wait_readable(f, f->listen_fd)) {
		int fd = accept(f->listen_fd, NULL, NULL);

		if (fd < 0)
			continue;
		serve_connection(f, fd);
		close(fd);
		pthread_mutex_lock(&f->lock);
		f->closed++;
		pthread_cond_broadcast(&f->changed);
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

/* Wait (5 s at most) until the fake has ended this many connections. */
static void fake_wait_closed(struct fake *f, int count)
{
	struct timespec until;
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&f->lock);
	while (f->closed < count && r == 0)
		r = pthread_cond_timedwait(&f->changed, &f->lock, &until);
	pthread_mutex_unlock(&f->lock);
	assert_int_equal(r, 0);
}

static void fake_log(struct fake *f, char copy[LOG_SIZE])
{
	pthread_mutex_lock(&f->lock);
	memcpy(copy, f->log, LOG_SIZE);
	pthread_mutex_unlock(&f->lock);
}

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_frr_vty.XXXXXX");
	if (!mkdtemp(f->dir) || frr_vty_socket_path(f->path, sizeof(f->path), f->dir, "bgpd") < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->path);
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->listen_fd < 0 || bind(f->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(f->listen_fd, 8) < 0 || pipe(f->stop) < 0)
		return -1;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->changed, NULL);
	if (pthread_create(&f->thread, NULL, fake_main, f) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	if (write(f->stop[1], "x", 1) != 1)
		return -1;
	pthread_join(f->thread, NULL);
	close(f->listen_fd);
	close(f->stop[0]);
	close(f->stop[1]);
	unlink(f->path);
	rmdir(f->dir);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->changed);
	free(f);
	return 0;
}

/* ---- driving a call on a loop ---------------------------------------------------- */

struct outcome {
	bool called;
	int error;
	size_t failed_command;
	int status;
	char output[64]; /* its start */
	size_t output_len;
	uint64_t at_us;
};

static void on_done(const struct frr_vty_result *r, void *userdata)
{
	struct outcome *o = userdata;

	assert_false(o->called);
	o->called = true;
	o->error = r->error;
	o->failed_command = r->failed_command;
	o->status = r->status;
	assert_non_null(r->output);
	assert_int_equal(strlen(r->output), r->output_len); /* NUL-terminated, no NUL inside */
	snprintf(o->output, sizeof(o->output), "%s", r->output);
	o->output_len = r->output_len;
	o->at_us = now_us();
}

/* Run the loop until *flag, for max_us at most. */
static void run_loop(sd_event *e, const bool *flag, uint64_t max_us)
{
	uint64_t until = now_us() + max_us;

	while (!*flag && now_us() < until)
		assert_true(sd_event_run(e, 10000) >= 0);
}

/* Run commands on the fake and wait (5 s at most) for the end. */
static struct outcome run_async(const char *path, const char *const *commands, size_t n,
				uint64_t timeout_us)
{
	struct outcome o = { 0 };
	struct frr_vty_call *c = NULL;
	sd_event *e = NULL;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(frr_vty_run(e, path, commands, n, timeout_us, on_done, &o, &c), 0);
	assert_non_null(c);
	assert_false(o.called); /* never from within frr_vty_run */
	run_loop(e, &o.called, 5000000);
	assert_true(o.called);
	sd_event_unref(e);
	return o;
}

/* ---- tests ------------------------------------------------------------------------- */

static void test_sequence(void **state)
{
	struct fake *f = *state;
	const char *cmds[] = { "enable", "show bgp a", "show bgp b" };
	struct outcome o = run_async(f->path, cmds, 3, 2000000);
	char log[LOG_SIZE];

	assert_int_equal(o.error, 0);
	assert_int_equal(o.status, FRR_CMD_SUCCESS);
	assert_int_equal(o.failed_command, 3);
	assert_string_equal(o.output, "ok: show bgp b\n");
	fake_wait_closed(f, 1);
	fake_log(f, log);
	assert_string_equal(log, "enable|show bgp a|show bgp b|");
}

static void test_answer_in_pieces(void **state)
{
	struct fake *f = *state;
	const char *cmds[] = { "split", "show after" };
	struct outcome o = run_async(f->path, cmds, 2, 2000000);

	assert_int_equal(o.error, 0);
	assert_int_equal(o.failed_command, 2);
	assert_string_equal(o.output, "ok: show after\n");

	o = run_async(f->path, cmds, 1, 2000000);
	assert_int_equal(o.error, 0);
	assert_string_equal(o.output, "split answer\n");
}

static void test_refused_stops(void **state)
{
	struct fake *f = *state;
	const char *cmds[] = { "enable", "refuse", "show never" };
	struct outcome o = run_async(f->path, cmds, 3, 2000000);
	char log[LOG_SIZE];

	assert_int_equal(o.error, 0);
	assert_int_equal(o.status, FRR_CMD_WARNING_CONFIG_FAILED);
	assert_int_equal(o.failed_command, 1);
	assert_string_equal(o.output, "% refused\n");
	fake_wait_closed(f, 1);
	fake_log(f, log);
	assert_string_equal(log, "enable|refuse|");
}

struct ticker {
	unsigned ticks;
};

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct ticker *t = userdata;

	(void)usec;
	t->ticks++;
	assert_int_equal(sd_event_source_set_time_relative(s, 10000), 0);
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static void test_timeout_keeps_loop_running(void **state)
{
	struct fake *f = *state;
	const char *cmds[] = { "enable", "silent", "show never" };
	struct outcome o = { 0 };
	struct ticker t = { 0 };
	struct frr_vty_call *c;
	sd_event_source *tick;
	sd_event *e;
	uint64_t start = now_us();

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(sd_event_add_time_relative(e, &tick, CLOCK_MONOTONIC, 10000, 1000,
						    on_tick, &t), 0);
	assert_int_equal(frr_vty_run(e, f->path, cmds, 3, 200000, on_done, &o, &c), 0);
	run_loop(e, &o.called, 5000000);

	assert_true(o.called);
	assert_int_equal(o.error, -ETIMEDOUT);
	assert_int_equal(o.failed_command, 1);
	assert_int_equal(o.status, -1);
	assert_true(o.at_us - start >= 200000);
	assert_true(o.at_us - start < 1000000);
	/* 20 ticks of 10 ms fit in the 200 ms; half of them under load */
	assert_true(t.ticks >= 10);
	sd_event_source_disable_unref(tick);
	sd_event_unref(e);
	fake_wait_closed(f, 1);
}

static void test_hangup(void **state)
{
	struct fake *f = *state;
	const char *cmds[] = { "enable", "hangup" };
	struct outcome o = run_async(f->path, cmds, 2, 2000000);

	assert_int_equal(o.error, -ECONNRESET);
	assert_int_equal(o.failed_command, 1);
	assert_int_equal(o.status, -1);
}

static void test_no_daemon(void **state)
{
	struct fake *f = *state;
	const char *cmds[] = { "enable" };
	char path[FRR_VTY_PATH_MAX];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct outcome o;
	int fd;

	assert_int_equal(frr_vty_socket_path(path, sizeof(path), f->dir, "nobody"), 0);
	o = run_async(path, cmds, 1, 2000000);
	assert_int_equal(o.error, -ENOENT);
	assert_int_equal(o.failed_command, 0);
	assert_int_equal(o.status, -1);

	/* a socket left by a daemon that died: nobody listens */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	o = run_async(path, cmds, 1, 2000000);
	assert_int_equal(o.error, -ECONNREFUSED);
	close(fd);
	unlink(path);
}

static void test_output_cap(void **state)
{
	struct fake *f = *state;
	char at_cap[32], over[32];
	const char *cmds[1] = { at_cap };
	struct outcome o;

	snprintf(at_cap, sizeof(at_cap), "big %d", FRR_VTY_OUTPUT_MAX);
	o = run_async(f->path, cmds, 1, 5000000);
	assert_int_equal(o.error, 0);
	assert_int_equal(o.output_len, FRR_VTY_OUTPUT_MAX);

	snprintf(over, sizeof(over), "big %d", FRR_VTY_OUTPUT_MAX + 1);
	cmds[0] = over;
	o = run_async(f->path, cmds, 1, 5000000);
	assert_int_equal(o.error, -EMSGSIZE);
	assert_int_equal(o.status, -1);
}

static void test_bytes_after_answer(void **state)
{
	struct fake *f = *state;
	const char *cmds[] = { "extra", "show never" };
	struct outcome o = run_async(f->path, cmds, 2, 2000000);

	assert_int_equal(o.error, -EPROTO);
	assert_int_equal(o.failed_command, 0);
}

static void test_cancel(void **state)
{
	struct fake *f = *state;
	const char *cmds[] = { "enable", "silent" };
	struct outcome o = { 0 };
	struct frr_vty_call *c;
	bool never = false;
	char log[LOG_SIZE] = "";
	uint64_t until = now_us() + 5000000;
	sd_event *e;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(frr_vty_run(e, f->path, cmds, 2, 100000, on_done, &o, &c), 0);
	while (strcmp(log, "enable|silent|") != 0 && now_us() < until) {
		assert_true(sd_event_run(e, 10000) >= 0);
		fake_log(f, log);
	}
	assert_string_equal(log, "enable|silent|");
	frr_vty_call_cancel(c);
	fake_wait_closed(f, 1);
	/* past the call's 100 ms timeout: nothing fires any more */
	run_loop(e, &never, 200000);
	assert_false(o.called);
	sd_event_unref(e);
	frr_vty_call_cancel(NULL);
}

static void test_sync(void **state)
{
	struct fake *f = *state;
	const char *cmds[] = { "enable", "show x", "refuse", "silent" };
	char missing[FRR_VTY_PATH_MAX];
	struct frr_vty_result r;
	uint64_t start;

	assert_int_equal(frr_vty_run_sync(f->path, cmds, 2, 2000000, &r), 0);
	assert_int_equal(r.status, FRR_CMD_SUCCESS);
	assert_int_equal(r.failed_command, 2);
	assert_string_equal(r.output, "ok: show x\n");
	frr_vty_result_clear(&r);

	assert_int_equal(frr_vty_run_sync(f->path, cmds, 4, 2000000, &r), 0);
	assert_int_equal(r.status, FRR_CMD_WARNING_CONFIG_FAILED);
	assert_int_equal(r.failed_command, 2);
	assert_string_equal(r.output, "% refused\n");
	frr_vty_result_clear(&r);

	start = now_us();
	assert_int_equal(frr_vty_run_sync(f->path, cmds + 3, 1, 150000, &r), -ETIMEDOUT);
	assert_true(now_us() - start >= 150000);
	assert_true(now_us() - start < 1000000);
	assert_int_equal(r.status, -1);
	frr_vty_result_clear(&r);

	assert_int_equal(frr_vty_socket_path(missing, sizeof(missing), f->dir, "zebra"), 0);
	assert_int_equal(frr_vty_run_sync(missing, cmds, 1, 2000000, &r), -ENOENT);
	assert_string_equal(r.output, "");
	frr_vty_result_clear(&r);
	fake_wait_closed(f, 3);
}

static void test_bad_arguments(void **state)
{
	struct fake *f = *state;
	char longest[FRR_VTY_COMMAND_MAX + 2];
	const char *cmds[1] = { "" };
	char path[FRR_VTY_PATH_MAX + 8];
	struct frr_vty_result r;
	struct frr_vty_call *c;
	sd_event *e;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(frr_vty_run(e, f->path, cmds, 0, 1000000, on_done, NULL, &c), -EINVAL);
	assert_int_equal(frr_vty_run(e, f->path, cmds, 1, 1000000, on_done, NULL, &c), -EINVAL);
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	cmds[0] = longest;
	assert_int_equal(frr_vty_run_sync(f->path, cmds, 1, 1000000, &r), -EINVAL);
	assert_null(r.output);
	frr_vty_result_clear(&r);
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(frr_vty_run(e, path, cmds, 1, 1000000, on_done, NULL, &c), -ENAMETOOLONG);
	sd_event_unref(e);

	/* the longest line the daemon takes goes through whole */
	longest[FRR_VTY_COMMAND_MAX] = '\0';
	assert_int_equal(frr_vty_run_sync(f->path, cmds, 1, 2000000, &r), 0);
	assert_int_equal(r.output_len, strlen("ok: \n") + FRR_VTY_COMMAND_MAX);
	frr_vty_result_clear(&r);
}

static void test_socket_path(void **state)
{
	char buf[FRR_VTY_PATH_MAX];
	char dir[FRR_VTY_PATH_MAX];

	(void)state;
	assert_int_equal(frr_vty_socket_path(buf, sizeof(buf), "/var/run/frr/edge1", "bgpd"), 0);
	assert_string_equal(buf, "/var/run/frr/edge1/bgpd.vty");
	assert_int_equal(frr_vty_socket_path(buf, 16, "/var/run/frr", "bgpd"), -ENAMETOOLONG);
	memset(dir, 'd', sizeof(dir) - 10);
	dir[sizeof(dir) - 10] = '\0'; /* 98 + "/bgpd.vty" = 107 bytes: fits */
	assert_int_equal(frr_vty_socket_path(buf, sizeof(buf), dir, "bgpd"), 0);
	assert_int_equal(frr_vty_socket_path(buf, sizeof(buf), dir, "bfdd2"), -ENAMETOOLONG);
	assert_int_equal(frr_vty_socket_path(buf, sizeof(buf), "", "bgpd"), -EINVAL);
	assert_int_equal(frr_vty_socket_path(buf, sizeof(buf), "/run", "../bgpd"), -EINVAL);
	assert_string_equal(frr_vty_status_name(FRR_CMD_ERR_NO_MATCH), "unknown command");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer_in_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_keeps_loop_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hangup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_daemon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bytes_after_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test(test_socket_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
