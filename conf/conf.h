/*
 * conf.h - the edgebfd configuration: parsing and validation of
 * /etc/edgebfd/edgebfd.conf (INI, read with libinih).
 *
 * Parsing is a transaction: the whole text becomes a new struct conf, or
 * nothing and a report of every error as "file:line: key: what is wrong".
 * conf_parse() does no I/O (it parses a string), which keeps it easy to
 * test and fuzz; conf_load() reads a file and calls it.
 *
 * Sections: [daemon] (process-wide keys), [defaults] (session keys that
 * every [session NAME] inherits unless it sets them itself) and one
 * [session NAME] per BFD session. Adding a key is one entry in the key
 * table of conf.c. Unknown sections and keys are errors.
 */
#ifndef EDGEBFD_CONF_H
#define EDGEBFD_CONF_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/un.h>

#include "auth.h"
#include "session.h"

#define CONF_DEFAULT_PATH "/etc/edgebfd/edgebfd.conf"
#define CONF_DEFAULT_CONTROL_SOCKET "/run/edgebfd/control.sock"
#define CONF_DEFAULT_STATE_DIRECTORY "/run/edgebfd"
#define CONF_DEFAULT_FRR_VTY_DIR "/run/frr"
#define CONF_FRR_VTY_DIR_MAX 96 /* room for "/bgpd.vty" in a sun_path */
#define CONF_NAME_MAX 64

/* Warn below this interval: sub-50 ms BFD in a user-space daemon on a busy
 * router risks false failures. */
#define CONF_WARN_INTERVAL_US 50000

/* An IPv4 or IPv6 address. */
struct conf_addr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* An IPv4 or IPv6 prefix (route-prefixes). */
struct conf_prefix {
	struct conf_addr addr; /* host bits zero */
	uint8_t len;
};

/* What a session's Down does to the routes through its peer. */
enum conf_on_down {
	CONF_ON_DOWN_WITHDRAW, /* delete single-path routes, drop the nexthop from multipath */
	CONF_ON_DOWN_DEMOTE,   /* raise single-path metrics, drop the nexthop from multipath */
	CONF_ON_DOWN_NONE,
};

#define CONF_ROUTE_TABLES_MAX 16
#define CONF_ROUTE_PREFIXES_MAX 32

/* The route-action keys of a session (see README "Route actions"). */
struct conf_routes {
	enum conf_on_down on_down;              /* on-down: withdraw */
	uint32_t tables[CONF_ROUTE_TABLES_MAX]; /* route-tables: main */
	unsigned n_tables;
	uint8_t protocols[256 / 8];             /* route-protocols, a bitmap: bgp static */
	struct conf_prefix prefixes[CONF_ROUTE_PREFIXES_MAX]; /* route-prefixes: none = all */
	unsigned n_prefixes;
	uint32_t demote_metric;                 /* demote-metric: 5000 */
	uint64_t hold_down_us;                  /* hold-down: 10s */
	bool act_on_peer_admin_down;            /* on-peer-admin-down: ignore */
	bool mark_neighbor_failed;              /* mark-neighbor-failed: yes */
};

/* Whether protocol number proto is selected by routes->protocols. */
static inline bool conf_routes_protocol(const struct conf_routes *routes, uint8_t proto)
{
	return routes->protocols[proto / 8] & (1u << (proto % 8));
}

/* Whether the prefix addr/len (same family as the filter) is inside one of
 * routes->prefixes, or there is no filter. */
bool conf_routes_prefix(const struct conf_routes *routes, int family, const void *addr,
			unsigned len);

/* Who runs the BFD sessions: edgebfdd itself, or FRR's bfdd, whose
 * sessions edgebfdd follows (engine_frr.h). */
enum conf_engine {
	CONF_ENGINE_EDGEBFDD,
	CONF_ENGINE_FRR_BFDD,
};

/* What a session's Down does to its BGP neighbor in FRR's bgpd. */
enum conf_bgp_action {
	CONF_BGP_RESET,    /* clear bgp NEIGHBOR */
	CONF_BGP_SHUTDOWN, /* neighbor NEIGHBOR shutdown, undone after Up + hold-down */
	CONF_BGP_NONE,
};

/* bgp-keepalive / bgp-holdtime not set: edgebfdd leaves bgpd's timers alone. */
#define CONF_BGP_TIMER_UNSET UINT32_MAX

/* The BGP keys of a session (see README "BGP integration"). */
struct conf_bgp {
	struct conf_addr neighbor;      /* bgp-neighbor; family 0: no BGP integration */
	enum conf_bgp_action action;    /* bgp-action: reset */
	uint32_t keepalive_s;           /* bgp-keepalive, or CONF_BGP_TIMER_UNSET */
	uint32_t holdtime_s;            /* bgp-holdtime, or CONF_BGP_TIMER_UNSET */
	uint64_t unanswered_warning_us; /* bfd-unanswered-warning: 5min; 0: never */
};

struct conf_session {
	char name[CONF_NAME_MAX];
	char ifname[IF_NAMESIZE];
	struct conf_addr local;
	struct conf_addr peer;
	struct bfd_session_params params; /* transmit-/receive-interval, detect-multiplier */
	struct bfd_auth_key auth;         /* auth-type, auth-key-id, auth-secret */
	struct conf_routes routes;
	struct conf_bgp bgp;
	unsigned line;                    /* line of its [session NAME] header */
};

struct conf {
	char control_socket[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char state_directory[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* route state files */
	enum conf_engine engine;                /* engine: edgebfdd */
	uint64_t frr_bfdd_poll_us;              /* frr-bfdd-poll-interval: 1s */
	char frr_vty_dir[CONF_FRR_VTY_DIR_MAX]; /* where FRR's bgpd.vty is */
	uint64_t frr_vty_timeout_us;            /* for each conversation with bgpd */
	struct conf_session *sessions;
	size_t n_sessions;
};

/* Errors and warnings, one "file:line: key: message\n" line each. */
struct conf_report {
	char *text;       /* NUL-terminated, NULL while empty */
	size_t len;
	unsigned errors;
	unsigned warnings;
};

/*
 * Parse text (named source in messages) into a new *out. Errors and
 * warnings are appended to report. Returns 0 (warnings allowed), -EINVAL
 * if there was any error (then *out is NULL), or -ENOMEM.
 */
int conf_parse(const char *text, const char *source, struct conf **out,
	       struct conf_report *report);

/* Read the file at path and conf_parse() it; a file that cannot be read is
 * an error in the report ("path: cannot read: reason"). */
int conf_load(const char *path, struct conf **out, struct conf_report *report);

/* Find a session by name; NULL if there is none. */
const struct conf_session *conf_find_session(const struct conf *conf, const char *name);

/* Whether two addresses are the same (family and bytes). */
bool conf_addr_equal(const struct conf_addr *a, const struct conf_addr *b);

/* Whether two sessions are the same BFD session: same interface, local
 * and peer address. Reload keeps such a session running. */
bool conf_session_same_identity(const struct conf_session *a, const struct conf_session *b);

/* Parse a duration with its unit ("300ms", "1s", "50000us", "5min") into
 * microseconds. Returns 0 or -EINVAL with a message in err (for example
 * "5 is not a duration (did you mean 5ms?)"). */
int conf_parse_duration_us(const char *text, uint64_t *us, char *err, size_t err_len);

/* Both accept NULL. */
void conf_free(struct conf *conf);
void conf_report_free(struct conf_report *report);

#endif
