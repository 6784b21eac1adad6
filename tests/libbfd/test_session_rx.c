/*
 * test_session_rx.c - reception of BFD Control packets by a session:
 * RFC 5880 section 6.8.6, rule by rule in the order of the RFC, and the
 * state machine of section 6.2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "peer.h"
#include "session.h"

#define LOCAL 0x11111111u /* the discriminator test_session_init() uses */
#define PEER 0x22222222u
#define OTHER 0x33333333u

/* The packet the session sends next: the one in out, or else the one the
 * timer produces at the next deadline(s). Advances *now_us. */
static struct bfd_packet next_sent(struct bfd_session *s, struct bfd_output *out,
				   bfd_usec_t *now_us)
{
	for (int i = 0; i < 16 && out->packet_len == 0; i++) {
		assert_true(out->next_deadline_us != BFD_USEC_NEVER);
		if (out->next_deadline_us > *now_us)
			*now_us = out->next_deadline_us;
		bfd_session_timer(s, *now_us, out);
	}
	return check_sent(s, out);
}

/* A new session brought Up against peer PEER; returns the time reached. */
static bfd_usec_t up_session(struct bfd_session *s)
{
	test_session_init(s);
	return test_session_bring_up(s, PEER);
}

/* A session in the given state (Down, Init or Up) against peer PEER. */
static bfd_usec_t session_in_state(struct bfd_session *s, enum bfd_state st)
{
	struct bfd_output out;
	struct bfd_packet pkt;

	test_session_init(s);
	switch (st) {
	case BFD_STATE_DOWN:
		return 0;
	case BFD_STATE_INIT:
		pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 1000000, 300000, 3);
		assert_int_equal(peer_send(s, &pkt, MS(10), &out), BFD_DROP_NONE);
		assert_int_equal(s->state, BFD_STATE_INIT);
		return MS(10);
	case BFD_STATE_UP:
		return test_session_bring_up(s, PEER);
	case BFD_STATE_ADMIN_DOWN:
		break;
	}
	fail();
	return 0;
}

/* 6.8.6: a nonzero Your Discriminator that selects no session: discard. */
static void rx_unknown_your_discr_dropped(void **unused)
{
	struct bfd_session s, before;
	struct bfd_output out;
	struct bfd_packet pkt;
	bfd_usec_t now_us;

	(void)unused;
	/* Up: a packet that would take the session Down, with a Poll. */
	now_us = up_session(&s);
	memcpy(&before, &s, sizeof(s));
	pkt = peer_packet(BFD_STATE_DOWN, PEER, LOCAL + 1, 300000, 300000, 3);
	pkt.poll = true;
	assert_int_equal(peer_send(&s, &pkt, now_us + MS(100), &out), BFD_DROP_UNKNOWN_DISCR);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_false(out.has_event);
	assert_int_equal(out.packet_len, 0);

	/* Down: it would go Init and learn the remote discriminator. */
	test_session_init(&s);
	memcpy(&before, &s, sizeof(s));
	pkt = peer_packet(BFD_STATE_DOWN, PEER, OTHER, 300000, 0, 7);
	assert_int_equal(peer_send(&s, &pkt, MS(1), &out), BFD_DROP_UNKNOWN_DISCR);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_false(out.has_event);
	assert_int_equal(out.packet_len, 0);
}

/* 6.8.6: A bit set and bfd.AuthType zero: discard. */
static void rx_a_bit_set_without_auth_dropped(void **unused)
{
	static const uint8_t password[] = { 's', 'e', 'c', 'r' };
	struct bfd_session s, before;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	test_session_init(&s);
	memcpy(&before, &s, sizeof(s));
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 1000000, 300000, 3);
	pkt.auth_present = true;
	pkt.auth = (struct bfd_auth_section){
		.type = BFD_AUTH_SIMPLE_PASSWORD,
		.len = 3 + sizeof(password),
		.key_id = 1,
		.data = password,
		.data_len = sizeof(password),
	};
	assert_int_equal(peer_send(&s, &pkt, MS(1), &out), BFD_DROP_AUTH_MISMATCH);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_false(out.has_event);
	assert_int_equal(out.packet_len, 0);

	/* Control: the same packet without the A bit is accepted. */
	pkt.auth_present = false;
	assert_int_equal(peer_send(&s, &pkt, MS(2), &out), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_INIT);
}

/* 6.8.6: A bit clear and bfd.AuthType nonzero: discard. */
static void rx_a_bit_clear_with_auth_dropped(void **unused)
{
	struct bfd_auth_key key = {
		.type = BFD_AUTH_SIMPLE_PASSWORD,
		.key_id = 1,
		.secret_len = 4,
		.secret = { 's', 'e', 'c', 'r' },
	};
	struct bfd_session s, before;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	assert_int_equal(bfd_session_init(&s, &test_params, &key, LOCAL, 1, 0), 0);
	memcpy(&before, &s, sizeof(s));
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 1000000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, MS(1), &out), BFD_DROP_AUTH_MISMATCH);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_false(out.has_event);
	assert_int_equal(out.packet_len, 0);

	/* Control: with the right password the packet is accepted. */
	pkt.auth_present = true;
	pkt.auth = (struct bfd_auth_section){
		.type = BFD_AUTH_SIMPLE_PASSWORD,
		.len = 3 + key.secret_len,
		.key_id = key.key_id,
		.data = key.secret,
		.data_len = key.secret_len,
	};
	assert_int_equal(peer_send(&s, &pkt, MS(2), &out), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_INIT);
}

/* 6.8.6: set bfd.RemoteDiscr to My Discriminator (sent back as Your Discr). */
static void rx_sets_remote_discr(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt, sent;
	bfd_usec_t now_us = MS(1);

	(void)unused;
	test_session_init(&s);
	assert_int_equal(s.remote_discr, 0);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 1000000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, now_us, &out), BFD_DROP_NONE);
	assert_int_equal(s.remote_discr, PEER);
	sent = next_sent(&s, &out, &now_us);
	assert_int_equal(sent.your_discr, PEER);

	/* A later packet with another My Discriminator replaces it. */
	now_us += MS(1);
	pkt = peer_packet(BFD_STATE_INIT, OTHER, LOCAL, 1000000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, now_us, &out), BFD_DROP_NONE);
	assert_int_equal(s.remote_discr, OTHER);
	sent = next_sent(&s, &out, &now_us);
	assert_int_equal(sent.your_discr, OTHER);
}

/* 6.8.6: set bfd.RemoteSessionState to the State field. */
static void rx_sets_remote_state(void **unused)
{
	static const enum bfd_state seq[] = {
		BFD_STATE_ADMIN_DOWN, BFD_STATE_UP, BFD_STATE_DOWN, BFD_STATE_INIT,
		BFD_STATE_UP, BFD_STATE_INIT, BFD_STATE_ADMIN_DOWN,
	};
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	test_session_init(&s);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		pkt = peer_packet(seq[i], PEER, LOCAL, 1000000, 300000, 3);
		assert_int_equal(peer_send(&s, &pkt, MS(10) * (i + 1), &out), BFD_DROP_NONE);
		assert_int_equal(s.remote_state, seq[i]);
	}
}

/* 6.8.6: set bfd.RemoteDemandMode to the Demand (D) bit. */
static void rx_sets_remote_demand_mode(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	bfd_usec_t now_us;

	(void)unused;
	now_us = up_session(&s);
	assert_false(s.remote_demand_mode);
	pkt = peer_packet(BFD_STATE_UP, PEER, LOCAL, 300000, 300000, 3);
	pkt.demand = true;
	assert_int_equal(peer_send(&s, &pkt, now_us + MS(100), &out), BFD_DROP_NONE);
	assert_true(s.remote_demand_mode);
	pkt.demand = false;
	assert_int_equal(peer_send(&s, &pkt, now_us + MS(200), &out), BFD_DROP_NONE);
	assert_false(s.remote_demand_mode);
	assert_int_equal(s.state, BFD_STATE_UP);
}

/* 6.8.6: set bfd.RemoteMinRxInterval to Required Min RX Interval. */
static void rx_sets_remote_min_rx(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	test_session_init(&s);
	assert_int_equal(s.remote_min_rx_us, 1); /* initial value, 6.8.1 */
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 1000000, 2500000, 3);
	assert_int_equal(peer_send(&s, &pkt, MS(10), &out), BFD_DROP_NONE);
	assert_int_equal(s.remote_min_rx_us, 2500000);
	/* 6.8.2: the transmit interval is the larger of the two. */
	assert_int_equal(bfd_session_tx_interval_us(&s), 2500000);

	pkt = peer_packet(BFD_STATE_DOWN, PEER, LOCAL, 1000000, 123456, 3);
	assert_int_equal(peer_send(&s, &pkt, MS(20), &out), BFD_DROP_NONE);
	assert_int_equal(s.remote_min_rx_us, 123456);
	assert_int_equal(bfd_session_tx_interval_us(&s), 1000000); /* slow rate, not Up */
}

/* 6.8.6 / 6.8.4: the remote Desired Min TX and Detect Mult set the Detection Time. */
static void rx_remote_tx_and_mult_in_detection_time(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	const bfd_usec_t t0 = MS(10);
	bfd_usec_t t1;

	(void)unused;
	test_session_init(&s);
	assert_int_equal(bfd_session_detection_time_us(&s), 0);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 700000, 300000, 5);
	assert_int_equal(peer_send(&s, &pkt, t0, &out), BFD_DROP_NONE);
	assert_int_equal(s.remote_desired_min_tx_us, 700000);
	assert_int_equal(s.remote_detect_mult, 5);
	/* 5 x max(our 300 ms, their 700 ms) */
	assert_int_equal(bfd_session_detection_time_us(&s), 5 * (bfd_usec_t)700000);
	assert_true(out.next_deadline_us <= t0 + 5 * (bfd_usec_t)700000);
	bfd_session_timer(&s, t0 + 5 * (bfd_usec_t)700000 - 1, &out);
	assert_int_equal(s.state, BFD_STATE_INIT);
	assert_false(out.has_event);
	bfd_session_timer(&s, t0 + 5 * (bfd_usec_t)700000, &out);
	assert_event(&out, BFD_STATE_INIT, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, false);

	/* A faster, less tolerant peer: our 300 ms dominates, mult 2. */
	t1 = t0 + 5 * (bfd_usec_t)700000 + MS(10);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, LOCAL, 100000, 300000, 2);
	assert_int_equal(peer_send(&s, &pkt, t1, &out), BFD_DROP_NONE);
	assert_int_equal(s.remote_desired_min_tx_us, 100000);
	assert_int_equal(s.remote_detect_mult, 2);
	assert_int_equal(bfd_session_detection_time_us(&s), 2 * (bfd_usec_t)300000);
	bfd_session_timer(&s, t1 + 2 * (bfd_usec_t)300000 - 1, &out);
	assert_int_equal(s.state, BFD_STATE_INIT);
	bfd_session_timer(&s, t1 + 2 * (bfd_usec_t)300000, &out);
	assert_event(&out, BFD_STATE_INIT, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, false);
}

/* 6.8.6 / 6.5: a packet with the Final (F) bit terminates the Poll Sequence. */
static void rx_final_ends_poll(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt, sent;
	struct bfd_session_params params = test_params;
	bfd_usec_t now_us;

	(void)unused;
	now_us = up_session(&s);
	/* Going Up lowered DesiredMinTx from 1 s: that poll ends with a Final. */
	assert_true(s.poll_active);
	now_us += MS(10);
	pkt = peer_packet(BFD_STATE_UP, PEER, LOCAL, 300000, 300000, 3);
	pkt.final = true;
	assert_int_equal(peer_send(&s, &pkt, now_us, &out), BFD_DROP_NONE);
	assert_false(s.poll_active);

	/* A new Poll Sequence for a parameter change. */
	now_us += MS(10);
	params.desired_min_tx_us = 500000;
	assert_int_equal(bfd_session_set_params(&s, &params, now_us, &out), 0);
	assert_true(s.poll_active);
	sent = next_sent(&s, &out, &now_us);
	assert_true(sent.poll);

	/* A packet without F does not end it. */
	now_us += MS(1);
	pkt.final = false;
	assert_int_equal(peer_send(&s, &pkt, now_us, &out), BFD_DROP_NONE);
	assert_true(s.poll_active);

	/* The Final does. */
	now_us += MS(1);
	pkt.final = true;
	assert_int_equal(peer_send(&s, &pkt, now_us, &out), BFD_DROP_NONE);
	assert_false(s.poll_active);
	assert_false(out.has_event);
	out.packet_len = 0;
	sent = next_sent(&s, &out, &now_us);
	assert_false(sent.poll);
	assert_int_equal(sent.desired_min_tx_us, 500000);
}

/* 6.8.6: in AdminDown the remote variables are updated, then the packet is
 * discarded: no state machine, no Final for a Poll. */
static void rx_in_admin_down_updates_remote_only(void **unused)
{
	static const enum bfd_state rx_states[] = {
		BFD_STATE_ADMIN_DOWN, BFD_STATE_DOWN, BFD_STATE_INIT, BFD_STATE_UP,
	};
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	bfd_usec_t now_us;

	(void)unused;
	now_us = up_session(&s);
	bfd_session_set_admin_down(&s, true, now_us, &out);
	assert_int_equal(s.state, BFD_STATE_ADMIN_DOWN);

	for (size_t i = 0; i < 4; i++) {
		now_us += MS(50);
		pkt = peer_packet(rx_states[i], OTHER + (uint32_t)i, LOCAL,
				  400000 + 1000 * (uint32_t)i, 500000 + 1000 * (uint32_t)i,
				  (uint8_t)(4 + i));
		pkt.poll = true;
		pkt.demand = (i & 1) != 0;
		peer_send(&s, &pkt, now_us, &out);
		assert_int_equal(s.remote_discr, OTHER + i);
		assert_int_equal(s.remote_state, rx_states[i]);
		assert_int_equal(s.remote_demand_mode, (i & 1) != 0);
		assert_int_equal(s.remote_min_rx_us, 500000 + 1000 * i);
		assert_int_equal(s.remote_desired_min_tx_us, 400000 + 1000 * i);
		assert_int_equal(s.remote_detect_mult, 4 + i);
		assert_int_equal(s.state, BFD_STATE_ADMIN_DOWN);
		assert_int_equal(s.local_diag, BFD_DIAG_ADMIN_DOWN);
		assert_false(out.has_event);
		assert_int_equal(out.packet_len, 0); /* no Final */
	}
}

/* 6.8.6: received AdminDown while Init or Up: Down, LocalDiag 3. */
static void rx_admin_down_received_in_up_or_init(void **unused)
{
	static const enum bfd_state from[] = { BFD_STATE_INIT, BFD_STATE_UP };
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	bfd_usec_t now_us;

	(void)unused;
	for (size_t i = 0; i < 2; i++) {
		now_us = session_in_state(&s, from[i]) + MS(100);
		pkt = peer_packet(BFD_STATE_ADMIN_DOWN, PEER, LOCAL, 1000000, 300000, 3);
		pkt.diag = BFD_DIAG_ADMIN_DOWN;
		assert_int_equal(peer_send(&s, &pkt, now_us, &out), BFD_DROP_NONE);
		assert_int_equal(s.state, BFD_STATE_DOWN);
		assert_int_equal(s.local_diag, BFD_DIAG_NEIGHBOR_DOWN);
		/* RFC 5882 3.2: the peer in maintenance, not a failed path. */
		assert_event(&out, from[i], BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, true);
		pkt = next_sent(&s, &out, &now_us);
		assert_int_equal(pkt.state, BFD_STATE_DOWN);
		assert_int_equal(pkt.diag, BFD_DIAG_NEIGHBOR_DOWN);
	}
}

/* 6.8.6: received AdminDown while Down: no change. */
static void rx_admin_down_received_in_down(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	test_session_init(&s);
	pkt = peer_packet(BFD_STATE_ADMIN_DOWN, PEER, 0, 1000000, 300000, 3);
	pkt.diag = BFD_DIAG_ADMIN_DOWN;
	assert_int_equal(peer_send(&s, &pkt, MS(10), &out), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(s.local_diag, BFD_DIAG_NONE);
	assert_false(out.has_event);

	/* Down after Detection Time expiry keeps diag 1. */
	bfd_session_timer(&s, MS(10) + 3 * (bfd_usec_t)1000000, &out);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, LOCAL, 1000000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, MS(4000), &out), BFD_DROP_NONE);
	bfd_session_timer(&s, MS(4000) + 3 * (bfd_usec_t)1000000, &out);
	assert_event(&out, BFD_STATE_INIT, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, false);
	pkt = peer_packet(BFD_STATE_ADMIN_DOWN, PEER, LOCAL, 1000000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, MS(7100), &out), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(s.local_diag, BFD_DIAG_DETECT_EXPIRED);
	assert_false(out.has_event);
}

/* 6.2 / 6.8.6: the state machine, every local state x every received state. */
static void rx_state_machine_table(void **unused)
{
	static const struct {
		enum bfd_state local, received, result;
		enum bfd_diag diag;
		bool event, peer_admin_down;
	} table[] = {
		{ BFD_STATE_DOWN, BFD_STATE_ADMIN_DOWN, BFD_STATE_DOWN, BFD_DIAG_NONE, false, false },
		{ BFD_STATE_DOWN, BFD_STATE_DOWN, BFD_STATE_INIT, BFD_DIAG_NONE, true, false },
		{ BFD_STATE_DOWN, BFD_STATE_INIT, BFD_STATE_UP, BFD_DIAG_NONE, true, false },
		{ BFD_STATE_DOWN, BFD_STATE_UP, BFD_STATE_DOWN, BFD_DIAG_NONE, false, false },
		{ BFD_STATE_INIT, BFD_STATE_ADMIN_DOWN, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, true, true },
		{ BFD_STATE_INIT, BFD_STATE_DOWN, BFD_STATE_INIT, BFD_DIAG_NONE, false, false },
		{ BFD_STATE_INIT, BFD_STATE_INIT, BFD_STATE_UP, BFD_DIAG_NONE, true, false },
		{ BFD_STATE_INIT, BFD_STATE_UP, BFD_STATE_UP, BFD_DIAG_NONE, true, false },
		{ BFD_STATE_UP, BFD_STATE_ADMIN_DOWN, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, true, true },
		{ BFD_STATE_UP, BFD_STATE_DOWN, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, true, false },
		{ BFD_STATE_UP, BFD_STATE_INIT, BFD_STATE_UP, BFD_DIAG_NONE, false, false },
		{ BFD_STATE_UP, BFD_STATE_UP, BFD_STATE_UP, BFD_DIAG_NONE, false, false },
	};
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		bfd_usec_t now_us = session_in_state(&s, table[i].local) + MS(100);

		print_message("local %s, received %s\n", bfd_state_name(table[i].local),
			      bfd_state_name(table[i].received));
		assert_int_equal(s.state, table[i].local);
		pkt = peer_packet(table[i].received, PEER, LOCAL, 1000000, 300000, 3);
		assert_int_equal(peer_send(&s, &pkt, now_us, &out), BFD_DROP_NONE);
		assert_int_equal(s.state, table[i].result);
		assert_int_equal(s.local_diag, table[i].diag);
		assert_int_equal(out.has_event, table[i].event);
		if (table[i].event)
			assert_event(&out, table[i].local, table[i].result, table[i].diag,
				     table[i].peer_admin_down);
		if (out.packet_len)
			check_sent(&s, &out);
	}
}

/* 6.8.6: Up and received Down: Down with LocalDiag 3, not an AdminDown. */
static void rx_up_received_down(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	bfd_usec_t now_us;

	(void)unused;
	now_us = up_session(&s) + MS(100);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, LOCAL, 1000000, 300000, 3);
	pkt.diag = BFD_DIAG_DETECT_EXPIRED;
	assert_int_equal(peer_send(&s, &pkt, now_us, &out), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(s.local_diag, BFD_DIAG_NEIGHBOR_DOWN);
	assert_event(&out, BFD_STATE_UP, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, false);
	pkt = next_sent(&s, &out, &now_us);
	assert_int_equal(pkt.state, BFD_STATE_DOWN);
	assert_int_equal(pkt.diag, BFD_DIAG_NEIGHBOR_DOWN);
	assert_int_equal(pkt.your_discr, PEER);
	assert_true(pkt.desired_min_tx_us >= 1000000); /* 6.8.3: slow while not Up */
}

/* Hand the packet in from to session to, as the network would. */
static enum bfd_drop_reason deliver(struct bfd_session *to, const struct bfd_output *from,
				    bfd_usec_t now_us, struct bfd_output *out)
{
	struct bfd_packet pkt;

	assert_true(from->packet_len > 0);
	assert_int_equal(bfd_packet_decode(from->packet, from->packet_len, &pkt), BFD_DROP_NONE);
	return bfd_session_recv(to, from->packet, &pkt, now_us, out);
}

/* 6.2: three-way handshake: Down->Init->Up on the side that hears Down
 * first, Down->Up on the side that hears Init first. */
static void rx_handshake(void **unused)
{
	struct bfd_session a, b;
	struct bfd_output out_a, out_b;
	struct bfd_packet pkt;
	bfd_usec_t now_a = 0, now_b = MS(1);

	(void)unused;
	assert_int_equal(bfd_session_init(&a, &test_params, NULL, PEER, 42, 0), 0);
	test_session_init(&b);

	/* A's first packet: Down, Your Discriminator 0. */
	bfd_session_timer(&a, now_a, &out_a);
	pkt = check_sent(&a, &out_a);
	assert_int_equal(pkt.state, BFD_STATE_DOWN);
	assert_int_equal(pkt.your_discr, 0);

	/* B hears Down: Init. */
	assert_int_equal(deliver(&b, &out_a, now_b, &out_b), BFD_DROP_NONE);
	assert_int_equal(b.state, BFD_STATE_INIT);
	assert_event(&out_b, BFD_STATE_DOWN, BFD_STATE_INIT, BFD_DIAG_NONE, false);
	assert_int_equal(b.remote_discr, PEER);
	pkt = next_sent(&b, &out_b, &now_b);
	assert_int_equal(pkt.state, BFD_STATE_INIT);
	assert_int_equal(pkt.your_discr, PEER);

	/* A hears Init: straight to Up. */
	now_a = now_b + MS(1);
	assert_int_equal(deliver(&a, &out_b, now_a, &out_a), BFD_DROP_NONE);
	assert_int_equal(a.state, BFD_STATE_UP);
	assert_event(&out_a, BFD_STATE_DOWN, BFD_STATE_UP, BFD_DIAG_NONE, false);
	assert_int_equal(a.remote_discr, LOCAL);
	pkt = next_sent(&a, &out_a, &now_a);
	assert_int_equal(pkt.state, BFD_STATE_UP);
	assert_int_equal(pkt.your_discr, LOCAL);

	/* B hears Up: Up. */
	now_b = now_a + MS(1);
	assert_int_equal(deliver(&b, &out_a, now_b, &out_b), BFD_DROP_NONE);
	assert_int_equal(b.state, BFD_STATE_UP);
	assert_event(&out_b, BFD_STATE_INIT, BFD_STATE_UP, BFD_DIAG_NONE, false);
}

/* 6.8.6 / 6.8.7: a Poll is answered at once with F set and P clear, whatever
 * the timers, even when bfd.RemoteMinRxInterval is 0. */
static void rx_poll_answered_with_final(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt, sent;
	bfd_usec_t now_us;

	(void)unused;
	now_us = up_session(&s);
	/* The session runs its own Poll Sequence (it just went Up). */
	assert_true(s.poll_active);
	for (int i = 0; i < 3; i++) {
		/* Three Polls within 1 us of each other: no timer is due. */
		now_us += 1;
		pkt = peer_packet(BFD_STATE_UP, PEER, LOCAL, 300000, 0, 3);
		pkt.poll = true;
		assert_int_equal(peer_send(&s, &pkt, now_us, &out), BFD_DROP_NONE);
		assert_int_equal(s.remote_min_rx_us, 0);
		sent = check_sent(&s, &out);
		assert_true(sent.final);
		assert_false(sent.poll);
		assert_int_equal(sent.state, BFD_STATE_UP);
		assert_int_equal(sent.your_discr, PEER);
		assert_false(out.has_event);
	}

	/* Also while Down, and together with a state change. */
	test_session_init(&s);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 1000000, 0, 3);
	pkt.poll = true;
	assert_int_equal(peer_send(&s, &pkt, MS(500), &out), BFD_DROP_NONE);
	assert_event(&out, BFD_STATE_DOWN, BFD_STATE_INIT, BFD_DIAG_NONE, false);
	sent = check_sent(&s, &out);
	assert_true(sent.final);
	assert_false(sent.poll);
	assert_int_equal(sent.state, BFD_STATE_INIT);
}

/* 6.8.6: Your Discriminator 0 with State Down is accepted in Down (the
 * session is selected by address, which is the caller's job). */
static void rx_your_discr_zero_accepted_in_down(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	test_session_init(&s);
	pkt = peer_packet(BFD_STATE_ADMIN_DOWN, PEER, 0, 1000000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, MS(10), &out), BFD_DROP_NONE);
	assert_int_equal(s.remote_discr, PEER);
	assert_int_equal(s.remote_state, BFD_STATE_ADMIN_DOWN);
	assert_int_equal(s.state, BFD_STATE_DOWN);

	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 1000000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, MS(20), &out), BFD_DROP_NONE);
	assert_int_equal(s.remote_state, BFD_STATE_DOWN);
	assert_int_equal(s.state, BFD_STATE_INIT);
	assert_event(&out, BFD_STATE_DOWN, BFD_STATE_INIT, BFD_DIAG_NONE, false);
}

/* 6.8.6 / 6.8.4: every accepted packet restarts the Detection Time. */
static void rx_detection_time_restarts(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	bfd_usec_t t0, t1;

	(void)unused;
	t0 = up_session(&s) + MS(10);
	pkt = peer_packet(BFD_STATE_UP, PEER, LOCAL, 300000, 300000, 3);
	pkt.final = true;
	assert_int_equal(peer_send(&s, &pkt, t0, &out), BFD_DROP_NONE);
	assert_int_equal(bfd_session_detection_time_us(&s), MS(900));
	assert_true(out.next_deadline_us <= t0 + MS(900));

	/* Another packet 600 ms later moves the expiry to t1 + 900 ms. */
	t1 = t0 + MS(600);
	pkt.final = false;
	assert_int_equal(peer_send(&s, &pkt, t1, &out), BFD_DROP_NONE);
	assert_true(out.next_deadline_us <= t1 + MS(900));
	assert_int_equal(bfd_session_next_deadline_us(&s), out.next_deadline_us);
	bfd_session_timer(&s, t0 + MS(900), &out);
	assert_int_equal(s.state, BFD_STATE_UP);
	assert_false(out.has_event);
	bfd_session_timer(&s, t1 + MS(900) - 1, &out);
	assert_int_equal(s.state, BFD_STATE_UP);
	assert_false(out.has_event);
	assert_true(out.next_deadline_us <= t1 + MS(900));
	bfd_session_timer(&s, t1 + MS(900), &out);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_event(&out, BFD_STATE_UP, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rx_unknown_your_discr_dropped),
		cmocka_unit_test(rx_a_bit_set_without_auth_dropped),
		cmocka_unit_test(rx_a_bit_clear_with_auth_dropped),
		cmocka_unit_test(rx_sets_remote_discr),
		cmocka_unit_test(rx_sets_remote_state),
		cmocka_unit_test(rx_sets_remote_demand_mode),
		cmocka_unit_test(rx_sets_remote_min_rx),
		cmocka_unit_test(rx_remote_tx_and_mult_in_detection_time),
		cmocka_unit_test(rx_final_ends_poll),
		cmocka_unit_test(rx_in_admin_down_updates_remote_only),
		cmocka_unit_test(rx_admin_down_received_in_up_or_init),
		cmocka_unit_test(rx_admin_down_received_in_down),
		cmocka_unit_test(rx_state_machine_table),
		cmocka_unit_test(rx_up_received_down),
		cmocka_unit_test(rx_handshake),
		cmocka_unit_test(rx_poll_answered_with_final),
		cmocka_unit_test(rx_your_discr_zero_accepted_in_down),
		cmocka_unit_test(rx_detection_time_restarts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
