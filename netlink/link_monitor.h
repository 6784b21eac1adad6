/*
 * link_monitor.h - interface state from the kernel (rtnetlink RTM_NEWLINK /
 * RTM_DELLINK, multicast group RTMGRP_LINK) through libmnl.
 *
 * edgebfdd reacts to a link that goes administratively down or loses its
 * carrier at once, without waiting for a BFD Detection Time (RFC 5880
 * diag 5, Path Down). The monitor only reports; it never logs.
 */
#ifndef EDGEBFD_LINK_MONITOR_H
#define EDGEBFD_LINK_MONITOR_H

#include <net/if.h>
#include <stdbool.h>

struct nl_link_monitor;

/* One interface's state, from a notification or a dump. */
struct nl_link_event {
	unsigned ifindex;
	char ifname[IF_NAMESIZE];
	bool admin_up;   /* IFF_UP */
	bool carrier;    /* IFF_LOWER_UP */
	bool deleted;    /* RTM_DELLINK */
};

typedef void (*nl_link_event_fn)(void *ctx, const struct nl_link_event *event);

/* Open a non-blocking monitor and ask for a dump of every interface, whose
 * answers arrive through nl_link_monitor_read() like notifications.
 * Returns 0 or -errno. */
int nl_link_monitor_open(struct nl_link_monitor **out);

/* Accepts NULL. */
void nl_link_monitor_close(struct nl_link_monitor *m);

/* The descriptor to poll for input. */
int nl_link_monitor_fd(const struct nl_link_monitor *m);

/*
 * Read what is pending and call fn for each interface message. Returns 0
 * when nothing more is pending, or -errno. On -ENOBUFS the kernel dropped
 * notifications: a fresh dump has been requested, so the state converges
 * again (the caller just keeps reading).
 */
int nl_link_monitor_read(struct nl_link_monitor *m, nl_link_event_fn fn, void *ctx);

#endif
