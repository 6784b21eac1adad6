/*
 * links.c - interface events for the sessions: a link that goes down or
 * loses its carrier takes its sessions Down at once with diag 5, Path Down
 * (RFC 5880 section 4.1), instead of after a Detection Time. A link deleted
 * or re-created under the same name gets the sessions' sockets re-opened.
 */
#include <errno.h>
#include <string.h>

#include "daemon.h"
#include "link_monitor.h"
#include "sessions.h"

static void on_link_event(void *ctx, const struct nl_link_event *ev)
{
	struct daemon *d = ctx;

	for (size_t i = 0; i < d->n_sessions; i++) {
		struct daemon_session *s = d->sessions[i];

		if (strcmp(s->conf.ifname, ev->ifname) != 0)
			continue;
		daemon_session_link_changed(s, ev->deleted ? 0 : ev->ifindex,
					    !ev->deleted && ev->admin_up && ev->carrier);
	}
}

static int on_readable(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	int r;

	(void)source;
	(void)fd;
	(void)revents;
	r = nl_link_monitor_read(d->links, on_link_event, d);
	if (r == -ENOBUFS)
		log_warning("link notifications were lost; re-reading every interface");
	else if (r < 0)
		log_warning_errno(r, "cannot read link notifications");
	return 0;
}

int links_start(struct daemon *d)
{
	int r = nl_link_monitor_open(&d->links);

	if (r < 0)
		return log_error_errno(r, "cannot watch interfaces (rtnetlink)");
	r = sd_event_add_io(d->event, &d->links_source, nl_link_monitor_fd(d->links), EPOLLIN,
			    on_readable, d);
	if (r >= 0) /* a carrier loss is as urgent as a BFD packet */
		r = sd_event_source_set_priority(d->links_source, SD_EVENT_PRIORITY_IMPORTANT);
	if (r < 0)
		return log_error_errno(r, "cannot watch interfaces");
	return 0;
}

void links_stop(struct daemon *d)
{
	d->links_source = sd_event_source_disable_unref(d->links_source);
	nl_link_monitor_close(d->links);
	d->links = NULL;
}
