/*
 * test_timers.c - RFC 5880 timer arithmetic: the slow rate while not Up
 * (6.8.3), the transmit interval (6.8.7), the Detection Time (6.8.4) and the
 * transmit jitter (6.8.7).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bfd_proto.h"
#include "timers.h"

#define DRAWS 100000

/* RFC 5880 6.8.3: while not Up, bfd.DesiredMinTxInterval MUST be at least one second. */
static void test_desired_min_tx_floor_when_not_up(void **state)
{
	(void)state;
	static const enum bfd_state not_up[] = { BFD_STATE_ADMIN_DOWN, BFD_STATE_DOWN,
						 BFD_STATE_INIT };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(bfd_desired_min_tx_for_state(1, not_up[i]), 1000000);
		assert_int_equal(bfd_desired_min_tx_for_state(300000, not_up[i]), 1000000);
		assert_int_equal(bfd_desired_min_tx_for_state(999999, not_up[i]), 1000000);
		assert_int_equal(bfd_desired_min_tx_for_state(1000000, not_up[i]), 1000000);
	}
}

/* RFC 5880 6.8.3: when Up the configured bfd.DesiredMinTxInterval is used as is. */
static void test_desired_min_tx_configured_when_up(void **state)
{
	(void)state;
	assert_int_equal(bfd_desired_min_tx_for_state(1, BFD_STATE_UP), 1);
	assert_int_equal(bfd_desired_min_tx_for_state(300000, BFD_STATE_UP), 300000);
	assert_int_equal(bfd_desired_min_tx_for_state(999999, BFD_STATE_UP), 999999);
	assert_int_equal(bfd_desired_min_tx_for_state(5000000, BFD_STATE_UP), 5000000);
}

/* RFC 5880 6.8.3: a configured value above one second is kept in every state ("at least" one second, not exactly). */
static void test_desired_min_tx_above_floor_kept(void **state)
{
	(void)state;
	for (unsigned int st = 0; st <= 3; st++) {
		assert_int_equal(bfd_desired_min_tx_for_state(1000001, (enum bfd_state)st), 1000001);
		assert_int_equal(bfd_desired_min_tx_for_state(2000000, (enum bfd_state)st), 2000000);
		assert_int_equal(bfd_desired_min_tx_for_state(0xffffffffu, (enum bfd_state)st),
				 0xffffffffu);
	}
}

/* RFC 5880 6.8.7: the transmit interval is the larger of bfd.DesiredMinTxInterval and bfd.RemoteMinRxInterval. */
static void test_tx_interval_is_max(void **state)
{
	(void)state;
	assert_int_equal(bfd_tx_interval_us(300000, 500000), 500000);
	assert_int_equal(bfd_tx_interval_us(500000, 300000), 500000);
	assert_int_equal(bfd_tx_interval_us(300000, 300000), 300000);
	assert_int_equal(bfd_tx_interval_us(1, 0xffffffffu), 0xffffffffu);
	assert_int_equal(bfd_tx_interval_us(0xffffffffu, 1), 0xffffffffu);
	assert_int_equal(bfd_tx_interval_us(7, 0), 7);
}

/* RFC 5880 6.8.4: Detection Time is the remote Detect Mult times max(bfd.RequiredMinRxInterval, remote Desired Min TX). */
static void test_detection_time(void **state)
{
	(void)state;
	assert_int_equal(bfd_detection_time_us(3, 300000, 1000000), 3000000);
	assert_int_equal(bfd_detection_time_us(3, 1000000, 300000), 3000000);
	assert_int_equal(bfd_detection_time_us(5, 200000, 200000), 1000000);
	assert_int_equal(bfd_detection_time_us(1, 50000, 10000), 50000);
	/* The remote's mult, not a constant: */
	assert_int_equal(bfd_detection_time_us(7, 100, 10), 700);
}

/* RFC 5880 6.8.4: with no packet received (remote Detect Mult 0) the Detection Time is 0. */
static void test_detection_time_zero_mult(void **state)
{
	(void)state;
	assert_int_equal(bfd_detection_time_us(0, 300000, 1000000), 0);
	assert_int_equal(bfd_detection_time_us(0, 0xffffffffu, 0xffffffffu), 0);
}

/* RFC 5880 6.8.4, 4.1: 255 * 0xffffffff us does not overflow. */
static void test_detection_time_no_overflow(void **state)
{
	(void)state;
	const bfd_usec_t want = 255ULL * 0xffffffffULL;
	assert_true(bfd_detection_time_us(255, 0xffffffffu, 1) == want);
	assert_true(bfd_detection_time_us(255, 1, 0xffffffffu) == want);
	assert_true(bfd_detection_time_us(255, 0xffffffffu, 0xffffffffu) == want);
	assert_true(bfd_detection_time_us(2, 0x80000000u, 0) == 0x100000000ULL);
}

struct jitter_stats {
	bfd_usec_t min, max;
	double mean;
};

/* Draw DRAWS jittered intervals, asserting each within [lo_pct, hi_pct] % of interval. */
static struct jitter_stats draw(bfd_usec_t interval, uint8_t mult, uint64_t seed, unsigned int lo_pct,
				unsigned int hi_pct)
{
	struct jitter_stats st = { .min = UINT64_MAX, .max = 0 };
	uint64_t rng = seed;
	double sum = 0;

	for (int i = 0; i < DRAWS; i++) {
		bfd_usec_t v = bfd_jittered_us(interval, mult, &rng);

		/* lo_pct% <= v / interval <= hi_pct%, exactly. */
		assert_true(v * 100 >= interval * lo_pct);
		assert_true(v * 100 <= interval * hi_pct);
		if (v < st.min)
			st.min = v;
		if (v > st.max)
			st.max = v;
		sum += (double)v;
	}
	st.mean = sum / DRAWS;
	return st;
}

/* RFC 5880 6.8.7: the interval is reduced by a random 0-25%, so every value lies in [75%, 100%], mean 87.5%, both ends reached. */
static void test_jitter_window_mult3(void **state)
{
	(void)state;
	const bfd_usec_t interval = 1000000;
	struct jitter_stats st = draw(interval, 3, 0x5eed, 75, 100);

	assert_true(st.mean >= 875000.0 * 0.99 && st.mean <= 875000.0 * 1.01);
	assert_true(st.min < 760000);
	assert_true(st.max > 990000);
	/* Other multipliers above 1 use the same window. */
	st = draw(interval, 2, 0x5eed, 75, 100);
	assert_true(st.max > 990000);
	st = draw(interval, 255, 0x5eed, 75, 100);
	assert_true(st.max > 990000);
}

/* RFC 5880 6.8.7: with bfd.DetectMult 1 the interval is 75-90% of the negotiated one, mean 82.5%. */
static void test_jitter_window_mult1(void **state)
{
	(void)state;
	const bfd_usec_t interval = 1000000;
	struct jitter_stats st = draw(interval, 1, 0xabcdef, 75, 90);

	assert_true(st.mean >= 825000.0 * 0.99 && st.mean <= 825000.0 * 1.01);
	assert_true(st.max > 890000);
	assert_true(st.min < 760000);
}

/* RFC 5880 6.8.7: the window holds for typical intervals that are not round numbers (here 300 ms and 3.3 ms, multiples of 4 us). */
static void test_jitter_window_other_intervals(void **state)
{
	(void)state;
	struct jitter_stats st = draw(300000, 3, 42, 75, 100);
	assert_true(st.mean >= 262500.0 * 0.99 && st.mean <= 262500.0 * 1.01);
	st = draw(3300, 1, 43, 75, 90);
	assert_true(st.mean >= 2722.5 * 0.99 && st.mean <= 2722.5 * 1.01);
}

/* RFC 5880 6.8.7: the jitter source is a seeded generator, so the same seed replays the same sequence and another seed does not. */
static void test_jitter_deterministic(void **state)
{
	(void)state;
	uint64_t a = 1234, b = 1234, c = 1235;
	int differ = 0;

	for (int i = 0; i < 1000; i++) {
		bfd_usec_t va = bfd_jittered_us(1000000, 3, &a);
		bfd_usec_t vb = bfd_jittered_us(1000000, 3, &b);
		bfd_usec_t vc = bfd_jittered_us(1000000, 3, &c);

		assert_true(va == vb);
		differ += va != vc;
	}
	assert_true(a == b);
	assert_true(differ > 900);
	/* Consecutive draws are not all equal. */
	uint64_t r = 7;
	bfd_usec_t first = bfd_jittered_us(1000000, 3, &r);
	int same = 0;
	for (int i = 0; i < 100; i++)
		same += bfd_jittered_us(1000000, 3, &r) == first;
	assert_true(same < 5);
}

/* RFC 5880 6.8.7, 4.1: the extreme 32-bit intervals (1 us and 0xffffffff us) do not overflow. */
static void test_jitter_extreme_intervals_no_overflow(void **state)
{
	(void)state;
	uint64_t rng = 99;

	for (int i = 0; i < 10000; i++) {
		const bfd_usec_t max = 0xffffffffULL;
		bfd_usec_t v = bfd_jittered_us(max, 3, &rng);
		assert_true(v <= max);
		assert_true(v >= max * 3 / 4);
		v = bfd_jittered_us(max, 1, &rng);
		assert_true(v * 10 <= max * 9);
		assert_true(v >= max * 3 / 4);
		v = bfd_jittered_us(1, 3, &rng);
		assert_true(v <= 1);
		v = bfd_jittered_us(1, 1, &rng);
		assert_true(v <= 1);
	}
}

/* RFC 5880 6.8.7: the interval MUST be reduced by at most 25% ("no less than 75%"), so tiny intervals of 1-3 us are never cut below that, in particular never to 0. */
static void test_jitter_tiny_intervals_not_below_75_percent(void **state)
{
	(void)state;
	uint64_t rng = 5;

	for (bfd_usec_t interval = 1; interval <= 8; interval++) {
		for (int i = 0; i < 1000; i++) {
			bfd_usec_t v = bfd_jittered_us(interval, 3, &rng);
			assert_true(v <= interval);
			assert_true(v * 4 >= interval * 3);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desired_min_tx_floor_when_not_up),
		cmocka_unit_test(test_desired_min_tx_configured_when_up),
		cmocka_unit_test(test_desired_min_tx_above_floor_kept),
		cmocka_unit_test(test_tx_interval_is_max),
		cmocka_unit_test(test_detection_time),
		cmocka_unit_test(test_detection_time_zero_mult),
		cmocka_unit_test(test_detection_time_no_overflow),
		cmocka_unit_test(test_jitter_window_mult3),
		cmocka_unit_test(test_jitter_window_mult1),
		cmocka_unit_test(test_jitter_window_other_intervals),
		cmocka_unit_test(test_jitter_deterministic),
		cmocka_unit_test(test_jitter_extreme_intervals_no_overflow),
		cmocka_unit_test(test_jitter_tiny_intervals_not_below_75_percent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
