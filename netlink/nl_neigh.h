/*
 * nl_neigh.h - neighbour table entries (RTM_NEWNEIGH) as route actions need
 * them: which link-layer address an IP neighbour has on which interface.
 */
#ifndef EDGEBFD_NL_NEIGH_H
#define EDGEBFD_NL_NEIGH_H

#include <stdbool.h>
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

/*
 * The RTM_NEWNEIGH payload that sets the entry of dst (family's length) on
 * ifindex to NUD_FAILED, creating it if there is none: send it with
 * NLM_F_CREATE | NLM_F_REPLACE. Into out; its length, or -ENOSPC.
 */
int nl_neigh_failed_payload(uint8_t family, unsigned ifindex, const uint8_t *dst, uint8_t *out,
			    size_t cap);

/* Whether the kernel counts entry n as a live next hop (NUD_VALID, which
 * includes permanent and noarp entries). */
bool nl_neigh_valid(const struct nl_neigh *n);

/* Whether entry n is the operator's (permanent or noarp): never ours to
 * change. */
bool nl_neigh_static(const struct nl_neigh *n);

#endif
