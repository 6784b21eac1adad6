/*
 * test_nl_route.c - routes as rtnetlink carries them (netlink/nl_route.c),
 * on payloads built by hand: what nl_route_parse() reports and keeps (the
 * bytes a restore sends back), the rewrites of a route action
 * (nl_route_rewrite, nl_route_inline), the comparison of paths and the
 * key's text; truncated and random input must never crash it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg_builder.h"
#include "nl_route.h"

#define OUT_MAX 4096

static uint8_t out[OUT_MAX] __attribute__((aligned(4)));
static uint8_t out2[OUT_MAX] __attribute__((aligned(4)));
static uint8_t out3[OUT_MAX] __attribute__((aligned(4)));

/* ---- payloads -------------------------------------------------------------- */

#define CACHEINFO_SIZE NLA_ALIGN(NLA_HDRLEN + sizeof(struct rta_cacheinfo))

/* 10.1.2.0/24 via 192.0.2.2 dev 3, metric 20, table 254 by RTA_TABLE, a
 * prefsrc, and RTA_CACHEINFO in the middle; the route's flags carry
 * what the kernel reports (linkdown, cloned) besides onlink. */
static void build_single_v4(struct msg *m)
{
	struct rtmsg rtm;

	msg_route(m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
	rtm = msg_rtm(m);
	rtm.rtm_flags = RTNH_F_ONLINK | RTNH_F_LINKDOWN | RTNH_F_DEAD;
	rtm.rtm_tos = 0x10;
	msg_rtm_put(m, &rtm);
	msg_u32(m, RTA_TABLE, RT_TABLE_MAIN);
	msg_addr(m, RTA_DST, AF_INET, "10.1.2.0");
	msg_u32(m, RTA_PRIORITY, 20);
	msg_cacheinfo(m);
	msg_addr(m, RTA_PREFSRC, AF_INET, "192.0.2.1");
	msg_addr(m, RTA_GATEWAY, AF_INET, "192.0.2.2");
	msg_u32(m, RTA_OIF, 3);
}

/* 10.2.0.0/16 metric 20 over three hops:
 *   0: via 192.0.2.2 dev 2, weight 1, onlink + linkdown
 *   1: via 198.51.100.2 dev 3, weight 5, dead + linkdown, a nested RTA_FLOW
 *   2: via 203.0.113.2 dev 4, weight 1
 * then RTA_CACHEINFO. */
static void build_mp_v4(struct msg *m)
{
	size_t mp;

	msg_route(m, AF_INET, 16, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
	msg_addr(m, RTA_DST, AF_INET, "10.2.0.0");
	msg_u32(m, RTA_PRIORITY, 20);
	msg_u32(m, RTA_TABLE, RT_TABLE_MAIN);
	mp = msg_mp_begin(m);
	msg_mp_hop(m, AF_INET, 2, 0, RTNH_F_ONLINK | RTNH_F_LINKDOWN, "192.0.2.2", 0);
	msg_mp_hop(m, AF_INET, 3, 4, RTNH_F_DEAD | RTNH_F_LINKDOWN, "198.51.100.2", 0x10002);
	msg_mp_hop(m, AF_INET, 4, 0, 0, "203.0.113.2", 0);
	msg_mp_end(m, mp);
	msg_cacheinfo(m);
}

static void assert_gw(const struct nl_route_hop *h, int family, const char *text)
{
	uint8_t want[16];
	size_t n = addr_bytes(family, text, want);

	assert_true(n > 0);
	assert_true(h->has_gw);
	assert_memory_equal(h->gw, want, n);
}

static void assert_hop(const struct nl_route_hop *h, int family, const char *gw,
		       unsigned ifindex, unsigned weight)
{
	if (gw)
		assert_gw(h, family, gw);
	else
		assert_false(h->has_gw);
	assert_int_equal(h->ifindex, ifindex);
	assert_int_equal(h->weight, weight);
}

static void assert_types(const uint8_t *raw, size_t len, const uint16_t *want, unsigned n)
{
	uint16_t types[64] = { 0 };
	unsigned got = raw_attr_types(raw, len, types, 64);

	if (got != n) {
		print_error("%u attributes, expected %u\n", got, n);
		fail();
		return;
	}
	for (unsigned i = 0; i < n; i++)
		if (types[i] != want[i]) {
			print_error("attribute %u is of type %u, expected %u\n", i, types[i],
				    want[i]);
			fail();
		}
}

/* The attribute of type in raw is byte for byte the one in the message. */
static void assert_attr_copied(const uint8_t *raw, size_t len, const struct msg *m,
			       uint16_t type)
{
	const struct nlattr *a, *b;

	assert_int_equal(raw_count_attr(raw, len, type, &a), 1);
	assert_int_equal(raw_count_attr(m->buf, m->len, type, &b), 1);
	if (!a || !b) {
		fail();
		return;
	}
	assert_int_equal(a->nla_len, b->nla_len);
	assert_memory_equal(a, b, a->nla_len);
}

/* ---- nl_route_parse -------------------------------------------------------- */

static void test_parse_single_v4(void **state)
{
	static const uint16_t kept[] = { RTA_TABLE, RTA_DST, RTA_PRIORITY, RTA_PREFSRC,
					 RTA_GATEWAY, RTA_OIF };
	struct msg m, copy;
	struct nl_route r;
	int len;

	(void)state;
	build_single_v4(&m);
	copy = m;
	len = nl_route_parse(m.buf, m.len, out, sizeof(out), &r);
	assert_int_equal(len, m.len - CACHEINFO_SIZE);
	assert_ptr_equal(r.raw, out);
	assert_int_equal(r.raw_len, len);
	/* the input is left as it was */
	assert_memory_equal(m.buf, copy.buf, m.len);

	assert_int_equal(r.key.family, AF_INET);
	assert_int_equal(r.key.dst_len, 24);
	assert_int_equal(r.key.tos, 0x10);
	assert_int_equal(r.key.table, RT_TABLE_MAIN);
	assert_int_equal(r.key.metric, 20);
	static const uint8_t dst[16] = { 10, 1, 2, 0 };

	assert_memory_equal(r.key.dst, dst, sizeof(dst));
	assert_int_equal(r.protocol, RTPROT_BGP);
	assert_int_equal(r.scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(r.type, RTN_UNICAST);
	assert_int_equal(r.nhid, 0);
	assert_false(r.multipath);
	assert_false(r.too_many_hops);
	assert_int_equal(r.n_hops, 1);
	assert_hop(&r.hops[0], AF_INET, "192.0.2.2", 3, 1);
	assert_int_equal(r.hops[0].raw_offset, 0);
	assert_int_equal(r.hops[0].raw_len, 0);

	/* the rtmsg as it was, but only the onlink flag */
	struct rtmsg want = msg_rtm(&m);

	want.rtm_flags = RTNH_F_ONLINK;
	assert_memory_equal(out, &want, sizeof(want));
	/* the attributes in their order, without RTA_CACHEINFO, byte for byte */
	assert_types(out, (size_t)len, kept, sizeof(kept) / sizeof(kept[0]));
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		assert_attr_copied(out, (size_t)len, &m, kept[i]);
}

static void test_parse_table_and_metric(void **state)
{
	struct msg m;
	struct nl_route r;

	(void)state;
	/* RTA_TABLE wins over rtm_table (252: "see RTA_TABLE") */
	msg_route(&m, AF_INET, 32, RT_TABLE_COMPAT, RTPROT_STATIC, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "203.0.113.9");
	msg_u32(&m, RTA_TABLE, 1000);
	msg_u32(&m, RTA_OIF, 9);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	assert_int_equal(r.key.table, 1000);
	assert_int_equal(r.key.metric, 0); /* no RTA_PRIORITY: metric 0 */
	assert_int_equal(r.key.dst_len, 32);
	assert_int_equal(r.protocol, RTPROT_STATIC);
	assert_int_equal(r.n_hops, 1);
	assert_hop(&r.hops[0], AF_INET, NULL, 9, 1);

	/* without RTA_TABLE: rtm_table; without RTA_DST: the default route */
	msg_route(&m, AF_INET, 0, 100, RTPROT_BGP, RTN_UNICAST);
	msg_addr(&m, RTA_GATEWAY, AF_INET, "192.0.2.2");
	msg_u32(&m, RTA_PRIORITY, 0xffffffffu);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	assert_int_equal(r.key.table, 100);
	assert_int_equal(r.key.metric, 0xffffffffu);
	static const uint8_t zero[16];

	assert_memory_equal(r.key.dst, zero, sizeof(zero));
	assert_int_equal(r.n_hops, 1);
	assert_hop(&r.hops[0], AF_INET, "192.0.2.2", 0, 1);

	/* an address of the other family's length is not taken as one */
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET6, "2001:db8::");
	msg_addr(&m, RTA_GATEWAY, AF_INET6, "2001:db8::2");
	msg_u32(&m, RTA_OIF, 2);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	assert_memory_equal(r.key.dst, zero, sizeof(zero));
	assert_int_equal(r.n_hops, 1);
	assert_false(r.hops[0].has_gw);
}

static void test_parse_v6_device_route(void **state)
{
	struct msg m;
	struct nl_route r;
	uint8_t dst[16];
	uint8_t pref = 1;
	int len;

	(void)state;
	msg_route(&m, AF_INET6, 48, RT_TABLE_MAIN, RTPROT_STATIC, RTN_UNICAST);
	msg_u32(&m, RTA_TABLE, RT_TABLE_MAIN);
	msg_addr(&m, RTA_DST, AF_INET6, "2001:db8:1::");
	msg_u32(&m, RTA_PRIORITY, 1024);
	msg_u32(&m, RTA_OIF, 7);
	msg_cacheinfo(&m);
	msg_attr(&m, RTA_PREF, &pref, 1);
	len = nl_route_parse(m.buf, m.len, out, sizeof(out), &r);
	assert_int_equal(len, m.len - CACHEINFO_SIZE);
	assert_int_equal(r.key.family, AF_INET6);
	assert_int_equal(r.key.dst_len, 48);
	addr_bytes(AF_INET6, "2001:db8:1::", dst);
	assert_memory_equal(r.key.dst, dst, 16);
	assert_int_equal(r.key.metric, 1024);
	assert_int_equal(r.n_hops, 1);
	assert_hop(&r.hops[0], AF_INET6, NULL, 7, 1);
	assert_int_equal(raw_count_attr(out, (size_t)len, RTA_PREF, NULL), 1);
	assert_int_equal(raw_count_attr(out, (size_t)len, RTA_CACHEINFO, NULL), 0);

	/* a v6 gateway */
	msg_route(&m, AF_INET6, 64, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET6, "2001:db8:2::");
	msg_addr(&m, RTA_GATEWAY, AF_INET6, "fe80::2");
	msg_u32(&m, RTA_OIF, 7);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	assert_hop(&r.hops[0], AF_INET6, "fe80::2", 7, 1);

	/* a blackhole has no hops */
	msg_route(&m, AF_INET6, 32, RT_TABLE_MAIN, RTPROT_STATIC, RTN_BLACKHOLE);
	msg_addr(&m, RTA_DST, AF_INET6, "2001:db8::");
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	assert_int_equal(r.type, RTN_BLACKHOLE);
	assert_int_equal(r.n_hops, 0);
	assert_false(r.multipath);
}

static void test_parse_multipath(void **state)
{
	static const uint16_t kept[] = { RTA_DST, RTA_PRIORITY, RTA_TABLE, RTA_MULTIPATH };
	struct msg m, copy;
	struct nl_route r;
	int len;

	(void)state;
	build_mp_v4(&m);
	copy = m;
	len = nl_route_parse(m.buf, m.len, out, sizeof(out), &r);
	assert_int_equal(len, m.len - CACHEINFO_SIZE);
	assert_memory_equal(m.buf, copy.buf, m.len); /* flags masked in the copy only */
	assert_types(out, (size_t)len, kept, 4);
	assert_true(r.multipath);
	assert_false(r.too_many_hops);
	assert_int_equal(r.key.metric, 20);
	assert_int_equal(r.n_hops, 3);
	assert_hop(&r.hops[0], AF_INET, "192.0.2.2", 2, 1);
	assert_hop(&r.hops[1], AF_INET, "198.51.100.2", 3, 5);
	assert_hop(&r.hops[2], AF_INET, "203.0.113.2", 4, 1);

	/* each hop points at its rtnexthop in the copy, flags masked there:
	 * linkdown and dead go, onlink stays */
	static const uint8_t flags[] = { RTNH_F_ONLINK, 0, 0 };
	static const unsigned ifindex[] = { 2, 3, 4 };

	for (unsigned i = 0; i < 3; i++) {
		const struct rtnexthop *nh =
			(const struct rtnexthop *)(const void *)(out + r.hops[i].raw_offset);

		assert_true(r.hops[i].raw_offset >= NLMSG_ALIGN(sizeof(struct rtmsg)));
		assert_true(r.hops[i].raw_offset + r.hops[i].raw_len <= (unsigned)len);
		assert_int_equal(nh->rtnh_len, r.hops[i].raw_len);
		assert_int_equal(nh->rtnh_ifindex, ifindex[i]);
		assert_int_equal(nh->rtnh_flags, flags[i]);
	}
	/* the second hop keeps its nested RTA_FLOW */
	assert_int_equal(r.hops[1].raw_len, sizeof(struct rtnexthop) + 8 + 8);
	assert_int_equal(r.hops[0].raw_len, sizeof(struct rtnexthop) + 8);

	/* the RTA_MULTIPATH of the copy: the original's but for the flags */
	const struct nlattr *a, *b;

	assert_int_equal(raw_count_attr(out, (size_t)len, RTA_MULTIPATH, &a), 1);
	assert_int_equal(raw_count_attr(m.buf, m.len, RTA_MULTIPATH, &b), 1);
	if (!a || !b) {
		fail();
		return;
	}
	assert_int_equal(a->nla_len, b->nla_len);
	uint8_t masked[256];

	memcpy(masked, b, b->nla_len);
	for (unsigned i = 0; i < 3; i++) {
		size_t at = r.hops[i].raw_offset - (size_t)((const uint8_t *)a - out);

		((struct rtnexthop *)(void *)(masked + at))->rtnh_flags = flags[i];
	}
	assert_memory_equal(a, masked, a->nla_len);
}

/* A route through a nexthop object (RTA_NH_ID, here last) is dumped with the
 * object's nexthops as well: the copy may not have them (a request cannot
 * have both) but the hops are still reported. */
static void test_parse_nhid(void **state)
{
	static const uint16_t kept[] = { RTA_DST, RTA_PRIORITY, RTA_NH_ID };
	static const uint16_t kept_mp[] = { RTA_DST, RTA_TABLE, RTA_NH_ID };
	struct msg m, copy;
	struct nl_route r;
	int len;

	(void)state;
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_ZEBRA, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.3.0.0");
	msg_u32(&m, RTA_PRIORITY, 20);
	msg_addr(&m, RTA_GATEWAY, AF_INET, "192.0.2.2");
	msg_u32(&m, RTA_OIF, 2);
	msg_cacheinfo(&m);
	msg_u32(&m, RTA_NH_ID, 77);
	len = nl_route_parse(m.buf, m.len, out, sizeof(out), &r);
	assert_true(len > 0);
	assert_int_equal(r.nhid, 77);
	assert_types(out, (size_t)len, kept, 3);
	assert_int_equal(len, NLMSG_ALIGN(sizeof(struct rtmsg)) + 24); /* 3 attributes */
	assert_int_equal(r.n_hops, 1);
	assert_hop(&r.hops[0], AF_INET, "192.0.2.2", 2, 1);
	assert_false(r.multipath);

	/* a group: RTA_MULTIPATH dropped too, its hops reported */
	size_t mp;

	msg_route(&m, AF_INET6, 64, RT_TABLE_MAIN, RTPROT_ZEBRA, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET6, "2001:db8:3::");
	mp = msg_mp_begin(&m);
	msg_mp_hop(&m, AF_INET6, 2, 0, RTNH_F_LINKDOWN, "fe80::2", 0);
	msg_mp_hop(&m, AF_INET6, 3, 9, 0, "fe80::3", 0);
	msg_mp_end(&m, mp);
	msg_u32(&m, RTA_TABLE, RT_TABLE_MAIN);
	msg_cacheinfo(&m);
	msg_u32(&m, RTA_NH_ID, 1001);
	copy = m;
	len = nl_route_parse(m.buf, m.len, out, sizeof(out), &r);
	assert_true(len > 0);
	assert_memory_equal(m.buf, copy.buf, m.len);
	assert_int_equal(r.nhid, 1001);
	assert_types(out, (size_t)len, kept_mp, 3);
	assert_int_equal(raw_count_attr(out, (size_t)len, RTA_MULTIPATH, NULL), 0);
	assert_int_equal(raw_count_attr(out, (size_t)len, RTA_GATEWAY, NULL), 0);
	assert_int_equal(raw_count_attr(out, (size_t)len, RTA_OIF, NULL), 0);
	assert_int_equal(r.n_hops, 2);
	assert_hop(&r.hops[0], AF_INET6, "fe80::2", 2, 1);
	assert_hop(&r.hops[1], AF_INET6, "fe80::3", 3, 10);
}

static void test_parse_enospc(void **state)
{
	static uint8_t small[OUT_MAX] __attribute__((aligned(4)));
	struct msg m;
	struct nl_route r;

	(void)state;
	for (int kind = 0; kind < 2; kind++) {
		int len;

		if (kind == 0)
			build_single_v4(&m);
		else
			build_mp_v4(&m);
		len = nl_route_parse(m.buf, m.len, out, sizeof(out), &r);
		assert_true(len > 0);

		/* exactly enough is enough, and gives the same bytes */
		assert_int_equal(nl_route_parse(m.buf, m.len, small, (size_t)len, &r), len);
		assert_memory_equal(small, out, (size_t)len);
		assert_int_equal(r.raw_len, len);

		static const size_t caps[] = { 0, 1, 11, 12, 16 };

		for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
			assert_int_equal(nl_route_parse(m.buf, m.len, small, caps[i], &r), -ENOSPC);
			assert_null(r.raw);
			assert_int_equal(r.raw_len, 0);
		}
		for (size_t cap = (size_t)len - 4; cap > (size_t)len - 40; cap -= 4) {
			assert_int_equal(nl_route_parse(m.buf, m.len, small, cap, &r), -ENOSPC);
			assert_null(r.raw);
		}
	}
}

static void test_parse_other_families(void **state)
{
	static const uint8_t families[] = { AF_UNSPEC, AF_BRIDGE, 28 /* AF_MPLS */, 128, 255 };
	struct msg m;
	struct nl_route r;

	(void)state;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		struct rtmsg rtm;

		build_single_v4(&m);
		rtm = msg_rtm(&m);
		rtm.rtm_family = families[i];
		msg_rtm_put(&m, &rtm);
		memset(&r, 0x5a, sizeof(r));
		assert_int_equal(nl_route_parse(m.buf, m.len, out, sizeof(out), &r), 0);
		assert_null(r.raw);
		assert_int_equal(r.raw_len, 0);
		assert_int_equal(r.n_hops, 0);
		assert_int_equal(r.nhid, 0);
	}
	/* shorter than a struct rtmsg */
	build_single_v4(&m);
	for (size_t n = 0; n < sizeof(struct rtmsg); n++) {
		assert_int_equal(nl_route_parse(m.buf, n, out, sizeof(out), &r), 0);
		assert_null(r.raw);
	}
	/* just the rtmsg: a route without attributes */
	assert_int_equal(nl_route_parse(m.buf, sizeof(struct rtmsg), out, sizeof(out), &r),
			 sizeof(struct rtmsg));
	assert_int_equal(r.n_hops, 0);
}

/* nl_route_parse of the first n bytes of p, in a heap block of exactly n
 * bytes (so that the sanitizers see a read past it); checks what holds
 * for any input. */
static int parse_exact(const uint8_t *p, size_t n, struct nl_route *r)
{
	uint8_t *copy = malloc(n ? n : 1);
	int len;

	assert_non_null(copy);
	memcpy(copy, p, n);
	len = nl_route_parse(copy, n, out2, sizeof(out2), r);
	assert_true(len >= 0); /* the buffer is large enough for anything */
	if (len > 0) {
		assert_true((size_t)len <= NLA_ALIGN(n));
		assert_ptr_equal(r->raw, out2);
		assert_int_equal(r->raw_len, len);
		assert_true(r->key.family == AF_INET || r->key.family == AF_INET6);
	}
	assert_true(r->n_hops <= NL_ROUTE_NEXTHOPS_MAX);
	free(copy);
	return len;
}

static void test_parse_truncated(void **state)
{
	struct msg m;
	struct nl_route r;

	(void)state;
	for (int kind = 0; kind < 3; kind++) {
		if (kind == 0)
			build_single_v4(&m);
		else if (kind == 1)
			build_mp_v4(&m);
		else
			m.buf[0] = AF_INET6; /* rtm_family: v4 sizes read as v6 */
		for (size_t n = 0; n <= m.len; n++)
			parse_exact(m.buf, n, &r);
	}

	/* cut inside RTA_MULTIPATH: the attribute is not there at all */
	build_mp_v4(&m);
	const struct nlattr *mp;

	assert_int_equal(raw_count_attr(m.buf, m.len, RTA_MULTIPATH, &mp), 1);
	if (!mp) {
		fail();
		return;
	}
	size_t mp_end = (size_t)((const uint8_t *)mp - m.buf) + mp->nla_len;

	assert_true(parse_exact(m.buf, mp_end - 1, &r) > 0);
	assert_int_equal(r.n_hops, 0);
	assert_false(r.multipath);
	assert_true(parse_exact(m.buf, mp_end, &r) > 0);
	assert_int_equal(r.n_hops, 3);
}

/* Bad rtnexthop lengths inside a well-formed RTA_MULTIPATH: the route is
 * not one we can handle. */
static void test_parse_bad_multipath(void **state)
{
	static const uint16_t lens[] = { 0, 1, 7, 200, 0xffff };
	struct msg m;
	struct nl_route r;

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t mp, hop;

		msg_route(&m, AF_INET, 16, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
		msg_addr(&m, RTA_DST, AF_INET, "10.2.0.0");
		mp = msg_mp_begin(&m);
		msg_mp_hop(&m, AF_INET, 2, 0, 0, "192.0.2.2", 0);
		hop = msg_mp_hop(&m, AF_INET, 3, 0, 0, "192.0.2.3", 0);
		msg_mp_end(&m, mp);
		((struct rtnexthop *)(void *)(m.buf + hop))->rtnh_len = lens[i];
		assert_int_equal(parse_exact(m.buf, m.len, &r), 0);
		assert_null(r.raw);
	}

	/* an attribute whose length runs past the end ends the walk */
	msg_route(&m, AF_INET, 16, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.2.0.0");
	size_t at = msg_u32(&m, RTA_OIF, 5);

	((struct nlattr *)(void *)(m.buf + at))->nla_len = 200;
	assert_true(parse_exact(m.buf, m.len, &r) > 0);
	assert_int_equal(r.n_hops, 0);
	assert_int_equal(r.key.dst[0], 10);
	/* and one shorter than its header */
	((struct nlattr *)(void *)(m.buf + at))->nla_len = 2;
	assert_true(parse_exact(m.buf, m.len, &r) > 0);
	assert_int_equal(r.n_hops, 0);
}

/* xorshift: reproducible garbage. */
static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_parse_garbage(void **state)
{
	struct msg m;
	struct nl_route r;
	uint8_t buf[512] = { 0 };

	(void)state;
	for (int i = 0; i < 20000; i++) {
		size_t n = rng() % sizeof(buf);

		for (size_t j = 0; j < n; j++)
			buf[j] = (uint8_t)rng();
		if (n > 0 && i % 2 == 0)
			buf[0] = (i / 2) % 2 ? AF_INET : AF_INET6;
		parse_exact(buf, n, &r);
	}
	/* valid messages with a few bytes changed */
	for (int i = 0; i < 20000; i++) {
		if (i % 2)
			build_mp_v4(&m);
		else
			build_single_v4(&m);
		for (int k = 0; k < 1 + i % 4; k++)
			m.buf[sizeof(struct rtmsg) + rng() % (m.len - sizeof(struct rtmsg))] =
				(uint8_t)rng();
		parse_exact(m.buf, m.len, &r);
	}
}

static void test_parse_too_many_hops(void **state)
{
	struct msg m;
	struct nl_route r;

	(void)state;
	for (unsigned n = NL_ROUTE_NEXTHOPS_MAX; n <= NL_ROUTE_NEXTHOPS_MAX + 1; n++) {
		size_t mp;

		msg_route(&m, AF_INET6, 64, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
		msg_addr(&m, RTA_DST, AF_INET6, "2001:db8:4::");
		mp = msg_mp_begin(&m);
		for (unsigned i = 0; i < n; i++) {
			char gw[32];

			snprintf(gw, sizeof(gw), "fe80::%x", i + 1);
			msg_mp_hop(&m, AF_INET6, (int)(i + 1), 0, 0, gw, 0);
		}
		msg_mp_end(&m, mp);
		assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
		assert_int_equal(r.n_hops, NL_ROUTE_NEXTHOPS_MAX);
		assert_int_equal(r.too_many_hops, n > NL_ROUTE_NEXTHOPS_MAX);
		assert_hop(&r.hops[NL_ROUTE_NEXTHOPS_MAX - 1], AF_INET6, "fe80::20",
			   NL_ROUTE_NEXTHOPS_MAX, 1);
	}
}

/*
 * The hops of a multipath route must not keep anything of the struct's
 * earlier contents: a hop without RTA_GATEWAY (`nexthop dev eth3`) has no
 * gateway. route_action.c (on_route) and routes.c (routes_watch_route)
 * parse every route of a dump into the same uninitialized stack struct,
 * so a device-only hop would take the gateway of an earlier route's hop,
 * and hop_dead() could then count a live path through the dead peer.
 */
static void test_parse_multipath_no_stale_gateway(void **state)
{
	struct msg a, b;
	struct nl_route r;
	size_t mp;

	(void)state;
	build_mp_v4(&a); /* hops via 192.0.2.2, 198.51.100.2, 203.0.113.2 */
	assert_true(nl_route_parse(a.buf, a.len, out, sizeof(out), &r) > 0);
	assert_true(r.hops[0].has_gw);

	msg_route(&b, AF_INET, 24, RT_TABLE_MAIN, RTPROT_STATIC, RTN_UNICAST);
	msg_addr(&b, RTA_DST, AF_INET, "10.9.0.0");
	mp = msg_mp_begin(&b);
	msg_mp_hop(&b, AF_INET, 13, 0, 0, NULL, 0); /* nexthop dev eth13 */
	msg_mp_hop(&b, AF_INET, 14, 0, 0, NULL, 0); /* nexthop dev eth14 */
	msg_mp_end(&b, mp);
	assert_true(nl_route_parse(b.buf, b.len, out, sizeof(out), &r) > 0);
	assert_int_equal(r.n_hops, 2);
	assert_hop(&r.hops[0], AF_INET, NULL, 13, 1);
	assert_hop(&r.hops[1], AF_INET, NULL, 14, 1);

	/* and the same route parsed into a zeroed struct is the same path */
	struct nl_route fresh;

	memset(&fresh, 0, sizeof(fresh));
	assert_true(nl_route_parse(b.buf, b.len, out2, sizeof(out2), &fresh) > 0);
	assert_true(nl_route_same_path(&r, &fresh));
}

/* ---- nl_route_rewrite ------------------------------------------------------- */

static void test_rewrite_drop_hop(void **state)
{
	static const uint16_t types[] = { RTA_DST, RTA_TABLE, RTA_MULTIPATH, RTA_PRIORITY };
	static const bool keep[] = { true, false, true };
	struct msg m;
	struct nl_route r, w;
	int len;

	(void)state;
	build_mp_v4(&m);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	len = nl_route_rewrite(&r, keep, 1024, out2, sizeof(out2));
	assert_true(len > 0);
	/* the same rtmsg and attributes; RTA_PRIORITY once, with the new metric */
	assert_memory_equal(out2, out, sizeof(struct rtmsg));
	assert_types(out2, (size_t)len, types, 4);
	assert_attr_copied(out2, (size_t)len, &m, RTA_DST);
	assert_attr_copied(out2, (size_t)len, &m, RTA_TABLE);

	assert_int_equal(nl_route_parse(out2, (size_t)len, out3, sizeof(out3), &w), len);
	assert_memory_equal(out3, out2, (size_t)len); /* nothing left to drop or mask */
	assert_int_equal(w.key.metric, 1024);
	w.key.metric = r.key.metric;
	assert_memory_equal(&w.key, &r.key, sizeof(w.key));
	assert_true(w.multipath);
	assert_int_equal(w.n_hops, 2);
	assert_hop(&w.hops[0], AF_INET, "192.0.2.2", 2, 1);
	assert_hop(&w.hops[1], AF_INET, "203.0.113.2", 4, 1);
	/* the hops kept are those of the original, byte for byte */
	assert_int_equal(w.hops[0].raw_len, r.hops[0].raw_len);
	assert_memory_equal(out3 + w.hops[0].raw_offset, out + r.hops[0].raw_offset,
			    r.hops[0].raw_len);
	assert_memory_equal(out3 + w.hops[1].raw_offset, out + r.hops[2].raw_offset,
			    r.hops[2].raw_len);

	/* the same path as the original without the dropped hop */
	assert_false(nl_route_same_path(&r, &w));
}

static void test_rewrite_one_hop_left(void **state)
{
	static const bool keep[] = { false, true, false };
	struct msg m;
	struct nl_route r, w;
	int len;

	(void)state;
	build_mp_v4(&m);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	len = nl_route_rewrite(&r, keep, r.key.metric, out2, sizeof(out2));
	assert_true(len > 0);
	/* still an RTA_MULTIPATH (with its weight and nested RTA_FLOW), no
	 * top-level gateway or interface */
	assert_int_equal(raw_count_attr(out2, (size_t)len, RTA_MULTIPATH, NULL), 1);
	assert_int_equal(raw_count_attr(out2, (size_t)len, RTA_GATEWAY, NULL), 0);
	assert_int_equal(raw_count_attr(out2, (size_t)len, RTA_OIF, NULL), 0);
	assert_int_equal(raw_count_attr(out2, (size_t)len, RTA_PRIORITY, NULL), 1);
	assert_true(nl_route_parse(out2, (size_t)len, out3, sizeof(out3), &w) > 0);
	assert_memory_equal(&w.key, &r.key, sizeof(w.key));
	assert_true(w.multipath);
	assert_int_equal(w.n_hops, 1);
	assert_hop(&w.hops[0], AF_INET, "198.51.100.2", 3, 5);
	assert_int_equal(w.hops[0].raw_len, r.hops[1].raw_len);
	assert_memory_equal(out3 + w.hops[0].raw_offset, out + r.hops[1].raw_offset,
			    r.hops[1].raw_len);
}

static void test_rewrite_single_demote(void **state)
{
	static const uint16_t types[] = { RTA_TABLE, RTA_DST, RTA_PREFSRC, RTA_GATEWAY, RTA_OIF,
					  RTA_PRIORITY };
	static const bool keep[NL_ROUTE_NEXTHOPS_MAX] = { true };
	struct msg m;
	struct nl_route r, w;
	int len;

	(void)state;
	build_single_v4(&m);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	len = nl_route_rewrite(&r, keep, 5020, out2, sizeof(out2));
	assert_int_equal(len, r.raw_len); /* RTA_PRIORITY moved to the end */
	assert_memory_equal(out2, out, sizeof(struct rtmsg));
	assert_types(out2, (size_t)len, types, 6);
	assert_true(nl_route_parse(out2, (size_t)len, out3, sizeof(out3), &w) > 0);
	assert_int_equal(w.key.metric, 5020);
	assert_true(nl_route_same_path(&r, &w));
	assert_false(w.multipath);
	assert_hop(&w.hops[0], AF_INET, "192.0.2.2", 3, 1);
	for (size_t i = 0; i < 5; i++)
		assert_attr_copied(out2, (size_t)len, &m, types[i]);

	/* a route without RTA_PRIORITY (IPv4 metric 0) gets one */
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_STATIC, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.4.0.0");
	msg_u32(&m, RTA_OIF, 2);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	assert_int_equal(r.key.metric, 0);
	len = nl_route_rewrite(&r, keep, 5000, out2, sizeof(out2));
	assert_int_equal(len, r.raw_len + 8);
	assert_true(nl_route_parse(out2, (size_t)len, out3, sizeof(out3), &w) > 0);
	assert_int_equal(w.key.metric, 5000);
	assert_int_equal(raw_count_attr(out2, (size_t)len, RTA_PRIORITY, NULL), 1);

	/* the highest metric */
	len = nl_route_rewrite(&r, keep, 0xffffffffu, out2, sizeof(out2));
	assert_true(nl_route_parse(out2, (size_t)len, out3, sizeof(out3), &w) > 0);
	assert_int_equal(w.key.metric, 0xffffffffu);
}

static void test_rewrite_enospc(void **state)
{
	static const bool keep[] = { true, false, true };
	static uint8_t small[OUT_MAX] __attribute__((aligned(4)));
	struct msg m;
	struct nl_route r;
	int len;

	(void)state;
	build_mp_v4(&m);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	len = nl_route_rewrite(&r, keep, 7, out2, sizeof(out2));
	assert_true(len > 0);
	assert_int_equal(nl_route_rewrite(&r, keep, 7, small, (size_t)len), len);
	assert_memory_equal(small, out2, (size_t)len);
	for (size_t cap = 0; cap < (size_t)len; cap += 4)
		assert_int_equal(nl_route_rewrite(&r, keep, 7, small, cap), -ENOSPC);
}

/* ---- nl_route_inline -------------------------------------------------------- */

/* 10.5.0.0/24 via nexthop object 42, metric 20, with a prefsrc. */
static int parse_nhid_v4(struct nl_route *r, uint8_t *buf)
{
	struct msg m;

	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_ZEBRA, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.5.0.0");
	msg_u32(&m, RTA_NH_ID, 42);
	msg_u32(&m, RTA_PRIORITY, 20);
	msg_addr(&m, RTA_PREFSRC, AF_INET, "192.0.2.1");
	msg_addr(&m, RTA_GATEWAY, AF_INET, "192.0.2.2");
	msg_u32(&m, RTA_OIF, 2);
	return nl_route_parse(m.buf, m.len, buf, OUT_MAX, r);
}

static void test_inline(void **state)
{
	static const uint16_t types[] = { RTA_DST, RTA_PRIORITY, RTA_PREFSRC, RTA_MULTIPATH };
	struct nl_route r, w;
	struct nl_route_hop hops[3];
	int len;

	(void)state;
	assert_true(parse_nhid_v4(&r, out) > 0);
	assert_int_equal(r.nhid, 42);
	memset(hops, 0, sizeof(hops));
	hops[0] = (struct nl_route_hop){ .has_gw = true, .ifindex = 2, .weight = 1 };
	addr_bytes(AF_INET, "192.0.2.2", hops[0].gw);
	hops[1] = (struct nl_route_hop){ .has_gw = true, .ifindex = 3, .weight = 10 };
	addr_bytes(AF_INET, "198.51.100.2", hops[1].gw);
	hops[2] = (struct nl_route_hop){ .has_gw = false, .ifindex = 4, .weight = 3 };

	len = nl_route_inline(&r, hops, 3, out2, sizeof(out2));
	assert_true(len > 0);
	assert_memory_equal(out2, out, sizeof(struct rtmsg));
	assert_types(out2, (size_t)len, types, 4);
	assert_int_equal(raw_count_attr(out2, (size_t)len, RTA_NH_ID, NULL), 0);
	assert_int_equal(nl_route_parse(out2, (size_t)len, out3, sizeof(out3), &w), len);
	assert_int_equal(w.nhid, 0);
	assert_memory_equal(&w.key, &r.key, sizeof(w.key));
	assert_int_equal(w.protocol, RTPROT_ZEBRA);
	assert_true(w.multipath);
	assert_int_equal(w.n_hops, 3);
	assert_hop(&w.hops[0], AF_INET, "192.0.2.2", 2, 1);
	assert_hop(&w.hops[1], AF_INET, "198.51.100.2", 3, 10);
	assert_hop(&w.hops[2], AF_INET, NULL, 4, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(((const struct rtnexthop *)(const void *)(out3 + w.hops[i].raw_offset))
					 ->rtnh_flags, 0);

	/* one hop: still an RTA_MULTIPATH */
	len = nl_route_inline(&r, &hops[1], 1, out2, sizeof(out2));
	assert_true(nl_route_parse(out2, (size_t)len, out3, sizeof(out3), &w) > 0);
	assert_true(w.multipath);
	assert_int_equal(w.n_hops, 1);
	assert_hop(&w.hops[0], AF_INET, "198.51.100.2", 3, 10);

	/* too small */
	len = nl_route_inline(&r, hops, 3, out2, sizeof(out2));
	for (size_t cap = 0; cap < (size_t)len; cap += 4)
		assert_int_equal(nl_route_inline(&r, hops, 3, out3, cap), -ENOSPC);
	assert_int_equal(nl_route_inline(&r, hops, 3, out3, (size_t)len), len);
}

static void test_inline_v6(void **state)
{
	struct msg m;
	struct nl_route r, w;
	struct nl_route_hop hops[2];
	int len;

	(void)state;
	msg_route(&m, AF_INET6, 48, RT_TABLE_MAIN, RTPROT_ZEBRA, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET6, "2001:db8:5::");
	msg_u32(&m, RTA_PRIORITY, 1024);
	msg_u32(&m, RTA_TABLE, 254);
	msg_u32(&m, RTA_NH_ID, 9);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	memset(hops, 0, sizeof(hops));
	hops[0] = (struct nl_route_hop){ .has_gw = true, .ifindex = 2, .weight = 1 };
	addr_bytes(AF_INET6, "fe80::2", hops[0].gw);
	hops[1] = (struct nl_route_hop){ .has_gw = true, .ifindex = 3, .weight = 255 };
	addr_bytes(AF_INET6, "2001:db8::3", hops[1].gw);
	len = nl_route_inline(&r, hops, 2, out2, sizeof(out2));
	assert_true(len > 0);
	assert_true(nl_route_parse(out2, (size_t)len, out3, sizeof(out3), &w) > 0);
	assert_int_equal(w.nhid, 0);
	assert_memory_equal(&w.key, &r.key, sizeof(w.key));
	assert_int_equal(w.n_hops, 2);
	assert_hop(&w.hops[0], AF_INET6, "fe80::2", 2, 1);
	assert_hop(&w.hops[1], AF_INET6, "2001:db8::3", 3, 255);
	/* each rtnexthop: 8 bytes and a 20-byte RTA_GATEWAY */
	assert_int_equal(w.hops[0].raw_len, 28);
}

/*
 * Weights go from 1 to 256 (rtnh_hops 0-255; `ip route ... weight 256`,
 * `ip nexthop ... group 1,256/2`). A hop of weight 256 read by
 * nl_route_parse and written back by nl_route_inline must still have
 * weight 256: struct nl_route_hop keeps weight in a uint8_t as
 * rtnh_hops + 1, so 256 becomes 0, and nl_route_inline writes 0 as
 * rtnh_hops 0, weight 1. route_action.c's act_nhid does the same with a
 * group member of weight 256 ((uint8_t)(255 + 1)).
 */
static void test_inline_weight_256(void **state)
{
	struct msg m;
	struct nl_route r, inl;
	size_t mp;
	int len;

	(void)state;
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.6.0.0");
	mp = msg_mp_begin(&m);
	msg_mp_hop(&m, AF_INET, 2, 255, 0, "192.0.2.2", 0);   /* weight 256 */
	msg_mp_hop(&m, AF_INET, 3, 0, 0, "198.51.100.2", 0);  /* weight 1 */
	msg_mp_end(&m, mp);
	assert_true(nl_route_parse(m.buf, m.len, out, sizeof(out), &r) > 0);
	assert_int_equal(r.n_hops, 2);

	assert_true(parse_nhid_v4(&inl, out2) > 0);
	len = nl_route_inline(&inl, r.hops, r.n_hops, out3, sizeof(out3));
	assert_true(len > 0);

	const struct nlattr *a;

	assert_int_equal(raw_count_attr(out3, (size_t)len, RTA_MULTIPATH, &a), 1);
	if (!a) {
		fail();
		return;
	}
	const struct rtnexthop *nh = (const struct rtnexthop *)(const void *)((const uint8_t *)a +
									      NLA_HDRLEN);

	assert_int_equal(nh->rtnh_ifindex, 2);
	assert_int_equal(nh->rtnh_hops, 255); /* weight 256, as it was */
}

/* ---- nl_route_same_path ----------------------------------------------------- */

struct hop_spec {
	int ifindex;
	uint8_t hops; /* weight - 1 */
	const char *gw;
};

/* Parse a v4 route 10.7.0.0/24 with these hops (one: a plain route). */
static void parse_route(struct nl_route *r, uint8_t *buf, uint8_t type, uint8_t protocol,
			const struct hop_spec *h, unsigned n, bool multipath)
{
	struct msg m;

	/* a fresh struct each time (see test_parse_multipath_no_stale_gateway) */
	memset(r, 0, sizeof(*r));
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, protocol, type);
	msg_addr(&m, RTA_DST, AF_INET, "10.7.0.0");
	if (multipath) {
		size_t mp = msg_mp_begin(&m);

		for (unsigned i = 0; i < n; i++)
			msg_mp_hop(&m, AF_INET, h[i].ifindex, h[i].hops, 0, h[i].gw, 0);
		msg_mp_end(&m, mp);
	} else if (n == 1) {
		if (h[0].gw)
			msg_addr(&m, RTA_GATEWAY, AF_INET, h[0].gw);
		msg_u32(&m, RTA_OIF, (uint32_t)h[0].ifindex);
	}
	assert_true(nl_route_parse(m.buf, m.len, buf, OUT_MAX, r) > 0);
}

static void test_same_path(void **state)
{
	static const struct hop_spec abc[] = {
		{ 2, 0, "192.0.2.2" }, { 3, 4, "198.51.100.2" }, { 4, 0, "203.0.113.2" }
	};
	static const struct hop_spec cab[] = {
		{ 4, 0, "203.0.113.2" }, { 2, 0, "192.0.2.2" }, { 3, 4, "198.51.100.2" }
	};
	static const struct hop_spec weight[] = {
		{ 2, 0, "192.0.2.2" }, { 3, 1, "198.51.100.2" }, { 4, 0, "203.0.113.2" }
	};
	static const struct hop_spec other_gw[] = {
		{ 2, 0, "192.0.2.2" }, { 3, 4, "198.51.100.3" }, { 4, 0, "203.0.113.2" }
	};
	static const struct hop_spec other_if[] = {
		{ 2, 0, "192.0.2.2" }, { 5, 4, "198.51.100.2" }, { 4, 0, "203.0.113.2" }
	};
	static const struct hop_spec no_gw[] = {
		{ 2, 0, "192.0.2.2" }, { 3, 4, NULL }, { 4, 0, "203.0.113.2" }
	};
	static const struct hop_spec abd[] = {
		{ 2, 0, "192.0.2.2" }, { 3, 4, "198.51.100.2" }, { 4, 0, "203.0.113.3" }
	};
	struct nl_route a, b;
	static uint8_t bufa[OUT_MAX] __attribute__((aligned(4)));
	static uint8_t bufb[OUT_MAX] __attribute__((aligned(4)));

	(void)state;
	parse_route(&a, bufa, RTN_UNICAST, RTPROT_BGP, abc, 3, true);
	assert_true(nl_route_same_path(&a, &a));

	/* order does not matter */
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, cab, 3, true);
	assert_true(nl_route_same_path(&a, &b));
	assert_true(nl_route_same_path(&b, &a));

	/* a weight, a gateway, an interface, a missing gateway, a hop more or
	 * less: another path */
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, weight, 3, true);
	assert_false(nl_route_same_path(&a, &b));
	assert_false(nl_route_same_path(&b, &a));
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, other_gw, 3, true);
	assert_false(nl_route_same_path(&a, &b));
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, other_if, 3, true);
	assert_false(nl_route_same_path(&a, &b));
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, no_gw, 3, true);
	assert_false(nl_route_same_path(&a, &b));
	assert_false(nl_route_same_path(&b, &a));
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, abd, 3, true);
	assert_false(nl_route_same_path(&a, &b));
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, abc, 2, true);
	assert_false(nl_route_same_path(&a, &b));
	assert_false(nl_route_same_path(&b, &a));

	/* as many hops, but not the same ones: each side is checked */
	static const struct hop_spec aa[] = { { 2, 0, "192.0.2.2" }, { 2, 0, "192.0.2.2" } };

	parse_route(&a, bufa, RTN_UNICAST, RTPROT_BGP, aa, 2, true);
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, abc, 2, true);
	assert_false(nl_route_same_path(&a, &b));
	assert_false(nl_route_same_path(&b, &a));
	parse_route(&a, bufa, RTN_UNICAST, RTPROT_BGP, abc, 3, true);

	/* type and protocol */
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_STATIC, abc, 3, true);
	assert_false(nl_route_same_path(&a, &b));
	parse_route(&b, bufb, RTN_BLACKHOLE, RTPROT_BGP, abc, 3, true);
	assert_false(nl_route_same_path(&a, &b));

	/* one hop: the kernel reports a one-hop RTA_MULTIPATH as a plain
	 * route, without its weight */
	parse_route(&a, bufa, RTN_UNICAST, RTPROT_BGP, &abc[1], 1, true);
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, &abc[1], 1, false);
	assert_int_equal(a.hops[0].weight, 5);
	assert_int_equal(b.hops[0].weight, 1);
	assert_true(nl_route_same_path(&a, &b));
	assert_true(nl_route_same_path(&b, &a));
	parse_route(&b, bufb, RTN_UNICAST, RTPROT_BGP, &other_gw[1], 1, false);
	assert_false(nl_route_same_path(&a, &b));

	/* blackholes: no hops */
	parse_route(&a, bufa, RTN_BLACKHOLE, RTPROT_STATIC, NULL, 0, false);
	parse_route(&b, bufb, RTN_BLACKHOLE, RTPROT_STATIC, NULL, 0, false);
	assert_true(nl_route_same_path(&a, &b));
}

static void test_same_path_nhid_and_family(void **state)
{
	struct msg m;
	struct nl_route a, b;
	static uint8_t bufa[OUT_MAX] __attribute__((aligned(4)));
	static uint8_t bufb[OUT_MAX] __attribute__((aligned(4)));

	(void)state;
	/* the same object: the same path, whatever hops it reports now */
	assert_true(parse_nhid_v4(&a, bufa) > 0);
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_ZEBRA, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.5.0.0");
	msg_u32(&m, RTA_NH_ID, 42);
	msg_addr(&m, RTA_GATEWAY, AF_INET, "198.51.100.9");
	msg_u32(&m, RTA_OIF, 9);
	assert_true(nl_route_parse(m.buf, m.len, bufb, OUT_MAX, &b) > 0);
	assert_true(nl_route_same_path(&a, &b));

	/* another object */
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_ZEBRA, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.5.0.0");
	msg_u32(&m, RTA_NH_ID, 43);
	msg_addr(&m, RTA_GATEWAY, AF_INET, "192.0.2.2");
	msg_u32(&m, RTA_OIF, 2);
	assert_true(nl_route_parse(m.buf, m.len, bufb, OUT_MAX, &b) > 0);
	assert_false(nl_route_same_path(&a, &b));

	/* the same hops inline: not the same (the object may change) */
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_ZEBRA, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.5.0.0");
	msg_addr(&m, RTA_GATEWAY, AF_INET, "192.0.2.2");
	msg_u32(&m, RTA_OIF, 2);
	assert_true(nl_route_parse(m.buf, m.len, bufb, OUT_MAX, &b) > 0);
	assert_false(nl_route_same_path(&a, &b));
	assert_false(nl_route_same_path(&b, &a));

	/* the same interface, another family */
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_STATIC, RTN_UNICAST);
	msg_u32(&m, RTA_OIF, 2);
	assert_true(nl_route_parse(m.buf, m.len, bufa, OUT_MAX, &a) > 0);
	msg_route(&m, AF_INET6, 24, RT_TABLE_MAIN, RTPROT_STATIC, RTN_UNICAST);
	msg_u32(&m, RTA_OIF, 2);
	assert_true(nl_route_parse(m.buf, m.len, bufb, OUT_MAX, &b) > 0);
	assert_false(nl_route_same_path(&a, &b));
	assert_false(nl_route_same_path(&b, &a));
}

/* ---- nl_route_key_str ------------------------------------------------------- */

static void test_key_str(void **state)
{
	struct nl_route_key k;
	char buf[64];

	(void)state;
	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.dst_len = 24;
	addr_bytes(AF_INET, "10.1.2.0", k.dst);
	assert_ptr_equal(nl_route_key_str(&k, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "10.1.2.0/24");
	k.dst_len = 0;
	memset(k.dst, 0, sizeof(k.dst));
	assert_string_equal(nl_route_key_str(&k, buf, sizeof(buf)), "0.0.0.0/0");

	k.family = AF_INET6;
	k.dst_len = 32;
	addr_bytes(AF_INET6, "2001:db8::", k.dst);
	assert_string_equal(nl_route_key_str(&k, buf, sizeof(buf)), "2001:db8::/32");
	k.dst_len = 0;
	memset(k.dst, 0, sizeof(k.dst));
	assert_string_equal(nl_route_key_str(&k, buf, sizeof(buf)), "::/0");
	k.dst_len = 128;
	addr_bytes(AF_INET6, "2001:db8:1:2:3:4:5:6", k.dst);
	assert_string_equal(nl_route_key_str(&k, buf, sizeof(buf)),
			    "2001:db8:1:2:3:4:5:6/128");

	/* the table and metric are not part of the text */
	k.table = 100;
	k.metric = 5;
	assert_string_equal(nl_route_key_str(&k, buf, sizeof(buf)),
			    "2001:db8:1:2:3:4:5:6/128");

	/* a short buffer: truncated, terminated */
	k.family = AF_INET;
	k.dst_len = 24;
	addr_bytes(AF_INET, "10.1.2.0", k.dst);
	memset(buf, 'x', sizeof(buf));
	nl_route_key_str(&k, buf, 5);
	assert_string_equal(buf, "10.1");
	assert_int_equal(buf[5], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_single_v4),
		cmocka_unit_test(test_parse_table_and_metric),
		cmocka_unit_test(test_parse_v6_device_route),
		cmocka_unit_test(test_parse_multipath),
		cmocka_unit_test(test_parse_nhid),
		cmocka_unit_test(test_parse_enospc),
		cmocka_unit_test(test_parse_other_families),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_bad_multipath),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_too_many_hops),
		cmocka_unit_test(test_parse_multipath_no_stale_gateway),
		cmocka_unit_test(test_rewrite_drop_hop),
		cmocka_unit_test(test_rewrite_one_hop_left),
		cmocka_unit_test(test_rewrite_single_demote),
		cmocka_unit_test(test_rewrite_enospc),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_inline_v6),
		cmocka_unit_test(test_inline_weight_256),
		cmocka_unit_test(test_same_path),
		cmocka_unit_test(test_same_path_nhid_and_family),
		cmocka_unit_test(test_key_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
