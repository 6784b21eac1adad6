/*
 * timers.h - RFC 5880 timer arithmetic: the negotiated transmit interval
 * (6.8.2, 6.8.7), its jitter (6.8.7), the slow rate while not Up (6.8.3)
 * and the Detection Time (6.8.4). Pure functions of their arguments; the
 * random source is a small seeded generator owned by the caller.
 */
#ifndef BFD_TIMERS_H
#define BFD_TIMERS_H

#include <stdint.h>

#include "bfd_proto.h"
#include "bfd_time.h"

/* 6.8.3: while not Up, bfd.DesiredMinTxInterval is at least one second. */
#define BFD_SLOW_TX_US (1 * BFD_USEC_PER_SEC)

/* bfd.DesiredMinTxInterval to advertise in a state: the configured value,
 * raised to BFD_SLOW_TX_US unless the session is Up (6.8.3). */
uint32_t bfd_desired_min_tx_for_state(uint32_t configured_us, enum bfd_state state);

/* 6.8.7: the interval between transmitted packets before jitter is the
 * larger of our bfd.DesiredMinTxInterval and bfd.RemoteMinRxInterval. */
bfd_usec_t bfd_tx_interval_us(uint32_t desired_min_tx_us, uint32_t remote_min_rx_us);

/* 6.8.4: Detection Time in asynchronous mode is the remote Detect Mult times
 * the larger of our bfd.RequiredMinRxInterval and the remote's last Desired
 * Min TX Interval. 0 while nothing has been received (remote mult 0). */
bfd_usec_t bfd_detection_time_us(uint8_t remote_detect_mult, uint32_t required_min_rx_us,
				 uint32_t remote_desired_min_tx_us);

/* 6.8.7: the interval reduced at random by 0-25%, so 75-100% of it; when
 * bfd.DetectMult is 1, by 10-25%, so 75-90% of it. Advances *rng. */
bfd_usec_t bfd_jittered_us(bfd_usec_t interval_us, uint8_t detect_mult, uint64_t *rng);

/* A 64-bit pseudo-random step (splitmix64) for jitter; deterministic for a
 * given seed so tests can replay it. Not for discriminators or sequence
 * numbers, which the daemon draws from getrandom(). */
uint64_t bfd_rng_next(uint64_t *rng);

#endif
