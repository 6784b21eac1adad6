/*
 * test_discr.c - choosing bfd.LocalDiscr (RFC 5880 6.8.1: nonzero and
 * unique within the system; section 9: not predictable) from a scripted
 * random source.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "discr.h"

#define SCRIPT_MAX 256
#define USED_MAX 256

/* A random source that returns script[] in order, and a table of
 * discriminators in use. Counts every call. */
struct script {
	uint32_t values[SCRIPT_MAX];
	size_t n_values;
	size_t random_calls;
	uint32_t used[USED_MAX];
	size_t n_used;
	size_t in_use_calls;
	bool saw_wrong_ctx;
};

static struct script *expected_ctx;

static uint32_t scripted_random(void *ctx)
{
	struct script *s = ctx;

	if (s != expected_ctx)
		s->saw_wrong_ctx = true;
	/* Running off the end of the script is a failure in itself. */
	assert_true(s->random_calls < s->n_values);
	return s->values[s->random_calls++];
}

static bool scripted_in_use(void *ctx, uint32_t discr)
{
	struct script *s = ctx;

	if (s != expected_ctx)
		s->saw_wrong_ctx = true;
	s->in_use_calls++;
	for (size_t i = 0; i < s->n_used; i++)
		if (s->used[i] == discr)
			return true;
	return false;
}

static void script_init(struct script *s, const uint32_t *values, size_t n, const uint32_t *used,
			size_t n_used)
{
	memset(s, 0, sizeof(*s));
	assert_true(n <= SCRIPT_MAX && n_used <= USED_MAX);
	memcpy(s->values, values, n * sizeof(*values));
	s->n_values = n;
	if (n_used)
		memcpy(s->used, used, n_used * sizeof(*used));
	s->n_used = n_used;
	expected_ctx = s;
}

/* RFC 5880 6.8.1: bfd.LocalDiscr is nonzero - a drawn 0 is skipped and the next value taken. */
static void test_pick_skips_zero(void **state)
{
	static const uint32_t values[] = { 0, 0, 0x1234 };
	struct script s;
	(void)state;

	script_init(&s, values, 3, NULL, 0);
	assert_int_equal(bfd_discr_pick(scripted_random, scripted_in_use, &s), 0x1234);
	assert_int_equal(s.random_calls, 3);
	assert_false(s.saw_wrong_ctx);
}

/* RFC 5880 6.8.1: bfd.LocalDiscr is unique within the system - values in use are skipped. */
static void test_pick_skips_in_use(void **state)
{
	static const uint32_t values[] = { 5, 0, 6, 0xffffffffu, 7 };
	static const uint32_t used[] = { 5, 6, 0xffffffffu };
	struct script s;
	(void)state;

	script_init(&s, values, 5, used, 3);
	assert_int_equal(bfd_discr_pick(scripted_random, scripted_in_use, &s), 7);
	assert_int_equal(s.random_calls, 5);
	assert_true(s.in_use_calls >= 4); /* every nonzero candidate was checked */
	assert_false(s.saw_wrong_ctx);
}

/* RFC 5880 6.8.1: the first usable draw is returned at once, without further draws. */
static void test_pick_first_good_value(void **state)
{
	static const uint32_t values[] = { 0xdeadbeef, 1, 2 };
	struct script s;
	(void)state;

	script_init(&s, values, 3, NULL, 0);
	assert_int_equal(bfd_discr_pick(scripted_random, scripted_in_use, &s), 0xdeadbeef);
	assert_int_equal(s.random_calls, 1);
	assert_int_equal(s.in_use_calls, 1);
}

/* RFC 5880 6.8.1: a random source that only yields 0 gives no discriminator (0 = failure) after exactly BFD_DISCR_MAX_TRIES draws. */
static void test_pick_gives_up_on_zeros(void **state)
{
	uint32_t values[SCRIPT_MAX] = { 0 };
	struct script s;
	(void)state;

	/* A good value waits just past the limit: it must not be drawn. */
	values[BFD_DISCR_MAX_TRIES] = 42;
	script_init(&s, values, SCRIPT_MAX, NULL, 0);
	assert_int_equal(bfd_discr_pick(scripted_random, scripted_in_use, &s), 0);
	assert_int_equal(s.random_calls, BFD_DISCR_MAX_TRIES);
}

/* RFC 5880 6.8.1: when every draw is in use, no discriminator is returned, after at most BFD_DISCR_MAX_TRIES draws. */
static void test_pick_gives_up_all_in_use(void **state)
{
	uint32_t values[SCRIPT_MAX];
	static const uint32_t used[] = { 10, 11, 12 };
	struct script s;
	(void)state;

	for (size_t i = 0; i < SCRIPT_MAX; i++)
		values[i] = 10 + (uint32_t)(i % 3);
	values[BFD_DISCR_MAX_TRIES] = 99;
	script_init(&s, values, SCRIPT_MAX, used, 3);
	assert_int_equal(bfd_discr_pick(scripted_random, scripted_in_use, &s), 0);
	assert_int_equal(s.random_calls, BFD_DISCR_MAX_TRIES);
	assert_true(s.random_calls <= BFD_DISCR_MAX_TRIES);
}

/* RFC 5880 6.8.1: the last permitted draw (number BFD_DISCR_MAX_TRIES) still counts. */
static void test_pick_last_try_counts(void **state)
{
	uint32_t values[BFD_DISCR_MAX_TRIES] = { 0 };
	struct script s;
	(void)state;

	values[BFD_DISCR_MAX_TRIES - 1] = 77;
	/* The script is exactly as long as the limit: a further draw fails. */
	script_init(&s, values, BFD_DISCR_MAX_TRIES, NULL, 0);
	assert_int_equal(bfd_discr_pick(scripted_random, scripted_in_use, &s), 77);
	assert_int_equal(s.random_calls, BFD_DISCR_MAX_TRIES);
}

/* RFC 5880 6.8.1: picking many discriminators from a source with many collisions yields distinct nonzero values, never one in use. */
static void test_pick_many_unique(void **state)
{
	struct script s;
	uint32_t lcg = 12345;
	(void)state;

	memset(&s, 0, sizeof(s));
	expected_ctx = &s;
	for (int round = 0; round < 100; round++) {
		/* Refill the script with values 0..199: zeros and collisions
		 * with the ones already picked are frequent. */
		for (size_t i = 0; i < SCRIPT_MAX; i++) {
			lcg = lcg * 1103515245u + 12345u;
			s.values[i] = (lcg >> 16) % 200;
		}
		s.n_values = SCRIPT_MAX;
		s.random_calls = 0;
		uint32_t d = bfd_discr_pick(scripted_random, scripted_in_use, &s);
		assert_int_not_equal(d, 0);
		assert_true(s.random_calls <= BFD_DISCR_MAX_TRIES);
		for (size_t i = 0; i < s.n_used; i++)
			assert_int_not_equal(s.used[i], d);
		s.used[s.n_used++] = d;
	}
	assert_int_equal(s.n_used, 100);
	assert_false(s.saw_wrong_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_skips_zero),
		cmocka_unit_test(test_pick_skips_in_use),
		cmocka_unit_test(test_pick_first_good_value),
		cmocka_unit_test(test_pick_gives_up_on_zeros),
		cmocka_unit_test(test_pick_gives_up_all_in_use),
		cmocka_unit_test(test_pick_last_try_counts),
		cmocka_unit_test(test_pick_many_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
