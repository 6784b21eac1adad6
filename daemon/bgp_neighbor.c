/* bgp_neighbor.c - see bgp_neighbor.h. */
#include "bgp_neighbor.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bgp.h"
#include "daemon.h"

#define POLL_US (10 * 1000000ULL)
#define BACKOFF_FIRST_US 1000000ULL
#define BACKOFF_MAX_US (30 * 1000000ULL)
#define COMMANDS_MAX 5
#define COMMAND_LEN 128

const char *bgp_op_name(enum bgp_op op)
{
	static const char *const names[] = {
		[BGP_OP_RESET] = "reset",
		[BGP_OP_SHUTDOWN] = "shutdown",
		[BGP_OP_NO_SHUTDOWN] = "no-shutdown",
	};

	return op == BGP_OP_NONE ? NULL : names[op];
}

/* The commands of a step, in buf; their count. */
struct commands {
	char buf[COMMANDS_MAX][COMMAND_LEN];
	const char *v[COMMANDS_MAX];
	size_t n;
};

static void add(struct commands *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct commands *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->buf[c->n], COMMAND_LEN, fmt, ap);
	va_end(ap);
	c->v[c->n] = c->buf[c->n];
	c->n++;
}

/* The commands of step (for op) on n. The daemon's vty starts in VIEW
 * node: "clear" and "configure" need "enable" first (FRR 8.4). Never
 * "write": the shutdown must not reach bgpd's saved config. */
static void build(const struct bgp_neighbor *n, enum bgp_step step, enum bgp_op op,
		  struct commands *c)
{
	c->n = 0;
	if (step == BGP_STEP_READ) {
		add(c, "show bgp neighbors %s json", n->address);
		return;
	}
	add(c, "enable");
	if (step == BGP_STEP_ACTION && op == BGP_OP_RESET) {
		add(c, "clear bgp %s", n->address);
		return;
	}
	add(c, "configure terminal");
	add(c, "router bgp %" PRIu32, n->bgpd.local_as);
	if (step == BGP_STEP_TIMERS)
		add(c, "neighbor %s timers %" PRIu32 " %" PRIu32, n->address, n->keepalive_s,
		    n->holdtime_s);
	else
		add(c, "%sneighbor %s shutdown", op == BGP_OP_NO_SHUTDOWN ? "no " : "",
		    n->address);
	add(c, "end");
}

/* The command that does the work: not "enable", "configure terminal" or
 * "end" around it. */
static const char *main_command(const struct bgp_neighbor *n, const struct commands *c)
{
	if (n->step == BGP_STEP_READ || c->n < 3)
		return c->v[c->n - 1];
	return c->v[c->n - 2];
}

static uint32_t get_u32(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? (uint32_t)json_object_get_int64(v) : 0;
}

/* "show bgp neighbors X json" into n->bgpd; false (and why in err) if it
 * does not describe the neighbor. */
static bool parse_readback(struct bgp_neighbor *n, const char *output, char *err, size_t len)
{
	struct json_object *root = json_tokener_parse(output), *o = NULL, *v;
	struct bgp_readback *b = &n->bgpd;

	if (root && json_object_is_type(root, json_type_object)) {
		json_object_object_foreach(root, key, value) {
			(void)key;
			if (json_object_is_type(value, json_type_object)) {
				o = value;
				break;
			}
		}
	}
	if (!o || !json_object_object_get_ex(o, "localAs", &v)) {
		snprintf(err, len, root ? "bgpd has no neighbor %s" : "bgpd's answer is not JSON",
			 n->address);
		json_object_put(root);
		return false;
	}
	b->valid = true;
	b->local_as = get_u32(o, "localAs");
	snprintf(b->state, sizeof(b->state), "%s",
		 json_object_object_get_ex(o, "bgpState", &v) ? json_object_get_string(v) : "?");
	b->admin_shutdown = json_object_object_get_ex(o, "adminShutDown", &v) &&
			    json_object_get_boolean(v);
	b->keepalive_s = get_u32(o, "bgpTimerConfiguredKeepAliveIntervalMsecs") / 1000;
	b->holdtime_s = get_u32(o, "bgpTimerConfiguredHoldTimeMsecs") / 1000;
	b->in_force_keepalive_s = get_u32(o, "bgpTimerKeepAliveIntervalMsecs") / 1000;
	b->in_force_holdtime_s = get_u32(o, "bgpTimerHoldTimeMsecs") / 1000;
	b->connections_established = get_u32(o, "connectionsEstablished");
	json_object_put(root);
	return true;
}

static bool timers_managed(const struct bgp_neighbor *n)
{
	return n->keepalive_s != CONF_BGP_TIMER_UNSET;
}

static void kick(struct bgp_neighbor *n);

static int on_retry(sd_event_source *source, uint64_t usec, void *userdata)
{
	(void)source;
	(void)usec;
	kick(userdata);
	return 0;
}

static bool retry_armed(const struct bgp_neighbor *n)
{
	return n->retry && sd_event_source_get_enabled(n->retry, NULL) > 0;
}

static void arm_retry(struct bgp_neighbor *n)
{
	uint64_t at;

	n->backoff_us = n->backoff_us ? n->backoff_us * 2 : BACKOFF_FIRST_US;
	if (n->backoff_us > BACKOFF_MAX_US)
		n->backoff_us = BACKOFF_MAX_US;
	at = daemon_now_us(n->daemon) + n->backoff_us;
	if (!n->retry &&
	    sd_event_add_time(n->daemon->event, &n->retry, CLOCK_MONOTONIC, at, 1000, on_retry,
			      n) < 0) {
		log_error("%s: cannot arm the retry timer", n->label);
		return;
	}
	sd_event_source_set_time(n->retry, at);
	sd_event_source_set_enabled(n->retry, SD_EVENT_ONESHOT);
}

static void disarm_retry(struct bgp_neighbor *n)
{
	if (n->retry)
		sd_event_source_set_enabled(n->retry, SD_EVENT_OFF);
	n->backoff_us = 0;
}

/* A conversation failed: count it, keep it for edgebfdctl, log it
 * (rate limited) with the command and bgpd's answer. */
static void failed(struct bgp_neighbor *n, const struct commands *c,
		   const struct frr_vty_result *res, const char *why)
{
	/* a refusal names the refused command, anything else the main one */
	const char *command = !res->error && res->failed_command < c->n
				      ? c->v[res->failed_command]
				      : main_command(n, c);
	size_t len;

	n->errors++;
	if (why)
		snprintf(n->last_error, sizeof(n->last_error), "%s: %s", command, why);
	else if (res->error == -ENOENT || res->error == -ECONNREFUSED)
		snprintf(n->last_error, sizeof(n->last_error), "%s: bgpd is not running (%s: %s)",
			 command, n->socket_path, strerror(-res->error));
	else if (res->error)
		snprintf(n->last_error, sizeof(n->last_error), "%s: %s (%s)", command,
			 strerror(-res->error), n->socket_path);
	else
		snprintf(n->last_error, sizeof(n->last_error), "%s: refused (%s): %s", command,
			 frr_vty_status_name(res->status), res->output);
	len = strlen(n->last_error);
	while (len > 0 && (n->last_error[len - 1] == '\n' || n->last_error[len - 1] == ' '))
		n->last_error[--len] = '\0';
	if (log_ratelimit_ok(&n->error_log, daemon_now_us(n->daemon)))
		log_warning("%s: %s", n->label, n->last_error);
}

static void on_done(const struct frr_vty_result *res, void *userdata);

/* Start step (for op); if it cannot start, that is a failure: logged and
 * retried. */
static void start(struct bgp_neighbor *n, enum bgp_step step, enum bgp_op op)
{
	struct commands c;
	int r;

	if (step == BGP_STEP_ACTION && op == BGP_OP_SHUTDOWN && !n->shut) {
		/* Recorded before it is sent: a crash must not leave it shut. */
		n->shut = true;
		bgp_shut_changed(n->daemon);
	}
	build(n, step, op, &c);
	n->step = step;
	n->call_op = op;
	n->call_started_us = daemon_clock_us();
	if (step == BGP_STEP_ACTION) {
		n->attempts++;
		n->last_op = op;
		n->last_op_realtime_us = daemon_realtime_us(n->daemon);
		n->last_done_realtime_us = 0;
	}
	r = frr_vty_run(n->daemon->event, n->socket_path, c.v, c.n,
			n->daemon->conf->frr_vty_timeout_us, on_done, n, &n->call);
	if (r < 0) {
		struct frr_vty_result res = { .error = r, .output = (char *)"" };

		n->call = NULL;
		failed(n, &c, &res, NULL);
		arm_retry(n);
	}
}

static void kick(struct bgp_neighbor *n)
{
	if (n->call && n->step == BGP_STEP_READ && n->call_op == BGP_OP_NONE &&
	    n->want != BGP_OP_NONE) {
		/* An action never waits for a routine read. */
		frr_vty_call_cancel(n->call);
		n->call = NULL;
		n->want_read = true;
	}
	if (n->call || retry_armed(n) || n->daemon->bgp_stopping)
		return;
	if (n->want != BGP_OP_NONE) {
		if (n->want != BGP_OP_RESET && !n->bgpd.local_as)
			start(n, BGP_STEP_READ, n->want); /* the ASN first */
		else
			start(n, BGP_STEP_ACTION, n->want);
	} else if (n->want_timers && timers_managed(n)) {
		start(n, n->bgpd.local_as ? BGP_STEP_TIMERS : BGP_STEP_READ, BGP_OP_NONE);
	} else if (n->want_read) {
		start(n, BGP_STEP_READ, BGP_OP_NONE);
	}
}

/* One line that puts the action on the BFD timeline. */
static void log_done(const struct bgp_neighbor *n, const char *command)
{
	uint64_t now = daemon_clock_us();
	double after = (double)(n->call_started_us - n->want_us) / 1000.0;
	double took = (double)(now - n->call_started_us) / 1000.0;

	if (n->attempts > 1)
		log_notice("%s: %s sent %.1f ms after %s (attempt %u), done in %.1f ms", n->label,
			   command, after, n->want_why, n->attempts, took);
	else
		log_notice("%s: %s sent %.1f ms after %s, done in %.1f ms", n->label, command,
			   after, n->want_why, took);
}

static void read_done(struct bgp_neighbor *n, const struct commands *c,
		      const struct frr_vty_result *res, bool ok)
{
	char why[128];

	if (ok && !parse_readback(n, res->output, why, sizeof(why))) {
		failed(n, c, res, why);
		ok = false;
	} else if (!ok) {
		failed(n, c, res, NULL);
	}
	n->read_failed = !ok;
	n->want_read = false;
	if (ok) {
		n->want_timers = timers_managed(n) && (n->bgpd.keepalive_s != n->keepalive_s ||
						       n->bgpd.holdtime_s != n->holdtime_s);
		bgp_neighbor_read(n);
	} else if (n->want != BGP_OP_NONE || n->want_timers) {
		arm_retry(n); /* a routine read waits for the next poll */
	}
}

static void on_done(const struct frr_vty_result *res, void *userdata)
{
	struct bgp_neighbor *n = userdata;
	bool ok = res->error == 0 && res->status == FRR_CMD_SUCCESS;
	struct commands c;

	n->call = NULL;
	build(n, n->step, n->call_op, &c);
	if (n->step == BGP_STEP_READ) {
		read_done(n, &c, res, ok);
	} else if (!ok) {
		failed(n, &c, res, NULL);
		n->timers_failed = n->step == BGP_STEP_TIMERS;
		arm_retry(n);
	} else if (n->step == BGP_STEP_TIMERS) {
		log_notice("%s: timers set in bgpd: keepalive %" PRIu32 "s, hold time %" PRIu32
			   "s (bgpd uses them from the next session start; the running one is "
			   "not reset for them)",
			   n->label, n->keepalive_s, n->holdtime_s);
		n->want_timers = n->timers_failed = false;
		n->want_read = true;
		disarm_retry(n);
	} else {
		log_done(n, main_command(n, &c));
		n->last_done_realtime_us = daemon_realtime_us(n->daemon);
		if (n->want == n->call_op) {
			n->want = BGP_OP_NONE;
			n->attempts = 0;
		}
		if (n->call_op == BGP_OP_NO_SHUTDOWN && n->want != BGP_OP_SHUTDOWN) {
			n->shut = false;
			bgp_shut_changed(n->daemon);
		}
		n->want_read = true;
		disarm_retry(n);
	}
	if (!n->session && !n->shut && n->want == BGP_OP_NONE) {
		bgp_orphan_done(n);
		return;
	}
	kick(n);
}

void bgp_neighbor_want(struct bgp_neighbor *n, enum bgp_op op, uint64_t event_us,
		       const char *why)
{
	if (n->want != op) {
		n->attempts = 0;
		if (retry_armed(n))
			disarm_retry(n); /* the newer wish goes first */
	}
	n->want = op;
	n->want_us = event_us;
	n->want_why = why;
	kick(n);
}

static int on_poll(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct bgp_neighbor *n = userdata;

	(void)usec;
	sd_event_source_set_time(source, daemon_now_us(n->daemon) + POLL_US);
	n->want_read = true;
	kick(n);
	return 0;
}

void bgp_neighbor_poll(struct bgp_neighbor *n, bool on)
{
	if (!on) {
		n->poll = sd_event_source_disable_unref(n->poll);
		return;
	}
	n->want_read = true;
	if (!n->poll &&
	    (sd_event_add_time(n->daemon->event, &n->poll, CLOCK_MONOTONIC,
			       daemon_now_us(n->daemon) + POLL_US, 100000, on_poll, n) < 0 ||
	     sd_event_source_set_enabled(n->poll, SD_EVENT_ON) < 0))
		log_error("%s: cannot arm the poll timer", n->label);
	kick(n);
}

void bgp_neighbor_stop(struct bgp_neighbor *n)
{
	frr_vty_call_cancel(n->call);
	n->call = NULL;
	n->retry = sd_event_source_disable_unref(n->retry);
	n->poll = sd_event_source_disable_unref(n->poll);
}

int bgp_neighbor_new(struct daemon *d, const char *address, const char *vty_dir,
		     struct bgp_neighbor **out)
{
	struct bgp_neighbor *n = calloc(1, sizeof(*n));
	int r;

	if (!n)
		return -ENOMEM;
	n->daemon = d;
	snprintf(n->address, sizeof(n->address), "%s", address);
	snprintf(n->vty_dir, sizeof(n->vty_dir), "%s", vty_dir);
	r = frr_vty_socket_path(n->socket_path, sizeof(n->socket_path), vty_dir, "bgpd");
	if (r < 0) {
		free(n);
		return r;
	}
	snprintf(n->label, sizeof(n->label), "bgp neighbor %s", address);
	n->keepalive_s = n->holdtime_s = CONF_BGP_TIMER_UNSET;
	n->error_log.burst = 3;
	*out = n;
	return 0;
}

void bgp_neighbor_free(struct bgp_neighbor *n)
{
	if (!n)
		return;
	bgp_neighbor_stop(n);
	free(n);
}

int bgp_neighbor_unshut_sync(struct bgp_neighbor *n, uint64_t timeout_us)
{
	uint64_t deadline = daemon_clock_us() + timeout_us;
	struct frr_vty_result res = { 0 };
	struct commands c;
	int r = 0;

	if (!n->bgpd.local_as) {
		build(n, BGP_STEP_READ, BGP_OP_NONE, &c);
		r = frr_vty_run_sync(n->socket_path, c.v, c.n, timeout_us, &res);
		if (r == 0 && res.status == FRR_CMD_SUCCESS) {
			char why[128];

			if (!parse_readback(n, res.output, why, sizeof(why)))
				failed(n, &c, &res, why);
		} else if (res.output) {
			failed(n, &c, &res, NULL);
		}
		frr_vty_result_clear(&res);
		if (!n->bgpd.local_as)
			return r < 0 ? r : -ENOENT;
	}
	build(n, BGP_STEP_ACTION, BGP_OP_NO_SHUTDOWN, &c);
	uint64_t now = daemon_clock_us();

	if (now >= deadline)
		return -ETIMEDOUT;
	r = frr_vty_run_sync(n->socket_path, c.v, c.n, deadline - now, &res);
	if (r == 0 && res.status == FRR_CMD_SUCCESS) {
		n->shut = false;
		log_notice("%s: no neighbor shutdown done in %.1f ms before stopping", n->label,
			   (double)(daemon_clock_us() - now) / 1000.0);
	} else {
		if (res.output)
			failed(n, &c, &res, NULL);
		r = r < 0 ? r : -EPROTO;
	}
	frr_vty_result_clear(&res);
	return r;
}
