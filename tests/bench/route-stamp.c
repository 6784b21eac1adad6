/*
 * route-stamp - print the kernel's route and neighbour notifications with
 * the time they were read, fast enough to time a burst of 10,000 route
 * changes.
 *
 * `ip -ts monitor route` writes every event on its own (a write(2) each,
 * with names resolved), about 100 events per millisecond on a small
 * machine: a failover that changes 10,000 routes in 20 ms shows up there
 * over 100 ms. route-stamp reads every notification queued (recvmmsg)
 * once a millisecond, stamps them with the time of that read (at most a
 * millisecond late) and writes their lines at once.
 * The lines look like ip's, as far as the lab's parser needs:
 *
 *   [2026-11-23T16:33:11.708865] [Deleted ][TYPE ]DST/LEN [via GW]... proto N table T
 *
 * where TYPE is a route type other than unicast (blackhole, ...), and for a
 * neighbour (ARP/NDP) entry, as `ip -ts monitor neigh` prints it:
 *
 *   [2026-11-23T16:33:12.609112] [Deleted ]ADDR dev IFNAME[ lladdr XX:..] STATE
 *
 * where STATE is ip's name of the NUD state (REACHABLE, FAILED, ...; several
 * separated by spaces, NONE for none). The time is local, like ip's. Runs
 * until killed; as root in the namespace to watch (the lab starts it at
 * real-time priority with chrt), where it names the interfaces.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#define RCVBUF (16 << 20)

/* A route type as ip prints it before the destination ("" for unicast). */
static const char *type_name(unsigned type)
{
	switch (type) {
	case RTN_BLACKHOLE: return "blackhole ";
	case RTN_UNREACHABLE: return "unreachable ";
	case RTN_PROHIBIT: return "prohibit ";
	case RTN_LOCAL: return "local ";
	case RTN_BROADCAST: return "broadcast ";
	case RTN_MULTICAST: return "multicast ";
	case RTN_THROW: return "throw ";
	default: return "";
	}
}

/* " via GW" for an RTA_GATEWAY. */
static void put_gateway(FILE *out, int family, const struct nlattr *a)
{
	char text[INET6_ADDRSTRLEN];

	if (inet_ntop(family, mnl_attr_get_payload(a), text, sizeof(text)))
		fprintf(out, " via %s", text);
}

/* The gateways of RTA_MULTIPATH (nexthop objects' routes have one too). */
static void put_multipath(FILE *out, int family, const struct nlattr *mp)
{
	const struct rtnexthop *nh = mnl_attr_get_payload(mp);
	int left = (int)mnl_attr_get_payload_len(mp);

	while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) && nh->rtnh_len <= left) {
		const struct nlattr *attr; /* the name mnl_attr_for_each_payload uses */

		mnl_attr_for_each_payload((const void *)RTNH_DATA(nh), nh->rtnh_len - sizeof(*nh))
			if (mnl_attr_get_type(attr) == RTA_GATEWAY)
				put_gateway(out, family, attr);
		left -= RTNH_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
}

/* One RTM_NEWROUTE or RTM_DELROUTE, IPv4 or IPv6, as a line. */
static void put_route(FILE *out, const char *stamp, const struct nlmsghdr *h)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
	const struct nlattr *a;
	char dst[INET6_ADDRSTRLEN] = "";
	unsigned table = rtm->rtm_table;

	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return;
	mnl_attr_for_each(a, h, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_DST)
			inet_ntop(rtm->rtm_family, mnl_attr_get_payload(a), dst, sizeof(dst));
		else if (mnl_attr_get_type(a) == RTA_TABLE)
			table = mnl_attr_get_u32(a);
	}
	if (!dst[0])
		snprintf(dst, sizeof(dst), "%s", rtm->rtm_family == AF_INET ? "0.0.0.0" : "::");
	fprintf(out, "[%s] %s%s%s/%u", stamp, h->nlmsg_type == RTM_DELROUTE ? "Deleted " : "",
		type_name(rtm->rtm_type), dst, rtm->rtm_dst_len);
	mnl_attr_for_each(a, h, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_GATEWAY)
			put_gateway(out, rtm->rtm_family, a);
		else if (mnl_attr_get_type(a) == RTA_MULTIPATH)
			put_multipath(out, rtm->rtm_family, a);
	}
	fprintf(out, " proto %u table %u\n", rtm->rtm_protocol, table);
}

/* The NUD state bits as ip names them, in ip's order. */
static const struct {
	unsigned bit;
	const char *name;
} nud_names[] = {
	{ NUD_INCOMPLETE, "INCOMPLETE" },
	{ NUD_REACHABLE, "REACHABLE" },
	{ NUD_STALE, "STALE" },
	{ NUD_DELAY, "DELAY" },
	{ NUD_PROBE, "PROBE" },
	{ NUD_FAILED, "FAILED" },
	{ NUD_NOARP, "NOARP" },
	{ NUD_PERMANENT, "PERMANENT" },
};

/* " STATE" for each bit of state (ip's names, hex for the rest), " NONE" for 0. */
static void put_nud(FILE *out, unsigned state)
{
	if (!state) {
		fputs(" NONE", out);
		return;
	}
	for (size_t i = 0; i < sizeof(nud_names) / sizeof(nud_names[0]); i++)
		if (state & nud_names[i].bit) {
			fprintf(out, " %s", nud_names[i].name);
			state &= ~nud_names[i].bit;
		}
	if (state)
		fprintf(out, " %#x", state);
}

/* One RTM_NEWNEIGH or RTM_DELNEIGH of an IPv4 or IPv6 address, as a line. */
static void put_neigh(FILE *out, const char *stamp, const struct nlmsghdr *h)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(h);
	const struct nlattr *a, *lladdr = NULL;
	char dst[INET6_ADDRSTRLEN] = "";
	char ifname[IF_NAMESIZE];

	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
		return;
	mnl_attr_for_each(a, h, sizeof(*ndm)) {
		if (mnl_attr_get_type(a) == NDA_DST)
			inet_ntop(ndm->ndm_family, mnl_attr_get_payload(a), dst, sizeof(dst));
		else if (mnl_attr_get_type(a) == NDA_LLADDR)
			lladdr = a;
	}
	if (!dst[0])
		return;
	if (!if_indextoname((unsigned)ndm->ndm_ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "if%d", ndm->ndm_ifindex);
	fprintf(out, "[%s] %s%s dev %s", stamp, h->nlmsg_type == RTM_DELNEIGH ? "Deleted " : "",
		dst, ifname);
	if (lladdr && mnl_attr_get_payload_len(lladdr) > 0) {
		const unsigned char *ll = mnl_attr_get_payload(lladdr);

		fputs(" lladdr ", out);
		for (unsigned i = 0; i < mnl_attr_get_payload_len(lladdr); i++)
			fprintf(out, "%s%02x", i ? ":" : "", ll[i]);
	}
	put_nud(out, ndm->ndm_state);
	fputc('\n', out);
}

/* The local time of now as ip -ts prints it. */
static void stamp_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char secs[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%.20s.%06d", secs, (int)(ts.tv_nsec / 1000));
}

/*
 * Route changes are polled, not slept on: a reader that sleeps on their
 * socket is woken by every notification, and each wake-up costs the
 * process that changes the routes a few microseconds (measured: a
 * failover's 10,000 changes took 37 ms with a blocking reader at real-time
 * priority, 23 ms with ip monitor, which falls behind and so is woken
 * less). A route stamp is then at most one poll interval late. Neighbour
 * changes come on a socket of their own, which the poll sleeps on: they
 * are few (a failover marks one entry) and wake it at once, so their
 * stamps are not held back by a burst of route changes.
 */
#define POLL_MS 1

/* Up to this many notifications per read (each is one datagram). */
#define BATCH 256
#define MSG_MAX 8192

static char bufs[BATCH][MSG_MAX] __attribute__((aligned(4)));
static struct mmsghdr msgs[BATCH];

/* A netlink socket subscribed to groups, with room for a burst. */
static struct mnl_socket *subscribe(unsigned groups)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK);
	int size = RCVBUF;

	if (!nl || mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		perror("route-stamp: netlink");
		return NULL;
	}
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return nl;
}

/* Print what is queued on nl, stamped with the time of each read. How
 * many notifications, or -1 after an error other than lost events. */
static int drain(struct mnl_socket *nl)
{
	int total = 0;

	for (;;) {
		int n = recvmmsg(mnl_socket_get_fd(nl), msgs, BATCH, MSG_DONTWAIT, NULL);
		char stamp[64];

		if (n < 0 && errno == ENOBUFS) {
			fprintf(stderr, "route-stamp: events lost (ENOBUFS)\n");
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return total;
		if (n <= 0) {
			perror("route-stamp: recvmmsg");
			return -1;
		}
		stamp_now(stamp, sizeof(stamp));
		for (int i = 0; i < n; i++) {
			int left = (int)msgs[i].msg_len;

			for (const struct nlmsghdr *h = (const struct nlmsghdr *)bufs[i];
			     mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left))
				if (h->nlmsg_type == RTM_NEWROUTE || h->nlmsg_type == RTM_DELROUTE)
					put_route(stdout, stamp, h);
				else if (h->nlmsg_type == RTM_NEWNEIGH || h->nlmsg_type == RTM_DELNEIGH)
					put_neigh(stdout, stamp, h);
		}
		fflush(stdout);
		total += n;
	}
}

/* Subscribes, then reads and prints every notification until killed. */
int main(void)
{
	static struct iovec iov[BATCH];
	struct mnl_socket *routes = subscribe(RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE);
	struct mnl_socket *neighs = subscribe(RTMGRP_NEIGH);

	if (!routes || !neighs)
		return 1;
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ bufs[i], MSG_MAX };
		msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	for (;;) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(neighs), .events = POLLIN };

		if (drain(neighs) < 0 || drain(routes) < 0)
			return 1;
		if (poll(&pfd, 1, POLL_MS) < 0 && errno != EINTR) {
			perror("route-stamp: poll");
			return 1;
		}
	}
}
