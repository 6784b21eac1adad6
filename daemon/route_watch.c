/*
 * route_watch.c - the kernel's route notifications, for two questions:
 * does an owner (zebra, an operator's script) put back routes that a
 * session's action took away while the session is still Down? And has
 * anything changed since the plans were made (route_planner.h)? Our own
 * changes carry the route worker's netlink port id and are skipped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <linux/rtnetlink.h>

#include "daemon.h"
#include "route_worker.h"
#include "routes.h"

#define READS_PER_CALL 16
#define RECV_BUFFER_SIZE 65536

struct route_watch {
	struct mnl_socket *nl;
	sd_event_source *source;
	uint32_t seq;
	uint8_t buf[RECV_BUFFER_SIZE] __attribute__((aligned(4)));
};

/* After lost notifications: what is there now. */
static int request_dump(struct route_watch *w)
{
	uint8_t req[NLMSG_SPACE(sizeof(struct rtmsg))] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++w->seq;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg)); /* AF_UNSPEC: both families */
	return mnl_socket_sendto(w->nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

/* Read up to max_reads packets of notifications; stops when none is left. */
static void read_notifications(struct daemon *d, int max_reads)
{
	struct route_watch *w = d->route_watch;
	uint32_t ours = route_worker_portid(d->route_worker);
	bool changed = false;

	for (int n = 0; n < max_reads; n++) {
		ssize_t len = recv(mnl_socket_get_fd(w->nl), w->buf, sizeof(w->buf), MSG_DONTWAIT);
		int left;

		if (len < 0 && errno == ENOBUFS) {
			log_warning("route watcher: the kernel dropped notifications (ENOBUFS): "
				    "reading all routes again");
			route_watch_resync(d);
			changed = true;
			continue;
		}
		if (len <= 0)
			break;
		left = (int)len;
		/* Notifications carry the port id of whoever made the change;
		 * our own dump's answers carry ours. */
		for (const struct nlmsghdr *h = (const struct nlmsghdr *)w->buf; mnl_nlmsg_ok(h, left);
		     h = mnl_nlmsg_next(h, &left)) {
			bool from_dump = h->nlmsg_pid == mnl_socket_get_portid(w->nl);

			if (h->nlmsg_pid == ours)
				continue;
			if (h->nlmsg_type == RTM_NEWNEXTHOP || h->nlmsg_type == RTM_DELNEXTHOP) {
				changed = true;
				continue;
			}
			if (h->nlmsg_type != RTM_NEWROUTE && h->nlmsg_type != RTM_DELROUTE)
				continue;
			changed |= !from_dump;
			routes_watch_route(d, h->nlmsg_type, mnl_nlmsg_get_payload(h),
					   mnl_nlmsg_get_payload_len(h), from_dump);
		}
	}
	if (changed)
		routes_changed(d);
}

static int on_readable(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	(void)source;
	(void)fd;
	(void)revents;
	read_notifications(userdata, READS_PER_CALL);
	return 0;
}

/* A failover does not wait for a backlog: what is queued beyond this
 * makes the plan stale anyway, and the rest is read by the loop. */
#define DRAIN_READS 4

void route_watch_drain(struct daemon *d)
{
	if (d->route_watch)
		read_notifications(d, DRAIN_READS);
}

void route_watch_resync(struct daemon *d)
{
	if (!d->route_watch)
		return;
	routes_watch_forget(d);
	request_dump(d->route_watch);
}

/*
 * Drop the worker's own notifications in the kernel (a socket filter on
 * nlmsg_pid), so that a failover's 10,000 route changes do not wake the
 * event loop 10,000 times: on a two-core router every reader of those
 * changes slows the worker that makes them. A multicast notification is
 * one message per packet, so the filter sees its header at offset 0.
 * BPF_ABS loads are big endian: compare with htonl of the port id.
 */
static int filter_own_changes(int fd, uint32_t worker_portid)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct nlmsghdr, nlmsg_pid)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htonl(worker_portid), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

int route_watch_start(struct daemon *d)
{
	struct route_watch *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	d->route_watch = w;
	w->seq = (uint32_t)time(NULL);
	w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!w->nl || mnl_socket_bind(w->nl, RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE,
				      MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		route_watch_stop(d);
		return log_error_errno(r, "cannot watch route changes");
	}
	/* Nexthop objects too: a group that changes changes its routes. A
	 * kernel without them (before 5.3) has nothing to report. */
	int group = RTNLGRP_NEXTHOP;

	(void)setsockopt(mnl_socket_get_fd(w->nl), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
			 sizeof(group));
	/* Room for a burst: 100,000 route changes are about 10 MB. */
	int size = 16 << 20;

	if (setsockopt(mnl_socket_get_fd(w->nl), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(w->nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	r = filter_own_changes(mnl_socket_get_fd(w->nl), route_worker_portid(d->route_worker));
	if (r < 0) /* the loop skips them itself (on_readable), only slower */
		log_warning_errno(r, "route watcher: cannot filter the worker's own changes");
	r = sd_event_add_io(d->event, &w->source, mnl_socket_get_fd(w->nl), EPOLLIN, on_readable, d);
	if (r < 0) {
		route_watch_stop(d);
		return log_error_errno(r, "cannot watch route changes");
	}
	/* Below the BFD timers and packets: a storm of route changes waits. */
	sd_event_source_set_priority(w->source, SD_EVENT_PRIORITY_NORMAL + 10);
	return 0;
}

void route_watch_stop(struct daemon *d)
{
	struct route_watch *w = d->route_watch;

	if (!w)
		return;
	sd_event_source_disable_unref(w->source);
	if (w->nl)
		mnl_socket_close(w->nl);
	free(w);
	d->route_watch = NULL;
}
