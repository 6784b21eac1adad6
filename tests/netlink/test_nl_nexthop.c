/*
 * test_nl_nexthop.c - kernel nexthop objects (netlink/nl_nexthop.c): what
 * nl_nexthop_parse() reads from hand-built RTM_NEWNEXTHOP payloads, which
 * groups it leaves alone, and the group payload a shrink or a restore
 * sends (nl_nexthop_group_payload), read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nexthop.h>

#include "msg_builder.h"
#include "nl_nexthop.h"

/* An RTM_NEWNEXTHOP payload: struct nhmsg, then attributes. */
static void msg_nexthop(struct msg *m, uint8_t family, uint8_t protocol)
{
	struct nhmsg nhm;

	memset(m, 0, sizeof(*m));
	memset(&nhm, 0, sizeof(nhm));
	nhm.nh_family = family;
	nhm.nh_protocol = protocol;
	memcpy(m->buf, &nhm, sizeof(nhm));
	m->len = NLMSG_ALIGN(sizeof(nhm));
}

static void msg_group(struct msg *m, const uint32_t *ids, const uint8_t *weights, size_t n)
{
	struct nexthop_grp g[80];

	assert_true(n <= 80);
	memset(g, 0, sizeof(g));
	for (size_t i = 0; i < n; i++) {
		g[i].id = ids[i];
		g[i].weight = weights[i];
	}
	msg_attr(m, NHA_GROUP, g, n * sizeof(g[0]));
}

static void test_parse_single(void **state)
{
	struct msg m;
	struct nl_nexthop nh;
	uint8_t gw[16];

	(void)state;
	msg_nexthop(&m, AF_INET, RTPROT_ZEBRA);
	msg_u32(&m, NHA_ID, 10);
	msg_u32(&m, NHA_OIF, 3);
	msg_addr(&m, NHA_GATEWAY, AF_INET, "192.0.2.2");
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), 0);
	assert_int_equal(nh.id, 10);
	assert_int_equal(nh.family, AF_INET);
	assert_int_equal(nh.protocol, RTPROT_ZEBRA);
	assert_false(nh.is_group);
	assert_false(nh.unsupported);
	assert_false(nh.blackhole);
	assert_true(nh.has_gw);
	addr_bytes(AF_INET, "192.0.2.2", gw);
	assert_memory_equal(nh.gw, gw, 16);
	assert_int_equal(nh.ifindex, 3);
	assert_int_equal(nh.n_members, 0);

	msg_nexthop(&m, AF_INET6, RTPROT_STATIC);
	msg_u32(&m, NHA_ID, 0xfffffffeu);
	msg_addr(&m, NHA_GATEWAY, AF_INET6, "fe80::2");
	msg_u32(&m, NHA_OIF, 7);
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), 0);
	assert_int_equal(nh.id, 0xfffffffeu);
	assert_int_equal(nh.family, AF_INET6);
	assert_int_equal(nh.protocol, RTPROT_STATIC);
	addr_bytes(AF_INET6, "fe80::2", gw);
	assert_true(nh.has_gw);
	assert_memory_equal(nh.gw, gw, 16);
	assert_int_equal(nh.ifindex, 7);

	/* device only; a gateway of a wrong length is no gateway */
	msg_nexthop(&m, AF_INET, RTPROT_ZEBRA);
	msg_u32(&m, NHA_ID, 11);
	msg_u32(&m, NHA_OIF, 4);
	msg_attr(&m, NHA_GATEWAY, "\x01\x02\x03\x04\x05", 5);
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), 0);
	assert_false(nh.has_gw);
	assert_int_equal(nh.ifindex, 4);

	/* a blackhole */
	msg_nexthop(&m, AF_INET, RTPROT_STATIC);
	msg_u32(&m, NHA_ID, 12);
	msg_attr(&m, NHA_BLACKHOLE, NULL, 0);
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), 0);
	assert_true(nh.blackhole);
	assert_false(nh.has_gw);
	assert_false(nh.unsupported);
}

static void test_parse_group(void **state)
{
	static const uint32_t ids[] = { 10, 11, 12 };
	static const uint8_t weights[] = { 0, 4, 255 };
	struct msg m;
	struct nl_nexthop nh;
	uint16_t type = NEXTHOP_GRP_TYPE_MPATH;

	(void)state;
	msg_nexthop(&m, AF_UNSPEC, RTPROT_STATIC);
	msg_u32(&m, NHA_ID, 100);
	msg_group(&m, ids, weights, 3);
	msg_attr(&m, NHA_GROUP_TYPE, &type, sizeof(type));
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), 0);
	assert_int_equal(nh.id, 100);
	assert_int_equal(nh.family, AF_UNSPEC);
	assert_int_equal(nh.protocol, RTPROT_STATIC);
	assert_true(nh.is_group);
	assert_false(nh.unsupported);
	assert_int_equal(nh.n_members, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(nh.members[i].id, ids[i]);
		assert_int_equal(nh.members[i].weight, weights[i]); /* weight - 1 */
	}

	/* resilient groups and fdb nexthops are left alone */
	type = NEXTHOP_GRP_TYPE_RES;
	msg_nexthop(&m, AF_UNSPEC, RTPROT_STATIC);
	msg_u32(&m, NHA_ID, 101);
	msg_group(&m, ids, weights, 3);
	msg_attr(&m, NHA_GROUP_TYPE, &type, sizeof(type));
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), 0);
	assert_true(nh.is_group);
	assert_true(nh.unsupported);

	msg_nexthop(&m, AF_INET, RTPROT_STATIC);
	msg_u32(&m, NHA_ID, 102);
	msg_addr(&m, NHA_GATEWAY, AF_INET, "192.0.2.2");
	msg_attr(&m, NHA_FDB, NULL, 0);
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), 0);
	assert_true(nh.unsupported);

	/* every field is reset: a single nexthop parsed after a group */
	msg_nexthop(&m, AF_INET, RTPROT_ZEBRA);
	msg_u32(&m, NHA_ID, 13);
	msg_u32(&m, NHA_OIF, 2);
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), 0);
	assert_false(nh.is_group);
	assert_false(nh.unsupported);
	assert_int_equal(nh.n_members, 0);
}

static void test_parse_large_group(void **state)
{
	uint32_t ids[NL_NEXTHOP_GROUP_MAX + 1];
	uint8_t weights[NL_NEXTHOP_GROUP_MAX + 1];
	struct msg m;
	struct nl_nexthop nh;

	(void)state;
	for (unsigned i = 0; i <= NL_NEXTHOP_GROUP_MAX; i++) {
		ids[i] = 1000 + i;
		weights[i] = (uint8_t)i;
	}
	for (unsigned n = NL_NEXTHOP_GROUP_MAX; n <= NL_NEXTHOP_GROUP_MAX + 1; n++) {
		msg_nexthop(&m, AF_UNSPEC, RTPROT_STATIC);
		msg_u32(&m, NHA_ID, 200);
		msg_group(&m, ids, weights, n);
		assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), 0);
		assert_true(nh.is_group);
		assert_int_equal(nh.unsupported, n > NL_NEXTHOP_GROUP_MAX);
		assert_int_equal(nh.n_members, NL_NEXTHOP_GROUP_MAX);
		assert_int_equal(nh.members[NL_NEXTHOP_GROUP_MAX - 1].id,
				 1000 + NL_NEXTHOP_GROUP_MAX - 1);
		assert_int_equal(nh.members[NL_NEXTHOP_GROUP_MAX - 1].weight,
				 NL_NEXTHOP_GROUP_MAX - 1);
	}
}

static void test_parse_invalid(void **state)
{
	struct msg m;
	struct nl_nexthop nh;

	(void)state;
	/* no NHA_ID, or one of the wrong size */
	msg_nexthop(&m, AF_INET, RTPROT_ZEBRA);
	msg_u32(&m, NHA_OIF, 2);
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), -EINVAL);
	msg_attr(&m, NHA_ID, "\x01\x00", 2);
	assert_int_equal(nl_nexthop_parse(m.buf, m.len, &nh), -EINVAL);
	/* shorter than struct nhmsg */
	msg_nexthop(&m, AF_INET, RTPROT_ZEBRA);
	msg_u32(&m, NHA_ID, 1);
	for (size_t n = 0; n < sizeof(struct nhmsg); n++)
		assert_int_equal(nl_nexthop_parse(m.buf, n, &nh), -EINVAL);

	/* every cut of a group message, in a block of exactly that size */
	static const uint32_t ids[] = { 1, 2, 3, 4 };
	static const uint8_t weights[] = { 0, 1, 2, 3 };
	uint16_t type = NEXTHOP_GRP_TYPE_MPATH;

	msg_nexthop(&m, AF_UNSPEC, RTPROT_STATIC);
	msg_group(&m, ids, weights, 4);
	msg_attr(&m, NHA_GROUP_TYPE, &type, sizeof(type));
	msg_u32(&m, NHA_ID, 300);
	for (size_t n = 0; n <= m.len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		int r;

		assert_non_null(copy);
		memcpy(copy, m.buf, n);
		r = nl_nexthop_parse(copy, n, &nh);
		assert_int_equal(r, n == m.len ? 0 : -EINVAL); /* NHA_ID comes last */
		assert_true(nh.n_members <= 4);
		free(copy);
	}
}

static void test_group_payload_round_trip(void **state)
{
	static const uint32_t ids[] = { 10, 11, 12, 13 };
	static const uint8_t weights[] = { 0, 4, 255, 9 };
	static const bool keep[] = { true, false, true, false };
	static const bool none[] = { false, false, false, false };
	uint8_t out[1024] __attribute__((aligned(4)));
	struct nl_nexthop g = { .id = 0x01020304, .protocol = RTPROT_STATIC, .is_group = true };
	struct nl_nexthop back;
	int len;

	(void)state;
	g.n_members = 4;
	for (unsigned i = 0; i < 4; i++)
		g.members[i] = (struct nl_nexthop_member){ .id = ids[i], .weight = weights[i] };

	/* all members */
	len = nl_nexthop_group_payload(&g, NULL, out, sizeof(out));
	assert_int_equal(len, 8 + 8 + 4 + 4 * 8);
	assert_int_equal(((struct nhmsg *)(void *)out)->nh_family, AF_UNSPEC);
	assert_int_equal(((struct nhmsg *)(void *)out)->nh_protocol, RTPROT_STATIC);
	/* NHA_ID is the first attribute: the id at bytes 12-15 (route_state.c
	 * reads it there) */
	assert_int_equal(((struct nlattr *)(void *)(out + 8))->nla_type, NHA_ID);
	assert_memory_equal(out + 12, &g.id, 4);
	assert_int_equal(nl_nexthop_parse(out, (size_t)len, &back), 0);
	assert_int_equal(back.id, g.id);
	assert_int_equal(back.protocol, RTPROT_STATIC);
	assert_true(back.is_group);
	assert_false(back.unsupported);
	assert_int_equal(back.n_members, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(back.members[i].id, ids[i]);
		assert_int_equal(back.members[i].weight, weights[i]);
	}

	/* the members kept, in their order, with their weights */
	len = nl_nexthop_group_payload(&g, keep, out, sizeof(out));
	assert_int_equal(len, 8 + 8 + 4 + 2 * 8);
	assert_int_equal(nl_nexthop_parse(out, (size_t)len, &back), 0);
	assert_int_equal(back.id, g.id);
	assert_int_equal(back.n_members, 2);
	assert_int_equal(back.members[0].id, 10);
	assert_int_equal(back.members[0].weight, 0);
	assert_int_equal(back.members[1].id, 12);
	assert_int_equal(back.members[1].weight, 255);
	/* the reserved bytes of each entry are zero */
	const struct nexthop_grp *e = (const struct nexthop_grp *)(const void *)(out + 20);

	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(e[i].resvd1, 0);
		assert_int_equal(e[i].resvd2, 0);
	}

	/* none kept: an empty group */
	len = nl_nexthop_group_payload(&g, none, out, sizeof(out));
	assert_int_equal(len, 8 + 8 + 4);
	assert_int_equal(nl_nexthop_parse(out, (size_t)len, &back), 0);
	assert_true(back.is_group);
	assert_int_equal(back.n_members, 0);

	/* a buffer too small by one byte, and exactly large enough */
	len = nl_nexthop_group_payload(&g, NULL, out, sizeof(out));
	for (size_t cap = 0; cap < (size_t)len; cap++)
		assert_int_equal(nl_nexthop_group_payload(&g, NULL, out, cap), -ENOSPC);
	assert_int_equal(nl_nexthop_group_payload(&g, NULL, out, (size_t)len), len);

	/* the largest group */
	g.n_members = NL_NEXTHOP_GROUP_MAX;
	for (unsigned i = 0; i < NL_NEXTHOP_GROUP_MAX; i++)
		g.members[i] = (struct nl_nexthop_member){ .id = 500 + i, .weight = (uint8_t)i };
	len = nl_nexthop_group_payload(&g, NULL, out, sizeof(out));
	assert_int_equal(len, 8 + 8 + 4 + NL_NEXTHOP_GROUP_MAX * 8);
	assert_int_equal(nl_nexthop_parse(out, (size_t)len, &back), 0);
	assert_false(back.unsupported);
	assert_int_equal(back.n_members, NL_NEXTHOP_GROUP_MAX);
	assert_int_equal(back.members[NL_NEXTHOP_GROUP_MAX - 1].id, 500 + NL_NEXTHOP_GROUP_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_single),
		cmocka_unit_test(test_parse_group),
		cmocka_unit_test(test_parse_large_group),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_group_payload_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
