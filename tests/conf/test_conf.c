/*
 * test_conf.c - the edgebfd.conf parser (conf/conf.c): values, inheritance
 * from [defaults], every error and warning with its exact
 * "file:line: key: message" text and count, the transaction (all errors or
 * a whole new struct conf) and conf_load() on real files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

#define SRC "edgebfd.conf"

/* The example of the README and the issue, line by line. */
static const char example[] =
	"[daemon]\n"                                                   /* 1 */
	"control-socket = /run/edgebfd/control.sock\n"                 /* 2 */
	"\n"                                                           /* 3 */
	"[defaults]\n"                                                 /* 4 */
	"transmit-interval = 300ms     # bfd.DesiredMinTxInterval\n"   /* 5 */
	"receive-interval = 300ms      # bfd.RequiredMinRxInterval\n"  /* 6 */
	"detect-multiplier = 3\n"                                      /* 7 */
	"\n"                                                           /* 8 */
	"[session primary]\n"                                          /* 9 */
	"interface = eth1\n"                                           /* 10 */
	"local-address = 192.168.100.1\n"                              /* 11 */
	"peer-address = 192.168.100.2\n"                               /* 12 */
	"\n"                                                           /* 13 */
	"[session secondary]\n"                                        /* 14 */
	"interface = eth2\n"                                           /* 15 */
	"local-address = 192.168.100.5\n"                              /* 16 */
	"peer-address = 192.168.100.6\n";                              /* 17 */

/* One complete session on lines 1-4; whatever follows starts on line 5. */
#define SESSION_S                                                                      \
	"[session s]\n"                                                                \
	"interface = eth1\n"                                                           \
	"local-address = 192.0.2.1\n"                                                  \
	"peer-address = 192.0.2.2\n"

/* ---- helpers ------------------------------------------------------------- */

struct result {
	int r;
	struct conf *conf;
	struct conf_report rep;
};

/* Stands in *out before a call, to see that conf_parse() always sets it. */
static struct conf not_written;

/* conf_parse() with the invariants every call must keep. */
static void parse_into(struct result *res, const char *text)
{
	res->conf = &not_written; /* must be overwritten */
	res->r = conf_parse(text, SRC, &res->conf, &res->rep);
	if (res->r == 0) {
		assert_non_null(res->conf);
		assert_int_equal(res->rep.errors, 0);
	} else {
		assert_int_equal(res->r, -EINVAL);
		assert_null(res->conf);
		assert_true(res->rep.errors > 0);
	}
	/* The text is exactly the sum of its lines. */
	if (res->rep.text) {
		assert_int_equal(strlen(res->rep.text), res->rep.len);
		assert_int_equal(res->rep.text[res->rep.len - 1], '\n');
	} else {
		assert_int_equal(res->rep.len, 0);
		assert_int_equal(res->rep.errors + res->rep.warnings, 0);
	}
}

static struct result parse(const char *text)
{
	struct result res = { 0 };

	parse_into(&res, text);
	return res;
}

static void done(struct result *res)
{
	conf_free(res->conf);
	conf_report_free(&res->rep);
}

/* Whether line (without its '\n') is one whole line of the report. */
static bool report_has_line(const struct conf_report *rep, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = rep->text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == n && memcmp(p, line, n) == 0)
			return true;
		p = nl ? nl + 1 : p + len;
	}
	return false;
}

static void expect_line_(const struct conf_report *rep, const char *line, const char *file,
			 int at)
{
	if (report_has_line(rep, line))
		return;
	print_error("expected the line\n  %s\nin the report:\n%s\n", line,
		    rep->text ? rep->text : "(empty)\n");
	_fail(file, at);
}

static void expect_counts_(const struct conf_report *rep, unsigned errors, unsigned warnings,
			   const char *file, int at)
{
	if (rep->errors == errors && rep->warnings == warnings)
		return;
	print_error("expected %u error(s) and %u warning(s), got %u and %u:\n%s\n", errors,
		    warnings, rep->errors, rep->warnings, rep->text ? rep->text : "(empty)\n");
	_fail(file, at);
}

/* The report holds exactly this line (it must be one whole line). */
#define expect_line(rep, line) expect_line_((rep), (line), __FILE__, __LINE__)
#define expect_counts(rep, e, w) expect_counts_((rep), (e), (w), __FILE__, __LINE__)

/* A config whose only problem is on one line: exactly that error. */
#define expect_one_error(text, line)                                                   \
	do {                                                                           \
		struct result res_ = parse(text);                                      \
		assert_int_equal(res_.r, -EINVAL);                                     \
		expect_counts(&res_.rep, 1, 0);                                        \
		expect_line(&res_.rep, line);                                          \
		done(&res_);                                                           \
	} while (0)

static const struct conf_session *session(const struct conf *conf, const char *name)
{
	const struct conf_session *s = conf_find_session(conf, name);

	if (!s) {
		print_error("no [session %s]\n", name);
		fail();
	}
	return s;
}

static void assert_v4(const struct conf_addr *a, const char *text)
{
	struct in_addr want;

	assert_int_equal(inet_pton(AF_INET, text, &want), 1);
	assert_int_equal(a->family, AF_INET);
	assert_int_equal(a->v4.s_addr, want.s_addr);
}

static void assert_v6(const struct conf_addr *a, const char *text)
{
	struct in6_addr want;

	assert_int_equal(inet_pton(AF_INET6, text, &want), 1);
	assert_int_equal(a->family, AF_INET6);
	assert_memory_equal(&a->v6, &want, sizeof(want));
}

static void assert_params(const struct conf_session *s, uint32_t tx, uint32_t rx, uint8_t mult)
{
	assert_int_equal(s->params.desired_min_tx_us, tx);
	assert_int_equal(s->params.required_min_rx_us, rx);
	assert_int_equal(s->params.detect_mult, mult);
}

/* SESSION_S followed by one more line (line 5), parsed. */
static struct result parse_session_with(const char *line5)
{
	char text[1024];

	snprintf(text, sizeof(text), SESSION_S "%s\n", line5);
	return parse(text);
}

/* The one session of SESSION_S + line5 parses cleanly. */
static struct result parse_session_ok(const char *line5)
{
	struct result res = parse_session_with(line5);

	if (res.r != 0 || res.rep.errors || res.rep.warnings) {
		print_error("\"%s\" should parse cleanly:\n%s\n", line5,
			    res.rep.text ? res.rep.text : "(empty)\n");
		fail();
	}
	assert_int_equal(res.conf->n_sessions, 1);
	return res;
}

/* SESSION_S + line5 gives exactly one error, this line of the report. */
static void expect_session_error(const char *line5, const char *line)
{
	char text[1024];

	snprintf(text, sizeof(text), SESSION_S "%s\n", line5);
	expect_one_error(text, line);
}

/* ---- the example and inheritance ----------------------------------------- */

static void test_example(void **state)
{
	struct result res = parse(example);
	const struct conf_session *s;

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_null(res.rep.text);
	assert_string_equal(res.conf->control_socket, "/run/edgebfd/control.sock");
	assert_int_equal(res.conf->n_sessions, 2);

	s = &res.conf->sessions[0];
	assert_string_equal(s->name, "primary");
	assert_string_equal(s->ifname, "eth1");
	assert_v4(&s->local, "192.168.100.1");
	assert_v4(&s->peer, "192.168.100.2");
	assert_params(s, 300000, 300000, 3);
	assert_int_equal(s->auth.type, BFD_AUTH_NONE);
	assert_int_equal(s->auth.secret_len, 0);
	assert_int_equal(s->line, 9);

	s = &res.conf->sessions[1];
	assert_string_equal(s->name, "secondary");
	assert_string_equal(s->ifname, "eth2");
	assert_v4(&s->local, "192.168.100.5");
	assert_v4(&s->peer, "192.168.100.6");
	assert_params(s, 300000, 300000, 3);
	assert_int_equal(s->line, 14);
	done(&res);
}

static void test_defaults_inherited_and_overridden(void **state)
{
	struct result res = parse("[defaults]\n"
				  "transmit-interval = 1s\n"
				  "receive-interval = 2s\n"
				  "detect-multiplier = 5\n"
				  "[session a]\n"
				  "interface = eth1\n"
				  "local-address = 192.0.2.1\n"
				  "peer-address = 192.0.2.2\n"
				  "transmit-interval = 100ms\n"
				  "detect-multiplier = 7\n"
				  "[session b]\n"
				  "interface = eth2\n"
				  "local-address = 192.0.2.5\n"
				  "peer-address = 192.0.2.6\n");

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	/* a's own keys win; the key it does not set comes from [defaults] */
	assert_params(session(res.conf, "a"), 100000, 2000000, 7);
	assert_params(session(res.conf, "b"), 1000000, 2000000, 5);
	done(&res);
}

static void test_defaults_after_sessions(void **state)
{
	struct result res = parse(SESSION_S
				  "[session t]\n"
				  "interface = eth2\n"
				  "local-address = 192.0.2.5\n"
				  "peer-address = 192.0.2.6\n"
				  "receive-interval = 400ms\n"
				  "[defaults]\n"
				  "transmit-interval = 1s\n"
				  "receive-interval = 250000us\n"
				  "detect-multiplier = 4\n"
				  "auth-type = keyed-sha1\n"
				  "auth-key-id = 9\n"
				  "auth-secret = 0123456789abcdefghij\n");

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_params(session(res.conf, "s"), 1000000, 250000, 4);
	assert_params(session(res.conf, "t"), 1000000, 400000, 4);
	for (size_t i = 0; i < res.conf->n_sessions; i++) {
		const struct bfd_auth_key *a = &res.conf->sessions[i].auth;

		assert_int_equal(a->type, BFD_AUTH_KEYED_SHA1);
		assert_int_equal(a->key_id, 9);
		assert_int_equal(a->secret_len, 20);
		assert_memory_equal(a->secret, "0123456789abcdefghij", 20);
	}
	done(&res);
}

static void test_builtin_defaults(void **state)
{
	struct result res = parse(SESSION_S);

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->control_socket, CONF_DEFAULT_CONTROL_SOCKET);
	assert_string_equal(res.conf->control_socket, "/run/edgebfd/control.sock");
	assert_int_equal(res.conf->n_sessions, 1);
	assert_params(&res.conf->sessions[0], 300000, 300000, 3);
	assert_int_equal(res.conf->sessions[0].auth.type, BFD_AUTH_NONE);
	assert_int_equal(res.conf->sessions[0].auth.key_id, 0);
	done(&res);
}

static void test_empty_config(void **state)
{
	struct result res = parse("");

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->n_sessions, 0);
	done(&res);

	res = parse("# nothing but comments\n; and more\n\n");
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->n_sessions, 0);
	assert_string_equal(res.conf->control_socket, "/run/edgebfd/control.sock");
	done(&res);
}

static void test_comments(void **state)
{
	struct result res = parse("# a comment\n"
				  "; another\n"
				  "[daemon]   # a header with a comment\n"
				  "control-socket = /run/x.sock   ; inline\n"
				  "[session s] ; here too\n"
				  "interface = eth1 # inline hash\n"
				  "local-address = 192.0.2.1\t# after a tab\n"
				  "peer-address = 192.0.2.2 ; inline semicolon\n"
				  "  # an indented comment\n"
				  "transmit-interval = 100ms#no space: still a comment?\n");

	(void)state;
	/* "100ms#no..." has no blank before '#': the value is not a duration */
	expect_counts(&res.rep, 1, 0);
	assert_int_equal(res.r, -EINVAL);
	expect_line(&res.rep, "edgebfd.conf:10: transmit-interval: 100ms#no space: still a "
			      "comment? is not a duration: unknown unit \"ms#no space: still a "
			      "comment?\" (use us, ms, s or min)");
	done(&res);

	res = parse("[daemon]\n"
		    "control-socket = /run/x.sock   ; inline\n"
		    "[session s] ; here too\n"
		    "interface = eth1 # inline hash\n"
		    "local-address = 192.0.2.1\t# after a tab\n"
		    "peer-address = 192.0.2.2 ; inline semicolon\n"
		    "  # an indented comment\n"
		    "transmit-interval = 100ms    # trailing\n"
		    "detect-multiplier = 5 ; trailing\n");
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->control_socket, "/run/x.sock");
	assert_string_equal(res.conf->sessions[0].ifname, "eth1");
	assert_v4(&res.conf->sessions[0].local, "192.0.2.1");
	assert_v4(&res.conf->sessions[0].peer, "192.0.2.2");
	assert_params(&res.conf->sessions[0], 100000, 300000, 5);
	done(&res);
}

static void test_control_socket(void **state)
{
	struct result res = parse("[daemon]\ncontrol-socket = /var/run/other.sock\n");

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->control_socket, "/var/run/other.sock");
	done(&res);

	expect_one_error("[daemon]\ncontrol-socket = run/edgebfd.sock\n",
			 "edgebfd.conf:2: control-socket: \"run/edgebfd.sock\" is not an absolute "
			 "path shorter than 108 characters");

	/* sun_path is 108 bytes: 107 characters fit, 108 do not. */
	char text[256], path[128];

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[107] = '\0';
	snprintf(text, sizeof(text), "[daemon]\ncontrol-socket = %s\n", path);
	res = parse(text);
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->control_socket, path);
	done(&res);

	path[107] = 'a';
	path[108] = '\0';
	snprintf(text, sizeof(text), "[daemon]\ncontrol-socket = %s\n", path);
	res = parse(text);
	expect_counts(&res.rep, 1, 0);
	assert_int_equal(res.r, -EINVAL);
	assert_non_null(strstr(res.rep.text, "edgebfd.conf:2: control-socket: \"/aaa"));
	assert_non_null(strstr(res.rep.text, "\" is not an absolute path shorter than 108 "
					     "characters\n"));
	done(&res);
}

static void test_crlf_and_no_final_newline(void **state)
{
	struct result res = parse("[daemon]\r\n"
				  "control-socket = /run/x.sock\r\n"
				  "[session s]\r\n"
				  "interface = eth1\r\n"
				  "local-address = 192.0.2.1\r\n"
				  "peer-address = 192.0.2.2\r\n"
				  "detect-multiplier = 9");

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->control_socket, "/run/x.sock");
	assert_string_equal(res.conf->sessions[0].ifname, "eth1");
	assert_params(&res.conf->sessions[0], 300000, 300000, 9);
	done(&res);
}

/* A UTF-8 byte order mark (as some editors write) before the first header:
 * libinih skips it, so the parser must see the header too. */
static void test_utf8_bom(void **state)
{
	struct result res = parse("\xEF\xBB\xBF[daemon]\n"
				  "control-socket = /run/x.sock\n"
				  SESSION_S);

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->control_socket, "/run/x.sock");
	done(&res);
}

/* ---- durations ----------------------------------------------------------- */

static void test_durations_accepted(void **state)
{
	static const struct {
		const char *text;
		uint32_t us;
	} ok[] = {
		{ "300ms", 300000 },   { "1s", 1000000 },          { "50000us", 50000 },
		{ "300 ms", 300000 },  { "300\tms", 300000 },      { "4294967295us", 4294967295u },
		{ "4294s", 4294000000u }, { "4294967ms", 4294967000u }, { "0050ms", 50000 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char line[64];
		struct result res;

		snprintf(line, sizeof(line), "transmit-interval = %s", ok[i].text);
		res = parse_session_ok(line);
		assert_int_equal(res.conf->sessions[0].params.desired_min_tx_us, ok[i].us);
		done(&res);

		snprintf(line, sizeof(line), "receive-interval = %s", ok[i].text);
		res = parse_session_ok(line);
		assert_int_equal(res.conf->sessions[0].params.required_min_rx_us, ok[i].us);
		done(&res);
	}
}

static void test_durations_rejected(void **state)
{
	(void)state;
	expect_session_error("transmit-interval = 5",
			     "edgebfd.conf:5: transmit-interval: 5 is not a duration (did you "
			     "mean 5ms?)");
	expect_session_error("receive-interval = 300",
			     "edgebfd.conf:5: receive-interval: 300 is not a duration (did you "
			     "mean 300ms?)");
	expect_session_error("transmit-interval = 5m",
			     "edgebfd.conf:5: transmit-interval: 5m is not a duration: unknown "
			     "unit \"m\" (use us, ms, s or min)");
	expect_session_error("transmit-interval = 300 msec",
			     "edgebfd.conf:5: transmit-interval: 300 msec is not a duration: "
			     "unknown unit \"msec\" (use us, ms, s or min)");
	expect_session_error("transmit-interval = 0ms",
			     "edgebfd.conf:5: transmit-interval: 0ms is out of range (1us to "
			     "4294967295us)");
	expect_session_error("transmit-interval = 0us",
			     "edgebfd.conf:5: transmit-interval: 0us is out of range (1us to "
			     "4294967295us)");
	expect_session_error("receive-interval = 4295s",
			     "edgebfd.conf:5: receive-interval: 4295s is out of range (1us to "
			     "4294967295us)");
	expect_session_error("transmit-interval = 4294967296us",
			     "edgebfd.conf:5: transmit-interval: 4294967296us is out of range "
			     "(1us to 4294967295us)");
	expect_session_error("transmit-interval = 99999999999999999999999s",
			     "edgebfd.conf:5: transmit-interval: 99999999999999999999999s is "
			     "out of range");
	expect_session_error("transmit-interval = abc",
			     "edgebfd.conf:5: transmit-interval: \"abc\" is not a duration (a "
			     "number and a unit: us, ms, s or min)");
	expect_session_error("transmit-interval = -5ms",
			     "edgebfd.conf:5: transmit-interval: \"-5ms\" is not a duration (a "
			     "number and a unit: us, ms, s or min)");
	expect_session_error("transmit-interval = 1.5s",
			     "edgebfd.conf:5: transmit-interval: 1.5s is not a duration: "
			     "unknown unit \".5s\" (use us, ms, s or min)");
	expect_session_error("transmit-interval =",
			     "edgebfd.conf:5: transmit-interval: \"\" is not a duration (a "
			     "number and a unit: us, ms, s or min)");
	/* the same in [defaults], reported once at its own line */
	expect_one_error("[defaults]\ntransmit-interval = 5\n" SESSION_S,
			 "edgebfd.conf:2: transmit-interval: 5 is not a duration (did you mean "
			 "5ms?)");
}

static void test_parse_duration_us(void **state)
{
	char err[128];
	uint64_t us;

	(void)state;
	assert_int_equal(conf_parse_duration_us("300ms", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 300000);
	assert_int_equal(conf_parse_duration_us("1s", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 1000000);
	assert_int_equal(conf_parse_duration_us("50000us", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 50000);
	assert_int_equal(conf_parse_duration_us("300 ms", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 300000);
	/* 0 is a duration; the interval range is the caller's business */
	assert_int_equal(conf_parse_duration_us("0s", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 0);
	assert_int_equal(conf_parse_duration_us("5000s", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 5000000000u);

	us = 42;
	assert_int_equal(conf_parse_duration_us("5", &us, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "5 is not a duration (did you mean 5ms?)");
	assert_int_equal(us, 42); /* untouched on error */
	assert_int_equal(conf_parse_duration_us("5m", &us, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "5m is not a duration: unknown unit \"m\" (use us, ms, s or min)");
	assert_int_equal(conf_parse_duration_us("5MS", &us, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "5MS is not a duration: unknown unit \"MS\" (use us, ms, s or min)");
	assert_int_equal(conf_parse_duration_us("abc", &us, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "\"abc\" is not a duration (a number and a unit: us, ms, s or min)");
	assert_int_equal(conf_parse_duration_us("", &us, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "\"\" is not a duration (a number and a unit: us, ms, s or min)");
	assert_int_equal(conf_parse_duration_us("5min", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 300000000);
	us = 42;
	assert_int_equal(conf_parse_duration_us(" 5ms", &us, err, sizeof(err)), -EINVAL);
	assert_int_equal(conf_parse_duration_us("18446744073709551616us", &us, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "18446744073709551616us is out of range");
	assert_int_equal(us, 42);

	/* a short buffer truncates, NUL-terminated */
	assert_int_equal(conf_parse_duration_us("5", &us, err, 8), -EINVAL);
	assert_string_equal(err, "5 is no");
}

/* ---- detect-multiplier and the other numbers ------------------------------ */

static void test_detect_multiplier(void **state)
{
	struct result res;

	(void)state;
	res = parse_session_ok("detect-multiplier = 1");
	assert_int_equal(res.conf->sessions[0].params.detect_mult, 1);
	done(&res);
	res = parse_session_ok("detect-multiplier = 255");
	assert_int_equal(res.conf->sessions[0].params.detect_mult, 255);
	done(&res);

	expect_session_error("detect-multiplier = 0",
			     "edgebfd.conf:5: detect-multiplier: \"0\" is not a whole number "
			     "from 1 to 255");
	expect_session_error("detect-multiplier = 256",
			     "edgebfd.conf:5: detect-multiplier: \"256\" is not a whole number "
			     "from 1 to 255");
	expect_session_error("detect-multiplier = -1",
			     "edgebfd.conf:5: detect-multiplier: \"-1\" is not a whole number "
			     "from 1 to 255");
	expect_session_error("detect-multiplier = 3x",
			     "edgebfd.conf:5: detect-multiplier: \"3x\" is not a whole number "
			     "from 1 to 255");
	expect_session_error("detect-multiplier = 18446744073709551617",
			     "edgebfd.conf:5: detect-multiplier: \"18446744073709551617\" is "
			     "not a whole number from 1 to 255");
	expect_one_error("[defaults]\ndetect-multiplier = 0\n" SESSION_S,
			 "edgebfd.conf:2: detect-multiplier: \"0\" is not a whole number from 1 "
			 "to 255");
}

/* ---- sections and keys ---------------------------------------------------- */

static void test_unknown_key(void **state)
{
	(void)state;
	expect_session_error("transmit_interval = 300ms",
			     "edgebfd.conf:5: transmit_interval: unknown key");
	expect_one_error("[daemon]\nlog-level = debug\n",
			 "edgebfd.conf:2: log-level: unknown key");
	expect_one_error("[defaults]\nfoo = bar\n", "edgebfd.conf:2: foo: unknown key");
}

static void test_unknown_section(void **state)
{
	(void)state;
	/* reported once, at the header: its keys are not checked */
	expect_one_error("[global]\n"
			 "foo = bar\n"
			 "detect-multiplier = 0\n" SESSION_S,
			 "edgebfd.conf:1: global: unknown section (expected [daemon], "
			 "[defaults] or [session NAME])");
	expect_one_error(SESSION_S "[sessions x]\n",
			 "edgebfd.conf:5: sessions x: unknown section (expected [daemon], "
			 "[defaults] or [session NAME])");
	expect_one_error(SESSION_S "[Daemon]\n",
			 "edgebfd.conf:5: Daemon: unknown section (expected [daemon], "
			 "[defaults] or [session NAME])");
}

static void test_key_outside_section(void **state)
{
	(void)state;
	expect_one_error("detect-multiplier = 3\n" SESSION_S,
			 "edgebfd.conf:1: detect-multiplier: key outside any section");
	expect_one_error("\n# comment\nfoo = bar\n" SESSION_S,
			 "edgebfd.conf:3: foo: key outside any section");
}

static void test_key_in_wrong_section(void **state)
{
	(void)state;
	expect_one_error("[defaults]\ninterface = eth1\n" SESSION_S,
			 "edgebfd.conf:2: interface: not allowed in [defaults] (each [session "
			 "NAME] sets its own)");
	expect_one_error("[defaults]\npeer-address = 192.0.2.2\n" SESSION_S,
			 "edgebfd.conf:2: peer-address: not allowed in [defaults] (each "
			 "[session NAME] sets its own)");
	expect_one_error("[defaults]\ncontrol-socket = /run/x.sock\n" SESSION_S,
			 "edgebfd.conf:2: control-socket: not allowed in [defaults] (it belongs "
			 "in [daemon])");
	expect_session_error("control-socket = /run/x.sock",
			     "edgebfd.conf:5: control-socket: not allowed in [session NAME] (it "
			     "belongs in [daemon])");
	expect_one_error("[daemon]\ntransmit-interval = 300ms\n" SESSION_S,
			 "edgebfd.conf:2: transmit-interval: not allowed in [daemon]");
	expect_one_error("[daemon]\ninterface = eth1\n" SESSION_S,
			 "edgebfd.conf:2: interface: not allowed in [daemon] (each [session "
			 "NAME] sets its own)");
}

static void test_key_set_twice(void **state)
{
	(void)state;
	expect_session_error("interface = eth2",
			     "edgebfd.conf:5: interface: set twice in this section (first at "
			     "line 2)");
	expect_one_error("[defaults]\n"
			 "transmit-interval = 300ms\n"
			 "detect-multiplier = 3\n"
			 "transmit-interval = 1s\n" SESSION_S,
			 "edgebfd.conf:4: transmit-interval: set twice in this section (first "
			 "at line 2)");
	expect_one_error("[daemon]\n"
			 "control-socket = /run/a.sock\n"
			 "control-socket = /run/b.sock\n",
			 "edgebfd.conf:3: control-socket: set twice in this section (first at "
			 "line 2)");

	/* the same key in two sessions, or in [defaults] and a session, is fine */
	struct result res = parse("[defaults]\ndetect-multiplier = 4\n" SESSION_S
				  "detect-multiplier = 5\n");

	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->sessions[0].params.detect_mult, 5);
	done(&res);
}

static void test_session_twice(void **state)
{
	(void)state;
	/* reported once; the second section's keys are not checked */
	expect_one_error(SESSION_S "\n"
			 "[session s]\n"
			 "interface = eth2\n"
			 "detect-multiplier = 0\n",
			 "edgebfd.conf:6: session: \"s\" is defined twice (first at line 1)");
}

static void test_section_twice(void **state)
{
	(void)state;
	expect_one_error("[defaults]\n"
			 "transmit-interval = 1s\n"
			 "[defaults]\n"
			 "receive-interval = 1s\n" SESSION_S,
			 "edgebfd.conf:3: defaults: section appears twice (first at line 1)");
	expect_one_error("[daemon]\n"
			 "[daemon]\n" SESSION_S,
			 "edgebfd.conf:2: daemon: section appears twice (first at line 1)");
}

static void test_session_names(void **state)
{
	char text[512], name[80];
	struct result res;

	(void)state;
	expect_one_error("[session bad name!]\n",
			 "edgebfd.conf:1: session: \"bad name!\" is not a session name (1 to 63 "
			 "letters, digits, '-', '_', '.')");
	expect_one_error("[session]\n",
			 "edgebfd.conf:1: session: \"\" is not a session name (1 to 63 letters, "
			 "digits, '-', '_', '.')");
	expect_one_error("[session a/b]\ninterface = eth1\n",
			 "edgebfd.conf:1: session: \"a/b\" is not a session name (1 to 63 "
			 "letters, digits, '-', '_', '.')");
	expect_one_error("[sessionx]\n",
			 "edgebfd.conf:1: sessionx: unknown section (expected [daemon], "
			 "[defaults] or [session NAME])");

	/* 63 characters are a name, 64 are not */
	memset(name, 'n', sizeof(name));
	name[63] = '\0';
	snprintf(text, sizeof(text),
		 "[session %s]\ninterface = eth1\nlocal-address = 192.0.2.1\n"
		 "peer-address = 192.0.2.2\n",
		 name);
	res = parse(text);
	assert_int_equal(res.r, 0);
	assert_non_null(conf_find_session(res.conf, name));
	done(&res);

	name[63] = 'n';
	name[64] = '\0';
	snprintf(text, sizeof(text), "[session %s]\n", name);
	res = parse(text);
	expect_counts(&res.rep, 1, 0);
	assert_int_equal(res.r, -EINVAL);
	assert_non_null(strstr(res.rep.text, "\" is not a session name (1 to 63 letters"));
	done(&res);

	res = parse("[session Primary-1_a.b]\ninterface = eth1\nlocal-address = 192.0.2.1\n"
		    "peer-address = 192.0.2.2\n");
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->sessions[0].name, "Primary-1_a.b");
	done(&res);
}

static void test_missing_keys(void **state)
{
	struct result res;

	(void)state;
	res = parse("[defaults]\n"
		    "detect-multiplier = 3\n"
		    "[session s]\n"
		    "interface = eth1\n");
	expect_counts(&res.rep, 2, 0);
	assert_int_equal(res.r, -EINVAL);
	expect_line(&res.rep, "edgebfd.conf:3: [session s]: local-address is missing");
	expect_line(&res.rep, "edgebfd.conf:3: [session s]: peer-address is missing");
	done(&res);

	res = parse("[session empty]\n");
	expect_counts(&res.rep, 3, 0);
	assert_int_equal(res.r, -EINVAL);
	expect_line(&res.rep, "edgebfd.conf:1: [session empty]: interface is missing");
	expect_line(&res.rep, "edgebfd.conf:1: [session empty]: local-address is missing");
	expect_line(&res.rep, "edgebfd.conf:1: [session empty]: peer-address is missing");
	done(&res);

	expect_one_error("[session s]\nlocal-address = 192.0.2.1\npeer-address = 192.0.2.2\n",
			 "edgebfd.conf:1: [session s]: interface is missing");
}

/* ---- addresses and interfaces --------------------------------------------- */

static void test_addresses(void **state)
{
	struct result res;

	(void)state;
	expect_one_error("[session s]\n"
			 "interface = eth1\n"
			 "local-address = 192.0.2.1\n"
			 "peer-address = 2001:db8::2\n",
			 "edgebfd.conf:4: peer-address: is IPv6 but local-address is IPv4");
	expect_one_error("[session s]\n"
			 "peer-address = 192.0.2.2\n"
			 "interface = eth1\n"
			 "local-address = fe80::1\n",
			 "edgebfd.conf:2: peer-address: is IPv4 but local-address is IPv6");
	expect_one_error("[session s]\n"
			 "interface = eth1\n"
			 "local-address = 192.0.2.1\n"
			 "peer-address = 192.0.2.1\n",
			 "edgebfd.conf:4: peer-address: is the local address");
	expect_one_error("[session s]\n"
			 "interface = eth1\n"
			 "local-address = fe80::1\n"
			 "peer-address = fe80:0::0001\n",
			 "edgebfd.conf:4: peer-address: is the local address");
	expect_one_error("[session s]\n"
			 "interface = eth1\n"
			 "local-address = 192.0.2.256\n"
			 "peer-address = 192.0.2.2\n",
			 "edgebfd.conf:3: local-address: \"192.0.2.256\" is not an IPv4 or "
			 "IPv6 address");
	expect_one_error("[session s]\n"
			 "interface = eth1\n"
			 "local-address = 192.0.2.1\n"
			 "peer-address = router.example\n",
			 "edgebfd.conf:4: peer-address: \"router.example\" is not an IPv4 or "
			 "IPv6 address");
	expect_one_error("[session s]\n"
			 "interface = eth1\n"
			 "local-address = fe80::1\n"
			 "peer-address = fe80::1%eth1\n",
			 "edgebfd.conf:4: peer-address: \"fe80::1%eth1\" is not an IPv4 or IPv6 "
			 "address (leave out the %zone: the session's interface is the zone)");
	expect_one_error("[session s]\n"
			 "interface = eth1\n"
			 "local-address = 192.0.2.1/24\n"
			 "peer-address = 192.0.2.2\n",
			 "edgebfd.conf:3: local-address: \"192.0.2.1/24\" is not an IPv4 or "
			 "IPv6 address");

	res = parse("[session ll]\n"
		    "interface = eth1\n"
		    "local-address = fe80::1\n"
		    "peer-address = fe80::2\n"
		    "[session global]\n"
		    "interface = eth2\n"
		    "local-address = 2001:db8:100::1\n"
		    "peer-address = 2001:DB8:100::2\n");
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_v6(&session(res.conf, "ll")->local, "fe80::1");
	assert_v6(&session(res.conf, "ll")->peer, "fe80::2");
	assert_v6(&session(res.conf, "global")->local, "2001:db8:100::1");
	assert_v6(&session(res.conf, "global")->peer, "2001:db8:100::2");
	done(&res);
}

static void test_interfaces(void **state)
{
	struct result res;

	(void)state;
	expect_one_error("[session s]\n"
			 "interface = abcdefghijklmnop\n"
			 "local-address = 192.0.2.1\n"
			 "peer-address = 192.0.2.2\n",
			 "edgebfd.conf:2: interface: \"abcdefghijklmnop\" is not an interface "
			 "name (1 to 15 characters, no '/', ':' or spaces)");
	expect_one_error("[session s]\n"
			 "interface = eth/1\n"
			 "local-address = 192.0.2.1\n"
			 "peer-address = 192.0.2.2\n",
			 "edgebfd.conf:2: interface: \"eth/1\" is not an interface name (1 to 15 "
			 "characters, no '/', ':' or spaces)");
	expect_one_error("[session s]\n"
			 "interface = eth1:0\n"
			 "local-address = 192.0.2.1\n"
			 "peer-address = 192.0.2.2\n",
			 "edgebfd.conf:2: interface: \"eth1:0\" is not an interface name (1 to 15 "
			 "characters, no '/', ':' or spaces)");
	expect_one_error("[session s]\n"
			 "interface = eth 1\n"
			 "local-address = 192.0.2.1\n"
			 "peer-address = 192.0.2.2\n",
			 "edgebfd.conf:2: interface: \"eth 1\" is not an interface name (1 to 15 "
			 "characters, no '/', ':' or spaces)");
	expect_one_error("[session s]\n"
			 "interface = ..\n"
			 "local-address = 192.0.2.1\n"
			 "peer-address = 192.0.2.2\n",
			 "edgebfd.conf:2: interface: \"..\" is not an interface name (1 to 15 "
			 "characters, no '/', ':' or spaces)");

	/* 15 characters and VLAN subinterfaces are fine */
	res = parse("[session s]\n"
		    "interface = abcdefghijklmno\n"
		    "local-address = 192.0.2.1\n"
		    "peer-address = 192.0.2.2\n"
		    "[session v]\n"
		    "interface = eth1.100\n"
		    "local-address = 192.0.2.5\n"
		    "peer-address = 192.0.2.6\n");
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_string_equal(session(res.conf, "s")->ifname, "abcdefghijklmno");
	assert_string_equal(session(res.conf, "v")->ifname, "eth1.100");
	done(&res);
}

/* ---- authentication ------------------------------------------------------- */

static void test_auth_types(void **state)
{
	static const struct {
		const char *name;
		enum bfd_auth_type type;
	} types[] = {
		{ "simple-password", BFD_AUTH_SIMPLE_PASSWORD },
		{ "keyed-md5", BFD_AUTH_KEYED_MD5 },
		{ "meticulous-keyed-md5", BFD_AUTH_METICULOUS_KEYED_MD5 },
		{ "keyed-sha1", BFD_AUTH_KEYED_SHA1 },
		{ "meticulous-keyed-sha1", BFD_AUTH_METICULOUS_KEYED_SHA1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char text[512];
		struct result res;

		snprintf(text, sizeof(text),
			 SESSION_S "auth-type = %s\nauth-key-id = 7\nauth-secret = s3cr et!\n",
			 types[i].name);
		res = parse(text);
		expect_counts(&res.rep, 0, 0);
		assert_int_equal(res.r, 0);
		assert_int_equal(res.conf->sessions[0].auth.type, types[i].type);
		assert_int_equal(res.conf->sessions[0].auth.key_id, 7);
		assert_int_equal(res.conf->sessions[0].auth.secret_len, 8);
		assert_memory_equal(res.conf->sessions[0].auth.secret, "s3cr et!", 8);
		done(&res);
	}

	struct result res = parse_session_ok("auth-type = none");

	assert_int_equal(res.conf->sessions[0].auth.type, BFD_AUTH_NONE);
	done(&res);

	expect_session_error("auth-type = md5",
			     "edgebfd.conf:5: auth-type: unknown type \"md5\" (none, "
			     "simple-password, keyed-md5, meticulous-keyed-md5, keyed-sha1 or "
			     "meticulous-keyed-sha1)");
}

static void test_auth_secret_length(void **state)
{
	struct result res;

	(void)state;
	/* 16 characters are the most for MD5 and Simple Password, 20 for SHA1 */
	res = parse(SESSION_S "auth-type = keyed-md5\nauth-secret = 0123456789abcdef\n");
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->sessions[0].auth.secret_len, 16);
	done(&res);

	expect_one_error(SESSION_S "auth-type = keyed-md5\nauth-secret = 0123456789abcdefg\n",
			 "edgebfd.conf:6: auth-secret: 17 characters is too long for keyed-md5 "
			 "(at most 16, RFC 5880 section 4.3)");
	expect_one_error(SESSION_S "auth-type = meticulous-keyed-md5\n"
				   "auth-secret = 0123456789abcdefg\n",
			 "edgebfd.conf:6: auth-secret: 17 characters is too long for "
			 "meticulous-keyed-md5 (at most 16, RFC 5880 section 4.3)");
	expect_one_error(SESSION_S "auth-type = simple-password\n"
				   "auth-secret = 0123456789abcdefg\n",
			 "edgebfd.conf:6: auth-secret: 17 characters is too long for "
			 "simple-password (at most 16, RFC 5880 section 4.2)");

	res = parse(SESSION_S "auth-type = keyed-sha1\nauth-secret = 0123456789abcdefg\n");
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->sessions[0].auth.secret_len, 17);
	done(&res);
	res = parse(SESSION_S "auth-type = meticulous-keyed-sha1\n"
			      "auth-secret = 0123456789abcdefghij\n");
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->sessions[0].auth.secret_len, 20);
	done(&res);

	/* 21 is too long for any type: one error for one mistake */
	expect_one_error(SESSION_S "auth-type = keyed-sha1\nauth-secret = 0123456789abcdefghijk\n",
			 "edgebfd.conf:6: auth-secret: a secret has 1 to 20 characters, this "
			 "one 21");
	expect_one_error("[defaults]\nauth-secret = 0123456789abcdefghijk\n" SESSION_S
			 "auth-type = keyed-sha1\n",
			 "edgebfd.conf:2: auth-secret: a secret has 1 to 20 characters, this "
			 "one 21");
	/* the secret from [defaults], checked against the session's own type */
	expect_one_error("[defaults]\nauth-secret = 0123456789abcdefg\n" SESSION_S
			 "auth-type = keyed-md5\n",
			 "edgebfd.conf:2: auth-secret: 17 characters is too long for keyed-md5 "
			 "(at most 16, RFC 5880 section 4.3)");
}

static void test_auth_inconsistent(void **state)
{
	(void)state;
	expect_session_error("auth-type = keyed-sha1",
			     "edgebfd.conf:5: auth-type: keyed-sha1 needs an auth-secret in "
			     "[session s]");
	expect_session_error("auth-secret = secret",
			     "edgebfd.conf:5: auth-secret: set, but auth-type is none in [session "
			     "s]");
	expect_one_error(SESSION_S "auth-type = none\nauth-secret = secret\n",
			 "edgebfd.conf:6: auth-secret: set, but auth-type is none in [session "
			 "s]");
	/* an unknown type is one error, not also "auth-type is none" */
	expect_one_error(SESSION_S "auth-type = sha1\nauth-secret = secret\n",
			 "edgebfd.conf:5: auth-type: unknown type \"sha1\" (none, "
			 "simple-password, keyed-md5, meticulous-keyed-md5, keyed-sha1 or "
			 "meticulous-keyed-sha1)");
}

static void test_auth_key_id(void **state)
{
	struct result res;

	(void)state;
	res = parse(SESSION_S "auth-type = keyed-md5\nauth-secret = k\nauth-key-id = 255\n");
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->sessions[0].auth.key_id, 255);
	done(&res);
	res = parse(SESSION_S "auth-type = keyed-md5\nauth-secret = k\nauth-key-id = 0\n");
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->sessions[0].auth.key_id, 0);
	done(&res);

	expect_one_error(SESSION_S "auth-type = keyed-md5\nauth-secret = k\nauth-key-id = 256\n",
			 "edgebfd.conf:7: auth-key-id: \"256\" is not a whole number from 0 to "
			 "255");
}

/* ---- warnings ------------------------------------------------------------- */

static void test_warning_short_interval(void **state)
{
	struct result res;

	(void)state;
	res = parse_session_with("transmit-interval = 49ms");
	expect_counts(&res.rep, 0, 1);
	assert_int_equal(res.r, 0);
	expect_line(&res.rep, "edgebfd.conf:5: transmit-interval: warning: 49000us is below "
			      "50ms: a busy router may miss packets and flap");
	assert_int_equal(res.conf->sessions[0].params.desired_min_tx_us, 49000);
	done(&res);

	res = parse_session_with("receive-interval = 10ms");
	expect_counts(&res.rep, 0, 1);
	assert_int_equal(res.r, 0);
	expect_line(&res.rep, "edgebfd.conf:5: receive-interval: warning: 10000us is below "
			      "50ms: a busy router may miss packets and flap");
	done(&res);

	/* from [defaults]: at the line of the key there */
	res = parse("[defaults]\ntransmit-interval = 1us\n" SESSION_S);
	expect_counts(&res.rep, 0, 1);
	assert_int_equal(res.r, 0);
	expect_line(&res.rep, "edgebfd.conf:2: transmit-interval: warning: 1us is below 50ms: "
			      "a busy router may miss packets and flap");
	done(&res);

	/* 50 ms itself is fine */
	res = parse_session_ok("transmit-interval = 50ms");
	done(&res);
}

static void test_sessions_sharing_interface(void **state)
{
	struct result res;

	(void)state;
	res = parse(SESSION_S
		    "[session t]\n"
		    "interface = eth1\n"
		    "local-address = 192.0.2.5\n"
		    "peer-address = 192.0.2.6\n");
	expect_counts(&res.rep, 0, 1);
	assert_int_equal(res.r, 0);
	expect_line(&res.rep, "edgebfd.conf:6: interface: warning: [session s] and [session t] "
			      "both use eth1: ExpressRoute primary and secondary links on one "
			      "interface fail together");
	assert_int_equal(res.conf->n_sessions, 2);
	done(&res);

	/* a third session on it: still one warning for the interface */
	res = parse(SESSION_S
		    "[session t]\n"
		    "interface = eth1\n"
		    "local-address = 192.0.2.5\n"
		    "peer-address = 192.0.2.6\n"
		    "[session u]\n"
		    "interface = eth1\n"
		    "local-address = 2001:db8::1\n"
		    "peer-address = 2001:db8::2\n");
	expect_counts(&res.rep, 0, 1);
	assert_int_equal(res.r, 0);
	done(&res);

	/* the same peer on the same interface is one BFD session: an error */
	res = parse(SESSION_S
		    "[session t]\n"
		    "interface = eth1\n"
		    "local-address = 192.0.2.5\n"
		    "peer-address = 192.0.2.2\n");
	expect_counts(&res.rep, 1, 0);
	assert_int_equal(res.r, -EINVAL);
	expect_line(&res.rep, "edgebfd.conf:8: peer-address: [session s] and [session t] have "
			      "the same peer on eth1");
	done(&res);

	/* the same peer on different interfaces is fine */
	res = parse(SESSION_S
		    "[session t]\n"
		    "interface = eth2\n"
		    "local-address = 192.0.2.1\n"
		    "peer-address = 192.0.2.2\n");
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	done(&res);
}

/* ---- the transaction ------------------------------------------------------ */

static void test_all_errors_reported(void **state)
{
	struct result res = parse("[daemon]\n"                          /* 1 */
				  "control-socket = relative.sock\n"    /* 2 */
				  "[defaults]\n"                        /* 3 */
				  "detect-multiplier = 0\n"             /* 4 */
				  "[session a]\n"                       /* 5 */
				  "interface = eth1\n"                  /* 6 */
				  "local-address = 192.0.2.1\n"         /* 7 */
				  "peer-address = 192.0.2.1\n"          /* 8 */
				  "transmit-interval = 5\n"             /* 9 */
				  "[session b]\n"                       /* 10 */
				  "interface = eth2\n"                  /* 11 */
				  "local-address = 192.0.2.5\n"         /* 12 */
				  "bogus = 1\n"                         /* 13 */
				  "[nonsense]\n"                        /* 14 */
				  "receive-interval = 1ms\n");          /* 15 */

	(void)state;
	assert_int_equal(res.r, -EINVAL);
	assert_null(res.conf);
	expect_counts(&res.rep, 7, 0);
	expect_line(&res.rep, "edgebfd.conf:2: control-socket: \"relative.sock\" is not an "
			      "absolute path shorter than 108 characters");
	expect_line(&res.rep, "edgebfd.conf:4: detect-multiplier: \"0\" is not a whole number "
			      "from 1 to 255");
	expect_line(&res.rep, "edgebfd.conf:8: peer-address: is the local address");
	expect_line(&res.rep, "edgebfd.conf:9: transmit-interval: 5 is not a duration (did you "
			      "mean 5ms?)");
	expect_line(&res.rep, "edgebfd.conf:13: bogus: unknown key");
	expect_line(&res.rep, "edgebfd.conf:10: [session b]: peer-address is missing");
	expect_line(&res.rep, "edgebfd.conf:14: nonsense: unknown section (expected [daemon], "
			      "[defaults] or [session NAME])");
	done(&res);
}

static void test_all_errors_count_header(void **state)
{
	struct result res = parse(SESSION_S "[nonsense]\nfoo = 1\n[session s]\n");

	(void)state;
	expect_counts(&res.rep, 2, 0);
	assert_int_equal(res.r, -EINVAL);
	expect_line(&res.rep, "edgebfd.conf:5: nonsense: unknown section (expected [daemon], "
			      "[defaults] or [session NAME])");
	expect_line(&res.rep, "edgebfd.conf:7: session: \"s\" is defined twice (first at line "
			      "1)");
	done(&res);
}

static void test_transaction(void **state)
{
	struct result good = parse(example);
	struct conf snapshot;
	struct conf_session sessions[2];
	struct conf *next = &not_written;
	struct conf_report rep = { 0 };
	int r;

	(void)state;
	assert_int_equal(good.r, 0);
	assert_int_equal(good.conf->n_sessions, 2);
	snapshot = *good.conf;
	memcpy(sessions, good.conf->sessions, sizeof(sessions));

	r = conf_parse("[daemon]\ncontrol-socket = /run/other.sock\n"
		       "[session primary]\ninterface = eth9\nlocal-address = 10.0.0.1\n"
		       "peer-address = 10.0.0.2\ndetect-multiplier = 0\n",
		       SRC, &next, &rep);
	assert_int_equal(r, -EINVAL);
	assert_null(next);
	assert_int_equal(rep.errors, 1);
	assert_memory_equal(&snapshot, good.conf, sizeof(snapshot));
	assert_memory_equal(sessions, good.conf->sessions, sizeof(sessions));
	assert_string_equal(good.conf->control_socket, "/run/edgebfd/control.sock");

	/* The report accumulates; a good parse with it is still good. */
	r = conf_parse(SESSION_S, SRC, &next, &rep);
	assert_int_equal(r, 0);
	assert_non_null(next);
	assert_int_equal(rep.errors, 1);
	conf_free(next);

	/* A second bad parse adds its own errors. */
	r = conf_parse("[x]\n", SRC, &next, &rep);
	assert_int_equal(r, -EINVAL);
	assert_null(next);
	assert_int_equal(rep.errors, 2);
	assert_true(report_has_line(&rep, "edgebfd.conf:7: detect-multiplier: \"0\" is not a "
					  "whole number from 1 to 255"));
	assert_true(report_has_line(&rep, "edgebfd.conf:1: x: unknown section (expected "
					  "[daemon], [defaults] or [session NAME])"));
	conf_report_free(&rep);
	assert_null(rep.text);
	assert_int_equal(rep.errors, 0);
	done(&good);

	/* both accept NULL */
	conf_free(NULL);
	conf_report_free(NULL);
}

/* ---- lines ---------------------------------------------------------------- */

static void test_long_line(void **state)
{
	char text[1024], comment[512];
	struct result res;

	(void)state;
	/* libinih's lines hold 199 characters: a 199-character comment is fine */
	memset(comment, 'x', sizeof(comment));
	comment[0] = '#';
	comment[199] = '\0';
	snprintf(text, sizeof(text), SESSION_S "%s\ndetect-multiplier = 4\n", comment);
	res = parse(text);
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	done(&res);

	/* 200 are an error at that line; the lines after it still count */
	comment[199] = 'x';
	comment[200] = '\0';
	snprintf(text, sizeof(text), SESSION_S "%s\ndetect-multiplier = 0\n", comment);
	res = parse(text);
	expect_counts(&res.rep, 2, 0);
	assert_int_equal(res.r, -EINVAL);
	expect_line(&res.rep, "edgebfd.conf:5: line: longer than 199 characters");
	expect_line(&res.rep, "edgebfd.conf:6: detect-multiplier: \"0\" is not a whole number "
			      "from 1 to 255");
	done(&res);

	/* a long value, too */
	memset(comment, 'a', sizeof(comment));
	comment[400] = '\0';
	snprintf(text, sizeof(text), SESSION_S "auth-secret = %s\n", comment);
	expect_one_error(text, "edgebfd.conf:5: line: longer than 199 characters");
}

static void test_syntax_error(void **state)
{
	(void)state;
	expect_session_error("detect-multiplier 3",
			     "edgebfd.conf:5: syntax: expected \"key = value\", \"[section]\" or "
			     "a comment");
	expect_one_error("[daemon\n# nothing\n",
			 "edgebfd.conf:1: syntax: expected \"key = value\", \"[section]\" or a "
			 "comment");

	/* with other errors: all are reported */
	struct result res = parse(SESSION_S "detect-multiplier = 0\njunk\n");

	expect_counts(&res.rep, 2, 0);
	assert_int_equal(res.r, -EINVAL);
	expect_line(&res.rep, "edgebfd.conf:6: syntax: expected \"key = value\", \"[section]\" "
			      "or a comment");
	done(&res);

	/* every syntax error, not only the first (libinih reports one) */
	res = parse(SESSION_S "junk\nmore junk\n[oops\n");
	expect_counts(&res.rep, 3, 0);
	expect_line(&res.rep, "edgebfd.conf:5: syntax: expected \"key = value\", \"[section]\" "
			      "or a comment");
	expect_line(&res.rep, "edgebfd.conf:7: syntax: expected \"key = value\", \"[section]\" "
			      "or a comment");
	done(&res);
}

/* A risky value in [defaults] is warned about once, at its line, not once
 * per session that inherits it. */
static void test_defaults_warning_once(void **state)
{
	(void)state;
	struct result res = parse("[defaults]\n"
				  "transmit-interval = 20ms\n"
				  "[session a]\ninterface = eth1\n"
				  "local-address = 192.0.2.1\npeer-address = 192.0.2.2\n"
				  "[session b]\ninterface = eth2\n"
				  "local-address = 192.0.2.5\npeer-address = 192.0.2.6\n");

	assert_int_equal(res.r, 0);
	expect_counts(&res.rep, 0, 1);
	expect_line(&res.rep, "edgebfd.conf:2: transmit-interval: warning: 20000us is below 50ms: "
			      "a busy router may miss packets and flap");
	assert_int_equal(session(res.conf, "b")->params.desired_min_tx_us, 20000);
	done(&res);
}

/* Keys indented under their header are still one key per line. */
static void test_indented_keys(void **state)
{
	struct result res = parse("[session s]\n"
				  "    interface = eth1\n"
				  "    local-address = 192.0.2.1\n"
				  "    peer-address = 192.0.2.2\n");

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->sessions[0].ifname, "eth1");
	assert_v4(&res.conf->sessions[0].peer, "192.0.2.2");
	done(&res);
}

/* ---- conf_load ------------------------------------------------------------ */

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_conf_load(void **state)
{
	char dir[] = "/tmp/test_conf.XXXXXX", path[64], line[128];
	struct conf *conf = &not_written;
	struct conf_report rep = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));

	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(conf_load(path, &conf, &rep), -EINVAL);
	assert_null(conf);
	assert_int_equal(rep.errors, 1);
	snprintf(line, sizeof(line), "%s: cannot read: No such file or directory", path);
	expect_line(&rep, line);
	conf_report_free(&rep);

	snprintf(path, sizeof(path), "%s/edgebfd.conf", dir);
	write_file(path, example, strlen(example));
	assert_int_equal(conf_load(path, &conf, &rep), 0);
	assert_non_null(conf);
	assert_int_equal(rep.errors, 0);
	assert_int_equal(rep.warnings, 0);
	assert_int_equal(conf->n_sessions, 2);
	assert_params(session(conf, "secondary"), 300000, 300000, 3);
	conf_free(conf);

	/* errors name the path */
	write_file(path, SESSION_S "detect-multiplier = 0\n", strlen(SESSION_S) + 22);
	assert_int_equal(conf_load(path, &conf, &rep), -EINVAL);
	assert_null(conf);
	assert_int_equal(rep.errors, 1);
	snprintf(line, sizeof(line), "%s:5: detect-multiplier: \"0\" is not a whole number from 1 "
				     "to 255", path);
	expect_line(&rep, line);
	conf_report_free(&rep);

	/* a NUL byte */
	write_file(path, "[daemon]\n\0x\n", 12);
	assert_int_equal(conf_load(path, &conf, &rep), -EINVAL);
	assert_null(conf);
	assert_int_equal(rep.errors, 1);
	snprintf(line, sizeof(line), "%s: cannot read: contains a NUL byte", path);
	expect_line(&rep, line);
	conf_report_free(&rep);

	/* a directory */
	assert_int_equal(conf_load(dir, &conf, &rep), -EINVAL);
	assert_null(conf);
	assert_int_equal(rep.errors, 1);
	snprintf(line, sizeof(line), "%s: cannot read: ", dir);
	assert_non_null(rep.text);
	assert_memory_equal(rep.text, line, strlen(line));
	conf_report_free(&rep);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* ---- lookups -------------------------------------------------------------- */

static void test_find_session(void **state)
{
	struct result res = parse(example);

	(void)state;
	assert_int_equal(res.r, 0);
	assert_ptr_equal(conf_find_session(res.conf, "primary"), &res.conf->sessions[0]);
	assert_ptr_equal(conf_find_session(res.conf, "secondary"), &res.conf->sessions[1]);
	assert_null(conf_find_session(res.conf, "tertiary"));
	assert_null(conf_find_session(res.conf, "Primary"));
	assert_null(conf_find_session(res.conf, ""));
	done(&res);

	res = parse("");
	assert_null(conf_find_session(res.conf, "primary"));
	done(&res);
}

static void test_same_identity(void **state)
{
	struct result a = parse(example);
	struct result b = parse("[session other-name]\n"
				"interface = eth1\n"
				"local-address = 192.168.100.1\n"
				"peer-address = 192.168.100.2\n"
				"transmit-interval = 1s\n"
				"auth-type = keyed-sha1\n"
				"auth-secret = x\n"
				"[session new-peer]\n"
				"interface = eth2\n"
				"local-address = 192.168.100.5\n"
				"peer-address = 192.168.100.7\n"
				"[session moved]\n"
				"interface = eth3\n"
				"local-address = 192.168.100.1\n"
				"peer-address = 192.168.100.2\n"
				"[session new-local]\n"
				"interface = eth4\n"
				"local-address = 192.168.100.9\n"
				"peer-address = 192.168.100.6\n");
	const struct conf_session *primary, *secondary;

	(void)state;
	assert_int_equal(a.r, 0);
	assert_int_equal(b.r, 0);
	primary = session(a.conf, "primary");
	secondary = session(a.conf, "secondary");

	/* name, timers and auth do not matter; interface and addresses do */
	assert_true(conf_session_same_identity(primary, session(b.conf, "other-name")));
	assert_true(conf_session_same_identity(primary, primary));
	assert_false(conf_session_same_identity(primary, secondary));
	assert_false(conf_session_same_identity(secondary, session(b.conf, "new-peer")));
	assert_false(conf_session_same_identity(primary, session(b.conf, "moved")));

	struct conf_session s = *secondary;

	assert_true(conf_session_same_identity(secondary, &s));
	s.local = session(b.conf, "new-local")->local;
	assert_false(conf_session_same_identity(secondary, &s));
	done(&a);
	done(&b);

	/* addresses: family and bytes */
	struct conf_addr v4 = { .family = AF_INET }, v6 = { .family = AF_INET6 }, v4b;

	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", &v4.v4), 1);
	memset(&v6.v6, 0, sizeof(v6.v6));
	memcpy(&v6.v6, &v4.v4, sizeof(v4.v4)); /* same leading bytes */
	v4b = v4;
	assert_true(conf_addr_equal(&v4, &v4b));
	assert_false(conf_addr_equal(&v4, &v6));
	assert_false(conf_addr_equal(&v6, &v4));
	v4b.v4.s_addr ^= htonl(1);
	assert_false(conf_addr_equal(&v4, &v4b));
}

/* ---- route actions -------------------------------------------------------- */

/* Whether protocol number p is exactly one of want[] in r's bitmap, for all
 * 256 numbers. */
static void assert_protocols(const struct conf_routes *r, const unsigned *want, size_t n)
{
	for (unsigned p = 0; p < 256; p++) {
		bool wanted = false;

		for (size_t i = 0; i < n; i++)
			wanted |= want[i] == p;
		if (conf_routes_protocol(r, (uint8_t)p) != wanted) {
			print_error("protocol %u is %sselected\n", p, wanted ? "not " : "");
			fail();
		}
	}
}

static void assert_prefix(const struct conf_prefix *p, int family, const char *addr,
			  unsigned len)
{
	if (family == AF_INET)
		assert_v4(&p->addr, addr);
	else
		assert_v6(&p->addr, addr);
	assert_int_equal(p->len, len);
}

/* conf_routes_prefix() on a text address and length. */
static bool prefix_selected(const struct conf_routes *r, const char *addr, unsigned len)
{
	uint8_t bytes[16];
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, addr, bytes), 1);
	return conf_routes_prefix(r, family, bytes, len);
}

static void test_route_builtin_defaults(void **state)
{
	static const unsigned bgp_static[] = { 4, 186 };
	struct result res = parse(SESSION_S);
	const struct conf_routes *r;

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->state_directory, CONF_DEFAULT_STATE_DIRECTORY);
	assert_string_equal(res.conf->state_directory, "/run/edgebfd");
	r = &res.conf->sessions[0].routes;
	assert_int_equal(r->on_down, CONF_ON_DOWN_WITHDRAW);
	assert_int_equal(r->n_tables, 1);
	assert_int_equal(r->tables[0], 254);
	assert_protocols(r, bgp_static, 2);
	assert_int_equal(r->n_prefixes, 0);
	assert_int_equal(r->demote_metric, 5000);
	assert_int_equal(r->hold_down_us, 10000000);
	assert_false(r->act_on_peer_admin_down);
	assert_true(r->mark_neighbor_failed);
	/* no filter: every route of either family counts */
	assert_true(prefix_selected(r, "10.1.2.0", 24));
	assert_true(prefix_selected(r, "0.0.0.0", 0));
	assert_true(prefix_selected(r, "2001:db8::", 32));
	done(&res);
}

static void test_on_down(void **state)
{
	static const struct {
		const char *text;
		enum conf_on_down value;
	} ok[] = {
		{ "withdraw", CONF_ON_DOWN_WITHDRAW },
		{ "demote", CONF_ON_DOWN_DEMOTE },
		{ "none", CONF_ON_DOWN_NONE },
	};
	char line[64];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct result res;

		snprintf(line, sizeof(line), "on-down = %s", ok[i].text);
		res = parse_session_ok(line);
		assert_int_equal(res.conf->sessions[0].routes.on_down, ok[i].value);
		done(&res);
	}
	expect_session_error("on-down = drop",
			     "edgebfd.conf:5: on-down: \"drop\" is not one of: withdraw demote "
			     "none");
	expect_session_error("on-down = Withdraw",
			     "edgebfd.conf:5: on-down: \"Withdraw\" is not one of: withdraw "
			     "demote none");
	expect_session_error("on-down =",
			     "edgebfd.conf:5: on-down: \"\" is not one of: withdraw demote none");
	expect_one_error("[daemon]\non-down = demote\n" SESSION_S,
			 "edgebfd.conf:2: on-down: not allowed in [daemon]");
}

static void test_route_tables(void **state)
{
	struct result res;
	const struct conf_routes *r;

	(void)state;
	res = parse_session_ok("route-tables = main local default 100 4294967295");
	r = &res.conf->sessions[0].routes;
	assert_int_equal(r->n_tables, 5);
	assert_int_equal(r->tables[0], 254);
	assert_int_equal(r->tables[1], 255);
	assert_int_equal(r->tables[2], 253);
	assert_int_equal(r->tables[3], 100);
	assert_int_equal(r->tables[4], 4294967295u);
	done(&res);

	/* commas and tabs separate too; a number replaces the built-in main */
	res = parse_session_ok("route-tables = 100,\t200 ,main");
	r = &res.conf->sessions[0].routes;
	assert_int_equal(r->n_tables, 3);
	assert_int_equal(r->tables[0], 100);
	assert_int_equal(r->tables[1], 200);
	assert_int_equal(r->tables[2], 254);
	done(&res);

	res = parse_session_ok("route-tables = 1000");
	assert_int_equal(res.conf->sessions[0].routes.n_tables, 1);
	assert_int_equal(res.conf->sessions[0].routes.tables[0], 1000);
	done(&res);

	/* 16 tables fit, 17 do not */
	res = parse_session_ok("route-tables = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16");
	assert_int_equal(res.conf->sessions[0].routes.n_tables, 16);
	assert_int_equal(res.conf->sessions[0].routes.tables[15], 16);
	done(&res);
	expect_session_error("route-tables = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",
			     "edgebfd.conf:5: route-tables: at most 16 tables");

	expect_session_error("route-tables = main nosuchtable",
			     "edgebfd.conf:5: route-tables: no routing table is called "
			     "\"nosuchtable\" (not in /etc/iproute2/rt_tables; give a name from "
			     "there or a number)");
	expect_session_error("route-tables = Main",
			     "edgebfd.conf:5: route-tables: no routing table is called \"Main\" "
			     "(not in /etc/iproute2/rt_tables; give a name from there or a "
			     "number)");
	/* table 0 is "unspec": not a table routes live in */
	expect_session_error("route-tables = 0",
			     "edgebfd.conf:5: route-tables: no routing table is called \"0\" (not "
			     "in /etc/iproute2/rt_tables; give a name from there or a number)");
	expect_session_error("route-tables = 4294967296",
			     "edgebfd.conf:5: route-tables: no routing table is called "
			     "\"4294967296\" (not in /etc/iproute2/rt_tables; give a name from "
			     "there or a number)");
	expect_session_error("route-tables = -1",
			     "edgebfd.conf:5: route-tables: no routing table is called \"-1\" (not "
			     "in /etc/iproute2/rt_tables; give a name from there or a number)");
	expect_session_error("route-tables =",
			     "edgebfd.conf:5: route-tables: names no table (for example: main)");
	expect_session_error("route-tables = , ,",
			     "edgebfd.conf:5: route-tables: names no table (for example: main)");
	expect_session_error("route-tables = main "
			     "t123456789012345678901234567890123456789012345678901234567890123",
			     "edgebfd.conf:5: route-tables: "
			     "\"t123456789012345678901234567890123456789012345678901234567890123\" "
			     "is too long");
	/* in [defaults]: once, at its own line */
	expect_one_error("[defaults]\nroute-tables = nosuchtable\n" SESSION_S
			 "[session t]\ninterface = eth2\nlocal-address = 192.0.2.5\n"
			 "peer-address = 192.0.2.6\n",
			 "edgebfd.conf:2: route-tables: no routing table is called "
			 "\"nosuchtable\" (not in /etc/iproute2/rt_tables; give a name from there "
			 "or a number)");
}

static void test_route_protocols(void **state)
{
	static const unsigned some[] = { 186, 4, 11, 0, 42, 255, 2 };
	static const unsigned zebra[] = { 11 };
	struct result res;

	(void)state;
	res = parse_session_ok("route-protocols = bgp static zebra 0 42 255 kernel");
	assert_protocols(&res.conf->sessions[0].routes, some, sizeof(some) / sizeof(some[0]));
	done(&res);

	/* the list replaces the built-in bgp static */
	res = parse_session_ok("route-protocols = zebra");
	assert_protocols(&res.conf->sessions[0].routes, zebra, 1);
	done(&res);
	res = parse_session_ok("route-protocols = 11,zebra");
	assert_protocols(&res.conf->sessions[0].routes, zebra, 1);
	done(&res);

	/* any: all 256 */
	res = parse_session_ok("route-protocols = any");
	for (unsigned p = 0; p < 256; p++)
		assert_true(conf_routes_protocol(&res.conf->sessions[0].routes, (uint8_t)p));
	done(&res);
	res = parse_session_ok("route-protocols = bgp any");
	for (unsigned p = 0; p < 256; p++)
		assert_true(conf_routes_protocol(&res.conf->sessions[0].routes, (uint8_t)p));
	done(&res);

	expect_session_error("route-protocols = bgp ospf3",
			     "edgebfd.conf:5: route-protocols: no routing protocol is called "
			     "\"ospf3\" (not in /etc/iproute2/rt_protos; give a name from there, a "
			     "number or any)");
	expect_session_error("route-protocols = 256",
			     "edgebfd.conf:5: route-protocols: no routing protocol is called "
			     "\"256\" (not in /etc/iproute2/rt_protos; give a name from there, a "
			     "number or any)");
	expect_session_error("route-protocols = ANY",
			     "edgebfd.conf:5: route-protocols: no routing protocol is called "
			     "\"ANY\" (not in /etc/iproute2/rt_protos; give a name from there, a "
			     "number or any)");
	expect_session_error("route-protocols =",
			     "edgebfd.conf:5: route-protocols: names no protocol (for example: bgp "
			     "static, or any)");
}

static void test_route_prefixes(void **state)
{
	struct result res;
	const struct conf_routes *r;

	(void)state;
	res = parse_session_ok("route-prefixes = 10.0.0.0/8 192.0.2.128/25, 2001:db8::/32 "
			       "0.0.0.0/0 ::/0 198.51.100.7/32 2001:db8::1/128");
	r = &res.conf->sessions[0].routes;
	assert_int_equal(r->n_prefixes, 7);
	assert_prefix(&r->prefixes[0], AF_INET, "10.0.0.0", 8);
	assert_prefix(&r->prefixes[1], AF_INET, "192.0.2.128", 25);
	assert_prefix(&r->prefixes[2], AF_INET6, "2001:db8::", 32);
	assert_prefix(&r->prefixes[3], AF_INET, "0.0.0.0", 0);
	assert_prefix(&r->prefixes[4], AF_INET6, "::", 0);
	assert_prefix(&r->prefixes[5], AF_INET, "198.51.100.7", 32);
	assert_prefix(&r->prefixes[6], AF_INET6, "2001:db8::1", 128);
	done(&res);

	/* as many as a line holds (libinih: 199 characters), in order */
	char line[256];
	size_t used = (size_t)snprintf(line, sizeof(line), "route-prefixes =");
	unsigned n = 0;

	for (unsigned i = 1; i < 256; i++) {
		char word[24];
		size_t len = (size_t)snprintf(word, sizeof(word), " %u.0.0.0/8", i);

		if (used + len > 199)
			break;
		memcpy(line + used, word, len + 1);
		used += len;
		n++;
	}
	assert_true(n >= 16);
	res = parse_session_ok(line);
	assert_int_equal(res.conf->sessions[0].routes.n_prefixes, n);
	for (unsigned i = 0; i < n; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "%u.0.0.0", i + 1);
		assert_prefix(&res.conf->sessions[0].routes.prefixes[i], AF_INET, addr, 8);
	}
	done(&res);

	expect_session_error("route-prefixes = 10.0.0.1/8",
			     "edgebfd.conf:5: route-prefixes: 10.0.0.1/8 has host bits set");
	expect_session_error("route-prefixes = 10.0.0.0/8 192.0.2.129/25",
			     "edgebfd.conf:5: route-prefixes: 192.0.2.129/25 has host bits set");
	expect_session_error("route-prefixes = 2001:db8::1/64",
			     "edgebfd.conf:5: route-prefixes: 2001:db8::1/64 has host bits set");
	expect_session_error("route-prefixes = 2001:db8:4000::/33",
			     "edgebfd.conf:5: route-prefixes: 2001:db8:4000::/33 has host bits "
			     "set");
	expect_session_error("route-prefixes = 0.0.0.1/0",
			     "edgebfd.conf:5: route-prefixes: 0.0.0.1/0 has host bits set");
	static const char *const not_prefixes[] = {
		"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/8x",
		"10.0.0.0/-8", "10.0.0/8", "example.com/8", "/8", "10.0.0.0/ 8",
	};

	for (size_t i = 0; i < sizeof(not_prefixes) / sizeof(not_prefixes[0]); i++) {
		char want[256], text[128], word[64];

		snprintf(text, sizeof(text), "route-prefixes = %s", not_prefixes[i]);
		/* the message names the first word that is not a prefix */
		snprintf(word, sizeof(word), "%.*s", (int)strcspn(not_prefixes[i], " "),
			 not_prefixes[i]);
		snprintf(want, sizeof(want),
			 "edgebfd.conf:5: route-prefixes: \"%s\" is not a prefix (address/length, "
			 "like 10.0.0.0/8 or 2001:db8::/32)", word);
		expect_session_error(text, want);
	}
}

static void test_conf_routes_prefix(void **state)
{
	struct result res = parse_session_ok("route-prefixes = 10.0.0.0/8 192.0.2.128/25 "
					     "198.51.100.2/31 2001:db8::/32 2001:db8:ff00::/40");
	const struct conf_routes *r = &res.conf->sessions[0].routes;

	(void)state;
	/* inside: the prefix itself and anything longer within it */
	assert_true(prefix_selected(r, "10.0.0.0", 8));
	assert_true(prefix_selected(r, "10.1.2.0", 24));
	assert_true(prefix_selected(r, "10.255.255.255", 32));
	assert_true(prefix_selected(r, "192.0.2.128", 25));
	assert_true(prefix_selected(r, "192.0.2.200", 32));
	assert_true(prefix_selected(r, "198.51.100.3", 32));
	assert_true(prefix_selected(r, "2001:db8::", 32));
	assert_true(prefix_selected(r, "2001:db8:1234::", 48));
	assert_true(prefix_selected(r, "2001:db8:ff80::", 41));
	/* outside: other addresses, and shorter prefixes that contain the filter */
	assert_false(prefix_selected(r, "11.0.0.0", 8));
	assert_false(prefix_selected(r, "10.0.0.0", 7));
	assert_false(prefix_selected(r, "0.0.0.0", 0));
	assert_false(prefix_selected(r, "192.0.2.0", 24));
	assert_false(prefix_selected(r, "192.0.2.127", 32));
	assert_false(prefix_selected(r, "192.0.2.0", 25));
	assert_false(prefix_selected(r, "198.51.100.4", 32));
	assert_false(prefix_selected(r, "198.51.100.0", 30));
	assert_false(prefix_selected(r, "2001:db9::", 32));
	assert_false(prefix_selected(r, "2001:db8::", 31));
	assert_false(prefix_selected(r, "::", 0));
	/* the family must match: the same leading bytes do not count */
	uint8_t bytes[16] = { 10, 1, 2, 0 };

	assert_true(conf_routes_prefix(r, AF_INET, bytes, 24));
	assert_false(conf_routes_prefix(r, AF_INET6, bytes, 24));
	memset(bytes, 0, sizeof(bytes));
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::", bytes), 1);
	assert_false(conf_routes_prefix(r, AF_INET, bytes, 32));
	done(&res);

	/* /0 selects everything of its family, nothing of the other */
	res = parse_session_ok("route-prefixes = 0.0.0.0/0");
	r = &res.conf->sessions[0].routes;
	assert_true(prefix_selected(r, "0.0.0.0", 0));
	assert_true(prefix_selected(r, "203.0.113.9", 32));
	assert_true(prefix_selected(r, "255.255.255.255", 32));
	assert_false(prefix_selected(r, "::", 0));
	assert_false(prefix_selected(r, "2001:db8::", 32));
	done(&res);
	res = parse_session_ok("route-prefixes = ::/0");
	r = &res.conf->sessions[0].routes;
	assert_true(prefix_selected(r, "::", 0));
	assert_true(prefix_selected(r, "ffff::", 16));
	assert_false(prefix_selected(r, "0.0.0.0", 0));
	assert_false(prefix_selected(r, "10.0.0.0", 8));
	done(&res);

	/* host routes: /32 and /128 match only themselves */
	res = parse_session_ok("route-prefixes = 203.0.113.9/32 2001:db8::9/128");
	r = &res.conf->sessions[0].routes;
	assert_true(prefix_selected(r, "203.0.113.9", 32));
	assert_false(prefix_selected(r, "203.0.113.8", 32));
	assert_false(prefix_selected(r, "203.0.113.8", 31));
	assert_true(prefix_selected(r, "2001:db8::9", 128));
	assert_false(prefix_selected(r, "2001:db8::8", 128));
	done(&res);
}

static void test_demote_metric(void **state)
{
	struct result res;

	(void)state;
	res = parse_session_ok("demote-metric = 1");
	assert_int_equal(res.conf->sessions[0].routes.demote_metric, 1);
	done(&res);
	res = parse_session_ok("demote-metric = 4294967295");
	assert_int_equal(res.conf->sessions[0].routes.demote_metric, 4294967295u);
	done(&res);
	res = parse_session_ok("demote-metric = 100000");
	assert_int_equal(res.conf->sessions[0].routes.demote_metric, 100000);
	done(&res);

	static const char *const bad[] = { "0", "4294967296", "-1", "1e3", "10 20", "", "5000x" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64], want[160];

		snprintf(text, sizeof(text), "demote-metric = %s", bad[i]);
		snprintf(want, sizeof(want),
			 "edgebfd.conf:5: demote-metric: \"%s\" is not a whole number from 1 to "
			 "4294967295", bad[i]);
		expect_session_error(text, want);
	}
}

static void test_hold_down(void **state)
{
	static const struct {
		const char *text;
		uint64_t us;
	} ok[] = {
		{ "0s", 0 },         { "0ms", 0 },           { "500ms", 500000 },
		{ "10s", 10000000 }, { "3600s", 3600000000u }, { "3600000ms", 3600000000u },
		{ "1us", 1 },        { "3600000000us", 3600000000u },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char line[64];
		struct result res;

		snprintf(line, sizeof(line), "hold-down = %s", ok[i].text);
		res = parse_session_ok(line);
		assert_int_equal(res.conf->sessions[0].routes.hold_down_us, ok[i].us);
		done(&res);
	}
	expect_session_error("hold-down = 3601s",
			     "edgebfd.conf:5: hold-down: 3601s is out of range (0s to 3600s)");
	expect_session_error("hold-down = 3600001ms",
			     "edgebfd.conf:5: hold-down: 3600001ms is out of range (0s to 3600s)");
	expect_session_error("hold-down = 3600000001us",
			     "edgebfd.conf:5: hold-down: 3600000001us is out of range (0s to "
			     "3600s)");
	expect_session_error("hold-down = 10",
			     "edgebfd.conf:5: hold-down: 10 is not a duration (did you mean "
			     "10ms?)");
	expect_session_error("hold-down = 0",
			     "edgebfd.conf:5: hold-down: 0 is not a duration (did you mean 0ms?)");
	expect_session_error("hold-down = 1m",
			     "edgebfd.conf:5: hold-down: 1m is not a duration: unknown unit \"m\" "
			     "(use us, ms, s or min)");
	expect_session_error("hold-down = -1s",
			     "edgebfd.conf:5: hold-down: \"-1s\" is not a duration (a number and a "
			     "unit: us, ms, s or min)");
}

static void test_on_peer_admin_down(void **state)
{
	struct result res;

	(void)state;
	res = parse_session_ok("on-peer-admin-down = act");
	assert_true(res.conf->sessions[0].routes.act_on_peer_admin_down);
	done(&res);
	res = parse_session_ok("on-peer-admin-down = ignore");
	assert_false(res.conf->sessions[0].routes.act_on_peer_admin_down);
	done(&res);
	expect_session_error("on-peer-admin-down = yes",
			     "edgebfd.conf:5: on-peer-admin-down: \"yes\" is not one of: ignore "
			     "act");
	expect_session_error("on-peer-admin-down = ACT",
			     "edgebfd.conf:5: on-peer-admin-down: \"ACT\" is not one of: ignore "
			     "act");
}

static void test_mark_neighbor_failed(void **state)
{
	struct result res;

	(void)state;
	res = parse_session_ok("mark-neighbor-failed = no");
	assert_false(res.conf->sessions[0].routes.mark_neighbor_failed);
	done(&res);
	res = parse_session_ok("mark-neighbor-failed = yes");
	assert_true(res.conf->sessions[0].routes.mark_neighbor_failed);
	done(&res);
	expect_session_error("mark-neighbor-failed = off",
			     "edgebfd.conf:5: mark-neighbor-failed: \"off\" is not one of: no yes");
}

static void test_state_directory(void **state)
{
	struct result res = parse("[daemon]\nstate-directory = /var/lib/edgebfd\n" SESSION_S);

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	assert_string_equal(res.conf->state_directory, "/var/lib/edgebfd");
	/* independent of control-socket */
	assert_string_equal(res.conf->control_socket, CONF_DEFAULT_CONTROL_SOCKET);
	done(&res);

	expect_one_error("[daemon]\nstate-directory = var/lib/edgebfd\n",
			 "edgebfd.conf:2: state-directory: \"var/lib/edgebfd\" is not an "
			 "absolute path shorter than 108 characters");
	expect_one_error("[daemon]\nstate-directory =\n",
			 "edgebfd.conf:2: state-directory: \"\" is not an absolute path shorter "
			 "than 108 characters");
	expect_one_error("[daemon]\nstate-directory = /a\nstate-directory = /b\n",
			 "edgebfd.conf:3: state-directory: set twice in this section (first at "
			 "line 2)");
	expect_session_error("state-directory = /var/lib/edgebfd",
			     "edgebfd.conf:5: state-directory: not allowed in [session NAME] (it "
			     "belongs in [daemon])");
	expect_one_error("[defaults]\nstate-directory = /var/lib/edgebfd\n" SESSION_S,
			 "edgebfd.conf:2: state-directory: not allowed in [defaults] (it belongs "
			 "in [daemon])");
}

static void test_route_keys_inherited(void **state)
{
	static const unsigned bgp[] = { 186 };
	struct result res = parse("[defaults]\n"                                    /* 1 */
				  "on-down = demote\n"                              /* 2 */
				  "route-tables = main 100 200\n"                   /* 3 */
				  "route-protocols = any\n"                         /* 4 */
				  "route-prefixes = 10.0.0.0/8 2001:db8::/32 "
				  "172.16.0.0/12\n"                                 /* 5 */
				  "demote-metric = 100\n"                           /* 6 */
				  "hold-down = 30s\n"                               /* 7 */
				  "on-peer-admin-down = act\n"                      /* 8 */
				  "[session a]\n"                                   /* 9 */
				  "interface = eth1\n"
				  "local-address = 192.0.2.1\n"
				  "peer-address = 192.0.2.2\n"
				  "[session b]\n"
				  "interface = eth2\n"
				  "local-address = 192.0.2.5\n"
				  "peer-address = 192.0.2.6\n"
				  "on-down = none\n"
				  "route-tables = 300\n"
				  "route-protocols = bgp\n"
				  "route-prefixes = 192.0.2.0/24\n"
				  "demote-metric = 7\n"
				  "hold-down = 0s\n"
				  "on-peer-admin-down = ignore\n");
	const struct conf_routes *a, *b;

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);

	/* a sets none of them: all from [defaults] */
	a = &session(res.conf, "a")->routes;
	assert_int_equal(a->on_down, CONF_ON_DOWN_DEMOTE);
	assert_int_equal(a->n_tables, 3);
	assert_int_equal(a->tables[0], 254);
	assert_int_equal(a->tables[1], 100);
	assert_int_equal(a->tables[2], 200);
	for (unsigned p = 0; p < 256; p++)
		assert_true(conf_routes_protocol(a, (uint8_t)p));
	assert_int_equal(a->n_prefixes, 3);
	assert_prefix(&a->prefixes[0], AF_INET, "10.0.0.0", 8);
	assert_prefix(&a->prefixes[1], AF_INET6, "2001:db8::", 32);
	assert_prefix(&a->prefixes[2], AF_INET, "172.16.0.0", 12);
	assert_int_equal(a->demote_metric, 100);
	assert_int_equal(a->hold_down_us, 30000000);
	assert_true(a->act_on_peer_admin_down);

	/* b sets all of them: its own lists replace those of [defaults] */
	b = &session(res.conf, "b")->routes;
	assert_int_equal(b->on_down, CONF_ON_DOWN_NONE);
	assert_int_equal(b->n_tables, 1);
	assert_int_equal(b->tables[0], 300);
	assert_protocols(b, bgp, 1);
	assert_int_equal(b->n_prefixes, 1);
	assert_prefix(&b->prefixes[0], AF_INET, "192.0.2.0", 24);
	assert_true(prefix_selected(b, "192.0.2.0", 24));
	assert_false(prefix_selected(b, "10.1.0.0", 16));     /* only in [defaults] */
	assert_false(prefix_selected(b, "2001:db8::", 48));   /* only in [defaults] */
	assert_int_equal(b->demote_metric, 7);
	assert_int_equal(b->hold_down_us, 0);
	assert_false(b->act_on_peer_admin_down);
	done(&res);

	/* a session that sets one list keeps the others from [defaults] */
	res = parse("[defaults]\n"
		    "route-tables = 100\n"
		    "route-protocols = zebra\n" SESSION_S "route-tables = main\n");
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.r, 0);
	a = &res.conf->sessions[0].routes;
	assert_int_equal(a->n_tables, 1);
	assert_int_equal(a->tables[0], 254);
	assert_true(conf_routes_protocol(a, 11));
	assert_false(conf_routes_protocol(a, 186));
	assert_false(conf_routes_protocol(a, 4));
	assert_int_equal(a->on_down, CONF_ON_DOWN_WITHDRAW);
	done(&res);

	/* errors in [defaults] are reported once, at their line, for any number
	 * of sessions */
	res = parse("[defaults]\n"
		    "on-down = drop\n"
		    "hold-down = 1h\n"
		    "route-prefixes = 10.0.0.1/8\n"
		    "[session a]\ninterface = eth1\n"
		    "local-address = 192.0.2.1\npeer-address = 192.0.2.2\n"
		    "[session b]\ninterface = eth2\n"
		    "local-address = 192.0.2.5\npeer-address = 192.0.2.6\n");
	expect_counts(&res.rep, 3, 0);
	assert_int_equal(res.r, -EINVAL);
	expect_line(&res.rep, "edgebfd.conf:2: on-down: \"drop\" is not one of: withdraw demote "
			      "none");
	expect_line(&res.rep, "edgebfd.conf:3: hold-down: 1h is not a duration: unknown unit "
			      "\"h\" (use us, ms, s or min)");
	expect_line(&res.rep, "edgebfd.conf:4: route-prefixes: 10.0.0.1/8 has host bits set");
	done(&res);
}

/* A route key set twice in a section is an error like any other key. */
static void test_route_key_set_twice(void **state)
{
	(void)state;
	expect_one_error(SESSION_S "route-tables = main\nroute-tables = 100\n",
			 "edgebfd.conf:6: route-tables: set twice in this section (first at line "
			 "5)");
	expect_one_error("[defaults]\nroute-prefixes = 10.0.0.0/8\nroute-prefixes = ::/0\n"
			 SESSION_S,
			 "edgebfd.conf:3: route-prefixes: set twice in this section (first at "
			 "line 2)");
}

/* ---- BGP integration keys ------------------------------------------------- */

static void test_bgp_builtin_defaults(void **state)
{
	struct result res = parse(SESSION_S);

	(void)state;
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->sessions[0].bgp.neighbor.family, 0);
	assert_int_equal(res.conf->sessions[0].bgp.action, CONF_BGP_RESET);
	assert_int_equal(res.conf->sessions[0].bgp.keepalive_s, CONF_BGP_TIMER_UNSET);
	assert_int_equal(res.conf->sessions[0].bgp.holdtime_s, CONF_BGP_TIMER_UNSET);
	assert_int_equal(res.conf->sessions[0].bgp.unanswered_warning_us, 300000000);
	assert_string_equal(res.conf->frr_vty_dir, "/run/frr");
	assert_int_equal(res.conf->frr_vty_timeout_us, 5000000);
	done(&res);
}

static void test_bgp_keys(void **state)
{
	struct result res = parse("[daemon]\n"
				  "frr-vty-dir = /run/frr/ce/\n"
				  "frr-vty-timeout = 1500ms\n"
				  "[defaults]\n"
				  "bgp-action = shutdown\n"
				  "bfd-unanswered-warning = 2min\n"
				  "[session a]\n"
				  "interface = eth1\n"
				  "local-address = 192.0.2.1\n"
				  "peer-address = 192.0.2.2\n"
				  "bgp-neighbor = 192.0.2.2\n"
				  "bgp-keepalive = 10s\n"
				  "bgp-holdtime = 30s\n"
				  "[session b]\n"
				  "interface = eth2\n"
				  "local-address = 2001:db8::1\n"
				  "peer-address = 2001:db8::2\n"
				  "bgp-neighbor = 2001:db8::2\n"
				  "bgp-action = none\n"
				  "bfd-unanswered-warning = 0s\n"
				  "bgp-keepalive = 3s\n"
				  "bgp-holdtime = 0s\n");
	const struct conf_session *a, *b;

	(void)state;
	expect_counts(&res.rep, 0, 0);
	a = session(res.conf, "a");
	b = session(res.conf, "b");
	assert_string_equal(res.conf->frr_vty_dir, "/run/frr/ce"); /* trailing '/' dropped */
	assert_int_equal(res.conf->frr_vty_timeout_us, 1500000);
	assert_v4(&a->bgp.neighbor, "192.0.2.2");
	assert_int_equal(a->bgp.action, CONF_BGP_SHUTDOWN);
	assert_int_equal(a->bgp.keepalive_s, 10);
	assert_int_equal(a->bgp.holdtime_s, 30);
	assert_int_equal(a->bgp.unanswered_warning_us, 120000000);
	assert_v6(&b->bgp.neighbor, "2001:db8::2");
	assert_int_equal(b->bgp.action, CONF_BGP_NONE);
	assert_int_equal(b->bgp.keepalive_s, 3);
	assert_int_equal(b->bgp.holdtime_s, 0);
	assert_int_equal(b->bgp.unanswered_warning_us, 0);
	done(&res);
}

static void test_bgp_values_rejected(void **state)
{
	(void)state;
	expect_session_error("bgp-neighbor = bgpd",
			     "edgebfd.conf:5: bgp-neighbor: \"bgpd\" is not an IPv4 or IPv6 "
			     "address");
	expect_session_error("bgp-action = clear",
			     "edgebfd.conf:5: bgp-action: \"clear\" is not one of: reset shutdown "
			     "none");
	expect_session_error("bgp-keepalive = 1500ms",
			     "edgebfd.conf:5: bgp-keepalive: 1500ms is not a whole number of "
			     "seconds (BGP timers are seconds)");
	expect_session_error("bgp-holdtime = 65536s",
			     "edgebfd.conf:5: bgp-holdtime: 65536s is out of range (0s to 65535s)");
	expect_session_error("bgp-holdtime = 30",
			     "edgebfd.conf:5: bgp-holdtime: 30 is not a duration (did you mean "
			     "30ms?)");
	expect_session_error("bfd-unanswered-warning = 1441min",
			     "edgebfd.conf:5: bfd-unanswered-warning: 1441min is out of range (0s, "
			     "never, to 1440min)");
	expect_one_error("[daemon]\nfrr-vty-dir = run/frr\n",
			 "edgebfd.conf:2: frr-vty-dir: \"run/frr\" is not an absolute path "
			 "shorter than 96 characters");
	expect_one_error("[daemon]\nfrr-vty-timeout = 0s\n",
			 "edgebfd.conf:2: frr-vty-timeout: 0s is out of range (1ms to 60s)");
	expect_session_error("frr-vty-dir = /run/frr",
			     "edgebfd.conf:5: frr-vty-dir: not allowed in [session NAME] (it "
			     "belongs in [daemon])");
}

static void test_engine_keys(void **state)
{
	struct result res = parse(SESSION_S);

	(void)state;
	assert_int_equal(res.r, 0);
	assert_int_equal(res.conf->engine, CONF_ENGINE_EDGEBFDD);
	assert_int_equal(res.conf->frr_bfdd_poll_us, 1000000);
	done(&res);
	res = parse("[daemon]\nengine = frr-bfdd\nfrr-bfdd-poll-interval = 250ms\n" SESSION_S);
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(res.conf->engine, CONF_ENGINE_FRR_BFDD);
	assert_int_equal(res.conf->frr_bfdd_poll_us, 250000);
	done(&res);
	expect_one_error("[daemon]\nengine = bird\n",
			 "edgebfd.conf:2: engine: \"bird\" is not one of: edgebfdd frr-bfdd");
	expect_one_error("[daemon]\nfrr-bfdd-poll-interval = 50ms\n",
			 "edgebfd.conf:2: frr-bfdd-poll-interval: 50ms is out of range (100ms to "
			 "60s)");
	expect_session_error("engine = frr-bfdd",
			     "edgebfd.conf:5: engine: not allowed in [session NAME] (it belongs in "
			     "[daemon])");
}

/* SESSION_S with a BGP neighbor (line 5) and the timer lines 6-7. */
static void expect_timer_error(const char *line6, const char *line7, const char *line)
{
	char text[1024];

	snprintf(text, sizeof(text), SESSION_S "bgp-neighbor = 192.0.2.2\n%s\n%s\n", line6,
		 line7);
	expect_one_error(text, line);
}

static void test_bgp_timer_rules(void **state)
{
	static const char *const ok[][2] = {
		{ "bgp-keepalive = 3s", "bgp-holdtime = 10s" },
		{ "bgp-keepalive = 10s", "bgp-holdtime = 30s" },
		{ "bgp-keepalive = 60s", "bgp-holdtime = 180s" },
		{ "bgp-keepalive = 3s", "bgp-holdtime = 0s" },
		{ "bgp-holdtime = 3min", "bgp-keepalive = 1min" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char text[512];
		struct result res;

		snprintf(text, sizeof(text), SESSION_S "bgp-neighbor = 192.0.2.2\n%s\n%s\n",
			 ok[i][0], ok[i][1]);
		res = parse(text);
		expect_counts(&res.rep, 0, 0);
		done(&res);
	}
	expect_timer_error("bgp-keepalive = 20s", "bgp-holdtime = 30s",
			   "edgebfd.conf:6: bgp-keepalive: keepalive 20s is more than a third of "
			   "the hold time 30s: ExpressRoute needs keepalive <= holdtime/3");
	expect_timer_error("bgp-keepalive = 2s", "bgp-holdtime = 30s",
			   "edgebfd.conf:6: bgp-keepalive: 2s is below 3s: ExpressRoute needs a "
			   "keepalive of at least 3s");
	expect_timer_error("bgp-keepalive = 3s", "bgp-holdtime = 9s",
			   "edgebfd.conf:7: bgp-holdtime: 9s is below 10s: ExpressRoute needs a "
			   "hold time of at least 10s (or 0s: no keepalives)");
	expect_timer_error("bgp-keepalive = 10s", "",
			   "edgebfd.conf:6: bgp-keepalive: set without bgp-holdtime in [session "
			   "s]: give both or neither");
	expect_timer_error("", "bgp-holdtime = 30s",
			   "edgebfd.conf:7: bgp-holdtime: set without bgp-keepalive in [session "
			   "s]: give both or neither");
	expect_session_error("bgp-keepalive = 10s\nbgp-holdtime = 30s",
			     "edgebfd.conf:5: bgp-keepalive: set without bgp-neighbor in [session "
			     "s]: the timers are for that neighbor");
}

static void test_bgp_timers_from_defaults(void **state)
{
	/* Inherited timers apply where there is a neighbor, and only there. */
	struct result res = parse("[defaults]\n"
				  "bgp-keepalive = 10s\n"
				  "bgp-holdtime = 30s\n" SESSION_S
				  "[session t]\n"
				  "interface = eth2\n"
				  "local-address = 192.0.2.5\n"
				  "peer-address = 192.0.2.6\n"
				  "bgp-neighbor = 192.0.2.6\n");

	(void)state;
	expect_counts(&res.rep, 0, 0);
	assert_int_equal(session(res.conf, "t")->bgp.keepalive_s, 10);
	assert_int_equal(session(res.conf, "t")->bgp.holdtime_s, 30);
	done(&res);
	expect_one_error("[defaults]\nbgp-keepalive = 20s\n" SESSION_S
			 "bgp-neighbor = 192.0.2.2\nbgp-holdtime = 30s\n",
			 "edgebfd.conf:2: bgp-keepalive: keepalive 20s is more than a third of "
			 "the hold time 30s: ExpressRoute needs keepalive <= holdtime/3");
}

static void test_bgp_neighbor_shared(void **state)
{
	(void)state;
	expect_one_error(SESSION_S "bgp-neighbor = 192.0.2.2\n"
			 "[session t]\n"
			 "interface = eth2\n"
			 "local-address = 192.0.2.5\n"
			 "peer-address = 192.0.2.6\n"
			 "bgp-neighbor = 192.0.2.2\n",
			 "edgebfd.conf:10: bgp-neighbor: [session s] and [session t] have the "
			 "same bgp-neighbor: one BFD session acts on a BGP neighbor");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_engine_keys),
		cmocka_unit_test(test_bgp_builtin_defaults),
		cmocka_unit_test(test_bgp_keys),
		cmocka_unit_test(test_bgp_values_rejected),
		cmocka_unit_test(test_bgp_timer_rules),
		cmocka_unit_test(test_bgp_timers_from_defaults),
		cmocka_unit_test(test_bgp_neighbor_shared),
		cmocka_unit_test(test_defaults_inherited_and_overridden),
		cmocka_unit_test(test_defaults_after_sessions),
		cmocka_unit_test(test_builtin_defaults),
		cmocka_unit_test(test_empty_config),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_control_socket),
		cmocka_unit_test(test_crlf_and_no_final_newline),
		cmocka_unit_test(test_utf8_bom),
		cmocka_unit_test(test_durations_accepted),
		cmocka_unit_test(test_durations_rejected),
		cmocka_unit_test(test_parse_duration_us),
		cmocka_unit_test(test_detect_multiplier),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_key_outside_section),
		cmocka_unit_test(test_key_in_wrong_section),
		cmocka_unit_test(test_key_set_twice),
		cmocka_unit_test(test_session_twice),
		cmocka_unit_test(test_section_twice),
		cmocka_unit_test(test_session_names),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_interfaces),
		cmocka_unit_test(test_auth_types),
		cmocka_unit_test(test_auth_secret_length),
		cmocka_unit_test(test_auth_inconsistent),
		cmocka_unit_test(test_auth_key_id),
		cmocka_unit_test(test_warning_short_interval),
		cmocka_unit_test(test_sessions_sharing_interface),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_all_errors_count_header),
		cmocka_unit_test(test_transaction),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_defaults_warning_once),
		cmocka_unit_test(test_indented_keys),
		cmocka_unit_test(test_conf_load),
		cmocka_unit_test(test_find_session),
		cmocka_unit_test(test_same_identity),
		cmocka_unit_test(test_route_builtin_defaults),
		cmocka_unit_test(test_on_down),
		cmocka_unit_test(test_route_tables),
		cmocka_unit_test(test_route_protocols),
		cmocka_unit_test(test_route_prefixes),
		cmocka_unit_test(test_conf_routes_prefix),
		cmocka_unit_test(test_demote_metric),
		cmocka_unit_test(test_hold_down),
		cmocka_unit_test(test_on_peer_admin_down),
		cmocka_unit_test(test_mark_neighbor_failed),
		cmocka_unit_test(test_state_directory),
		cmocka_unit_test(test_route_keys_inherited),
		cmocka_unit_test(test_route_key_set_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
