/* nl_neigh.c - see nl_neigh.h. */
#include "nl_neigh.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/neighbour.h>

#include "nl_attr.h"

int nl_neigh_parse(const void *payload, size_t len, struct nl_neigh *n)
{
	const struct ndmsg *m = payload;
	const struct nlattr *attr;
	size_t addr_len;
	bool has_dst = false;

	memset(n, 0, sizeof(*n));
	if (len < sizeof(*m) || (m->ndm_family != AF_INET && m->ndm_family != AF_INET6))
		return -EINVAL;
	n->family = m->ndm_family;
	n->ifindex = (unsigned)m->ndm_ifindex;
	n->state = m->ndm_state;
	addr_len = n->family == AF_INET ? 4 : 16;
	NL_FOR_EACH_ATTR(attr, (const uint8_t *)payload + NLMSG_ALIGN(sizeof(*m)),
			 len - NLMSG_ALIGN(sizeof(*m))) {
		size_t plen = mnl_attr_get_payload_len(attr);

		if (mnl_attr_get_type(attr) == NDA_DST && plen == addr_len) {
			memcpy(n->dst, mnl_attr_get_payload(attr), plen);
			has_dst = true;
		} else if (mnl_attr_get_type(attr) == NDA_LLADDR && plen > 0 &&
			   plen <= NL_NEIGH_LLADDR_MAX) {
			memcpy(n->lladdr, mnl_attr_get_payload(attr), plen);
			n->lladdr_len = (uint8_t)plen;
		}
	}
	return has_dst ? 0 : -EINVAL;
}

int nl_neigh_failed_payload(uint8_t family, unsigned ifindex, const uint8_t *dst, uint8_t *out,
			    size_t cap)
{
	size_t addr_len = family == AF_INET ? 4 : 16;
	size_t need = NLMSG_ALIGN(sizeof(struct ndmsg)) + MNL_ALIGN(MNL_ATTR_HDRLEN + addr_len);
	struct ndmsg *m = (struct ndmsg *)out;
	struct nlattr *a;

	if (need > cap)
		return -ENOSPC;
	memset(out, 0, need);
	m->ndm_family = family;
	m->ndm_ifindex = (int)ifindex;
	m->ndm_state = NUD_FAILED;
	a = (struct nlattr *)(out + NLMSG_ALIGN(sizeof(*m)));
	a->nla_type = NDA_DST;
	a->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + addr_len);
	memcpy(mnl_attr_get_payload(a), dst, addr_len);
	return (int)need;
}

/* The kernel's NUD_VALID (include/net/neighbour.h), not in the uapi. */
#define NUD_VALID_STATES \
	(NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)

bool nl_neigh_valid(const struct nl_neigh *n)
{
	return n->state & NUD_VALID_STATES;
}

bool nl_neigh_static(const struct nl_neigh *n)
{
	return n->state & (NUD_PERMANENT | NUD_NOARP);
}
