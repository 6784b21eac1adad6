/* transport.c - see transport.h. */
#include "transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define SOURCE_PORT_TRIES 64

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

/* A sockaddr for addr:port, scoped to ifindex for IPv6 link-local. */
static socklen_t make_sockaddr(const struct conf_addr *addr, uint16_t port, unsigned ifindex,
			       struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (addr->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = addr->v4;
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = addr->v6;
	if (IN6_IS_ADDR_LINKLOCAL(&addr->v6))
		sin6->sin6_scope_id = ifindex;
	return sizeof(*sin6);
}

int transport_open_rx(int family)
{
	struct sockaddr_storage ss;
	struct conf_addr any = { .family = family };
	int fd, r;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	if (family == AF_INET)
		r = set_int(fd, IPPROTO_IP, IP_RECVTTL, 1) ?: set_int(fd, IPPROTO_IP, IP_PKTINFO, 1);
	else
		r = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) ?:
		    set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) ?:
		    set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	/* No SO_REUSEADDR: for UDP it would let a second BFD daemon bind 3784
	 * as well and take some of our packets; better fail loudly. */
	if (r == 0 && bind(fd, (struct sockaddr *)&ss,
			   make_sockaddr(&any, BFD_CONTROL_PORT, 0, &ss)) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int transport_recv(int fd, struct rx_packet *pkt)
{
	struct sockaddr_storage from;
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
			 CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = pkt->buf, .iov_len = sizeof(pkt->buf) };
	struct msghdr msg = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	pkt->len = (size_t)n;
	pkt->ttl = -1;
	pkt->ifindex = 0;
	memset(&pkt->src, 0, sizeof(pkt->src));
	if (from.ss_family == AF_INET) {
		pkt->src.family = AF_INET;
		pkt->src.v4 = ((struct sockaddr_in *)&from)->sin_addr;
	} else if (from.ss_family == AF_INET6) {
		pkt->src.family = AF_INET6;
		pkt->src.v6 = ((struct sockaddr_in6 *)&from)->sin6_addr;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&pkt->ttl, CMSG_DATA(c), sizeof(int));
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo info;

			memcpy(&info, CMSG_DATA(c), sizeof(info));
			pkt->ifindex = (unsigned)info.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo info;

			memcpy(&info, CMSG_DATA(c), sizeof(info));
			pkt->ifindex = info.ipi6_ifindex;
		}
	}
	return 0;
}

int transport_open_tx(const struct conf_session *session, unsigned ifindex, uint16_t *port)
{
	int family = session->local.family;
	int fd, r;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, session->ifname,
		       (socklen_t)strlen(session->ifname)) < 0)
		r = -errno;
	else if (family == AF_INET)
		r = set_int(fd, IPPROTO_IP, IP_TTL, BFD_TTL) ?:
		    set_int(fd, IPPROTO_IP, IP_TOS, BFD_TOS_CS6);
	else
		r = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) ?:
		    set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, BFD_TTL) ?:
		    set_int(fd, IPPROTO_IPV6, IPV6_TCLASS, BFD_TOS_CS6);
	/* Nothing is ever read from this socket: keep its buffer minimal. */
	if (r == 0)
		r = set_int(fd, SOL_SOCKET, SO_RCVBUF, 1);

	/* RFC 5881 section 4: a source port in 49152-65535, the same for the
	 * whole session (a re-opened socket asks for *port first) and unique
	 * on the system (bind() makes it unique). */
	for (int i = 0; r == 0; i++) {
		struct sockaddr_storage ss;
		uint16_t random, candidate;

		if (i == SOURCE_PORT_TRIES) {
			r = -EADDRINUSE;
			break;
		}
		if (i == 0 && *port >= BFD_SOURCE_PORT_MIN) {
			candidate = *port;
		} else if (getrandom(&random, sizeof(random), 0) != sizeof(random)) {
			r = -errno;
			break;
		} else {
			candidate = (uint16_t)(BFD_SOURCE_PORT_MIN +
					       random % (BFD_SOURCE_PORT_MAX - BFD_SOURCE_PORT_MIN + 1));
		}
		if (bind(fd, (struct sockaddr *)&ss,
			 make_sockaddr(&session->local, candidate, ifindex, &ss)) == 0) {
			*port = candidate;
			break;
		}
		if (errno != EADDRINUSE)
			r = -errno;
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int transport_send(int fd, const struct conf_addr *peer, unsigned ifindex, const uint8_t *buf,
		   size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = make_sockaddr(peer, BFD_CONTROL_PORT, ifindex, &ss);

	if (sendto(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl) < 0)
		return -errno;
	return 0;
}

const char *transport_addr_str(const struct conf_addr *addr, char *buf, size_t len)
{
	if (!inet_ntop(addr->family, addr->family == AF_INET ? (const void *)&addr->v4
							     : (const void *)&addr->v6,
		       buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
