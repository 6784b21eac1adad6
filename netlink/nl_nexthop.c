/* nl_nexthop.c - see nl_nexthop.h. */
#include "nl_nexthop.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/nexthop.h>

#include "nl_attr.h"

int nl_nexthop_parse(const void *payload, size_t len, struct nl_nexthop *nh)
{
	const struct nhmsg *m = payload;
	const struct nlattr *attr;
	bool has_id = false;

	memset(nh, 0, sizeof(*nh));
	if (len < sizeof(*m))
		return -EINVAL;
	nh->family = m->nh_family;
	nh->protocol = m->nh_protocol;
	NL_FOR_EACH_ATTR(attr, (const uint8_t *)payload + NLMSG_ALIGN(sizeof(*m)),
			 len - NLMSG_ALIGN(sizeof(*m))) {
		size_t plen = mnl_attr_get_payload_len(attr);

		switch (mnl_attr_get_type(attr)) {
		case NHA_ID:
			if (plen == 4) {
				nh->id = mnl_attr_get_u32(attr);
				has_id = true;
			}
			break;
		case NHA_GROUP: {
			const struct nexthop_grp *g = mnl_attr_get_payload(attr);
			size_t n = plen / sizeof(*g);

			nh->is_group = true;
			if (n > NL_NEXTHOP_GROUP_MAX) {
				nh->unsupported = true;
				n = NL_NEXTHOP_GROUP_MAX;
			}
			for (size_t i = 0; i < n; i++) {
				nh->members[i].id = g[i].id;
				nh->members[i].weight = g[i].weight;
			}
			nh->n_members = (unsigned)n;
			break;
		}
		case NHA_GROUP_TYPE:
			if (plen == 2 && mnl_attr_get_u16(attr) != NEXTHOP_GRP_TYPE_MPATH)
				nh->unsupported = true;
			break;
		case NHA_BLACKHOLE:
			nh->blackhole = true;
			break;
		case NHA_FDB:
			nh->unsupported = true;
			break;
		case NHA_OIF:
			if (plen == 4)
				nh->ifindex = mnl_attr_get_u32(attr);
			break;
		case NHA_GATEWAY:
			if (plen == 4 || plen == 16) {
				memcpy(nh->gw, mnl_attr_get_payload(attr), plen);
				nh->has_gw = true;
			}
			break;
		default:
			break;
		}
	}
	return has_id ? 0 : -EINVAL;
}

int nl_nexthop_group_payload(const struct nl_nexthop *g, const bool *keep, uint8_t *out,
			     size_t cap)
{
	struct nexthop_grp members[NL_NEXTHOP_GROUP_MAX];
	size_t n = 0, need;
	struct nhmsg *m = (struct nhmsg *)out;
	struct nlattr *a;

	for (unsigned i = 0; i < g->n_members; i++) {
		if (keep && !keep[i])
			continue;
		memset(&members[n], 0, sizeof(members[n]));
		members[n].id = g->members[i].id;
		members[n].weight = g->members[i].weight;
		n++;
	}
	need = NLMSG_ALIGN(sizeof(*m)) + MNL_ALIGN(MNL_ATTR_HDRLEN + 4) +
	       MNL_ALIGN(MNL_ATTR_HDRLEN + n * sizeof(members[0]));
	if (need > cap)
		return -ENOSPC;
	memset(out, 0, need);
	m->nh_family = AF_UNSPEC;
	m->nh_protocol = g->protocol;
	a = (struct nlattr *)(out + NLMSG_ALIGN(sizeof(*m)));
	a->nla_type = NHA_ID;
	a->nla_len = MNL_ATTR_HDRLEN + 4;
	memcpy(mnl_attr_get_payload(a), &g->id, 4);
	a = (struct nlattr *)((uint8_t *)a + MNL_ALIGN(a->nla_len));
	a->nla_type = NHA_GROUP;
	a->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + n * sizeof(members[0]));
	memcpy(mnl_attr_get_payload(a), members, n * sizeof(members[0]));
	return (int)need;
}
