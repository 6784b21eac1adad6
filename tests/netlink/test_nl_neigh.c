/*
 * test_nl_neigh.c - neighbour entries (netlink/nl_neigh.c) from hand-built
 * RTM_NEWNEIGH payloads: what route actions use to find an IPv6 peer's
 * link-local address (same link-layer address, same interface).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <linux/neighbour.h>

#include "msg_builder.h"
#include "nl_neigh.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };

/* An RTM_NEWNEIGH payload: struct ndmsg, then attributes. */
static void msg_neigh(struct msg *m, uint8_t family, int ifindex, uint16_t state)
{
	struct ndmsg ndm = { .ndm_family = family, .ndm_ifindex = ifindex, .ndm_state = state };

	memset(m, 0, sizeof(*m));
	memcpy(m->buf, &ndm, sizeof(ndm));
	m->len = NLMSG_ALIGN(sizeof(ndm));
}

static void test_reachable_v6(void **state)
{
	struct msg m;
	struct nl_neigh n;
	uint8_t want[16];

	(void)state;
	msg_neigh(&m, AF_INET6, 3, NUD_REACHABLE);
	msg_addr(&m, NDA_DST, AF_INET6, "fe80::1");
	msg_attr(&m, NDA_LLADDR, mac, sizeof(mac));
	assert_int_equal(nl_neigh_parse(m.buf, m.len, &n), 0);
	assert_int_equal(n.family, AF_INET6);
	assert_int_equal(n.ifindex, 3);
	assert_int_equal(n.state, NUD_REACHABLE);
	addr_bytes(AF_INET6, "fe80::1", want);
	assert_memory_equal(n.dst, want, 16);
	assert_int_equal(n.lladdr_len, 6);
	assert_memory_equal(n.lladdr, mac, 6);
}

/* An unresolved entry has no link-layer address: it matches nothing. */
static void test_incomplete_has_no_lladdr(void **state)
{
	struct msg m;
	struct nl_neigh n;

	(void)state;
	msg_neigh(&m, AF_INET6, 3, NUD_INCOMPLETE);
	msg_addr(&m, NDA_DST, AF_INET6, "2001:db8::2");
	assert_int_equal(nl_neigh_parse(m.buf, m.len, &n), 0);
	assert_int_equal(n.lladdr_len, 0);
}

static void test_rejects(void **state)
{
	struct msg m;
	struct nl_neigh n;
	uint8_t long_lladdr[NL_NEIGH_LLADDR_MAX + 1] = { 0 };

	(void)state;
	/* too short for struct ndmsg */
	msg_neigh(&m, AF_INET6, 3, NUD_REACHABLE);
	assert_int_equal(nl_neigh_parse(m.buf, 4, &n), -EINVAL);
	/* a bridge FDB entry (AF_BRIDGE): not an IP neighbour */
	msg_neigh(&m, AF_BRIDGE, 3, NUD_REACHABLE);
	msg_attr(&m, NDA_LLADDR, mac, sizeof(mac));
	assert_int_equal(nl_neigh_parse(m.buf, m.len, &n), -EINVAL);
	/* no destination, or one of the wrong size */
	msg_neigh(&m, AF_INET6, 3, NUD_REACHABLE);
	msg_attr(&m, NDA_LLADDR, mac, sizeof(mac));
	assert_int_equal(nl_neigh_parse(m.buf, m.len, &n), -EINVAL);
	msg_addr(&m, NDA_DST, AF_INET, "192.0.2.2");
	assert_int_equal(nl_neigh_parse(m.buf, m.len, &n), -EINVAL);
	/* an oversized link-layer address is left out, the entry kept */
	msg_neigh(&m, AF_INET, 3, NUD_STALE);
	msg_addr(&m, NDA_DST, AF_INET, "192.0.2.2");
	msg_attr(&m, NDA_LLADDR, long_lladdr, sizeof(long_lladdr));
	assert_int_equal(nl_neigh_parse(m.buf, m.len, &n), 0);
	assert_int_equal(n.lladdr_len, 0);
}

/* The request that marks a dead peer failed reads back as that entry. */
static void test_failed_payload(void **state)
{
	uint8_t buf[128], want[16], small[8];
	struct nl_neigh n;
	int len;

	(void)state;
	addr_bytes(AF_INET, "192.0.2.2", want);
	len = nl_neigh_failed_payload(AF_INET, 7, want, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(nl_neigh_parse(buf, (size_t)len, &n), 0);
	assert_int_equal(n.family, AF_INET);
	assert_int_equal(n.ifindex, 7);
	assert_int_equal(n.state, NUD_FAILED);
	assert_memory_equal(n.dst, want, 4);
	assert_int_equal(n.lladdr_len, 0);
	assert_false(nl_neigh_valid(&n));
	assert_false(nl_neigh_static(&n));

	addr_bytes(AF_INET6, "fe80::2", want);
	len = nl_neigh_failed_payload(AF_INET6, 3, want, buf, sizeof(buf));
	assert_int_equal(nl_neigh_parse(buf, (size_t)len, &n), 0);
	assert_int_equal(n.family, AF_INET6);
	assert_memory_equal(n.dst, want, 16);
	assert_int_equal(nl_neigh_failed_payload(AF_INET6, 3, want, small, sizeof(small)),
			 -ENOSPC);
}

/* Which entries count as live, and which are the operator's own. */
static void test_valid_and_static(void **state)
{
	static const struct {
		uint16_t state;
		bool valid, is_static;
	} cases[] = {
		{ NUD_REACHABLE, true, false }, { NUD_STALE, true, false },
		{ NUD_DELAY, true, false },     { NUD_PROBE, true, false },
		{ NUD_PERMANENT, true, true },  { NUD_NOARP, true, true },
		{ NUD_INCOMPLETE, false, false }, { NUD_FAILED, false, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nl_neigh n = { .state = cases[i].state };

		assert_int_equal(nl_neigh_valid(&n), cases[i].valid);
		assert_int_equal(nl_neigh_static(&n), cases[i].is_static);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reachable_v6),
		cmocka_unit_test(test_incomplete_has_no_lladdr),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_failed_payload),
		cmocka_unit_test(test_valid_and_static),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
