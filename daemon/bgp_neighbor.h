/*
 * bgp_neighbor.h - one BGP neighbor in FRR's bgpd as edgebfdd drives it:
 * the action it wants carried out (reset, shutdown, no shutdown), the
 * timers it wants configured, and what bgpd last said about the neighbor.
 *
 * It talks to bgpd through frr_vty, one conversation at a time, never
 * waiting on the loop: a conversation that fails (bgpd not running, no
 * permission, unknown neighbor, command refused, timeout) is logged with
 * the command and bgpd's answer, counted, and retried after 1 s, 2 s, 4 s
 * .. 30 s. A newer action replaces one waiting for its retry. Every 10 s
 * it reads "show bgp neighbors X json" (the ASN, the state, the timers);
 * an action cancels such a read rather than wait for it.
 *
 * Belongs to a session (bgp.c), or to nobody while it only has to be
 * un-shut (a session removed by a reload, a neighbor an earlier run left
 * shut): an orphan, in d->bgp_orphans.
 */
#ifndef EDGEBFD_BGP_NEIGHBOR_H
#define EDGEBFD_BGP_NEIGHBOR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "conf.h"
#include "frr_vty.h"
#include "log.h"

struct daemon;
struct daemon_session;

enum bgp_op {
	BGP_OP_NONE,
	BGP_OP_RESET,       /* clear bgp X: a hard reset */
	BGP_OP_SHUTDOWN,    /* neighbor X shutdown */
	BGP_OP_NO_SHUTDOWN, /* no neighbor X shutdown */
};

/* What the conversation in flight does. */
enum bgp_step {
	BGP_STEP_READ,   /* show bgp neighbors X json */
	BGP_STEP_ACTION, /* the wanted action */
	BGP_STEP_TIMERS, /* neighbor X timers K H */
};

/* What bgpd said about the neighbor at the last read that worked. */
struct bgp_readback {
	bool valid;
	uint32_t local_as;                  /* localAs: our ASN, for "router bgp" */
	char state[16];                     /* bgpState: Idle .. Established */
	bool admin_shutdown;                /* adminShutDown */
	uint32_t keepalive_s, holdtime_s;   /* configured in bgpd */
	uint32_t in_force_keepalive_s;      /* of the session: negotiated at its start */
	uint32_t in_force_holdtime_s;
	uint64_t connections_established;   /* connectionsEstablished */
};

#define BGP_LABEL_MAX (CONF_NAME_MAX + INET6_ADDRSTRLEN + CONF_FRR_VTY_DIR_MAX + 32)

struct bgp_neighbor {
	struct daemon *daemon;
	struct daemon_session *session;     /* NULL for an orphan */
	struct bgp_neighbor *next;          /* in d->bgp_orphans */
	char label[BGP_LABEL_MAX];          /* "session NAME: bgp neighbor X", for logs */
	char address[INET6_ADDRSTRLEN];
	char vty_dir[CONF_FRR_VTY_DIR_MAX];
	char socket_path[FRR_VTY_PATH_MAX]; /* <vty_dir>/bgpd.vty */
	uint32_t keepalive_s, holdtime_s;   /* to configure; CONF_BGP_TIMER_UNSET: leave */

	enum bgp_op want;                   /* to carry out; NONE when done */
	uint64_t want_us;                   /* CLOCK_MONOTONIC of what wanted it */
	const char *want_why;               /* "down", "the hold-down", ... for logs */
	bool want_timers;                   /* bgpd's timers differ from ours */
	bool want_read;
	bool shut;                          /* edgebfdd may have shut it (state file) */

	struct frr_vty_call *call;          /* the conversation in flight */
	enum bgp_step step;
	enum bgp_op call_op;                /* ACTION, or the action a READ is for */
	uint64_t call_started_us;
	unsigned attempts;                  /* of the wanted action */
	sd_event_source *retry;
	uint64_t backoff_us;
	sd_event_source *poll;

	struct bgp_readback bgpd;
	bool read_failed;                   /* the last read failed */
	bool timers_failed;                 /* the last timers command failed */

	enum bgp_op last_op;                /* the last action sent */
	uint64_t last_op_realtime_us, last_done_realtime_us;
	uint64_t errors;
	char last_error[512];               /* "COMMAND: what bgpd answered" */
	struct log_ratelimit error_log;
};

/* A new neighbor at address in the bgpd whose vty socket is in vty_dir.
 * It does nothing until asked. 0, -ENAMETOOLONG or -ENOMEM. */
int bgp_neighbor_new(struct daemon *d, const char *address, const char *vty_dir,
		     struct bgp_neighbor **out);

/* Cancel what runs and free; accepts NULL. */
void bgp_neighbor_free(struct bgp_neighbor *n);

/* Carry out op (BGP_OP_NONE: nothing any more), wanted by why at event_us
 * (CLOCK_MONOTONIC). Replaces an action waiting for its retry. */
void bgp_neighbor_want(struct bgp_neighbor *n, enum bgp_op op, uint64_t event_us,
		       const char *why);

/* Read bgpd's view now and every 10 s (false: stop). */
void bgp_neighbor_poll(struct bgp_neighbor *n, bool on);

/* Stop whatever runs or waits (SIGTERM; before a neighbor is handed on). */
void bgp_neighbor_stop(struct bgp_neighbor *n);

/* SIGTERM: un-shut it, blocking for at most timeout_us. 0 or -errno
 * (logged). */
int bgp_neighbor_unshut_sync(struct bgp_neighbor *n, uint64_t timeout_us);

/* "reset", "shutdown", "no-shutdown"; NULL for BGP_OP_NONE. */
const char *bgp_op_name(enum bgp_op op);

#endif
