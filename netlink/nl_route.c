/* nl_route.c - see nl_route.h. */
#include "nl_route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "nl_attr.h"

#ifndef RTA_NH_ID
#define RTA_NH_ID 30
#endif

/* The attributes a route is made of, as RTM_NEWROUTE accepts them (the
 * rtm_ipv4_policy and rtm_ipv6_policy of the kernel). Everything else in a
 * dump (RTA_CACHEINFO, RTA_EXPIRES, ...) is the kernel's bookkeeping. */
static bool attr_kept(uint16_t type)
{
	switch (type) {
	case RTA_DST: case RTA_SRC: case RTA_OIF: case RTA_GATEWAY: case RTA_PRIORITY:
	case RTA_PREFSRC: case RTA_METRICS: case RTA_MULTIPATH: case RTA_FLOW: case RTA_TABLE:
	case RTA_VIA: case RTA_NEWDST: case RTA_PREF: case RTA_ENCAP_TYPE: case RTA_ENCAP:
	case RTA_NH_ID:
		return true;
	default:
		return false;
	}
}

/* A route through a nexthop object is dumped with the object's nexthops
 * too, for information; a request may not have both (rtm_to_fib_config:
 * "Nexthop specification and nexthop id are mutually exclusive"). */
static bool nexthop_attr(uint16_t type)
{
	return type == RTA_OIF || type == RTA_GATEWAY || type == RTA_MULTIPATH ||
	       type == RTA_FLOW || type == RTA_VIA || type == RTA_ENCAP_TYPE || type == RTA_ENCAP;
}

/* Flags the kernel reports but does not take back (RTNH_F_DEAD,
 * RTNH_F_LINKDOWN, offload bits): only "onlink" is the operator's. */
#define KEPT_NH_FLAGS RTNH_F_ONLINK

struct writer {
	uint8_t *out;
	size_t cap, len;
	bool full;
};

static void *writer_reserve(struct writer *w, size_t n)
{
	void *p;

	if (w->full || w->cap - w->len < MNL_ALIGN(n)) {
		w->full = true;
		return NULL;
	}
	p = w->out + w->len;
	memset(p, 0, MNL_ALIGN(n));
	w->len += MNL_ALIGN(n);
	return p;
}

static void writer_attr(struct writer *w, uint16_t type, const void *data, size_t n)
{
	struct nlattr *a = writer_reserve(w, MNL_ATTR_HDRLEN + n);

	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + n);
	memcpy((uint8_t *)a + MNL_ATTR_HDRLEN, data, n);
}

static void writer_copy(struct writer *w, const struct nlattr *a)
{
	writer_attr(w, mnl_attr_get_type(a), mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
}

/* The hops of an RTA_MULTIPATH (offsets relative to raw; raw NULL: an
 * attribute that is not kept, hops for information only). */
static int parse_multipath(const struct nlattr *mp, const uint8_t *raw, struct nl_route *r)
{
	const uint8_t *p = mnl_attr_get_payload(mp);
	size_t left = mnl_attr_get_payload_len(mp);
	size_t alen = nl_addr_len(r->key.family);

	while (left >= sizeof(struct rtnexthop)) {
		struct rtnexthop *nh = (struct rtnexthop *)p;
		struct nl_route_hop *h;
		size_t nlen = nh->rtnh_len;

		if (nlen < sizeof(*nh) || nlen > left)
			return -EINVAL;
		if (r->n_hops == NL_ROUTE_NEXTHOPS_MAX) {
			r->too_many_hops = true;
			return 0;
		}
		h = &r->hops[r->n_hops++];
		memset(h, 0, sizeof(*h));
		h->ifindex = (unsigned)nh->rtnh_ifindex;
		h->weight = (uint16_t)(nh->rtnh_hops + 1);
		if (raw) {
			nh->rtnh_flags &= KEPT_NH_FLAGS;
			h->raw_offset = (uint16_t)(p - raw);
			h->raw_len = (uint16_t)nlen;
		}
		const struct nlattr *attr;

		NL_FOR_EACH_ATTR(attr, RTNH_DATA(nh), nlen - RTNH_LENGTH(0)) {
			if (mnl_attr_get_type(attr) == RTA_GATEWAY &&
			    mnl_attr_get_payload_len(attr) == alen) {
				memcpy(h->gw, mnl_attr_get_payload(attr), alen);
				h->has_gw = true;
			}
		}
		p += RTNH_ALIGN(nlen);
		left = left > RTNH_ALIGN(nlen) ? left - RTNH_ALIGN(nlen) : 0;
	}
	r->multipath = true;
	return 0;
}

int nl_route_parse(const void *payload, size_t len, uint8_t *out, size_t cap,
		   struct nl_route *r)
{
	const struct rtmsg *rtm = payload;
	struct writer w = { .out = out, .cap = cap };
	struct rtmsg *copy;
	size_t alen;

	memset(r, 0, offsetof(struct nl_route, hops));
	r->raw = NULL;
	r->raw_len = 0;
	if (len < sizeof(*rtm) || (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return 0;
	alen = nl_addr_len(rtm->rtm_family);
	copy = writer_reserve(&w, sizeof(*rtm));
	if (!copy)
		return -ENOSPC;
	*copy = *rtm;
	copy->rtm_flags &= KEPT_NH_FLAGS;
	r->key.family = rtm->rtm_family;
	r->key.dst_len = rtm->rtm_dst_len;
	r->key.tos = rtm->rtm_tos;
	r->key.table = rtm->rtm_table;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	r->type = rtm->rtm_type;

	const struct nlattr *attr;
	struct nl_route_hop single = { .weight = 1 };
	const struct nlattr *mp = NULL;
	size_t mp_offset = 0;

	bool has_nhid = false;

	NL_FOR_EACH_ATTR(attr, (const uint8_t *)payload + NLMSG_ALIGN(sizeof(*rtm)),
			 len - NLMSG_ALIGN(sizeof(*rtm)))
		has_nhid |= mnl_attr_get_type(attr) == RTA_NH_ID;
	NL_FOR_EACH_ATTR(attr, (const uint8_t *)payload + NLMSG_ALIGN(sizeof(*rtm)),
			 len - NLMSG_ALIGN(sizeof(*rtm))) {
		uint16_t type = mnl_attr_get_type(attr);
		size_t plen = mnl_attr_get_payload_len(attr);

		if (!attr_kept(type))
			continue;
		if (type == RTA_MULTIPATH) {
			mp = attr;
			mp_offset = w.len;
		}
		/* The hops of an nhid route are parsed (a monitor wants to know
		 * where it goes) but not kept. */
		if (has_nhid && nexthop_attr(type))
			mp_offset = type == RTA_MULTIPATH ? SIZE_MAX : mp_offset;
		else
			writer_copy(&w, attr);
		if (type == RTA_DST && plen == alen)
			memcpy(r->key.dst, mnl_attr_get_payload(attr), alen);
		else if (type == RTA_TABLE && plen == 4)
			r->key.table = mnl_attr_get_u32(attr);
		else if (type == RTA_PRIORITY && plen == 4)
			r->key.metric = mnl_attr_get_u32(attr);
		else if (type == RTA_NH_ID && plen == 4)
			r->nhid = mnl_attr_get_u32(attr);
		else if (type == RTA_OIF && plen == 4)
			single.ifindex = mnl_attr_get_u32(attr);
		else if (type == RTA_GATEWAY && plen == alen) {
			memcpy(single.gw, mnl_attr_get_payload(attr), alen);
			single.has_gw = true;
		}
	}
	if (w.full)
		return -ENOSPC;
	if (mp && mp_offset == SIZE_MAX) {
		if (parse_multipath(mp, NULL, r) < 0)
			return 0;
	} else if (mp) {
		/* Parse the copy, so the flags are masked where they will be sent. */
		if (parse_multipath((const struct nlattr *)(out + mp_offset), out, r) < 0)
			return 0;
	} else if (single.has_gw || single.ifindex) {
		r->hops[0] = single;
		r->n_hops = 1;
	}
	r->raw = out;
	r->raw_len = (uint32_t)w.len;
	return (int)w.len;
}

/* Hops compared as a set: the kernel may report them in another order. */
static bool hop_in(const struct nl_route_hop *h, const struct nl_route *r, size_t alen)
{
	for (unsigned i = 0; i < r->n_hops; i++) {
		const struct nl_route_hop *o = &r->hops[i];

		if (o->has_gw == h->has_gw && o->ifindex == h->ifindex &&
		    (r->n_hops == 1 || o->weight == h->weight) &&
		    (!h->has_gw || memcmp(o->gw, h->gw, alen) == 0))
			return true;
	}
	return false;
}

bool nl_route_same_path(const struct nl_route *a, const struct nl_route *b)
{
	size_t alen = nl_addr_len(a->key.family);

	if (a->type != b->type || a->protocol != b->protocol || a->nhid != b->nhid ||
	    a->key.family != b->key.family)
		return false;
	if (a->nhid)
		return true; /* the same object (what it holds is compared apart) */
	if (a->n_hops != b->n_hops)
		return false;
	for (unsigned i = 0; i < a->n_hops; i++)
		if (!hop_in(&a->hops[i], b, alen) || !hop_in(&b->hops[i], a, alen))
			return false;
	return true;
}

/* The rtmsg of r copied into w; the attributes follow. */
static void copy_header(struct writer *w, const struct nl_route *r)
{
	void *h = writer_reserve(w, sizeof(struct rtmsg));

	if (h)
		memcpy(h, r->raw, sizeof(struct rtmsg));
}

#define for_each_raw_attr(r)                                                              \
	NL_FOR_EACH_ATTR(attr, (r)->raw + NLMSG_ALIGN(sizeof(struct rtmsg)),                  \
			 (r)->raw_len - NLMSG_ALIGN(sizeof(struct rtmsg)))

int nl_route_rewrite(const struct nl_route *r, const bool *keep, uint32_t metric, uint8_t *out,
		     size_t cap)
{
	struct writer w = { .out = out, .cap = cap };
	const struct nlattr *attr;

	copy_header(&w, r);
	for_each_raw_attr(r) {
		uint16_t type = mnl_attr_get_type(attr);

		if (type == RTA_PRIORITY)
			continue;
		if (type != RTA_MULTIPATH) {
			writer_copy(&w, attr);
			continue;
		}
		/* A multipath route keeps RTA_MULTIPATH even with one hop left:
		 * both IPv4 and IPv6 accept that, and each hop keeps its own
		 * nested attributes (flow, encap) byte for byte. */
		size_t n = 0;
		struct nlattr *mp = writer_reserve(&w, MNL_ATTR_HDRLEN);

		if (!mp)
			break;
		for (unsigned i = 0; i < r->n_hops; i++) {
			void *dst;

			if (!keep[i])
				continue;
			dst = writer_reserve(&w, r->hops[i].raw_len);
			if (!dst)
				break;
			memcpy(dst, r->raw + r->hops[i].raw_offset, r->hops[i].raw_len);
			n += RTNH_ALIGN(r->hops[i].raw_len);
		}
		mp->nla_type = RTA_MULTIPATH;
		mp->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + n);
	}
	writer_attr(&w, RTA_PRIORITY, &metric, sizeof(metric));
	return w.full ? -ENOSPC : (int)w.len;
}

int nl_route_inline(const struct nl_route *r, const struct nl_route_hop *hops, unsigned n,
		    uint8_t *out, size_t cap)
{
	struct writer w = { .out = out, .cap = cap };
	const struct nlattr *attr;
	size_t alen = nl_addr_len(r->key.family);

	copy_header(&w, r);
	for_each_raw_attr(r)
		if (mnl_attr_get_type(attr) != RTA_NH_ID)
			writer_copy(&w, attr);

	struct nlattr *mp = writer_reserve(&w, MNL_ATTR_HDRLEN);
	size_t body = 0;

	for (unsigned i = 0; mp && i < n; i++) {
		struct rtnexthop *nh = writer_reserve(&w, sizeof(*nh));
		size_t nlen = sizeof(*nh);

		if (!nh)
			break;
		nh->rtnh_ifindex = (int)hops[i].ifindex;
		nh->rtnh_hops = (uint8_t)(hops[i].weight ? hops[i].weight - 1 : 0);
		if (hops[i].has_gw) {
			writer_attr(&w, RTA_GATEWAY, hops[i].gw, alen);
			nlen += MNL_ALIGN(MNL_ATTR_HDRLEN + alen);
		}
		nh->rtnh_len = (uint16_t)nlen;
		body += nlen;
	}
	if (mp) {
		mp->nla_type = RTA_MULTIPATH;
		mp->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + body);
	}
	return w.full ? -ENOSPC : (int)w.len;
}

const char *nl_route_key_str(const struct nl_route_key *k, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(k->family, k->dst, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, k->dst_len);
	return buf;
}
