/* timers.c - RFC 5880 timer arithmetic (6.8.2 - 6.8.4, 6.8.7). */
#include "timers.h"

uint32_t bfd_desired_min_tx_for_state(uint32_t configured_us, enum bfd_state state)
{
	if (state != BFD_STATE_UP && configured_us < BFD_SLOW_TX_US)
		return BFD_SLOW_TX_US;
	return configured_us;
}

bfd_usec_t bfd_tx_interval_us(uint32_t desired_min_tx_us, uint32_t remote_min_rx_us)
{
	return desired_min_tx_us > remote_min_rx_us ? desired_min_tx_us : remote_min_rx_us;
}

bfd_usec_t bfd_detection_time_us(uint8_t remote_detect_mult, uint32_t required_min_rx_us,
				 uint32_t remote_desired_min_tx_us)
{
	bfd_usec_t rx_us = required_min_rx_us > remote_desired_min_tx_us
				   ? required_min_rx_us
				   : remote_desired_min_tx_us;
	return (bfd_usec_t)remote_detect_mult * rx_us;
}

uint64_t bfd_rng_next(uint64_t *rng)
{
	uint64_t z = (*rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

bfd_usec_t bfd_jittered_us(bfd_usec_t interval_us, uint8_t detect_mult, uint64_t *rng)
{
	/* The share of the interval to keep, in parts per million: uniform in
	 * [75%, 100%], or [75%, 90%] when bfd.DetectMult is 1 (6.8.7). */
	const uint64_t ppm = 1000000;
	const uint64_t min_keep = ppm * 3 / 4;
	const uint64_t max_keep = detect_mult == 1 ? ppm * 9 / 10 : ppm;
	uint64_t keep = min_keep + bfd_rng_next(rng) % (max_keep - min_keep + 1);

	/* Rounded down, so never above the upper bound, but never below 75%
	 * rounded up, which only matters for intervals of a few microseconds.
	 * interval_us is at most 2^32 - 1, so the products fit in 64 bits. */
	bfd_usec_t jittered_us = interval_us * keep / ppm;
	bfd_usec_t floor_us = (interval_us * 3 + 3) / 4;

	return jittered_us < floor_us ? floor_us : jittered_us;
}
