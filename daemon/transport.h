/*
 * transport.h - BFD over UDP, single hop (RFC 5881).
 *
 * One receive socket per address family on port 3784 reports for every
 * packet its TTL / hop limit (IP_RECVTTL, IPV6_RECVHOPLIMIT) and ingress
 * interface (IP_PKTINFO, IPV6_RECVPKTINFO). Each session sends from its own
 * socket: bound to its interface (SO_BINDTODEVICE, so VLAN subinterfaces
 * and IPv6 link-local peers work), to its local address and to a source
 * port from 49152-65535 kept for the session's life (section 4), with TTL /
 * hop limit 255 (section 5) and DSCP CS6 like other routing protocols.
 */
#ifndef EDGEBFD_TRANSPORT_H
#define EDGEBFD_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define BFD_CONTROL_PORT 3784       /* RFC 5881 section 4 */
#define BFD_SOURCE_PORT_MIN 49152
#define BFD_SOURCE_PORT_MAX 65535
#define BFD_TTL 255                 /* RFC 5881 section 5 (GTSM) */
#define BFD_TOS_CS6 0xc0

struct rx_packet {
	uint8_t buf[512];   /* a BFD packet is at most 255 bytes; more is malformed */
	size_t len;
	struct conf_addr src;
	unsigned ifindex;   /* ingress interface */
	int ttl;            /* TTL or hop limit; -1 if the kernel did not say */
};

/* Open the receive socket of family (AF_INET or AF_INET6). Returns an fd
 * or a negative errno. */
int transport_open_rx(int family);

/* Receive one packet. Returns 0, -EAGAIN when there is none, or -errno. */
int transport_recv(int fd, struct rx_packet *pkt);

/* Open the sending socket of a session on interface ifindex, bound to the
 * source port *port if it is one of 49152-65535 and free (a re-opened
 * socket keeps its port), else to a random free one, stored in *port.
 * Returns an fd or a negative errno (-EADDRNOTAVAIL while the local address
 * is missing or, for IPv6, still tentative). */
int transport_open_tx(const struct conf_session *session, unsigned ifindex, uint16_t *port);

/* Send len bytes to the session's peer on port 3784. Returns 0 or -errno. */
int transport_send(int fd, const struct conf_addr *peer, unsigned ifindex, const uint8_t *buf,
		   size_t len);

/* Format an address for messages and JSON (INET6_ADDRSTRLEN bytes). */
const char *transport_addr_str(const struct conf_addr *addr, char *buf, size_t len);

#endif
