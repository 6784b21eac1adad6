/*
 * test_frr_bfdd_client.c - the bfdd control-socket client on a real
 * sd-event loop against a fake bfdd: a Unix socket in a temporary
 * directory, served on the same loop, that checks the subscription and
 * answers with a script (by default the dump a real bfdd 8.4.4 sent,
 * fixtures/frr_bfdd/notify_dump.bin) in small pieces, so the client reads
 * partial messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "frr_bfdd_client.h"

#define DRIP_BYTES 7          /* written per millisecond */
#define SCRIPT_MAX 4096
#define RECORD_MAX 16

struct server {
	sd_event *event;
	char dir[64];
	char path[108];
	int listen_fd;
	sd_event_source *accept_source;
	int fd;                      /* the connection, -1 if none */
	sd_event_source *conn_source, *drip;
	uint8_t request[FRR_BFDD_SUBSCRIBE_LEN];
	size_t request_len;
	uint8_t script[SCRIPT_MAX];  /* sent once the request is in */
	size_t script_len, sent;
	bool close_after_script;
	unsigned accepted;
};

struct record {
	unsigned connected;
	size_t n_peers;
	struct frr_bfdd_peer_event peer[RECORD_MAX];
	size_t n_lost;
	int error[RECORD_MAX];
	uint64_t retry_us[RECORD_MAX];
	uint64_t lost_at_us[RECORD_MAX];
};

struct fixture {
	sd_event *event;
	struct server server;
	struct record rec;
	struct frr_bfdd_client *client;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* --- the fake bfdd ----------------------------------------------------- */

static void server_close_connection(struct server *s)
{
	s->conn_source = sd_event_source_disable_unref(s->conn_source);
	s->drip = sd_event_source_disable_unref(s->drip);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static int on_drip(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct server *s = userdata;
	size_t n = s->script_len - s->sent < DRIP_BYTES ? s->script_len - s->sent : DRIP_BYTES;

	(void)usec;
	assert_int_equal(write(s->fd, s->script + s->sent, n), (ssize_t)n);
	s->sent += n;
	if (s->sent < s->script_len) {
		assert_int_equal(sd_event_source_set_time_relative(src, 1000), 0);
		assert_int_equal(sd_event_source_set_enabled(src, SD_EVENT_ONESHOT), 0);
	} else if (s->close_after_script) {
		server_close_connection(s);
	}
	return 0;
}

/* Check the subscription: 8 bytes of mask 1, type 4, version 1. */
static void check_request(const uint8_t *req)
{
	static const uint8_t header[] = {0, 0, 0, 8};
	uint64_t mask;

	assert_memory_equal(req, header, sizeof(header));
	assert_int_equal(req[6], FRR_BFDD_MSG_NOTIFY);
	assert_int_equal(req[7], FRR_BFDD_VERSION);
	memcpy(&mask, req + FRR_BFDD_HEADER_LEN, sizeof(mask));
	assert_int_equal(mask, 1);
}

static int on_conn(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct server *s = userdata;
	ssize_t n;

	(void)src;
	(void)revents;
	n = read(fd, s->request + s->request_len, sizeof(s->request) - s->request_len);
	if (n <= 0) {
		server_close_connection(s);
		return 0;
	}
	s->request_len += (size_t)n;
	if (s->request_len < sizeof(s->request) || s->drip)
		return 0;
	check_request(s->request);
	/* bfdd echoes the request's id in its answer, the first message */
	if (s->script_len >= FRR_BFDD_HEADER_LEN && s->script[6] == FRR_BFDD_MSG_RESPONSE)
		memcpy(s->script + 4, s->request + 4, 2);
	s->sent = 0;
	assert_int_equal(sd_event_add_time_relative(s->event, &s->drip, CLOCK_MONOTONIC, 1000, 1,
						     on_drip, s), 0);
	return 0;
}

static int on_accept(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct server *s = userdata;

	(void)src;
	(void)revents;
	server_close_connection(s);
	s->fd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	assert_true(s->fd >= 0);
	s->accepted++;
	s->request_len = 0;
	assert_int_equal(sd_event_add_io(s->event, &s->conn_source, s->fd, EPOLLIN, on_conn, s), 0);
	return 0;
}

static void server_listen(struct server *s)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(s->listen_fd >= 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", s->path);
	assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->listen_fd, 4), 0);
	assert_int_equal(sd_event_add_io(s->event, &s->accept_source, s->listen_fd, EPOLLIN,
					 on_accept, s), 0);
}

static void server_set_script(struct server *s, const void *bytes, size_t len)
{
	assert_true(len <= sizeof(s->script));
	memcpy(s->script, bytes, len);
	s->script_len = len;
}

static void server_load_fixture(struct server *s, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FRR_BFDD_FIXTURES, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	s->script_len = fread(s->script, 1, sizeof(s->script), f);
	assert_true(feof(f));
	fclose(f);
}

/* --- the client's owner ------------------------------------------------ */

static void on_connected(void *userdata)
{
	struct record *r = userdata;

	r->connected++;
}

static void on_peer(const struct frr_bfdd_peer_event *ev, void *userdata)
{
	struct record *r = userdata;

	assert_true(r->n_peers < RECORD_MAX);
	r->peer[r->n_peers++] = *ev;
}

static void on_disconnected(int error, uint64_t retry_us, void *userdata)
{
	struct record *r = userdata;

	assert_true(r->n_lost < RECORD_MAX);
	r->error[r->n_lost] = error;
	r->retry_us[r->n_lost] = retry_us;
	r->lost_at_us[r->n_lost] = now_us();
	r->n_lost++;
}

static const struct frr_bfdd_client_ops ops = {
	.connected = on_connected,
	.peer = on_peer,
	.disconnected = on_disconnected,
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(sd_event_new(&f->event), 0);
	f->server.event = f->event;
	f->server.fd = -1;
	f->server.listen_fd = -1;
	snprintf(f->server.dir, sizeof(f->server.dir), "/tmp/test-frr-bfdd-XXXXXX");
	assert_non_null(mkdtemp(f->server.dir));
	snprintf(f->server.path, sizeof(f->server.path), "%s/bfdd.sock", f->server.dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	frr_bfdd_client_stop(f->client);
	server_close_connection(&f->server);
	sd_event_source_disable_unref(f->server.accept_source);
	if (f->server.listen_fd >= 0)
		close(f->server.listen_fd);
	unlink(f->server.path);
	rmdir(f->server.dir);
	sd_event_unref(f->event);
	free(f);
	return 0;
}

static void start_client(struct fixture *f)
{
	assert_int_equal(frr_bfdd_client_start(f->event, f->server.path, &ops, &f->rec, &f->client),
			 0);
}

/* Run the loop until done(f) or timeout_us; fail on timeout. */
static void run_until(struct fixture *f, bool (*done)(const struct fixture *), uint64_t timeout_us,
		      const char *what)
{
	uint64_t deadline = now_us() + timeout_us;

	while (!done(f)) {
		if (now_us() >= deadline)
			fail_msg("timed out waiting for %s", what);
		assert_true(sd_event_run(f->event, 10000) >= 0);
	}
}

static bool dump_received(const struct fixture *f)
{
	return f->rec.n_peers == 5;
}

static bool lost_once(const struct fixture *f)
{
	return f->rec.n_lost >= 1;
}

static bool lost_four_times(const struct fixture *f)
{
	return f->rec.n_lost >= 4;
}

static bool accepted_twice(const struct fixture *f)
{
	return f->server.accepted >= 2;
}

static bool connected(const struct fixture *f)
{
	return f->rec.connected >= 1;
}

/* --- tests ------------------------------------------------------------- */

static void test_dump_then_reconnect(void **state)
{
	struct fixture *f = *state;
	uint64_t lost_at;

	server_listen(&f->server);
	server_load_fixture(&f->server, "notify_dump.bin");
	f->server.close_after_script = true;
	start_client(f);
	run_until(f, dump_received, 2000000, "the dump");
	assert_int_equal(f->rec.connected, 1);
	assert_int_equal(f->rec.n_lost, 0);
	assert_int_equal(f->rec.peer[0].state, BFD_STATE_UP);
	assert_int_equal(f->rec.peer[3].state, BFD_STATE_DOWN);
	assert_true(f->rec.peer[3].multihop);
	assert_int_equal(f->rec.peer[4].diag, BFD_DIAG_PATH_DOWN);

	/* bfdd goes away: said at once, the next attempt after 100 ms. */
	run_until(f, lost_once, 1000000, "the disconnection");
	assert_int_equal(f->rec.error[0], -ECONNRESET);
	assert_int_equal(f->rec.retry_us[0], FRR_BFDD_RETRY_MIN_US);
	lost_at = f->rec.lost_at_us[0];
	run_until(f, accepted_twice, 1000000, "the reconnection");
	assert_true(now_us() - lost_at >= FRR_BFDD_RETRY_MIN_US);
	assert_true(now_us() - lost_at < 3 * FRR_BFDD_RETRY_MIN_US);
	assert_int_equal(frr_bfdd_client_unreadable(f->client), 0);
}

static void test_backoff_and_reset(void **state)
{
	struct fixture *f = *state;

	/* Nobody listens: each attempt fails, each wait twice the last. */
	start_client(f);
	run_until(f, lost_four_times, 3000000, "four failed attempts");
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(f->rec.error[i], -ENOENT);
		assert_int_equal(f->rec.retry_us[i], FRR_BFDD_RETRY_MIN_US << i);
		if (i > 0) {
			uint64_t waited = f->rec.lost_at_us[i] - f->rec.lost_at_us[i - 1];

			assert_true(waited >= f->rec.retry_us[i - 1]);
			/* the next wait is twice as long: slack under that */
			assert_true(waited < f->rec.retry_us[i - 1] + 100000);
		}
	}
	assert_int_equal(f->rec.connected, 0);

	/* bfdd appears: the next attempt (1.6 s later) subscribes. */
	server_listen(&f->server);
	server_set_script(&f->server, "\0\0\0\x0f\0\0\x01\x01{\"status\":\"ok\"}", 23);
	f->server.close_after_script = true;
	run_until(f, connected, 2000000, "the subscription");
	/* and a success brings the wait back to 100 ms */
	f->rec.n_lost = 0;
	run_until(f, lost_once, 1000000, "the disconnection");
	assert_int_equal(f->rec.error[0], -ECONNRESET);
	assert_int_equal(f->rec.retry_us[0], FRR_BFDD_RETRY_MIN_US);
}

/* Serve script; expect `connected` subscriptions, then the loss with error. */
static void expect_lost(struct fixture *f, const void *script, size_t len, unsigned connected,
			int error)
{
	server_listen(&f->server);
	server_set_script(&f->server, script, len);
	start_client(f);
	run_until(f, lost_once, 1000000, "the disconnection");
	assert_int_equal(f->rec.error[0], error);
	assert_int_equal(f->rec.connected, connected);
}

static void test_error_response(void **state)
{
	static const char script[] =
		"\0\0\0\x31\0\0\x01\x01{\"status\":\"error\",\"error\":\"invalid message type\"}";

	expect_lost(*state, script, sizeof(script) - 1, 0, -EPROTO);
}

static void test_bad_version(void **state)
{
	static const char script[] = "\0\0\0\x0f\0\0\x01\x02{\"status\":\"ok\"}";

	expect_lost(*state, script, sizeof(script) - 1, 0, -EPROTO);
}

/* A response to a request the client never sent. */
static void test_unexpected_response(void **state)
{
	static const char script[] = "\0\0\0\x0f\0\0\x01\x01{\"status\":\"ok\"}"
				     "\0\0\0\x0f\0\0\x01\x01{\"status\":\"ok\"}";

	expect_lost(*state, script, sizeof(script) - 1, 1, -EBADMSG);
}

static bool one_peer(const struct fixture *f)
{
	return f->rec.n_peers == 1;
}

/* An unreadable notification is counted and skipped, the connection kept. */
static void test_unreadable_notification(void **state)
{
	static const char script[] =
		"\0\0\0\x0f\0\0\x01\x01{\"status\":\"ok\"}"
		"\0\0\0\x0a\0\0\x04\x01{\"op\":\"sta"
		"\0\0\0\x36\0\0\x04\x01{\"op\":\"status\",\"peer-address\":\"10.0.0.1\",\"state\":\"up\"}";
	struct fixture *f = *state;

	server_listen(&f->server);
	server_set_script(&f->server, script, sizeof(script) - 1);
	start_client(f);
	run_until(f, one_peer, 1000000, "the readable notification");
	assert_int_equal(f->rec.connected, 1);
	assert_int_equal(f->rec.peer[0].state, BFD_STATE_UP);
	assert_int_equal(frr_bfdd_client_unreadable(f->client), 1);
	assert_int_equal(f->rec.n_lost, 0);
}

static void test_path_too_long(void **state)
{
	struct fixture *f = *state;
	char path[200];

	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(frr_bfdd_client_start(f->event, path, &ops, &f->rec, &f->client),
			 -ENAMETOOLONG);
	f->client = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dump_then_reconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff_and_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unexpected_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_notification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_too_long, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
