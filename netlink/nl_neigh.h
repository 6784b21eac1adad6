/*
 * nl_neigh.h - neighbour table entries (RTM_NEWNEIGH) as route actions need
 * them: which link-layer address an IP neighbour has on which interface.
 */
#ifndef EDGEBFD_NL_NEIGH_H
#define EDGEBFD_NL_NEIGH_H

#include <stddef.h>
#include <stdint.h>

#define NL_NEIGH_LLADDR_MAX 32

struct nl_neigh {
	uint8_t family;
	unsigned ifindex;
	uint16_t state;                       /* NUD_* */
	uint8_t dst[16];                      /* NDA_DST */
	uint8_t lladdr[NL_NEIGH_LLADDR_MAX];  /* NDA_LLADDR, when the entry has one */
	uint8_t lladdr_len;                   /* 0: none (incomplete, failed) */
};

/* Parse an RTM_NEWNEIGH payload (struct ndmsg and attributes). 0, or
 * -EINVAL for a payload without a destination of its family. */
int nl_neigh_parse(const void *payload, size_t len, struct nl_neigh *n);

#endif
