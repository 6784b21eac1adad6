/* link_monitor.c - see link_monitor.h. */
#include "link_monitor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>

/* Messages read per call before returning to the event loop. */
#define READS_PER_CALL 16
/* Room for one datagram of notifications or dump parts (libmnl's
 * MNL_SOCKET_BUFFER_SIZE is the page size, capped at 8 KiB). */
#define RECV_BUFFER_SIZE 32768

struct nl_link_monitor {
	struct mnl_socket *nl;
	unsigned seq;
	char buf[RECV_BUFFER_SIZE];
};

struct dispatch {
	nl_link_event_fn fn;
	void *ctx;
};

static int request_dump(struct nl_link_monitor *m)
{
	char buf[NLMSG_SPACE(sizeof(struct rtgenmsg))] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *gen;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++m->seq;
	gen = mnl_nlmsg_put_extra_header(nlh, sizeof(*gen));
	gen->rtgen_family = AF_UNSPEC;
	return mnl_socket_sendto(m->nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

int nl_link_monitor_open(struct nl_link_monitor **out)
{
	struct nl_link_monitor *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return -ENOMEM;
	m->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!m->nl) {
		r = -errno;
		free(m);
		return r;
	}
	m->seq = (unsigned)time(NULL);
	if (mnl_socket_bind(m->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		nl_link_monitor_close(m);
		return r;
	}
	r = request_dump(m);
	if (r < 0) {
		nl_link_monitor_close(m);
		return r;
	}
	*out = m;
	return 0;
}

void nl_link_monitor_close(struct nl_link_monitor *m)
{
	if (!m)
		return;
	mnl_socket_close(m->nl);
	free(m);
}

int nl_link_monitor_fd(const struct nl_link_monitor *m)
{
	return mnl_socket_get_fd(m->nl);
}

static int ifname_attr(const struct nlattr *attr, void *data)
{
	const char **ifname = data;

	if (mnl_attr_get_type(attr) == IFLA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*ifname = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

static int on_message(const struct nlmsghdr *nlh, void *data)
{
	const struct dispatch *d = data;
	const struct ifinfomsg *ifi;
	const char *ifname = NULL;
	struct nl_link_event ev = { 0 };

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK; /* malformed: ignore rather than stop */
	ifi = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*ifi), ifname_attr, &ifname);
	if (!ifname || strlen(ifname) >= sizeof(ev.ifname))
		return MNL_CB_OK;
	ev.ifindex = (unsigned)ifi->ifi_index;
	memcpy(ev.ifname, ifname, strlen(ifname) + 1);
	ev.admin_up = ifi->ifi_flags & IFF_UP;
	ev.carrier = ifi->ifi_flags & IFF_LOWER_UP;
	ev.deleted = nlh->nlmsg_type == RTM_DELLINK;
	d->fn(d->ctx, &ev);
	return MNL_CB_OK;
}

int nl_link_monitor_read(struct nl_link_monitor *m, nl_link_event_fn fn, void *ctx)
{
	struct dispatch d = { .fn = fn, .ctx = ctx };

	for (int i = 0; i < READS_PER_CALL; i++) {
		ssize_t n = mnl_socket_recvfrom(m->nl, m->buf, sizeof(m->buf));

		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0 && errno == ENOBUFS) {
			/* Notifications were lost: ask for the whole state again. */
			int r = request_dump(m);

			return r < 0 ? r : -ENOBUFS;
		}
		if (n < 0)
			return -errno;
		/* Sequence and port 0: accept notifications and dump parts alike. */
		if (mnl_cb_run(m->buf, (size_t)n, 0, 0, on_message, &d) == MNL_CB_ERROR &&
		    errno != 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}
