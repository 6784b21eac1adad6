/* engine_frr.c - see engine_frr.h. */
#include "engine_frr.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "frr_bfdd.h"
#include "frr_bfdd_client.h"
#include "frr_vty.h"
#include "sessions.h"
#include "transport.h"

struct engine_frr {
	struct daemon *d;
	struct frr_bfdd_client *client;
	bool subscribed;
	sd_event_source *poll_timer;  /* armed while not subscribed */
	struct frr_vty_call *poll_call;
	bool reading_once;            /* poll_call is a reload's read, wanted even when subscribed */
	char dir[CONF_FRR_VTY_DIR_MAX]; /* frr-vty-dir when started */
	char socket_path[FRR_VTY_PATH_MAX];
	char vty_path[FRR_VTY_PATH_MAX];
	struct log_ratelimit log;
};

bool engine_frr_active(const struct daemon *d)
{
	return d->conf->engine == CONF_ENGINE_FRR_BFDD;
}

/* The configured session that mirrors bfdd's peer ev: same peer address;
 * same local address and interface where bfdd has them. */
static struct daemon_session *find_session(struct daemon *d, const struct frr_bfdd_peer_event *ev)
{
	if (ev->multihop)
		return NULL;
	for (size_t i = 0; i < d->n_sessions; i++) {
		struct daemon_session *s = d->sessions[i];

		if (conf_addr_equal(&s->conf.peer, &ev->peer) &&
		    (!ev->has_local || conf_addr_equal(&s->conf.local, &ev->local)) &&
		    (!ev->ifname[0] || strcmp(ev->ifname, s->conf.ifname) == 0))
			return s;
	}
	return NULL;
}

static void on_peer(const struct frr_bfdd_peer_event *ev, void *userdata)
{
	struct engine_frr *f = userdata;
	struct daemon_session *s = find_session(f->d, ev);

	if (!s) {
		if (ev->state == BFD_STATE_UP && log_ratelimit_ok(&f->log, daemon_now_us(f->d))) {
			char peer[INET6_ADDRSTRLEN];

			log_info("frr-bfdd: bfdd's peer %s%s%s is no configured session",
				 transport_addr_str(&ev->peer, peer, sizeof(peer)),
				 ev->ifname[0] ? " on " : "", ev->ifname);
		}
		return;
	}
	daemon_session_follow(s, ev->state, ev->diag, ev->remote_diag);
}

/* ---- the fallback: polling "show bfd peers json" --------------------------- */

static int each_peer(const struct frr_bfdd_peer_event *ev, void *ctx)
{
	on_peer(ev, ctx);
	return 0;
}

static void on_poll_done(const struct frr_vty_result *res, void *userdata)
{
	struct engine_frr *f = userdata;
	uint64_t now = daemon_now_us(f->d);
	int r;

	f->poll_call = NULL;
	if (f->subscribed && !f->reading_once)
		return; /* the control socket came back meanwhile: it is newer */
	f->reading_once = false;
	if (res->error < 0 || res->status != FRR_CMD_SUCCESS) {
		if (log_ratelimit_ok(&f->log, now))
			log_warning("frr-bfdd: cannot read \"show bfd peers json\" from %s: %s%s",
				    f->vty_path,
				    res->error < 0 ? strerror(-res->error) : frr_vty_status_name(res->status),
				    res->error < 0 ? "" : res->output);
		return;
	}
	r = frr_bfdd_parse_peers(res->output, res->output_len, each_peer, f);
	if (r < 0 && log_ratelimit_ok(&f->log, now))
		log_warning("frr-bfdd: \"show bfd peers json\" from %s is not what FRR writes",
			    f->vty_path);
}

/* Read every peer's state once through bfdd's vty. */
static void poll_now(struct engine_frr *f)
{
	static const char *const commands[] = { "enable", "show bfd peers json" };
	int r;

	if (f->poll_call)
		return; /* bfdd is slow: the call in flight has its own timeout */
	r = frr_vty_run(f->d->event, f->vty_path, commands, 2, f->d->conf->frr_vty_timeout_us,
			on_poll_done, f, &f->poll_call);
	if (r < 0 && log_ratelimit_ok(&f->log, daemon_now_us(f->d)))
		log_error_errno(r, "frr-bfdd: cannot ask %s", f->vty_path);
}

static int on_poll(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct engine_frr *f = userdata;

	sd_event_source_set_time(source, usec + f->d->conf->frr_bfdd_poll_us);
	sd_event_source_set_enabled(source, SD_EVENT_ON);
	poll_now(f);
	return 0;
}

static void start_polling(struct engine_frr *f)
{
	if (sd_event_source_get_enabled(f->poll_timer, NULL) > 0)
		return;
	log_notice("frr-bfdd: reading \"show bfd peers json\" from %s every %" PRIu64
		   " ms until %s can be used (reactions come up to that much later)",
		   f->vty_path, f->d->conf->frr_bfdd_poll_us / 1000, f->socket_path);
	sd_event_source_set_time(f->poll_timer, daemon_now_us(f->d));
	sd_event_source_set_enabled(f->poll_timer, SD_EVENT_ON);
}

/* ---- the control socket -------------------------------------------------- */

static void on_connected(void *userdata)
{
	struct engine_frr *f = userdata;

	f->subscribed = true;
	sd_event_source_set_enabled(f->poll_timer, SD_EVENT_OFF);
	frr_vty_call_cancel(f->poll_call);
	f->poll_call = NULL;
	f->reading_once = false; /* the subscription's dump tells it all */
	log_notice("frr-bfdd: following FRR bfdd's sessions through %s", f->socket_path);
}

static void on_disconnected(int error, uint64_t retry_us, void *userdata)
{
	struct engine_frr *f = userdata;

	if (f->subscribed || log_ratelimit_ok(&f->log, daemon_now_us(f->d)))
		log_warning("frr-bfdd: %s %s: %s (trying again in %" PRIu64 " ms)", f->socket_path,
			    f->subscribed ? "lost" : "cannot be used", strerror(-error),
			    retry_us / 1000);
	f->subscribed = false;
	start_polling(f);
}

static const struct frr_bfdd_client_ops client_ops = {
	.connected = on_connected,
	.peer = on_peer,
	.disconnected = on_disconnected,
};

int engine_frr_start(struct daemon *d)
{
	struct engine_frr *f;
	int r;

	if (!engine_frr_active(d))
		return 0;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->d = d;
	f->log.burst = 3;
	snprintf(f->dir, sizeof(f->dir), "%s", d->conf->frr_vty_dir);
	r = frr_vty_socket_path(f->vty_path, sizeof(f->vty_path), d->conf->frr_vty_dir, "bfdd");
	if (r == 0 && (size_t)snprintf(f->socket_path, sizeof(f->socket_path), "%s/bfdd.sock",
				       d->conf->frr_vty_dir) >= sizeof(f->socket_path))
		r = -ENAMETOOLONG;
	if (r == 0)
		r = sd_event_add_time(d->event, &f->poll_timer, CLOCK_MONOTONIC, 0, 1000, on_poll, f);
	if (r >= 0)
		r = sd_event_source_set_enabled(f->poll_timer, SD_EVENT_OFF);
	if (r >= 0)
		r = frr_bfdd_client_start(d->event, f->socket_path, &client_ops, f, &f->client);
	if (r < 0) {
		sd_event_source_disable_unref(f->poll_timer);
		free(f);
		return log_error_errno(r, "frr-bfdd: cannot follow bfdd in %s", d->conf->frr_vty_dir);
	}
	d->engine_frr = f;
	return 0;
}

void engine_frr_stop(struct daemon *d)
{
	struct engine_frr *f = d->engine_frr;

	if (!f)
		return;
	frr_bfdd_client_stop(f->client);
	frr_vty_call_cancel(f->poll_call);
	sd_event_source_disable_unref(f->poll_timer);
	free(f);
	d->engine_frr = NULL;
}

void engine_frr_reloaded(struct daemon *d)
{
	struct engine_frr *f = d->engine_frr;

	if (!f)
		return;
	if (strcmp(f->dir, d->conf->frr_vty_dir) != 0) {
		/* Another FRR instance: a new subscription, and its full dump. */
		log_notice("frr-bfdd: frr-vty-dir is now %s", d->conf->frr_vty_dir);
		engine_frr_stop(d);
		engine_frr_start(d);
		return;
	}
	/* bfdd sent its full dump when we subscribed: sessions new in this
	 * config learn their peers' states from one read of the vty. */
	if (!f->poll_call) {
		poll_now(f);
		f->reading_once = f->poll_call != NULL;
	}
}
