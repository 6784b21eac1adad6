/*
 * conf.c - edgebfd.conf parsing and validation (see conf.h).
 *
 * libinih does the INI syntax. Debian builds it without line numbers in the
 * handler and without a call for a section that has no keys, so our reader
 * function feeds it one line at a time and notes the line number and any
 * section header itself. Each key is one entry of the table below: its name,
 * where it may appear, its typed parser and the field it fills. [defaults]
 * keep their text and are parsed again into every session that does not
 * set the key itself, when the whole file has been read (conf_finish).
 */
#include "conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "rtnames.h"

enum scope {
	IN_DAEMON = 1 << 0,
	IN_DEFAULTS = 1 << 1,
	IN_SESSION = 1 << 2,
	REQUIRED = 1 << 3, /* every session must have it */
};

typedef int (*parse_fn)(const char *value, void *field, char *err, size_t err_len);

struct conf_key {
	const char *name;
	unsigned scope;
	parse_fn parse;
	size_t offset; /* in struct conf (IN_DAEMON) or struct conf_session */
};

static int parse_socket_path(const char *value, void *field, char *err, size_t err_len);
static int parse_ifname(const char *value, void *field, char *err, size_t err_len);
static int parse_address(const char *value, void *field, char *err, size_t err_len);
static int parse_interval(const char *value, void *field, char *err, size_t err_len);
static int parse_multiplier(const char *value, void *field, char *err, size_t err_len);
static int parse_auth_type(const char *value, void *field, char *err, size_t err_len);
static int parse_key_id(const char *value, void *field, char *err, size_t err_len);
static int parse_auth_secret(const char *value, void *field, char *err, size_t err_len);
static int parse_on_down(const char *value, void *field, char *err, size_t err_len);
static int parse_tables(const char *value, void *field, char *err, size_t err_len);
static int parse_protocols(const char *value, void *field, char *err, size_t err_len);
static int parse_prefixes(const char *value, void *field, char *err, size_t err_len);
static int parse_metric(const char *value, void *field, char *err, size_t err_len);
static int parse_hold_down(const char *value, void *field, char *err, size_t err_len);
static int parse_peer_admin_down(const char *value, void *field, char *err, size_t err_len);
static int parse_yes_no(const char *value, void *field, char *err, size_t err_len);
static int parse_vty_dir(const char *value, void *field, char *err, size_t err_len);
static int parse_vty_timeout(const char *value, void *field, char *err, size_t err_len);
static int parse_bgp_action(const char *value, void *field, char *err, size_t err_len);
static int parse_bgp_timer(const char *value, void *field, char *err, size_t err_len);
static int parse_unanswered_warning(const char *value, void *field, char *err, size_t err_len);
static int parse_engine(const char *value, void *field, char *err, size_t err_len);
static int parse_poll_interval(const char *value, void *field, char *err, size_t err_len);

#define SESSION_FIELD(f) offsetof(struct conf_session, f)

static const struct conf_key keys[] = {
	{ "control-socket", IN_DAEMON, parse_socket_path, offsetof(struct conf, control_socket) },
	{ "state-directory", IN_DAEMON, parse_socket_path, offsetof(struct conf, state_directory) },
	{ "interface", IN_SESSION | REQUIRED, parse_ifname, SESSION_FIELD(ifname) },
	{ "local-address", IN_SESSION | REQUIRED, parse_address, SESSION_FIELD(local) },
	{ "peer-address", IN_SESSION | REQUIRED, parse_address, SESSION_FIELD(peer) },
	{ "transmit-interval", IN_DEFAULTS | IN_SESSION, parse_interval,
	  SESSION_FIELD(params.desired_min_tx_us) },
	{ "receive-interval", IN_DEFAULTS | IN_SESSION, parse_interval,
	  SESSION_FIELD(params.required_min_rx_us) },
	{ "detect-multiplier", IN_DEFAULTS | IN_SESSION, parse_multiplier,
	  SESSION_FIELD(params.detect_mult) },
	{ "auth-type", IN_DEFAULTS | IN_SESSION, parse_auth_type, SESSION_FIELD(auth) },
	{ "auth-key-id", IN_DEFAULTS | IN_SESSION, parse_key_id, SESSION_FIELD(auth.key_id) },
	{ "auth-secret", IN_DEFAULTS | IN_SESSION, parse_auth_secret, SESSION_FIELD(auth) },
	{ "on-down", IN_DEFAULTS | IN_SESSION, parse_on_down, SESSION_FIELD(routes.on_down) },
	{ "route-tables", IN_DEFAULTS | IN_SESSION, parse_tables, SESSION_FIELD(routes) },
	{ "route-protocols", IN_DEFAULTS | IN_SESSION, parse_protocols,
	  SESSION_FIELD(routes.protocols) },
	{ "route-prefixes", IN_DEFAULTS | IN_SESSION, parse_prefixes, SESSION_FIELD(routes) },
	{ "demote-metric", IN_DEFAULTS | IN_SESSION, parse_metric,
	  SESSION_FIELD(routes.demote_metric) },
	{ "hold-down", IN_DEFAULTS | IN_SESSION, parse_hold_down,
	  SESSION_FIELD(routes.hold_down_us) },
	{ "on-peer-admin-down", IN_DEFAULTS | IN_SESSION, parse_peer_admin_down,
	  SESSION_FIELD(routes.act_on_peer_admin_down) },
	{ "mark-neighbor-failed", IN_DEFAULTS | IN_SESSION, parse_yes_no,
	  SESSION_FIELD(routes.mark_neighbor_failed) },
	{ "engine", IN_DAEMON, parse_engine, offsetof(struct conf, engine) },
	{ "frr-bfdd-poll-interval", IN_DAEMON, parse_poll_interval,
	  offsetof(struct conf, frr_bfdd_poll_us) },
	{ "frr-vty-dir", IN_DAEMON, parse_vty_dir, offsetof(struct conf, frr_vty_dir) },
	{ "frr-vty-timeout", IN_DAEMON, parse_vty_timeout,
	  offsetof(struct conf, frr_vty_timeout_us) },
	{ "bgp-neighbor", IN_DEFAULTS | IN_SESSION, parse_address, SESSION_FIELD(bgp.neighbor) },
	{ "bgp-action", IN_DEFAULTS | IN_SESSION, parse_bgp_action, SESSION_FIELD(bgp.action) },
	{ "bgp-keepalive", IN_DEFAULTS | IN_SESSION, parse_bgp_timer,
	  SESSION_FIELD(bgp.keepalive_s) },
	{ "bgp-holdtime", IN_DEFAULTS | IN_SESSION, parse_bgp_timer,
	  SESSION_FIELD(bgp.holdtime_s) },
	{ "bfd-unanswered-warning", IN_DEFAULTS | IN_SESSION, parse_unanswered_warning,
	  SESSION_FIELD(bgp.unanswered_warning_us) },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(N_KEYS <= 32, "a session's set keys fit in a 32-bit mask");

/* The values sessions start from before [defaults] and their own keys:
 * the MSEE's BFD timers on ExpressRoute private peering, 300 ms x 3. */
static const struct bfd_session_params builtin_params = {
	.desired_min_tx_us = 300000,
	.required_min_rx_us = 300000,
	.detect_mult = 3,
};

/* The route action of a session that sets none of its keys. */
static void builtin_routes(struct conf_routes *r)
{
	memset(r, 0, sizeof(*r));
	r->on_down = CONF_ON_DOWN_WITHDRAW;
	r->tables[r->n_tables++] = 254; /* main */
	r->protocols[4 / 8] |= 1u << (4 % 8);     /* static */
	r->protocols[186 / 8] |= 1u << (186 % 8); /* bgp */
	r->demote_metric = 5000;
	r->hold_down_us = 10 * BFD_USEC_PER_SEC;
	r->mark_neighbor_failed = true;
}

/* The BGP keys of a session that sets none of them: no integration. */
static void builtin_bgp(struct conf_bgp *b)
{
	memset(b, 0, sizeof(*b));
	b->action = CONF_BGP_RESET;
	b->keepalive_s = CONF_BGP_TIMER_UNSET;
	b->holdtime_s = CONF_BGP_TIMER_UNSET;
	b->unanswered_warning_us = 300 * BFD_USEC_PER_SEC;
}

/* A session being parsed: which keys it set, and where. */
struct draft {
	struct conf_session s;
	uint32_t set_mask;
	uint32_t bad_mask; /* keys whose value was rejected (and reported) */
	unsigned key_line[N_KEYS];
};

/* A [defaults] key, kept as text to be parsed into each session. */
struct default_value {
	char *text;
	unsigned line;
};

enum section_kind { SECTION_NONE, SECTION_DAEMON, SECTION_DEFAULTS, SECTION_SESSION, SECTION_UNKNOWN };

struct parser {
	const char *source;
	struct conf_report *report;
	unsigned errors_before;   /* report->errors when this parse began */
	const char *text; /* the reader's position */
	unsigned line;
	bool oom;

	enum section_kind section;
	struct draft *current;             /* for SECTION_SESSION */
	unsigned daemon_line, defaults_line;
	uint32_t daemon_mask;
	unsigned daemon_key_line[N_KEYS];
	struct default_value defaults[N_KEYS];
	uint32_t defaults_bad_mask;        /* [defaults] values rejected */

	struct conf *conf;
	struct draft *drafts;
	size_t n_drafts, cap_drafts;
};

static void report_add(struct conf_report *r, bool error, const char *source, unsigned line,
		       const char *what, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void report_add(struct conf_report *r, bool error, const char *source, unsigned line,
		       const char *what, const char *fmt, ...)
{
	char msg[512];
	char *grown;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = line ? snprintf(NULL, 0, "%s:%u: %s: %s%s\n", source, line, what,
			    error ? "" : "warning: ", msg)
		 : snprintf(NULL, 0, "%s: %s: %s%s\n", source, what, error ? "" : "warning: ", msg);
	grown = realloc(r->text, r->len + (size_t)n + 1);
	if (!grown)
		return; /* the count below still says something went wrong */
	r->text = grown;
	if (line)
		snprintf(r->text + r->len, (size_t)n + 1, "%s:%u: %s: %s%s\n", source, line, what,
			 error ? "" : "warning: ", msg);
	else
		snprintf(r->text + r->len, (size_t)n + 1, "%s: %s: %s%s\n", source, what,
			 error ? "" : "warning: ", msg);
	r->len += (size_t)n;
	if (error)
		r->errors++;
	else
		r->warnings++;
}

#define ERROR(p, line, what, ...) report_add((p)->report, true, (p)->source, line, what, __VA_ARGS__)
#define WARN(p, line, what, ...) report_add((p)->report, false, (p)->source, line, what, __VA_ARGS__)

/* ---- typed value parsers ------------------------------------------------ */

int conf_parse_duration_us(const char *text, uint64_t *us, char *err, size_t err_len)
{
	static const struct {
		const char *unit;
		uint64_t us;
	} units[] = { { "us", 1 },
		      { "ms", BFD_USEC_PER_MSEC },
		      { "s", BFD_USEC_PER_SEC },
		      { "min", 60 * BFD_USEC_PER_SEC } };
	const char *p = text;
	uint64_t n = 0;

	if (!isdigit((unsigned char)*p)) {
		snprintf(err, err_len,
			 "\"%s\" is not a duration (a number and a unit: us, ms, s or min)", text);
		return -EINVAL;
	}
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (UINT64_MAX - 9) / 10 / (60 * BFD_USEC_PER_SEC)) {
			snprintf(err, err_len, "%s is out of range", text);
			return -EINVAL;
		}
		n = n * 10 + (uint64_t)(*p - '0');
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		snprintf(err, err_len, "%s is not a duration (did you mean %sms?)", text, text);
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit) == 0) {
			*us = n * units[i].us;
			return 0;
		}
	}
	snprintf(err, err_len, "%s is not a duration: unknown unit \"%s\" (use us, ms, s or min)",
		 text, p);
	return -EINVAL;
}

/* A BFD interval: 1 us to 2^32-1 us, the range of the 32-bit fields of
 * RFC 5880 section 4.1 (0 would mean "send nothing"). */
static int parse_interval(const char *value, void *field, char *err, size_t err_len)
{
	uint64_t us;

	if (conf_parse_duration_us(value, &us, err, err_len) < 0)
		return -EINVAL;
	if (us < 1 || us > UINT32_MAX) {
		snprintf(err, err_len, "%s is out of range (1us to %" PRIu32 "us)", value, UINT32_MAX);
		return -EINVAL;
	}
	*(uint32_t *)field = (uint32_t)us;
	return 0;
}

/* An unsigned decimal in [min, max], nothing else on the line. */
static int parse_uint(const char *value, unsigned long min, unsigned long max, unsigned long *out,
		      char *err, size_t err_len)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(value, &end, 10);
	if (!isdigit((unsigned char)value[0]) || *end != '\0' || errno != 0 || n < min || n > max) {
		snprintf(err, err_len, "\"%s\" is not a whole number from %lu to %lu", value, min, max);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

/* RFC 5880 section 4.1: Detect Mult is 8 bits and 0 is invalid (6.8.6). */
static int parse_multiplier(const char *value, void *field, char *err, size_t err_len)
{
	unsigned long n;

	if (parse_uint(value, 1, 255, &n, err, err_len) < 0)
		return -EINVAL;
	*(uint8_t *)field = (uint8_t)n;
	return 0;
}

static int parse_key_id(const char *value, void *field, char *err, size_t err_len)
{
	unsigned long n;

	if (parse_uint(value, 0, 255, &n, err, err_len) < 0)
		return -EINVAL;
	*(uint8_t *)field = (uint8_t)n;
	return 0;
}

static int parse_auth_type(const char *value, void *field, char *err, size_t err_len)
{
	struct bfd_auth_key *key = field;

	for (int t = BFD_AUTH_NONE; t <= BFD_AUTH_METICULOUS_KEYED_SHA1; t++) {
		if (strcmp(value, bfd_auth_type_name((enum bfd_auth_type)t)) == 0) {
			key->type = (enum bfd_auth_type)t;
			return 0;
		}
	}
	snprintf(err, err_len,
		 "unknown type \"%s\" (none, simple-password, keyed-md5, meticulous-keyed-md5, "
		 "keyed-sha1 or meticulous-keyed-sha1)",
		 value);
	return -EINVAL;
}

/* The secret's length is checked against the type once both are known. */
static int parse_auth_secret(const char *value, void *field, char *err, size_t err_len)
{
	struct bfd_auth_key *key = field;
	size_t len = strlen(value);

	if (len == 0 || len > BFD_AUTH_SECRET_MAX) {
		snprintf(err, err_len, "a secret has 1 to %d characters, this one %zu",
			 BFD_AUTH_SECRET_MAX, len);
		return -EINVAL;
	}
	memset(key->secret, 0, sizeof(key->secret));
	memcpy(key->secret, value, len);
	key->secret_len = (uint8_t)len;
	return 0;
}

/* One of names[], the value's index in *out. */
static int parse_choice(const char *value, const char *const *names, size_t n, unsigned *out,
			char *err, size_t err_len)
{
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(value, names[i]) == 0) {
			*out = (unsigned)i;
			return 0;
		}
	}
	used = (size_t)snprintf(err, err_len, "\"%s\" is not one of:", value);
	for (size_t i = 0; i < n && used < err_len; i++)
		used += (size_t)snprintf(err + used, err_len - used, " %s", names[i]);
	return -EINVAL;
}

static int parse_on_down(const char *value, void *field, char *err, size_t err_len)
{
	static const char *const names[] = {
		[CONF_ON_DOWN_WITHDRAW] = "withdraw", [CONF_ON_DOWN_DEMOTE] = "demote",
		[CONF_ON_DOWN_NONE] = "none",
	};
	unsigned i = 0;

	if (parse_choice(value, names, 3, &i, err, err_len) < 0)
		return -EINVAL;
	*(enum conf_on_down *)field = (enum conf_on_down)i;
	return 0;
}

/* RFC 5882 section 3.2: a peer's AdminDown is not a path failure. */
/* A bool key whose value is one of two words: names[1] sets it. */
static int parse_flag(const char *value, const char *const names[2], void *field, char *err,
		      size_t err_len)
{
	unsigned i = 0;

	if (parse_choice(value, names, 2, &i, err, err_len) < 0)
		return -EINVAL;
	*(bool *)field = i == 1;
	return 0;
}

static int parse_peer_admin_down(const char *value, void *field, char *err, size_t err_len)
{
	static const char *const names[] = { "ignore", "act" };

	return parse_flag(value, names, field, err, err_len);
}

static int parse_yes_no(const char *value, void *field, char *err, size_t err_len)
{
	static const char *const names[] = { "no", "yes" };

	return parse_flag(value, names, field, err, err_len);
}

/* The next space-separated word of *text into word; false at the end. */
static bool next_word(const char **text, char *word, size_t len, char *err, size_t err_len,
		      bool *too_long)
{
	const char *p = *text + strspn(*text, " \t,");
	size_t n = strcspn(p, " \t,");

	*too_long = false;
	if (n == 0)
		return false;
	if (n >= len) {
		snprintf(err, err_len, "\"%.*s\" is too long", (int)n, p);
		*too_long = true;
		return false;
	}
	memcpy(word, p, n);
	word[n] = '\0';
	*text = p + n;
	return true;
}

/* route-tables: names from iproute2's rt_tables, or ids. */
static int parse_tables(const char *value, void *field, char *err, size_t err_len)
{
	struct conf_routes *r = field;
	struct conf_routes parsed = { 0 };
	char word[64];
	bool bad;

	while (next_word(&value, word, sizeof(word), err, err_len, &bad)) {
		uint32_t id;

		if (rtnames_table_id(word, &id) < 0 || id == 0) {
			snprintf(err, err_len, "no routing table is called \"%s\" (not in "
				 "/etc/iproute2/rt_tables; give a name from there or a number)", word);
			return -EINVAL;
		}
		if (parsed.n_tables == CONF_ROUTE_TABLES_MAX) {
			snprintf(err, err_len, "at most %d tables", CONF_ROUTE_TABLES_MAX);
			return -EINVAL;
		}
		parsed.tables[parsed.n_tables++] = id;
	}
	if (bad)
		return -EINVAL;
	if (parsed.n_tables == 0) {
		snprintf(err, err_len, "names no table (for example: main)");
		return -EINVAL;
	}
	memcpy(r->tables, parsed.tables, sizeof(r->tables));
	r->n_tables = parsed.n_tables;
	return 0;
}

/* route-protocols: rtnetlink protocol names or numbers, or "any". */
static int parse_protocols(const char *value, void *field, char *err, size_t err_len)
{
	uint8_t set[256 / 8] = { 0 };
	unsigned n = 0;
	char word[64];
	bool bad;

	while (next_word(&value, word, sizeof(word), err, err_len, &bad)) {
		uint8_t id;

		n++;
		if (strcmp(word, "any") == 0) {
			memset(set, 0xff, sizeof(set));
			continue;
		}
		if (rtnames_protocol_id(word, &id) < 0) {
			snprintf(err, err_len, "no routing protocol is called \"%s\" (not in "
				 "/etc/iproute2/rt_protos; give a name from there, a number or any)",
				 word);
			return -EINVAL;
		}
		set[id / 8] |= (uint8_t)(1u << (id % 8));
	}
	if (bad)
		return -EINVAL;
	if (n == 0) {
		snprintf(err, err_len, "names no protocol (for example: bgp static, or any)");
		return -EINVAL;
	}
	memcpy(field, set, sizeof(set));
	return 0;
}

/* One "address/length" with no host bits set. */
static int parse_prefix(const char *text, struct conf_prefix *out, char *err, size_t err_len)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	unsigned long len = 0;
	unsigned max;
	uint8_t *bytes;
	char *end;

	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		goto bad;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	if (inet_pton(AF_INET, addr, &out->addr.v4) == 1)
		out->addr.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &out->addr.v6) == 1)
		out->addr.family = AF_INET6;
	else
		goto bad;
	max = out->addr.family == AF_INET ? 32 : 128;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (!isdigit((unsigned char)slash[1]) || *end || errno || len > max)
		goto bad;
	out->len = (uint8_t)len;
	bytes = out->addr.family == AF_INET ? (uint8_t *)&out->addr.v4 : out->addr.v6.s6_addr;
	for (unsigned bit = out->len; bit < max; bit++) {
		if (bytes[bit / 8] & (0x80u >> (bit % 8))) {
			snprintf(err, err_len, "%s has host bits set", text);
			return -EINVAL;
		}
	}
	return 0;
bad:
	snprintf(err, err_len, "\"%s\" is not a prefix (address/length, like 10.0.0.0/8 or "
		 "2001:db8::/32)", text);
	return -EINVAL;
}

/* route-prefixes: the routes inside these prefixes count; none: all. */
static int parse_prefixes(const char *value, void *field, char *err, size_t err_len)
{
	struct conf_routes *r = field;
	struct conf_prefix parsed[CONF_ROUTE_PREFIXES_MAX];
	unsigned n = 0;
	char word[INET6_ADDRSTRLEN + 8];
	bool bad;

	while (next_word(&value, word, sizeof(word), err, err_len, &bad)) {
		if (n == CONF_ROUTE_PREFIXES_MAX) {
			snprintf(err, err_len, "at most %d prefixes", CONF_ROUTE_PREFIXES_MAX);
			return -EINVAL;
		}
		if (parse_prefix(word, &parsed[n], err, err_len) < 0)
			return -EINVAL;
		n++;
	}
	if (bad)
		return -EINVAL;
	memcpy(r->prefixes, parsed, n * sizeof(parsed[0]));
	r->n_prefixes = n;
	return 0;
}

static int parse_metric(const char *value, void *field, char *err, size_t err_len)
{
	unsigned long n;

	if (parse_uint(value, 1, UINT32_MAX, &n, err, err_len) < 0)
		return -EINVAL;
	*(uint32_t *)field = (uint32_t)n;
	return 0;
}

/* hold-down: 0 restores at once; an hour is more than anyone means. */
static int parse_hold_down(const char *value, void *field, char *err, size_t err_len)
{
	uint64_t us;

	if (conf_parse_duration_us(value, &us, err, err_len) < 0)
		return -EINVAL;
	if (us > 3600 * BFD_USEC_PER_SEC) {
		snprintf(err, err_len, "%s is out of range (0s to 3600s)", value);
		return -EINVAL;
	}
	*(uint64_t *)field = us;
	return 0;
}

/* frr-vty-dir: FRR's run directory (/run/frr, or /run/frr/NAME for a
 * "-N NAME" pathspace); bgpd.vty inside it must fit in a socket address. */
static int parse_vty_dir(const char *value, void *field, char *err, size_t err_len)
{
	size_t len = strlen(value);

	if (value[0] != '/' || len >= CONF_FRR_VTY_DIR_MAX) {
		snprintf(err, err_len, "\"%s\" is not an absolute path shorter than %d characters",
			 value, CONF_FRR_VTY_DIR_MAX);
		return -EINVAL;
	}
	memcpy(field, value, len + 1);
	while (len > 1 && ((char *)field)[len - 1] == '/')
		((char *)field)[--len] = '\0';
	return 0;
}

/* frr-vty-timeout: how long one conversation with bgpd may take. */
static int parse_vty_timeout(const char *value, void *field, char *err, size_t err_len)
{
	uint64_t us;

	if (conf_parse_duration_us(value, &us, err, err_len) < 0)
		return -EINVAL;
	if (us < BFD_USEC_PER_MSEC || us > 60 * BFD_USEC_PER_SEC) {
		snprintf(err, err_len, "%s is out of range (1ms to 60s)", value);
		return -EINVAL;
	}
	*(uint64_t *)field = us;
	return 0;
}

/* engine: who runs the BFD sessions (engine_frr.h). */
static int parse_engine(const char *value, void *field, char *err, size_t err_len)
{
	static const char *const names[] = {
		[CONF_ENGINE_EDGEBFDD] = "edgebfdd", [CONF_ENGINE_FRR_BFDD] = "frr-bfdd",
	};
	unsigned i = 0;

	if (parse_choice(value, names, 2, &i, err, err_len) < 0)
		return -EINVAL;
	*(enum conf_engine *)field = (enum conf_engine)i;
	return 0;
}

/* frr-bfdd-poll-interval: how often the frr-bfdd engine reads "show bfd
 * peers json" while bfdd's control socket cannot be used. Each read is a
 * vty conversation with bfdd: not faster than 100 ms. */
static int parse_poll_interval(const char *value, void *field, char *err, size_t err_len)
{
	uint64_t us;

	if (conf_parse_duration_us(value, &us, err, err_len) < 0)
		return -EINVAL;
	if (us < 100 * BFD_USEC_PER_MSEC || us > 60 * BFD_USEC_PER_SEC) {
		snprintf(err, err_len, "%s is out of range (100ms to 60s)", value);
		return -EINVAL;
	}
	*(uint64_t *)field = us;
	return 0;
}

static int parse_bgp_action(const char *value, void *field, char *err, size_t err_len)
{
	static const char *const names[] = {
		[CONF_BGP_RESET] = "reset", [CONF_BGP_SHUTDOWN] = "shutdown",
		[CONF_BGP_NONE] = "none",
	};
	unsigned i = 0;

	if (parse_choice(value, names, 3, &i, err, err_len) < 0)
		return -EINVAL;
	*(enum conf_bgp_action *)field = (enum conf_bgp_action)i;
	return 0;
}

/* bgp-keepalive, bgp-holdtime: whole seconds, the 16 bits of BGP's Hold
 * Time (RFC 4271 section 4.2). The rules between the two are checked
 * once both are known (check_bgp_timers). */
static int parse_bgp_timer(const char *value, void *field, char *err, size_t err_len)
{
	uint64_t us;

	if (conf_parse_duration_us(value, &us, err, err_len) < 0)
		return -EINVAL;
	if (us % BFD_USEC_PER_SEC) {
		snprintf(err, err_len, "%s is not a whole number of seconds (BGP timers are "
			 "seconds)", value);
		return -EINVAL;
	}
	if (us / BFD_USEC_PER_SEC > 65535) {
		snprintf(err, err_len, "%s is out of range (0s to 65535s)", value);
		return -EINVAL;
	}
	*(uint32_t *)field = (uint32_t)(us / BFD_USEC_PER_SEC);
	return 0;
}

/* bfd-unanswered-warning: 0 turns the warning off; a day is plenty. */
static int parse_unanswered_warning(const char *value, void *field, char *err, size_t err_len)
{
	uint64_t us;

	if (conf_parse_duration_us(value, &us, err, err_len) < 0)
		return -EINVAL;
	if (us > 86400 * BFD_USEC_PER_SEC) {
		snprintf(err, err_len, "%s is out of range (0s, never, to 1440min)", value);
		return -EINVAL;
	}
	*(uint64_t *)field = us;
	return 0;
}

bool conf_routes_prefix(const struct conf_routes *routes, int family, const void *addr,
			unsigned len)
{
	if (routes->n_prefixes == 0)
		return true;
	for (unsigned i = 0; i < routes->n_prefixes; i++) {
		const struct conf_prefix *f = &routes->prefixes[i];
		const uint8_t *a = addr;
		const uint8_t *b = f->addr.family == AF_INET ? (const uint8_t *)&f->addr.v4
							     : f->addr.v6.s6_addr;
		unsigned full = f->len / 8, rest = f->len % 8;

		if (f->addr.family != family)
			continue;
		if (len < f->len || memcmp(a, b, full) != 0)
			continue;
		if (rest == 0 || ((a[full] ^ b[full]) & (0xffu << (8 - rest)) & 0xff) == 0)
			return true;
	}
	/* A filter of IPv4 prefixes only leaves a session's IPv6 routes alone
	 * (and the other way round): the filter names what counts. */
	return false;
}

static int parse_ifname(const char *value, void *field, char *err, size_t err_len)
{
	size_t len = strlen(value);

	if (len == 0 || len >= IF_NAMESIZE || strpbrk(value, "/ \t:") ||
	    strcmp(value, ".") == 0 || strcmp(value, "..") == 0) {
		snprintf(err, err_len, "\"%s\" is not an interface name (1 to %d characters, no "
			 "'/', ':' or spaces)", value, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	memcpy(field, value, len + 1);
	return 0;
}

static int parse_address(const char *value, void *field, char *err, size_t err_len)
{
	struct conf_addr *a = field;

	if (inet_pton(AF_INET, value, &a->v4) == 1) {
		a->family = AF_INET;
	} else if (inet_pton(AF_INET6, value, &a->v6) == 1) {
		a->family = AF_INET6;
	} else {
		snprintf(err, err_len, "\"%s\" is not an IPv4 or IPv6 address%s", value,
			 strchr(value, '%') ? " (leave out the %zone: the session's interface is the zone)"
					    : "");
		return -EINVAL;
	}
	return 0;
}

static int parse_socket_path(const char *value, void *field, char *err, size_t err_len)
{
	size_t max = sizeof(((struct conf *)0)->control_socket);

	if (value[0] != '/' || strlen(value) >= max) {
		snprintf(err, err_len, "\"%s\" is not an absolute path shorter than %zu characters",
			 value, max);
		return -EINVAL;
	}
	memcpy(field, value, strlen(value) + 1);
	return 0;
}

/* ---- sections and keys -------------------------------------------------- */

static const struct conf_key *find_key(const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static bool valid_session_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= CONF_NAME_MAX)
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-_.", *c))
			return false;
	return true;
}

static struct draft *find_draft(struct parser *p, const char *name)
{
	for (size_t i = 0; i < p->n_drafts; i++)
		if (strcmp(p->drafts[i].s.name, name) == 0)
			return &p->drafts[i];
	return NULL;
}

static struct draft *new_draft(struct parser *p, const char *name)
{
	if (p->n_drafts == p->cap_drafts) {
		size_t cap = p->cap_drafts ? 2 * p->cap_drafts : 8;
		struct draft *grown = realloc(p->drafts, cap * sizeof(*grown));

		if (!grown) {
			p->oom = true;
			return NULL;
		}
		p->drafts = grown;
		p->cap_drafts = cap;
	}
	struct draft *d = &p->drafts[p->n_drafts++];

	memset(d, 0, sizeof(*d));
	snprintf(d->s.name, sizeof(d->s.name), "%s", name);
	d->s.params = builtin_params;
	builtin_routes(&d->s.routes);
	builtin_bgp(&d->s.bgp);
	d->s.line = p->line;
	return d;
}

/* A section header as the reader saw it on line p->line. */
static void begin_section(struct parser *p, const char *name)
{
	p->current = NULL;
	if (strcmp(name, "daemon") == 0 || strcmp(name, "defaults") == 0) {
		bool daemon = name[0] == 'd' && name[1] == 'a';
		unsigned *first = daemon ? &p->daemon_line : &p->defaults_line;

		p->section = daemon ? SECTION_DAEMON : SECTION_DEFAULTS;
		if (*first)
			ERROR(p, p->line, name, "section appears twice (first at line %u)", *first);
		else
			*first = p->line;
		return;
	}
	if (strncmp(name, "session", 7) == 0 && (name[7] == ' ' || name[7] == '\0')) {
		const char *session = name + 7;

		while (*session == ' ')
			session++;
		p->section = SECTION_SESSION;
		if (!valid_session_name(session)) {
			ERROR(p, p->line, "session",
			      "\"%s\" is not a session name (1 to %d letters, digits, '-', '_', '.')",
			      session, CONF_NAME_MAX - 1);
			p->section = SECTION_UNKNOWN;
			return;
		}
		struct draft *other = find_draft(p, session);

		if (other) {
			ERROR(p, p->line, "session", "\"%s\" is defined twice (first at line %u)",
			      session, other->s.line);
			p->section = SECTION_UNKNOWN;
			return;
		}
		p->current = new_draft(p, session);
		if (!p->current)
			p->section = SECTION_UNKNOWN; /* out of memory, reported at the end */
		return;
	}
	p->section = SECTION_UNKNOWN;
	ERROR(p, p->line, name, "unknown section (expected [daemon], [defaults] or [session NAME])");
}

/* Strip a "  # comment" that libinih leaves in the value (it only knows
 * " ;" as an inline comment). */
static void strip_hash_comment(char *value)
{
	for (char *c = value; *c; c++) {
		if (*c == '#' && (c == value || c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			break;
		}
	}
	for (size_t n = strlen(value); n > 0 && isspace((unsigned char)value[n - 1]); n--)
		value[n - 1] = '\0';
}

/* Parse value into the field of key in base, reporting an error at line. */
static bool apply_key(struct parser *p, const struct conf_key *k, void *base, const char *value,
		      unsigned line)
{
	char err[256];

	if (k->parse(value, (char *)base + k->offset, err, sizeof(err)) < 0) {
		ERROR(p, line, k->name, "%s", err);
		return false;
	}
	return true;
}

/* Warnings about a value that parsed: intervals below 50 ms, given once
 * where they are written (also for [defaults], not once per session). */
static void warn_about_value(struct parser *p, const struct conf_key *k, const void *base)
{
	uint32_t us;

	if (k->parse != parse_interval)
		return;
	memcpy(&us, (const char *)base + k->offset, sizeof(us));
	if (us < CONF_WARN_INTERVAL_US)
		WARN(p, p->line, k->name,
		     "%" PRIu32 "us is below 50ms: a busy router may miss packets and flap", us);
}

/* Note that key k is set on this line; false (and an error) if it was set
 * in the same section before. */
static bool mark_set(struct parser *p, const struct conf_key *k, uint32_t *mask, unsigned *lines)
{
	size_t i = (size_t)(k - keys);

	if (*mask & (1u << i)) {
		ERROR(p, p->line, k->name, "set twice in this section (first at line %u)", lines[i]);
		return false;
	}
	*mask |= 1u << i;
	lines[i] = p->line;
	return true;
}

static int on_key(void *user, const char *section, const char *name, const char *raw)
{
	struct parser *p = user;
	const struct conf_key *k = find_key(name);
	char value[INI_MAX_LINE];
	static const unsigned scope_of[] = {
		[SECTION_DAEMON] = IN_DAEMON,
		[SECTION_DEFAULTS] = IN_DEFAULTS,
		[SECTION_SESSION] = IN_SESSION,
	};

	(void)section; /* the reader tracks sections, with their lines */
	snprintf(value, sizeof(value), "%s", raw);
	strip_hash_comment(value);

	if (p->section == SECTION_UNKNOWN)
		return 1; /* reported once, at the header */
	if (p->section == SECTION_NONE) {
		ERROR(p, p->line, name, "key outside any section");
		return 1;
	}
	if (!k) {
		ERROR(p, p->line, name, "unknown key");
		return 1;
	}
	if (!(k->scope & scope_of[p->section])) {
		ERROR(p, p->line, name, "not allowed in [%s]%s",
		      p->section == SECTION_DAEMON ? "daemon"
		      : p->section == SECTION_DEFAULTS ? "defaults" : "session NAME",
		      k->scope & IN_DAEMON ? " (it belongs in [daemon])"
		      : k->scope == (IN_SESSION | REQUIRED) ? " (each [session NAME] sets its own)"
							     : "");
		return 1;
	}
	switch (p->section) {
	case SECTION_DAEMON:
		if (mark_set(p, k, &p->daemon_mask, p->daemon_key_line))
			apply_key(p, k, p->conf, value, p->line);
		break;
	case SECTION_DEFAULTS: {
		struct default_value *d = &p->defaults[k - keys];
		struct draft scratch = { .s.params = builtin_params };

		builtin_routes(&scratch.s.routes);
		builtin_bgp(&scratch.s.bgp);

		if (d->text) {
			ERROR(p, p->line, k->name, "set twice in this section (first at line %u)",
			      d->line);
			break;
		}
		/* Check it now, so an error names this line once. */
		if (!apply_key(p, k, &scratch.s, value, p->line)) {
			p->defaults_bad_mask |= 1u << (k - keys);
			break;
		}
		warn_about_value(p, k, &scratch.s);
		d->text = strdup(value);
		d->line = p->line;
		if (!d->text)
			p->oom = true;
		break;
	}
	case SECTION_SESSION:
		if (!mark_set(p, k, &p->current->set_mask, p->current->key_line))
			break;
		if (apply_key(p, k, &p->current->s, value, p->line))
			warn_about_value(p, k, &p->current->s);
		else
			p->current->bad_mask |= 1u << (k - keys);
		break;
	default:
		break;
	}
	return 1;
}

/* Whether a line, without leading blanks, is something libinih takes:
 * blank, a comment, a "[section]" or "key = value" ("key: value"). */
static bool line_is_valid(const char *line)
{
	if (*line == '\0' || *line == ';' || *line == '#')
		return true;
	if (*line == '[')
		return strchr(line, ']') != NULL;
	return strpbrk(line, "=:") != NULL && *line != '=' && *line != ':';
}

/*
 * libinih's line source: the next line of the text, counted, with section
 * headers noted (see the top of this file). It also drops what would make
 * libinih misread a line: a UTF-8 BOM (libinih skips it, so we would not see
 * the header behind it) and leading blanks (libinih would take an indented
 * line as the continuation of the key before it). Syntax errors are reported
 * here, every one of them, and libinih gets an empty line instead.
 */
static char *read_line(char *str, int num, void *stream)
{
	struct parser *p = stream;
	const char *line = p->text, *end;
	size_t len;

	if (*line == '\0')
		return NULL;
	end = strchr(line, '\n');
	len = end ? (size_t)(end - line) : strlen(line);
	p->text = end ? end + 1 : line + len;
	p->line++;
	if (p->line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
		line += 3;
		len -= 3;
	}
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && line[len - 1] == '\r')
		len--;
	if (len >= (size_t)num) {
		ERROR(p, p->line, "line", "longer than %d characters", num - 1);
		len = 0;
	}
	memcpy(str, line, len);
	str[len] = '\0';
	if (!line_is_valid(str)) {
		ERROR(p, p->line, "syntax",
		      "expected \"key = value\", \"[section]\" or a comment");
		if (str[0] == '[')
			p->section = SECTION_UNKNOWN; /* ignore its keys, reported here */
		str[0] = '\0';
	} else if (str[0] == '[') {
		char name[INI_MAX_LINE];

		snprintf(name, sizeof(name), "%.*s", (int)(strchr(str, ']') - str - 1), str + 1);
		begin_section(p, name);
	}
	return str;
}

/* ---- whole-file rules --------------------------------------------------- */

bool conf_addr_equal(const struct conf_addr *a, const struct conf_addr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == AF_INET ? a->v4.s_addr == b->v4.s_addr
				    : memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
}

bool conf_session_same_identity(const struct conf_session *a, const struct conf_session *b)
{
	return strcmp(a->ifname, b->ifname) == 0 && conf_addr_equal(&a->local, &b->local) &&
	       conf_addr_equal(&a->peer, &b->peer);
}

static void inherit_defaults(struct parser *p, struct draft *d)
{
	for (size_t i = 0; i < N_KEYS; i++) {
		if (d->set_mask & (1u << i))
			continue;
		d->bad_mask |= p->defaults_bad_mask & (1u << i);
		if (p->defaults[i].text) {
			apply_key(p, &keys[i], &d->s, p->defaults[i].text, p->defaults[i].line);
			d->key_line[i] = p->defaults[i].line;
		}
	}
}

/* The line where a key of d got its value, for messages. */
static unsigned line_of(const struct draft *d, const char *key)
{
	size_t i = (size_t)(find_key(key) - keys);

	return d->key_line[i] ? d->key_line[i] : d->s.line;
}

static void check_auth(struct parser *p, struct draft *d)
{
	struct bfd_auth_key *a = &d->s.auth;
	const char *type = bfd_auth_type_name(a->type);
	uint32_t auth_keys = 1u << (find_key("auth-type") - keys) |
			     1u << (find_key("auth-secret") - keys);

	if (d->bad_mask & auth_keys)
		return; /* a rejected type or secret was reported already */

	if (a->type == BFD_AUTH_NONE) {
		if (a->secret_len)
			ERROR(p, line_of(d, "auth-secret"), "auth-secret",
			      "set, but auth-type is none in [session %s]", d->s.name);
		return;
	}
	if (a->secret_len == 0) {
		ERROR(p, line_of(d, "auth-type"), "auth-type",
		      "%s needs an auth-secret in [session %s]", type, d->s.name);
		return;
	}
	if (!bfd_auth_key_valid(a))
		ERROR(p, line_of(d, "auth-secret"), "auth-secret",
		      "%u characters is too long for %s (at most %d, RFC 5880 section 4.%d)",
		      a->secret_len, type,
		      a->type == BFD_AUTH_KEYED_SHA1 || a->type == BFD_AUTH_METICULOUS_KEYED_SHA1
			      ? 20 : 16,
		      a->type == BFD_AUTH_SIMPLE_PASSWORD ? 2
		      : a->type <= BFD_AUTH_METICULOUS_KEYED_MD5 ? 3 : 4);
}

/* The timers ExpressRoute accepts on its BGP sessions: keepalive at least
 * 3 s, hold time at least 10 s or 0 (no keepalives at all), and three
 * keepalives within a hold time. Both keys or neither. */
static void check_bgp_timers(struct parser *p, struct draft *d)
{
	const struct conf_bgp *b = &d->s.bgp;
	uint32_t timer_keys = 1u << (find_key("bgp-keepalive") - keys) |
			      1u << (find_key("bgp-holdtime") - keys);
	unsigned line = line_of(d, "bgp-keepalive");

	if (d->bad_mask & timer_keys)
		return;
	if ((b->keepalive_s == CONF_BGP_TIMER_UNSET) != (b->holdtime_s == CONF_BGP_TIMER_UNSET)) {
		bool has_keepalive = b->keepalive_s != CONF_BGP_TIMER_UNSET;

		ERROR(p, line_of(d, has_keepalive ? "bgp-keepalive" : "bgp-holdtime"),
		      has_keepalive ? "bgp-keepalive" : "bgp-holdtime",
		      "set without %s in [session %s]: give both or neither",
		      has_keepalive ? "bgp-holdtime" : "bgp-keepalive", d->s.name);
		return;
	}
	if (b->keepalive_s == CONF_BGP_TIMER_UNSET)
		return;
	if (b->keepalive_s < 3)
		ERROR(p, line, "bgp-keepalive",
		      "%" PRIu32 "s is below 3s: ExpressRoute needs a keepalive of at least 3s",
		      b->keepalive_s);
	else if (b->holdtime_s != 0 && b->holdtime_s < 10)
		ERROR(p, line_of(d, "bgp-holdtime"), "bgp-holdtime",
		      "%" PRIu32 "s is below 10s: ExpressRoute needs a hold time of at least 10s "
		      "(or 0s: no keepalives)", b->holdtime_s);
	else if (b->holdtime_s != 0 && (uint64_t)b->keepalive_s * 3 > b->holdtime_s)
		ERROR(p, line, "bgp-keepalive",
		      "keepalive %" PRIu32 "s is more than a third of the hold time %" PRIu32
		      "s: ExpressRoute needs keepalive <= holdtime/3",
		      b->keepalive_s, b->holdtime_s);
	/* Inherited from [defaults], they only apply where there is a neighbor. */
	if (!d->s.bgp.neighbor.family && (d->set_mask & timer_keys))
		ERROR(p, line, "bgp-keepalive",
		      "set without bgp-neighbor in [session %s]: the timers are for that neighbor",
		      d->s.name);
}

static void check_session(struct parser *p, struct draft *d)
{
	struct conf_session *s = &d->s;
	char what[CONF_NAME_MAX + 16];

	snprintf(what, sizeof(what), "[session %s]", s->name);
	for (size_t i = 0; i < N_KEYS; i++)
		if ((keys[i].scope & REQUIRED) && !(d->set_mask & (1u << i)))
			ERROR(p, s->line, what, "%s is missing", keys[i].name);
	if (s->local.family && s->peer.family && s->local.family != s->peer.family)
		ERROR(p, line_of(d, "peer-address"), "peer-address",
		      "is IPv%d but local-address is IPv%d", s->peer.family == AF_INET ? 4 : 6,
		      s->local.family == AF_INET ? 4 : 6);
	else if (s->local.family && conf_addr_equal(&s->local, &s->peer))
		ERROR(p, line_of(d, "peer-address"), "peer-address", "is the local address");
	check_auth(p, d);
	check_bgp_timers(p, d);
}

/* Rules between sessions: one BFD session per (interface, peer), and the
 * ExpressRoute HA guidance: the primary and secondary links should not share
 * an interface, or one failure takes both down (warned once per interface,
 * at its second session). */
static void check_pairs(struct parser *p)
{
	for (size_t i = 0; i < p->n_drafts; i++) {
		const struct conf_session *a = &p->drafts[i].s;
		const struct conf_session *first = NULL;
		size_t sharing = 0; /* earlier sessions on a's interface */

		for (size_t j = 0; j < i && a->ifname[0]; j++) {
			const struct conf_session *b = &p->drafts[j].s;

			if (strcmp(a->ifname, b->ifname) != 0)
				continue;
			if (sharing++ == 0)
				first = b;
			if (conf_addr_equal(&a->peer, &b->peer))
				ERROR(p, line_of(&p->drafts[i], "peer-address"), "peer-address",
				      "[session %s] and [session %s] have the same peer on %s",
				      b->name, a->name, a->ifname);
		}
		for (size_t j = 0; j < i && a->bgp.neighbor.family; j++)
			if (conf_addr_equal(&a->bgp.neighbor, &p->drafts[j].s.bgp.neighbor))
				ERROR(p, line_of(&p->drafts[i], "bgp-neighbor"), "bgp-neighbor",
				      "[session %s] and [session %s] have the same bgp-neighbor: one "
				      "BFD session acts on a BGP neighbor",
				      p->drafts[j].s.name, a->name);
		if (sharing == 1 && !conf_addr_equal(&a->peer, &first->peer))
			WARN(p, line_of(&p->drafts[i], "interface"), "interface",
			     "[session %s] and [session %s] both use %s: ExpressRoute primary "
			     "and secondary links on one interface fail together",
			     first->name, a->name, a->ifname);
	}
}

static void conf_finish(struct parser *p)
{
	for (size_t i = 0; i < p->n_drafts; i++) {
		inherit_defaults(p, &p->drafts[i]);
		check_session(p, &p->drafts[i]);
	}
	check_pairs(p);
	if (p->report->errors > p->errors_before || p->oom)
		return;
	p->conf->sessions = calloc(p->n_drafts ? p->n_drafts : 1, sizeof(*p->conf->sessions));
	if (!p->conf->sessions) {
		p->oom = true;
		return;
	}
	for (size_t i = 0; i < p->n_drafts; i++)
		p->conf->sessions[i] = p->drafts[i].s;
	p->conf->n_sessions = p->n_drafts;
}

int conf_parse(const char *text, const char *source, struct conf **out,
	       struct conf_report *report)
{
	struct parser p = {
		.source = source, .report = report, .errors_before = report->errors, .text = text,
	};
	int syntax_line;

	*out = NULL;
	p.conf = calloc(1, sizeof(*p.conf));
	if (!p.conf)
		return -ENOMEM;
	snprintf(p.conf->control_socket, sizeof(p.conf->control_socket), "%s",
		 CONF_DEFAULT_CONTROL_SOCKET);
	snprintf(p.conf->state_directory, sizeof(p.conf->state_directory), "%s",
		 CONF_DEFAULT_STATE_DIRECTORY);
	snprintf(p.conf->frr_vty_dir, sizeof(p.conf->frr_vty_dir), "%s", CONF_DEFAULT_FRR_VTY_DIR);
	p.conf->frr_vty_timeout_us = 5 * BFD_USEC_PER_SEC;
	p.conf->frr_bfdd_poll_us = BFD_USEC_PER_SEC;
	syntax_line = ini_parse_stream(read_line, &p, on_key, &p);
	if (syntax_line > 0)
		ERROR(&p, (unsigned)syntax_line, "syntax",
		      "expected \"key = value\", \"[section]\" or a comment");
	if (syntax_line >= 0)
		conf_finish(&p);

	for (size_t i = 0; i < N_KEYS; i++)
		free(p.defaults[i].text);
	free(p.drafts);
	if (p.oom || syntax_line < 0 || report->errors > p.errors_before) {
		conf_free(p.conf);
		return p.oom || syntax_line < 0 ? -ENOMEM : -EINVAL;
	}
	*out = p.conf;
	return 0;
}

int conf_load(const char *path, struct conf **out, struct conf_report *report)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if (!f) {
		report_add(report, true, path, 0, "cannot read", "%s", strerror(errno));
		return -EINVAL;
	}
	/* A config is small; 1 MiB is far beyond any real one. */
	text = malloc(1 << 20);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	errno = 0;
	len = fread(text, 1, (1 << 20) - 1, f);
	if (ferror(f) || !feof(f)) {
		report_add(report, true, path, 0, "cannot read", "%s",
			   ferror(f) ? strerror(errno ? errno : EIO) : "larger than 1 MiB");
		fclose(f);
		free(text);
		return -EINVAL;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		report_add(report, true, path, 0, "cannot read", "contains a NUL byte");
		free(text);
		return -EINVAL;
	}
	r = conf_parse(text, path, out, report);
	free(text);
	return r;
}

const struct conf_session *conf_find_session(const struct conf *conf, const char *name)
{
	for (size_t i = 0; i < conf->n_sessions; i++)
		if (strcmp(conf->sessions[i].name, name) == 0)
			return &conf->sessions[i];
	return NULL;
}

void conf_free(struct conf *conf)
{
	if (!conf)
		return;
	free(conf->sessions);
	free(conf);
}

void conf_report_free(struct conf_report *report)
{
	if (!report)
		return;
	free(report->text);
	memset(report, 0, sizeof(*report));
}
