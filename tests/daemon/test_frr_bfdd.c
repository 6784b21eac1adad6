/*
 * test_frr_bfdd.c - the bfdctl codec and the readers of bfdd's JSON, fed
 * with what a real FRR 8.4.4 bfdd sent (fixtures/frr_bfdd, captured by
 * fixtures/frr_bfdd/capture.py).
 *
 * The notification stream notify_stream.bin, in order: the answer to the
 * subscription, then for 192.0.2.2 and 2001:db8::2 (local-address and
 * interface eth0) Up, Down on detection timeout (link cut), Up; 192.0.2.2
 * Down when the peer shut its side down, Up, AdminDown when shut down
 * here, Down and Up again; 198.51.100.2 (no local address, no interface)
 * Up; and 2001:db8::2's last Down when it was removed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frr_bfdd.h"

static char *read_fixture(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", FRR_BFDD_FIXTURES, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct conf_addr addr(const char *text)
{
	struct conf_addr a = {0};

	if (inet_pton(AF_INET, text, &a.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, text, &a.v6) == 1)
		a.family = AF_INET6;
	else
		fail_msg("bad address %s", text);
	return a;
}

/* --- framing --------------------------------------------------------- */

#define MSGS_MAX 64

struct split {
	size_t n;
	struct frr_bfdd_msg msg[MSGS_MAX];
	char *copy[MSGS_MAX]; /* payloads, since the buffer moves on */
};

static void split_free(struct split *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->copy[i]);
}

/* Feed stream to the splitter in reads of `chunk` bytes (0: all at once)
 * the way a reader does: append, take whole messages, keep the rest. */
static void split_stream(const uint8_t *stream, size_t len, size_t chunk, struct split *out)
{
	uint8_t buf[16 * 1024]; /* more than any fixture */
	size_t have = 0, fed = 0;

	memset(out, 0, sizeof(*out));
	while (fed < len) {
		size_t n = chunk && len - fed > chunk ? chunk : len - fed;
		size_t off = 0;
		int r;

		assert_true(have + n <= sizeof(buf));
		memcpy(buf + have, stream + fed, n);
		have += n;
		fed += n;
		while ((r = frr_bfdd_next_msg(buf + off, have - off, &out->msg[out->n])) > 0) {
			struct frr_bfdd_msg *m = &out->msg[out->n];

			assert_true(out->n < MSGS_MAX);
			out->copy[out->n] = strndup(m->payload, m->payload_len);
			m->payload = out->copy[out->n];
			out->n++;
			off += (size_t)r;
		}
		assert_int_equal(r, 0);
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	assert_int_equal(have, 0);
}

static void test_subscribe_request(void **state)
{
	uint8_t req[FRR_BFDD_SUBSCRIBE_LEN];
	/* What the capture sent (id 0x1234) on x86-64 and bfdd accepted. */
	static const uint8_t captured[] = {0x00, 0x00, 0x00, 0x08, 0x12, 0x34, 0x04, 0x01,
					   0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	uint64_t mask;

	(void)state;
	frr_bfdd_subscribe_request(req, 0x1234);
	assert_memory_equal(req, captured, FRR_BFDD_HEADER_LEN);
	memcpy(&mask, req + FRR_BFDD_HEADER_LEN, sizeof(mask));
	assert_int_equal(mask, 1); /* peer states only, in host order */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	assert_memory_equal(req, captured, sizeof(captured));
#endif
}

static void test_split_whole_and_partial(void **state)
{
	static const size_t chunks[] = {0, 1, 3, 7, 8, 9, 100, 235};
	struct split whole, part;
	size_t len;
	uint8_t *stream = (uint8_t *)read_fixture("notify_stream.bin", &len);

	(void)state;
	split_stream(stream, len, 0, &whole);
	assert_int_equal(whole.n, 14);
	assert_int_equal(whole.msg[0].type, FRR_BFDD_MSG_RESPONSE);
	assert_int_equal(whole.msg[0].id, 0x1234); /* echoed from the request */
	assert_string_equal(whole.msg[0].payload, "{\"status\":\"ok\"}");
	for (size_t i = 1; i < whole.n; i++) {
		assert_int_equal(whole.msg[i].type, FRR_BFDD_MSG_NOTIFY);
		assert_int_equal(whole.msg[i].id, 0);
	}
	for (size_t c = 1; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		split_stream(stream, len, chunks[c], &part);
		assert_int_equal(part.n, whole.n);
		for (size_t i = 0; i < whole.n; i++) {
			assert_int_equal(part.msg[i].type, whole.msg[i].type);
			assert_int_equal(part.msg[i].payload_len, whole.msg[i].payload_len);
			assert_string_equal(part.msg[i].payload, whole.msg[i].payload);
		}
		split_free(&part);
	}
	split_free(&whole);
	free(stream);
}

static void test_split_incomplete(void **state)
{
	static const uint8_t msg[] = {0, 0, 0, 2, 0, 0, 4, 1, '{', '}'};
	struct frr_bfdd_msg m;

	(void)state;
	for (size_t n = 0; n < sizeof(msg); n++)
		assert_int_equal(frr_bfdd_next_msg(msg, n, &m), 0);
	assert_int_equal(frr_bfdd_next_msg(msg, sizeof(msg), &m), (int)sizeof(msg));
	assert_int_equal(m.payload_len, 2);
	assert_int_equal(m.type, FRR_BFDD_MSG_NOTIFY);
}

static void test_split_bad_header(void **state)
{
	uint8_t hdr[FRR_BFDD_HEADER_LEN] = {0, 0, 0, 2, 0, 0, 4, 2};
	struct frr_bfdd_msg m;

	(void)state;
	/* The version is checked as soon as the header is complete. */
	assert_int_equal(frr_bfdd_next_msg(hdr, sizeof(hdr), &m), -EPROTO);
	hdr[7] = 0;
	assert_int_equal(frr_bfdd_next_msg(hdr, sizeof(hdr), &m), -EPROTO);
	/* A length over the limit fails before its payload arrives. */
	hdr[7] = 1;
	hdr[1] = 1;
	hdr[3] = 1; /* 65537 */
	assert_int_equal(frr_bfdd_next_msg(hdr, sizeof(hdr), &m), -EMSGSIZE);
	hdr[3] = 0; /* 65536: the limit itself is accepted */
	assert_int_equal(frr_bfdd_next_msg(hdr, sizeof(hdr), &m), 0);
}

/* --- notifications ---------------------------------------------------- */

struct expect {
	const char *peer, *local, *ifname, *vrf;
	bool multihop;
	enum bfd_state state;
	enum bfd_diag diag, remote_diag;
	uint32_t id;
};

static void check_event(const struct frr_bfdd_peer_event *ev, const struct expect *e)
{
	struct conf_addr peer = addr(e->peer);

	assert_true(conf_addr_equal(&ev->peer, &peer));
	assert_int_equal(ev->has_local, e->local != NULL);
	if (e->local) {
		struct conf_addr local = addr(e->local);

		assert_true(conf_addr_equal(&ev->local, &local));
	}
	assert_string_equal(ev->ifname, e->ifname ? e->ifname : "");
	assert_string_equal(ev->vrf, e->vrf ? e->vrf : "");
	assert_int_equal(ev->multihop, e->multihop);
	assert_int_equal(ev->state, e->state);
	assert_int_equal(ev->diag, e->diag);
	assert_int_equal(ev->remote_diag, e->remote_diag);
	assert_int_equal(ev->id, e->id);
}

#define V4_ID 2336841461u
#define V6_ID 3819978217u
#define V4(st, d, rd) {"192.0.2.2", "192.0.2.1", "eth0", NULL, false, st, d, rd, V4_ID}
#define V6(st, d, rd) {"2001:db8::2", "2001:db8::1", "eth0", NULL, false, st, d, rd, V6_ID}

static void test_notify_stream(void **state)
{
	static const struct expect expected[] = {
		V4(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE),
		V6(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE),
		V4(BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, BFD_DIAG_NONE),
		V6(BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, BFD_DIAG_NONE),
		V4(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE),
		V6(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_DETECT_EXPIRED),
		/* the peer shut its side: it sends AdminDown with diag 0 */
		V4(BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, BFD_DIAG_NONE),
		V4(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE),
		/* shut down here */
		V4(BFD_STATE_ADMIN_DOWN, BFD_DIAG_NONE, BFD_DIAG_NONE),
		V4(BFD_STATE_DOWN, BFD_DIAG_NONE, BFD_DIAG_NEIGHBOR_DOWN),
		V4(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE),
		{"198.51.100.2", NULL, NULL, NULL, false, BFD_STATE_UP, BFD_DIAG_NONE,
		 BFD_DIAG_NONE, 1579147150u},
		/* removed from bfdd's configuration */
		V6(BFD_STATE_DOWN, BFD_DIAG_PATH_DOWN, BFD_DIAG_NONE),
	};
	struct frr_bfdd_peer_event ev;
	struct split s;
	size_t len;
	uint8_t *stream = (uint8_t *)read_fixture("notify_stream.bin", &len);

	(void)state;
	split_stream(stream, len, 0, &s);
	assert_int_equal(s.n, 1 + sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 1; i < s.n; i++) {
		assert_int_equal(frr_bfdd_parse_notify(s.msg[i].payload, s.msg[i].payload_len, &ev),
				 0);
		check_event(&ev, &expected[i - 1]);
	}
	split_free(&s);
	free(stream);
}

/* A late subscriber gets every peer bfdd has, multihop ones with a VRF. */
static void test_notify_dump(void **state)
{
	static const struct expect multihop = {"192.0.2.2", "192.0.2.1", NULL, "default", true,
					       BFD_STATE_DOWN, BFD_DIAG_NONE, BFD_DIAG_NONE,
					       3167761273u};
	struct frr_bfdd_peer_event ev;
	struct split s;
	size_t len;
	uint8_t *stream = (uint8_t *)read_fixture("notify_dump.bin", &len);

	(void)state;
	split_stream(stream, len, 0, &s);
	assert_int_equal(s.n, 6);
	assert_int_equal(frr_bfdd_parse_response(s.msg[0].payload, s.msg[0].payload_len, NULL, 0),
			 0);
	for (size_t i = 1; i < s.n; i++)
		assert_int_equal(frr_bfdd_parse_notify(s.msg[i].payload, s.msg[i].payload_len, &ev),
				 0);
	assert_int_equal(frr_bfdd_parse_notify(s.msg[4].payload, s.msg[4].payload_len, &ev), 0);
	check_event(&ev, &multihop);
	split_free(&s);
	free(stream);
}

/* Subscribed to configuration changes too, bfdd also sends "add" and
 * "update": not peer states. */
static void test_notify_config_ops(void **state)
{
	struct frr_bfdd_peer_event ev;
	struct split s;
	size_t len, states = 0, others = 0;
	uint8_t *stream = (uint8_t *)read_fixture("notify_all_stream.bin", &len);

	(void)state;
	split_stream(stream, len, 0, &s);
	assert_int_equal(s.n, 32);
	for (size_t i = 1; i < s.n; i++) {
		int r = frr_bfdd_parse_notify(s.msg[i].payload, s.msg[i].payload_len, &ev);

		assert_true(r == 0 || r == -ENOMSG);
		if (r == 0)
			states++;
		else
			others++;
	}
	assert_int_equal(states, 13);
	assert_int_equal(others, 18);
	split_free(&s);
	free(stream);
}

static void test_response(void **state)
{
	/* bfdd's answer to a request of type 9 */
	static const char error[] = "{\"status\":\"error\",\"error\":\"invalid message type\"}";
	char err[64] = "";

	(void)state;
	assert_int_equal(frr_bfdd_parse_response("{\"status\":\"ok\"}", 15, err, sizeof(err)), 0);
	assert_int_equal(frr_bfdd_parse_response(error, strlen(error), err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "invalid message type");
	assert_int_equal(frr_bfdd_parse_response("{\"status\":\"maybe\"}", 18, NULL, 0), -EBADMSG);
	assert_int_equal(frr_bfdd_parse_response("{\"status\":", 10, NULL, 0), -EBADMSG);
	assert_int_equal(frr_bfdd_parse_response("[]", 2, NULL, 0), -EBADMSG);
}

#define GOOD_KEYS "\"peer-address\":\"192.0.2.2\",\"state\":\"up\""

static int parse(const char *json, struct frr_bfdd_peer_event *ev)
{
	return frr_bfdd_parse_notify(json, strlen(json), ev);
}

static void test_notify_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{\"op\":\"status\"," GOOD_KEYS,                 /* truncated */
		"[\"op\",\"status\"]",                          /* not an object */
		"{" GOOD_KEYS "}",                              /* no op */
		"{\"op\":5," GOOD_KEYS "}",
		"{\"op\":\"status\",\"state\":\"up\"}",        /* no peer */
		"{\"op\":\"status\",\"peer-address\":\"192.0.2.300\",\"state\":\"up\"}",
		"{\"op\":\"status\",\"peer-address\":\"fe80::1%eth0\",\"state\":\"up\"}",
		"{\"op\":\"status\",\"peer-address\":7,\"state\":\"up\"}",
		"{\"op\":\"status\",\"peer-address\":\"192.0.2.2\"}", /* no state */
		"{\"op\":\"status\",\"peer-address\":\"192.0.2.2\",\"state\":\"shutdown\"}",
		"{\"op\":\"status\",\"peer-address\":\"192.0.2.2\",\"state\":\"unknown\"}",
		"{\"op\":\"status\"," GOOD_KEYS ",\"local-address\":\"2001:db8::1\"}",
		"{\"op\":\"status\"," GOOD_KEYS ",\"local-interface\":\"a-name-too-long-for-linux\"}",
		"{\"op\":\"status\"," GOOD_KEYS ",\"diagnostics\":32}",
		"{\"op\":\"status\"," GOOD_KEYS ",\"diagnostics\":-1}",
		"{\"op\":\"status\"," GOOD_KEYS ",\"remote-diagnostics\":\"ok\"}",
		"{\"op\":\"status\"," GOOD_KEYS ",\"id\":4294967296}",
		"{\"op\":\"status\"," GOOD_KEYS ",\"multihop\":\"no\"}",
		"{\"op\":\"status\"," GOOD_KEYS "} trailing",
		"{\"op\":\"status\"," GOOD_KEYS "}{}",
	};
	static const char with_nul[] = "{\"op\":\"status\"," GOOD_KEYS "}\0";
	struct frr_bfdd_peer_event ev;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(bad[i], &ev);

		if (r != -EBADMSG)
			fail_msg("\"%s\": %d", bad[i], r);
	}
	/* A NUL inside the payload ends nothing: the length counts. */
	assert_int_equal(frr_bfdd_parse_notify(with_nul, sizeof(with_nul) - 1, &ev), -EBADMSG);
}

static void test_notify_lenient(void **state)
{
	struct frr_bfdd_peer_event ev;

	(void)state;
	/* Unknown keys, trailing whitespace, absent optional keys. */
	assert_int_equal(parse("{\"op\":\"status\"," GOOD_KEYS ",\"future\":{\"a\":[1]},"
			       "\"diagnostics\":9}\n", &ev), 0);
	assert_int_equal(ev.state, BFD_STATE_UP);
	assert_int_equal(ev.diag, 9); /* reserved code, kept */
	assert_int_equal(ev.remote_diag, BFD_DIAG_NONE);
	assert_false(ev.has_local);
	assert_int_equal(ev.id, 0);
	assert_int_equal(parse("{\"op\":\"delete\",\"peer-address\":\"192.0.2.2\"}", &ev), -ENOMSG);
}

/* --- show bfd peers json --------------------------------------------- */

struct collected {
	size_t n;
	struct frr_bfdd_peer_event ev[8];
	int stop_after; /* return -EINTR after this many, if > 0 */
};

static int collect(const struct frr_bfdd_peer_event *ev, void *ctx)
{
	struct collected *c = ctx;

	assert_true(c->n < 8);
	c->ev[c->n++] = *ev;
	return c->stop_after > 0 && (int)c->n >= c->stop_after ? -EINTR : 0;
}

static void parse_fixture(const char *name, struct collected *c, int skipped)
{
	size_t len;
	char *text = read_fixture(name, &len);

	memset(c, 0, sizeof(*c));
	assert_int_equal(frr_bfdd_parse_peers(text, len, collect, c), skipped);
	free(text);
}

#define SHOW_V4(st, d, rd) {"192.0.2.2", "192.0.2.1", "eth0", "default", false, st, d, rd, V4_ID}
#define SHOW_V6(st, d, rd) \
	{"2001:db8::2", "2001:db8::1", "eth0", "default", false, st, d, rd, V6_ID}

static void test_peers_json(void **state)
{
	static const struct {
		const char *file;
		struct expect peer[2]; /* 192.0.2.2 is the second */
	} cases[] = {
		{"peers_up.json", {SHOW_V6(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE),
				   SHOW_V4(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE)}},
		{"peers_down_expired.json",
		 {SHOW_V6(BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, BFD_DIAG_NONE),
		  SHOW_V4(BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, BFD_DIAG_NONE)}},
		{"peers_remote_admin_down.json",
		 {SHOW_V6(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE),
		  SHOW_V4(BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, BFD_DIAG_NONE)}},
		{"peers_local_shutdown.json",
		 {SHOW_V6(BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE),
		  SHOW_V4(BFD_STATE_ADMIN_DOWN, BFD_DIAG_NONE, BFD_DIAG_NEIGHBOR_DOWN)}},
	};
	struct collected c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_fixture(cases[i].file, &c, 0);
		assert_int_equal(c.n, 2);
		/* bfdd lists its hash: the order is its own */
		if (c.ev[0].peer.family == AF_INET) {
			struct frr_bfdd_peer_event t = c.ev[0];

			c.ev[0] = c.ev[1];
			c.ev[1] = t;
		}
		check_event(&c.ev[0], &cases[i].peer[0]);
		check_event(&c.ev[1], &cases[i].peer[1]);
	}
}

static void test_peers_json_mixed(void **state)
{
	static const struct expect plain = {"198.51.100.2", NULL, NULL, "default", false,
					    BFD_STATE_UP, BFD_DIAG_NONE, BFD_DIAG_NONE, 1579147150u};
	static const struct expect multihop = {"192.0.2.2", "192.0.2.1", NULL, "default", true,
					       BFD_STATE_DOWN, BFD_DIAG_NONE, BFD_DIAG_NONE,
					       3167761273u};
	struct collected c;
	size_t found = 0;

	(void)state;
	parse_fixture("peers_mixed.json", &c, 0);
	assert_int_equal(c.n, 4);
	for (size_t i = 0; i < c.n; i++) {
		if (c.ev[i].multihop) {
			check_event(&c.ev[i], &multihop);
			found++;
		} else if (!c.ev[i].has_local) {
			check_event(&c.ev[i], &plain);
			found++;
		}
	}
	assert_int_equal(found, 2);
}

static void test_peers_json_malformed(void **state)
{
	static const char one_bad[] =
		"[{\"peer\":\"192.0.2.2\",\"status\":\"up\",\"diagnostic\":\"ok\"},"
		" {\"peer\":\"192.0.2.3\",\"status\":\"adm-down\"},"
		" {\"peer\":\"192.0.2.4\",\"status\":\"up\",\"diagnostic\":\"unknown\"},"
		" 17,"
		" {\"peer\":\"192.0.2.5\",\"status\":\"init\",\"remote-diagnostic\":\"path down\","
		"  \"new-key\":true}]\n";
	struct collected c = {0};

	(void)state;
	assert_int_equal(frr_bfdd_parse_peers("{}", 2, collect, &c), -EBADMSG);
	assert_int_equal(frr_bfdd_parse_peers("[{}", 3, collect, &c), -EBADMSG);
	assert_int_equal(frr_bfdd_parse_peers("% Unknown command", 17, collect, &c), -EBADMSG);
	assert_int_equal(frr_bfdd_parse_peers("[]\n", 3, collect, &c), 0);
	assert_int_equal(c.n, 0);

	/* The unreadable entries are skipped, the others delivered. */
	assert_int_equal(frr_bfdd_parse_peers(one_bad, strlen(one_bad), collect, &c), 3);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.ev[0].state, BFD_STATE_UP);
	assert_int_equal(c.ev[1].state, BFD_STATE_INIT);
	assert_int_equal(c.ev[1].remote_diag, BFD_DIAG_PATH_DOWN);

	/* The callback stops the walk. */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	assert_int_equal(frr_bfdd_parse_peers(one_bad, strlen(one_bad), collect, &c), -EINTR);
	assert_int_equal(c.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subscribe_request),
		cmocka_unit_test(test_split_whole_and_partial),
		cmocka_unit_test(test_split_incomplete),
		cmocka_unit_test(test_split_bad_header),
		cmocka_unit_test(test_notify_stream),
		cmocka_unit_test(test_notify_dump),
		cmocka_unit_test(test_notify_config_ops),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_notify_malformed),
		cmocka_unit_test(test_notify_lenient),
		cmocka_unit_test(test_peers_json),
		cmocka_unit_test(test_peers_json_mixed),
		cmocka_unit_test(test_peers_json_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
