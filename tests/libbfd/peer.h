/*
 * peer.h - test helpers that play the remote end of a BFD session: build
 * the packet a peer would send, push it through the real decoder into a
 * session, and decode what the session sent back.
 */
#ifndef TEST_PEER_H
#define TEST_PEER_H

#include <stdint.h>

#include "packet.h"
#include "session.h"

#define MS(x) ((bfd_usec_t)(x) * BFD_USEC_PER_MSEC)

/* A packet from a peer with discriminator my_discr, addressed to
 * your_discr, with the given state and timers; no flags set. */
struct bfd_packet peer_packet(enum bfd_state state, uint32_t my_discr, uint32_t your_discr,
			      uint32_t desired_min_tx_us, uint32_t required_min_rx_us,
			      uint8_t detect_mult);

/* Encode pkt, decode it (asserting the decoder accepts it) and hand it to
 * bfd_session_recv(). Returns what bfd_session_recv() returned. */
enum bfd_drop_reason peer_send(struct bfd_session *s, const struct bfd_packet *pkt,
			       bfd_usec_t now_us, struct bfd_output *out);

/* Decode the packet in out, asserting there is one and that it is valid. */
struct bfd_packet sent_packet(const struct bfd_output *out);

/* Decode what the session sent and check what every packet must satisfy:
 * version 1, our discriminators, state, diag and multiplier, no Demand (D)
 * and no Echo claimed (6.8.7), never P and F together (6.5), and at least
 * 1 s of Desired Min TX while not Up (6.8.3). */
struct bfd_packet check_sent(const struct bfd_session *s, const struct bfd_output *out);

/* Assert that out reports exactly this state change. */
void assert_event(const struct bfd_output *out, enum bfd_state old_state,
		  enum bfd_state new_state, enum bfd_diag diag, bool peer_admin_down);

/* Default parameters used by most tests: 300 ms / 300 ms x 3. */
extern const struct bfd_session_params test_params;

/* A session initialised with test_params, discriminator 0x11111111, seed 1,
 * at time 0. */
void test_session_init(struct bfd_session *s);

/* Bring s Up against a scripted peer whose discriminator is peer_discr and
 * whose timers are test_params; returns the time reached. */
bfd_usec_t test_session_bring_up(struct bfd_session *s, uint32_t peer_discr);

#endif
