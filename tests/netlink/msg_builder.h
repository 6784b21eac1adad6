/*
 * msg_builder.h - rtnetlink payloads built by hand for the tests: a struct
 * rtmsg (or struct nhmsg) and attributes, RTA_MULTIPATH with its
 * rtnexthop entries, exactly as the kernel lays them out (4-byte aligned,
 * nla_len without the padding).
 */
#ifndef EDGEBFD_TESTS_MSG_BUILDER_H
#define EDGEBFD_TESTS_MSG_BUILDER_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef RTA_NH_ID
#define RTA_NH_ID 30
#endif

#define MSG_MAX 8192

struct msg {
	uint8_t buf[MSG_MAX] __attribute__((aligned(4)));
	size_t len;
};

/* A route message: rtm_* fields; scope universe, tos 0, no flags. */
static inline void msg_route(struct msg *m, uint8_t family, uint8_t dst_len, uint8_t table,
			     uint8_t protocol, uint8_t type)
{
	struct rtmsg rtm;

	memset(m, 0, sizeof(*m));
	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = family;
	rtm.rtm_dst_len = dst_len;
	rtm.rtm_table = table;
	rtm.rtm_protocol = protocol;
	rtm.rtm_type = type;
	rtm.rtm_scope = RT_SCOPE_UNIVERSE;
	memcpy(m->buf, &rtm, sizeof(rtm));
	m->len = NLMSG_ALIGN(sizeof(rtm));
}

/* The rtmsg of a route message, to change with msg_rtm_put(). */
static inline struct rtmsg msg_rtm(const struct msg *m)
{
	struct rtmsg rtm;

	memcpy(&rtm, m->buf, sizeof(rtm));
	return rtm;
}

static inline void msg_rtm_put(struct msg *m, const struct rtmsg *rtm)
{
	memcpy(m->buf, rtm, sizeof(*rtm));
}

/* Reserve n bytes (zeroed, aligned); their offset. */
static inline size_t msg_reserve(struct msg *m, size_t n)
{
	size_t at = m->len;

	memset(m->buf + at, 0, NLA_ALIGN(n));
	m->len += NLA_ALIGN(n);
	return at;
}

/* An attribute of n bytes of data; its offset. */
static inline size_t msg_attr(struct msg *m, uint16_t type, const void *data, size_t n)
{
	size_t at = msg_reserve(m, NLA_HDRLEN + n);
	struct nlattr *a = (struct nlattr *)(m->buf + at);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	if (n)
		memcpy(m->buf + at + NLA_HDRLEN, data, n);
	return at;
}

static inline size_t msg_u32(struct msg *m, uint16_t type, uint32_t v)
{
	return msg_attr(m, type, &v, sizeof(v));
}

/* The bytes of an IPv4 or IPv6 address; 4 or 16. */
static inline size_t addr_bytes(int family, const char *text, uint8_t *out)
{
	memset(out, 0, 16);
	if (inet_pton(family, text, out) != 1)
		return 0;
	return family == AF_INET ? 4 : 16;
}

static inline size_t msg_addr(struct msg *m, uint16_t type, int family, const char *text)
{
	uint8_t a[16];
	size_t n = addr_bytes(family, text, a);

	return msg_attr(m, type, a, n);
}

/* RTA_MULTIPATH: begin, one hop after the other, end. */
static inline size_t msg_mp_begin(struct msg *m)
{
	return msg_attr(m, RTA_MULTIPATH, NULL, 0);
}

/* One rtnexthop (gw NULL: none) and, if flow, a nested RTA_FLOW. */
static inline size_t msg_mp_hop(struct msg *m, int family, int ifindex, uint8_t hops,
				uint8_t flags, const char *gw, uint32_t flow)
{
	size_t at = msg_reserve(m, sizeof(struct rtnexthop));
	struct rtnexthop *nh;

	if (gw)
		msg_addr(m, RTA_GATEWAY, family, gw);
	if (flow)
		msg_u32(m, RTA_FLOW, flow);
	nh = (struct rtnexthop *)(m->buf + at);
	nh->rtnh_ifindex = ifindex;
	nh->rtnh_hops = hops;
	nh->rtnh_flags = flags;
	nh->rtnh_len = (unsigned short)(m->len - at);
	return at;
}

static inline void msg_mp_end(struct msg *m, size_t at)
{
	((struct nlattr *)(m->buf + at))->nla_len = (uint16_t)(m->len - at);
}

/* A struct rta_cacheinfo as a dump carries it. */
static inline void msg_cacheinfo(struct msg *m)
{
	struct rta_cacheinfo ci;

	memset(&ci, 0, sizeof(ci));
	ci.rta_used = 7;
	ci.rta_expires = 300;
	msg_attr(m, RTA_CACHEINFO, &ci, sizeof(ci));
}

/* The attributes after the rtmsg of a route payload. */
#define RAW_FOR_EACH_ATTR(a, raw, len)                                                     \
	for ((a) = (const struct nlattr *)(const void *)((raw) + NLMSG_ALIGN(sizeof(struct rtmsg))); \
	     (size_t)((const uint8_t *)(a) - (raw)) + NLA_HDRLEN <= (len) && (a)->nla_len >= NLA_HDRLEN; \
	     (a) = (const struct nlattr *)(const void *)((const uint8_t *)(a) + NLA_ALIGN((a)->nla_len)))

/* How many top-level attributes of type the route payload has; *first the
 * first of them. */
static inline unsigned raw_count_attr(const uint8_t *raw, size_t len, uint16_t type,
				      const struct nlattr **first)
{
	const struct nlattr *a;
	unsigned n = 0;

	if (first)
		*first = NULL;
	RAW_FOR_EACH_ATTR(a, raw, len) {
		if (a->nla_type != type)
			continue;
		if (first && n == 0)
			*first = a;
		n++;
	}
	return n;
}

/* The types of the top-level attributes, in order, into types[]; how many. */
static inline unsigned raw_attr_types(const uint8_t *raw, size_t len, uint16_t *types,
				      unsigned max)
{
	const struct nlattr *a;
	unsigned n = 0;

	RAW_FOR_EACH_ATTR(a, raw, len) {
		if (n < max)
			types[n] = a->nla_type;
		n++;
	}
	return n;
}

#endif
