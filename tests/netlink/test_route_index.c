/*
 * test_route_index.c - the route key -> number hash (netlink/route_index.c):
 * every field of the key tells keys apart, values are replaced, the table
 * grows past 10,000 keys without losing one, and clearing empties it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "route_index.h"

/* Keys are built zeroed (route_index.c hashes and compares all bytes). */
static struct nl_route_key key4(uint32_t addr, uint8_t len, uint32_t table, uint32_t metric)
{
	struct nl_route_key k;
	uint32_t be = htonl(addr);

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.dst_len = len;
	k.table = table;
	k.metric = metric;
	memcpy(k.dst, &be, 4);
	return k;
}

static void test_empty(void **state)
{
	struct route_index ix = { 0 };
	struct nl_route_key k = key4(0x0a000000, 8, 254, 0);

	(void)state;
	assert_int_equal(route_index_get(&ix, &k), -1);
	route_index_clear(&ix);
	assert_int_equal(route_index_get(&ix, &k), -1);
	assert_int_equal(ix.n, 0);
}

static void test_put_get_overwrite(void **state)
{
	struct route_index ix = { 0 };
	struct nl_route_key base = key4(0x0a010200, 24, 254, 20);
	struct nl_route_key v[8];

	(void)state;
	/* the same prefix, each differing from base in one field */
	for (int i = 0; i < 8; i++)
		v[i] = base;
	v[1].family = AF_INET6;
	v[2].dst_len = 25;
	v[3].tos = 0x10;
	v[4].table = 100;
	v[5].metric = 21;
	v[6].dst[3] = 1;
	v[7].dst[15] = 1;
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(route_index_put(&ix, &v[i], 100 + i), 0);
	assert_int_equal(ix.n, 8);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(route_index_get(&ix, &v[i]), 100 + i);

	/* a key already there gets the new value, and is not counted twice */
	assert_int_equal(route_index_put(&ix, &v[4], 7), 0);
	assert_int_equal(ix.n, 8);
	assert_int_equal(route_index_get(&ix, &v[4]), 7);
	assert_int_equal(route_index_get(&ix, &v[3]), 103);

	/* values are 32 bits: the largest is not "missing" */
	assert_int_equal(route_index_put(&ix, &v[0], UINT32_MAX), 0);
	assert_int_equal(route_index_get(&ix, &v[0]), (int64_t)UINT32_MAX);
	assert_int_equal(route_index_put(&ix, &v[0], 0), 0);
	assert_int_equal(route_index_get(&ix, &v[0]), 0);

	struct nl_route_key missing = key4(0x0a010300, 24, 254, 20);

	assert_int_equal(route_index_get(&ix, &missing), -1);
	route_index_clear(&ix);
}

static void test_grow(void **state)
{
	enum { N = 25000 };
	struct route_index ix = { 0 };

	(void)state;
	/* /24s over two tables, and v6 keys with the same leading bytes */
	for (uint32_t i = 0; i < N; i++) {
		struct nl_route_key k = key4(0x0a000000 + (i << 8), 24, i % 2 ? 254 : 100, 20);

		if (i % 5 == 0)
			k.family = AF_INET6;
		assert_int_equal(route_index_put(&ix, &k, i), 0);
		assert_int_equal(ix.n, i + 1);
		/* the table keeps a free quarter (linear probing ends) */
		assert_true(ix.n * 4 <= ix.cap * 3);
		assert_int_equal(ix.cap & (ix.cap - 1), 0);
	}
	assert_true(ix.cap >= N);
	for (uint32_t i = 0; i < N; i++) {
		struct nl_route_key k = key4(0x0a000000 + (i << 8), 24, i % 2 ? 254 : 100, 20);

		if (i % 5 == 0)
			k.family = AF_INET6;
		assert_int_equal(route_index_get(&ix, &k), i);
		/* the same prefix in the other table, or v4 for v6: not there */
		k.table = i % 2 ? 100 : 254;
		assert_int_equal(route_index_get(&ix, &k), -1);
	}
	/* overwrite after growing */
	for (uint32_t i = 0; i < N; i += 7) {
		struct nl_route_key k = key4(0x0a000000 + (i << 8), 24, i % 2 ? 254 : 100, 20);

		if (i % 5 == 0)
			k.family = AF_INET6;
		assert_int_equal(route_index_put(&ix, &k, N + i), 0);
	}
	assert_int_equal(ix.n, N);
	for (uint32_t i = 0; i < N; i++) {
		struct nl_route_key k = key4(0x0a000000 + (i << 8), 24, i % 2 ? 254 : 100, 20);

		if (i % 5 == 0)
			k.family = AF_INET6;
		assert_int_equal(route_index_get(&ix, &k), i % 7 ? i : N + i);
	}
	route_index_clear(&ix);
}

static void test_clear(void **state)
{
	struct route_index ix = { 0 };
	struct nl_route_key k[100];

	(void)state;
	for (uint32_t i = 0; i < 100; i++) {
		k[i] = key4(0xc0000200 + i, 32, 254, 0);
		assert_int_equal(route_index_put(&ix, &k[i], i), 0);
	}
	route_index_clear(&ix);
	assert_null(ix.slots);
	assert_int_equal(ix.n, 0);
	assert_int_equal(ix.cap, 0);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(route_index_get(&ix, &k[i]), -1);

	/* and it works again */
	assert_int_equal(route_index_put(&ix, &k[5], 55), 0);
	assert_int_equal(route_index_get(&ix, &k[5]), 55);
	assert_int_equal(route_index_get(&ix, &k[6]), -1);
	assert_int_equal(ix.n, 1);
	route_index_clear(&ix);
	route_index_clear(&ix); /* twice is fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_put_get_overwrite),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
