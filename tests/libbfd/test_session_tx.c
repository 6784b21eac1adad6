/*
 * test_session_tx.c - transmission and timers of a session: the contents
 * of transmitted packets (6.8.7), the slow rate while not Up (6.8.3),
 * jitter (6.8.7), Detection Time expiry (6.8.4), Poll/Final for parameter
 * changes (6.5, 6.8.3) and administrative control (6.8.16).
 *
 * Time is simulated: a small event loop calls bfd_session_timer() at every
 * deadline the session asks for and delivers the scripted peer's periodic
 * packets, recording everything the session sends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "peer.h"
#include "session.h"

#define LOCAL 0x11111111u /* the discriminator test_session_init() uses */
#define PEER 0x22222222u

/* ---- a tiny simulator ---------------------------------------------------- */

#define SIM_MAX 4096

struct sim {
	struct bfd_session *s;
	bfd_usec_t now_us;
	bfd_usec_t deadline_us;     /* the session's next deadline */
	bfd_usec_t peer_every_us;   /* 0: the peer is silent */
	bfd_usec_t peer_next_us;
	struct bfd_packet peer;     /* what the peer sends (Your Discr filled in) */
	/* What the session did. */
	unsigned n;
	bfd_usec_t at_us[SIM_MAX];
	bool by_timer[SIM_MAX];
	struct bfd_packet pkt[SIM_MAX];
	unsigned events;
};

static struct sim sim; /* too large for the stack */

/* Record what an output holds and take its deadline. */
static void sim_take(struct sim *m, const struct bfd_output *out, bool by_timer)
{
	if (out->packet_len) {
		assert_true(m->n < SIM_MAX);
		m->at_us[m->n] = m->now_us;
		m->by_timer[m->n] = by_timer;
		m->pkt[m->n] = check_sent(m->s, out);
		m->n++;
	}
	if (out->has_event)
		m->events++;
	m->deadline_us = out->next_deadline_us;
}

static void sim_reset(struct sim *m, struct bfd_session *s, bfd_usec_t now_us,
		      bfd_usec_t deadline_us)
{
	memset(m, 0, sizeof(*m));
	m->s = s;
	m->now_us = now_us;
	m->deadline_us = deadline_us;
}

/* Forget what was recorded, keep time and session. */
static void sim_clear(struct sim *m)
{
	m->n = 0;
	m->events = 0;
}

/* The peer sends pkt every every_us from now on (0: stops). */
static void sim_peer(struct sim *m, const struct bfd_packet *pkt, bfd_usec_t every_us)
{
	if (pkt)
		m->peer = *pkt;
	m->peer_every_us = every_us;
	m->peer_next_us = m->now_us + every_us;
}

/* Run until until_us: the session's timer at each of its deadlines, the
 * peer's packets at its rate. */
static void sim_run(struct sim *m, bfd_usec_t until_us)
{
	struct bfd_output out;

	for (;;) {
		bfd_usec_t peer_us = m->peer_every_us ? m->peer_next_us : BFD_USEC_NEVER;
		bfd_usec_t next_us = m->deadline_us < peer_us ? m->deadline_us : peer_us;

		if (next_us > until_us)
			break;
		if (next_us > m->now_us)
			m->now_us = next_us;
		if (peer_us == next_us) {
			m->peer.your_discr = m->s->local_discr;
			assert_int_equal(peer_send(m->s, &m->peer, m->now_us, &out), BFD_DROP_NONE);
			m->peer_next_us += m->peer_every_us;
			sim_take(m, &out, false);
		} else {
			bfd_session_timer(m->s, m->now_us, &out);
			sim_take(m, &out, true);
			/* Whatever was due has been done. */
			assert_true(out.next_deadline_us > m->now_us);
		}
	}
	m->now_us = until_us;
}

/* Deliver one packet from the peer now. */
static enum bfd_drop_reason sim_send(struct sim *m, const struct bfd_packet *pkt)
{
	struct bfd_output out;
	enum bfd_drop_reason r = peer_send(m->s, pkt, m->now_us, &out);

	sim_take(m, &out, false);
	return r;
}

static void sim_set_params(struct sim *m, const struct bfd_session_params *params)
{
	struct bfd_output out;

	assert_int_equal(bfd_session_set_params(m->s, params, m->now_us, &out), 0);
	sim_take(m, &out, false);
}

/* A peer packet addressed to the local session. */
static struct bfd_packet peer_up(uint32_t desired_min_tx_us, uint32_t required_min_rx_us)
{
	return peer_packet(BFD_STATE_UP, PEER, LOCAL, desired_min_tx_us, required_min_rx_us, 3);
}

/*
 * A session Up against PEER at 300 ms / 300 ms x 3 both ways, with the Poll
 * Sequence of going Up finished, in a simulator where the peer sends every
 * 250 ms (fast enough for any Detection Time used here).
 */
static void up_and_settled(struct sim *m, struct bfd_session *s)
{
	struct bfd_output out;
	struct bfd_packet pkt;
	bfd_usec_t now_us;

	test_session_init(s);
	now_us = test_session_bring_up(s, PEER);
	sim_reset(m, s, now_us, bfd_session_next_deadline_us(s));
	pkt = peer_up(300000, 300000);
	pkt.final = true;
	m->now_us += MS(1);
	assert_int_equal(peer_send(s, &pkt, m->now_us, &out), BFD_DROP_NONE);
	m->deadline_us = out.next_deadline_us;
	assert_false(s->poll_active);
	assert_int_equal(bfd_session_tx_interval_us(s), 300000);
	assert_int_equal(bfd_session_detection_time_us(s), 900000);
	pkt.final = false;
	sim_peer(m, &pkt, MS(250));
}

static unsigned count_poll(const struct sim *m)
{
	unsigned n = 0;

	for (unsigned i = 0; i < m->n; i++)
		n += m->pkt[i].poll;
	return n;
}

/* ---- tests --------------------------------------------------------------- */

/* 6.8.7: the first packet is due when the session starts. */
static void tx_first_packet_due_at_init(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	assert_int_equal(bfd_session_init(&s, &test_params, NULL, LOCAL, 1, 5000), 0);
	assert_int_equal(bfd_session_next_deadline_us(&s), 5000);
	bfd_session_timer(&s, 4999, &out);
	assert_int_equal(out.packet_len, 0);
	assert_int_equal(out.next_deadline_us, 5000);
	bfd_session_timer(&s, 5000, &out);
	pkt = check_sent(&s, &out);
	assert_false(out.has_event);
	assert_int_equal(pkt.state, BFD_STATE_DOWN);
	assert_int_equal(pkt.diag, BFD_DIAG_NONE);
	assert_int_equal(pkt.your_discr, 0);
	assert_false(pkt.poll);
	assert_false(pkt.final);
	assert_int_equal(pkt.desired_min_tx_us, 1000000);
	assert_int_equal(pkt.required_min_rx_us, 300000);
	assert_int_equal(pkt.detect_mult, 3);
	assert_true(out.next_deadline_us > 5000);
}

/* 6.8.3: bfd.DesiredMinTxInterval at least 1 s while not Up, configured once Up. */
static void tx_desired_min_tx_slow_until_up(void **unused)
{
	struct bfd_session s;
	struct bfd_packet pkt;
	struct bfd_session_params slow = test_params;

	(void)unused;
	test_session_init(&s);
	sim_reset(&sim, &s, 0, 0);
	sim_run(&sim, MS(2500));
	assert_true(sim.n >= 2);
	for (unsigned i = 0; i < sim.n; i++) {
		assert_int_equal(sim.pkt[i].state, BFD_STATE_DOWN);
		assert_int_equal(sim.pkt[i].desired_min_tx_us, 1000000);
	}
	assert_int_equal(bfd_session_tx_interval_us(&s), 1000000);

	/* Init: still slow. */
	sim_clear(&sim);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 300000, 300000, 3);
	assert_int_equal(sim_send(&sim, &pkt), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_INIT);
	sim_peer(&sim, &pkt, MS(250)); /* the peer stays Down, we stay Init */
	sim_run(&sim, sim.now_us + MS(2500));
	assert_true(sim.n >= 2);
	for (unsigned i = 0; i < sim.n; i++) {
		assert_int_equal(sim.pkt[i].state, BFD_STATE_INIT);
		assert_int_equal(sim.pkt[i].desired_min_tx_us, 1000000);
	}

	/* Up: the configured 300 ms. */
	sim_clear(&sim);
	pkt = peer_up(300000, 300000);
	assert_int_equal(sim_send(&sim, &pkt), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_UP);
	sim_peer(&sim, &pkt, MS(250));
	sim_run(&sim, sim.now_us + MS(1000));
	assert_true(sim.n >= 3);
	for (unsigned i = 0; i < sim.n; i++) {
		assert_int_equal(sim.pkt[i].state, BFD_STATE_UP);
		assert_int_equal(sim.pkt[i].desired_min_tx_us, 300000);
	}

	/* A configured value above 1 s is sent as it is in Down. */
	slow.desired_min_tx_us = 2500000;
	assert_int_equal(bfd_session_init(&s, &slow, NULL, LOCAL, 1, 0), 0);
	sim_reset(&sim, &s, 0, 0);
	sim_run(&sim, MS(6000));
	assert_true(sim.n >= 2);
	for (unsigned i = 0; i < sim.n; i++)
		assert_int_equal(sim.pkt[i].desired_min_tx_us, 2500000);
}

/* 6.8.7: Required Min Echo RX 0 and D clear in every packet (no Echo, no Demand). */
static void tx_no_echo_no_demand_in_any_packet(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	unsigned states_seen = 0;

	(void)unused;
	test_session_init(&s);
	sim_reset(&sim, &s, 0, 0);
	sim_run(&sim, MS(1500));                             /* Down */
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 300000, 300000, 3);
	pkt.poll = true;
	sim_send(&sim, &pkt);                                /* Init, Final */
	pkt.poll = false;
	sim_peer(&sim, &pkt, MS(250));
	sim_run(&sim, sim.now_us + MS(1500));
	pkt = peer_up(300000, 300000);
	pkt.demand = true;                                   /* the peer may ask */
	sim_send(&sim, &pkt);                                /* Up, Poll */
	pkt.demand = false;
	sim_peer(&sim, &pkt, MS(250));
	sim_run(&sim, sim.now_us + MS(1000));
	pkt.poll = true;
	sim_send(&sim, &pkt);                                /* Final while polling */
	pkt.poll = false;
	bfd_session_set_admin_down(&s, true, sim.now_us, &out);
	sim_take(&sim, &out, false);                         /* AdminDown */
	sim_run(&sim, sim.now_us + MS(3000));

	for (unsigned i = 0; i < sim.n; i++) {
		/* check_sent() did the work; see which states were covered. */
		assert_false(sim.pkt[i].demand);
		assert_int_equal(sim.pkt[i].required_min_echo_rx_us, 0);
		states_seen |= 1u << sim.pkt[i].state;
	}
	assert_int_equal(states_seen, 0xf);
}

/* Check that consecutive timer transmissions are lo..hi apart, and that
 * the jitter is real (the spread covers most of the window). */
static void check_spacing(const struct sim *m, bfd_usec_t lo_us, bfd_usec_t hi_us,
			  unsigned min_samples)
{
	bfd_usec_t min_us = BFD_USEC_NEVER, max_us = 0;
	unsigned samples = 0;

	for (unsigned i = 1; i < m->n; i++) {
		bfd_usec_t gap_us;

		assert_true(m->by_timer[i]);
		if (!m->by_timer[i - 1])
			continue;
		gap_us = m->at_us[i] - m->at_us[i - 1];
		assert_in_range(gap_us, lo_us, hi_us);
		if (gap_us < min_us)
			min_us = gap_us;
		if (gap_us > max_us)
			max_us = gap_us;
		samples++;
	}
	assert_true(samples >= min_samples);
	/* With hundreds of uniform draws the extremes come near the bounds. */
	assert_true(min_us < lo_us + (hi_us - lo_us) / 10);
	assert_true(max_us > hi_us - (hi_us - lo_us) / 10);
}

/* 6.8.7: interval = max(DesiredMinTx, RemoteMinRx), jittered to 75-100%
 * (75-90% when bfd.DetectMult is 1). */
static void tx_periodic_interval_jitter(void **unused)
{
	struct bfd_session s;
	struct bfd_session_params mult1 = test_params;
	struct bfd_packet pkt;

	(void)unused;
	/* Down: 1 s. */
	test_session_init(&s);
	sim_reset(&sim, &s, 0, 0);
	sim_run(&sim, 300 * BFD_USEC_PER_SEC);
	assert_int_equal(bfd_session_tx_interval_us(&s), 1000000);
	check_spacing(&sim, 750000, 1000000, 250);

	/* Detect Mult 1: 75-90%. */
	mult1.detect_mult = 1;
	assert_int_equal(bfd_session_init(&s, &mult1, NULL, LOCAL, 99, 0), 0);
	sim_reset(&sim, &s, 0, 0);
	sim_run(&sim, 300 * BFD_USEC_PER_SEC);
	check_spacing(&sim, 750000, 900000, 250);

	/* Up, the remote asks for 500 ms, more than our 300 ms: 500 ms. */
	up_and_settled(&sim, &s);
	pkt = peer_up(300000, 500000);
	sim_send(&sim, &pkt);
	sim_peer(&sim, &pkt, MS(250));
	assert_int_equal(bfd_session_tx_interval_us(&s), 500000);
	sim_run(&sim, sim.now_us + MS(600)); /* let the old schedule pass */
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + 150 * BFD_USEC_PER_SEC);
	assert_int_equal(sim.events, 0);
	check_spacing(&sim, 375000, 500000, 250);

	/* The remote asks for 100 ms, less than our 300 ms: 300 ms. */
	pkt = peer_up(300000, 100000);
	sim_send(&sim, &pkt);
	sim_peer(&sim, &pkt, MS(250));
	assert_int_equal(bfd_session_tx_interval_us(&s), 300000);
	sim_run(&sim, sim.now_us + MS(600));
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + 100 * BFD_USEC_PER_SEC);
	assert_int_equal(sim.events, 0);
	check_spacing(&sim, 225000, 300000, 250);
}

/* 6.8.7: no periodic transmission while bfd.RemoteMinRxInterval is 0. */
static void tx_none_while_remote_min_rx_zero(void **unused)
{
	struct bfd_session s;
	struct bfd_packet pkt;

	(void)unused;
	up_and_settled(&sim, &s);
	pkt = peer_up(300000, 0);
	sim_send(&sim, &pkt);
	assert_int_equal(bfd_session_tx_interval_us(&s), 0);
	/* The next deadline is the Detection Time, not a transmission. */
	assert_int_equal(sim.deadline_us, sim.now_us + MS(900));
	sim_peer(&sim, &pkt, MS(250));
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + 10 * BFD_USEC_PER_SEC);
	assert_int_equal(sim.n, 0);
	assert_int_equal(s.state, BFD_STATE_UP);

	/* It resumes once the remote accepts packets again. */
	pkt = peer_up(300000, 300000);
	sim_send(&sim, &pkt);
	assert_int_equal(bfd_session_tx_interval_us(&s), 300000);
	sim_peer(&sim, &pkt, MS(250));
	sim_run(&sim, sim.now_us + 3 * BFD_USEC_PER_SEC);
	assert_true(sim.n >= 9);
}

/* 6.8.7: periodic transmission stops when Demand mode is active on the
 * remote (D set, both Up), and only then. */
static void tx_stops_on_remote_demand_when_both_up(void **unused)
{
	struct bfd_session s;
	struct bfd_packet pkt;

	(void)unused;
	up_and_settled(&sim, &s);
	pkt = peer_up(300000, 300000);
	pkt.demand = true;
	sim_send(&sim, &pkt);
	assert_true(s.remote_demand_mode);
	assert_int_equal(bfd_session_tx_interval_us(&s), 0);
	sim_peer(&sim, &pkt, MS(250));
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + 10 * BFD_USEC_PER_SEC);
	assert_int_equal(sim.n, 0);
	assert_int_equal(s.state, BFD_STATE_UP);

	/* D cleared: periodic packets again. */
	pkt.demand = false;
	sim_send(&sim, &pkt);
	sim_peer(&sim, &pkt, MS(250));
	sim_run(&sim, sim.now_us + 3 * BFD_USEC_PER_SEC);
	assert_true(sim.n >= 9);

	/* D from a peer that says Init does not stop us, though we are Up. */
	pkt = peer_packet(BFD_STATE_INIT, PEER, LOCAL, 300000, 300000, 3);
	pkt.demand = true;
	sim_send(&sim, &pkt);
	assert_int_equal(s.state, BFD_STATE_UP);
	assert_int_equal(bfd_session_tx_interval_us(&s), 300000);
	sim_peer(&sim, &pkt, MS(250));
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + 3 * BFD_USEC_PER_SEC);
	assert_true(sim.n >= 9);

	/* D from an Up peer does not stop us while we are Down. */
	test_session_init(&s);
	sim_reset(&sim, &s, 0, 0);
	sim_run(&sim, MS(1)); /* the first packet, due at 0 */
	pkt = peer_packet(BFD_STATE_UP, PEER, LOCAL, 1000000, 300000, 3);
	pkt.demand = true;
	sim_send(&sim, &pkt);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(bfd_session_tx_interval_us(&s), 1000000);
	sim_clear(&sim);
	sim_run(&sim, 2900000); /* before the Detection Time of 3 x 1 s */
	assert_true(sim.n >= 2);

	/* D from a peer that is not Up does not stop us (we are Init). */
	test_session_init(&s);
	sim_reset(&sim, &s, 0, 0);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 300000, 300000, 3);
	pkt.demand = true;
	sim_send(&sim, &pkt);
	assert_int_equal(s.state, BFD_STATE_INIT);
	assert_int_equal(bfd_session_tx_interval_us(&s), 1000000);
	sim_clear(&sim);
	sim_run(&sim, 2900000); /* before the Detection Time of 3 s */
	assert_true(sim.n >= 2);
}

/* 6.8.7: with the remote in Demand mode, a Poll Sequence is still sent
 * periodically until its Final ("... and a Poll Sequence is not being
 * transmitted"; 6.6: the Poll is repeated). */
static void tx_poll_sequence_sent_in_remote_demand(void **unused)
{
	struct bfd_session s;
	struct bfd_packet pkt;
	struct bfd_session_params params = test_params;

	(void)unused;
	up_and_settled(&sim, &s);
	pkt = peer_up(300000, 300000);
	pkt.demand = true;
	sim_send(&sim, &pkt);
	sim_peer(&sim, &pkt, MS(250));
	sim_run(&sim, sim.now_us + MS(2000));
	sim_clear(&sim);

	params.required_min_rx_us = 400000;
	sim_set_params(&sim, &params);
	assert_true(s.poll_active);
	sim_run(&sim, sim.now_us + MS(2000));
	/* Roughly every 300 ms with P: several, not just one. */
	assert_true(count_poll(&sim) >= 3);
	assert_int_equal(count_poll(&sim), sim.n);

	/* The Final ends it and the silence resumes. */
	pkt.final = true;
	sim_send(&sim, &pkt);
	assert_false(s.poll_active);
	pkt.final = false;
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + MS(3000));
	assert_int_equal(sim.n, 0);
}

/* 6.8.4: Detection Time expiry in Up: Down, diag 1; 6.8.1: RemoteDiscr 0. */
static void tx_detection_expiry_in_up(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	bfd_usec_t last_rx_us, now_us;

	(void)unused;
	up_and_settled(&sim, &s);
	last_rx_us = sim.now_us; /* the Final of up_and_settled() */
	assert_int_equal(bfd_session_rx_interval_us(&s), 300000);
	assert_int_equal(bfd_session_detection_time_us(&s), 3 * 300000);

	bfd_session_timer(&s, last_rx_us + MS(900) - 1, &out);
	assert_int_equal(s.state, BFD_STATE_UP);
	assert_false(out.has_event);
	assert_int_equal(s.remote_discr, PEER);
	assert_true(out.next_deadline_us <= last_rx_us + MS(900));

	now_us = last_rx_us + MS(900);
	bfd_session_timer(&s, now_us, &out);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(s.local_diag, BFD_DIAG_DETECT_EXPIRED);
	assert_event(&out, BFD_STATE_UP, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, false);
	assert_int_equal(s.remote_discr, 0);

	/* The next packet has Your Discriminator 0. */
	for (int i = 0; i < 4 && out.packet_len == 0; i++) {
		now_us = out.next_deadline_us;
		bfd_session_timer(&s, now_us, &out);
		assert_false(out.has_event);
	}
	pkt = check_sent(&s, &out);
	assert_int_equal(pkt.your_discr, 0);
	assert_int_equal(pkt.state, BFD_STATE_DOWN);
	assert_int_equal(pkt.diag, BFD_DIAG_DETECT_EXPIRED);
}

/* 6.8.4: Detection Time expiry in Init: Down, diag 1. */
static void tx_detection_expiry_in_init(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	const bfd_usec_t t0 = MS(10);

	(void)unused;
	test_session_init(&s);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 1000000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, t0, &out), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_INIT);
	/* 3 x max(300 ms, 1 s) */
	assert_int_equal(bfd_session_detection_time_us(&s), 3000000);
	bfd_session_timer(&s, t0 + 3000000 - 1, &out);
	assert_int_equal(s.state, BFD_STATE_INIT);
	assert_false(out.has_event);
	bfd_session_timer(&s, t0 + 3000000, &out);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_event(&out, BFD_STATE_INIT, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, false);
	assert_int_equal(s.remote_discr, 0);
}

/* 6.8.4 / 6.8.1: expiry in Down changes no state but zeroes bfd.RemoteDiscr. */
static void tx_detection_expiry_in_down(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;
	const bfd_usec_t t0 = MS(10);

	(void)unused;
	test_session_init(&s);
	/* AdminDown from the peer: we learn its discriminator, stay Down. */
	pkt = peer_packet(BFD_STATE_ADMIN_DOWN, PEER, 0, 1000000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, t0, &out), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(s.remote_discr, PEER);
	bfd_session_timer(&s, t0 + 3000000 - 1, &out);
	assert_int_equal(s.remote_discr, PEER);
	bfd_session_timer(&s, t0 + 3000000, &out);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(s.local_diag, BFD_DIAG_NONE);
	assert_false(out.has_event);
	assert_int_equal(s.remote_discr, 0);
	for (int i = 0; i < 4 && out.packet_len == 0; i++)
		bfd_session_timer(&s, out.next_deadline_us, &out);
	pkt = check_sent(&s, &out);
	assert_int_equal(pkt.your_discr, 0);
}

/* 6.8.3: going Up lowers DesiredMinTx from 1 s to 300 ms: a Poll Sequence. */
static void tx_poll_after_going_up(void **unused)
{
	struct bfd_session s;
	struct bfd_packet pkt;

	(void)unused;
	test_session_init(&s);
	sim_reset(&sim, &s, 0, 0);
	sim_run(&sim, MS(100));
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 300000, 300000, 3);
	sim_send(&sim, &pkt);
	sim_run(&sim, sim.now_us + MS(100));
	assert_int_equal(count_poll(&sim), 0); /* no poll while Down / Init */
	sim_clear(&sim);
	pkt = peer_up(300000, 300000);
	sim_send(&sim, &pkt);
	assert_int_equal(s.state, BFD_STATE_UP);
	sim_peer(&sim, &pkt, MS(250));
	sim_run(&sim, sim.now_us + MS(1500));
	assert_true(sim.n >= 4);
	assert_int_equal(count_poll(&sim), sim.n);
	for (unsigned i = 0; i < sim.n; i++)
		assert_int_equal(sim.pkt[i].desired_min_tx_us, 300000);
	assert_int_equal(sim.events, 1); /* Init -> Up */

	pkt.final = true;
	sim_send(&sim, &pkt);
	pkt.final = false;
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + MS(1500));
	assert_true(sim.n >= 4);
	assert_int_equal(count_poll(&sim), 0);
}

/* 6.8.3: a change of DesiredMinTx or RequiredMinRx while Up sets P until
 * the Final; the session stays Up. */
static void tx_param_change_while_up_polls(void **unused)
{
	struct bfd_session s;
	struct bfd_packet pkt = peer_up(300000, 300000);
	struct bfd_session_params params = test_params;

	(void)unused;
	up_and_settled(&sim, &s);
	sim_run(&sim, sim.now_us + MS(1000));
	assert_int_equal(count_poll(&sim), 0);

	for (int round = 0; round < 2; round++) {
		if (round == 0)
			params.desired_min_tx_us = 500000;
		else
			params.required_min_rx_us = 400000;
		sim_clear(&sim);
		sim_set_params(&sim, &params);
		sim_run(&sim, sim.now_us + MS(2000));
		assert_true(sim.n >= 5);
		assert_int_equal(count_poll(&sim), sim.n);
		for (unsigned i = 0; i < sim.n; i++) {
			assert_int_equal(sim.pkt[i].desired_min_tx_us, params.desired_min_tx_us);
			assert_int_equal(sim.pkt[i].required_min_rx_us, params.required_min_rx_us);
			assert_int_equal(sim.pkt[i].state, BFD_STATE_UP);
		}
		assert_int_equal(sim.events, 0);
		assert_int_equal(s.state, BFD_STATE_UP);

		pkt.final = true;
		sim_send(&sim, &pkt);
		pkt.final = false;
		assert_int_equal(sim.events, 0);
		sim_clear(&sim);
		sim_run(&sim, sim.now_us + MS(2000));
		assert_true(sim.n >= 3);
		assert_int_equal(count_poll(&sim), 0);
		assert_int_equal(sim.events, 0);
		assert_int_equal(s.state, BFD_STATE_UP);
	}
}

/* 6.8.3: an increased DesiredMinTx does not change the transmit interval
 * until the Poll Sequence ends. */
static void tx_increased_desired_tx_waits_for_final(void **unused)
{
	struct bfd_session s;
	struct bfd_packet pkt = peer_up(300000, 300000);
	struct bfd_session_params params = test_params;

	(void)unused;
	up_and_settled(&sim, &s);
	params.desired_min_tx_us = 800000;
	sim_set_params(&sim, &params);
	assert_int_equal(bfd_session_tx_interval_us(&s), 300000);
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + MS(3000));
	/* Still at 300 ms: at least 3 s / 300 ms packets, all polls. */
	assert_true(sim.n >= 10);
	assert_int_equal(count_poll(&sim), sim.n);
	assert_int_equal(bfd_session_tx_interval_us(&s), 300000);

	pkt.final = true;
	sim_send(&sim, &pkt);
	assert_int_equal(bfd_session_tx_interval_us(&s), 800000);
	pkt.final = false;
	sim_run(&sim, sim.now_us + MS(900)); /* let the old schedule pass */
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + MS(8000));
	assert_true(sim.n <= 8000 / 600 + 1);
	for (unsigned i = 1; i < sim.n; i++)
		assert_true(sim.at_us[i] - sim.at_us[i - 1] >= 600000);
}

/* 6.8.3: a decreased DesiredMinTx takes effect at once. */
static void tx_decreased_desired_tx_immediate(void **unused)
{
	struct bfd_session s;
	struct bfd_packet pkt = peer_up(300000, 50000);
	struct bfd_session_params params = test_params;

	(void)unused;
	up_and_settled(&sim, &s);
	sim_send(&sim, &pkt);
	sim_peer(&sim, &pkt, MS(250));
	assert_int_equal(bfd_session_tx_interval_us(&s), 300000);
	params.desired_min_tx_us = 100000;
	sim_clear(&sim);
	sim_set_params(&sim, &params);
	assert_true(s.poll_active);
	assert_int_equal(bfd_session_tx_interval_us(&s), 100000);
	sim_run(&sim, sim.now_us + MS(2000));
	/* Before any Final: every 75-100 ms after the first. */
	assert_true(sim.n >= 19);
	for (unsigned i = 2; i < sim.n; i++)
		assert_in_range(sim.at_us[i] - sim.at_us[i - 1], 75000, 100000);
	assert_true(s.poll_active);
}

/* 6.8.3: a reduced RequiredMinRx keeps the old value in the Detection Time
 * until the Poll Sequence ends. */
static void tx_reduced_required_rx_waits_for_final(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt = peer_up(50000, 300000);
	struct bfd_session_params params = test_params;
	bfd_usec_t last_rx_us;

	(void)unused;
	up_and_settled(&sim, &s);
	sim_send(&sim, &pkt);
	assert_int_equal(bfd_session_detection_time_us(&s), 900000); /* 3 x 300 ms */
	params.required_min_rx_us = 100000;
	sim_set_params(&sim, &params);
	assert_true(s.poll_active);
	assert_int_equal(bfd_session_detection_time_us(&s), 900000);

	/* A packet without F: still the old value, also in practice. */
	sim_send(&sim, &pkt);
	last_rx_us = sim.now_us;
	assert_int_equal(bfd_session_detection_time_us(&s), 900000);
	bfd_session_timer(&s, last_rx_us + MS(300), &out);
	assert_int_equal(s.state, BFD_STATE_UP);
	assert_false(out.has_event);
	bfd_session_timer(&s, last_rx_us + MS(899), &out);
	assert_int_equal(s.state, BFD_STATE_UP);
	assert_false(out.has_event);

	/* The Final: 3 x 100 ms. */
	sim.now_us = last_rx_us + MS(899);
	pkt.final = true;
	sim_send(&sim, &pkt);
	assert_false(s.poll_active);
	assert_int_equal(bfd_session_detection_time_us(&s), 300000);
	bfd_session_timer(&s, sim.now_us + MS(300), &out);
	assert_event(&out, BFD_STATE_UP, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, false);
}

/* 6.8.3: an increased RequiredMinRx takes effect at once. */
static void tx_increased_required_rx_immediate(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt = peer_up(50000, 300000);
	struct bfd_session_params params = test_params;
	bfd_usec_t last_rx_us;

	(void)unused;
	up_and_settled(&sim, &s);
	sim_send(&sim, &pkt);
	last_rx_us = sim.now_us;
	assert_int_equal(bfd_session_detection_time_us(&s), 900000);
	params.required_min_rx_us = 600000;
	sim_set_params(&sim, &params);
	assert_true(s.poll_active);
	assert_int_equal(bfd_session_detection_time_us(&s), 1800000);
	bfd_session_timer(&s, last_rx_us + MS(900), &out);
	assert_int_equal(s.state, BFD_STATE_UP);
	assert_false(out.has_event);
	bfd_session_timer(&s, last_rx_us + MS(1800) - 1, &out);
	assert_int_equal(s.state, BFD_STATE_UP);
	bfd_session_timer(&s, last_rx_us + MS(1800), &out);
	assert_event(&out, BFD_STATE_UP, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, false);
}

/* 6.5 / 6.8.3: a second change during a Poll Sequence keeps it going until
 * a Final that can answer a Poll carrying the second change. */
static void tx_params_changed_twice_during_poll(void **unused)
{
	struct bfd_session s;
	struct bfd_packet pkt = peer_up(300000, 300000);
	struct bfd_session_params params = test_params;
	bool second_sent = false;
	int finals = 0;

	(void)unused;
	up_and_settled(&sim, &s);
	params.desired_min_tx_us = 500000;
	sim_set_params(&sim, &params);
	assert_true(s.poll_active);
	sim.now_us += MS(1);
	params.desired_min_tx_us = 700000;
	sim_clear(&sim);
	sim_set_params(&sim, &params);
	assert_true(s.poll_active);
	/* Both increases wait for the end of the poll. */
	assert_int_equal(bfd_session_tx_interval_us(&s), 300000);

	pkt.final = true;
	while (s.poll_active) {
		for (unsigned i = 0; i < sim.n; i++) {
			assert_true(sim.pkt[i].poll);
			assert_int_equal(sim.pkt[i].desired_min_tx_us, 700000);
			second_sent = true;
		}
		sim.now_us += MS(1);
		sim_send(&sim, &pkt); /* a Final */
		finals++;
		if (!second_sent) {
			/* That Final answered a Poll sent before the second
			 * change: the peer has not seen 700 ms yet. */
			assert_true(s.poll_active);
			assert_int_equal(bfd_session_tx_interval_us(&s), 300000);
		}
		assert_true(finals <= 3);
		sim_clear(&sim);
		sim_run(&sim, sim.now_us + MS(300));
	}
	assert_true(second_sent);
	assert_int_equal(bfd_session_tx_interval_us(&s), 700000);
	assert_int_equal(sim.events, 0);
	assert_int_equal(s.state, BFD_STATE_UP);
}

/* 6.8.3: parameters changed while not Up apply at once, without a Poll. */
static void tx_params_while_down_immediate(void **unused)
{
	struct bfd_session s;
	struct bfd_session_params params = {
		.desired_min_tx_us = 2000000,
		.required_min_rx_us = 500000,
		.detect_mult = 5,
	};
	struct bfd_packet pkt;

	(void)unused;
	test_session_init(&s);
	sim_reset(&sim, &s, 0, 0);
	sim_run(&sim, MS(10));
	pkt = peer_packet(BFD_STATE_ADMIN_DOWN, PEER, 0, 100000, 300000, 3);
	sim_send(&sim, &pkt); /* the peer learnt: remote mult 3, tx 100 ms */
	assert_int_equal(bfd_session_detection_time_us(&s), 900000);
	sim_clear(&sim);
	sim_set_params(&sim, &params);
	assert_false(s.poll_active);
	assert_int_equal(bfd_session_tx_interval_us(&s), 2000000);
	assert_int_equal(bfd_session_detection_time_us(&s), 3 * 500000);
	sim_run(&sim, sim.now_us + 10 * BFD_USEC_PER_SEC);
	assert_true(sim.n >= 5);
	assert_int_equal(count_poll(&sim), 0);
	for (unsigned i = 0; i < sim.n; i++) {
		assert_int_equal(sim.pkt[i].desired_min_tx_us, 2000000);
		assert_int_equal(sim.pkt[i].required_min_rx_us, 500000);
		assert_int_equal(sim.pkt[i].detect_mult, 5);
	}
	for (unsigned i = 1; i < sim.n; i++)
		assert_true(sim.at_us[i] - sim.at_us[i - 1] >= 1500000);

	/* Faster than 1 s while Down: still sent as 1 s (6.8.3). */
	params.desired_min_tx_us = 200000;
	sim_clear(&sim);
	sim_set_params(&sim, &params);
	assert_false(s.poll_active);
	assert_int_equal(bfd_session_tx_interval_us(&s), 1000000);
	sim_run(&sim, sim.now_us + 6 * BFD_USEC_PER_SEC);
	assert_true(sim.n >= 4);
	assert_int_equal(count_poll(&sim), 0);
	for (unsigned i = 0; i < sim.n; i++)
		assert_int_equal(sim.pkt[i].desired_min_tx_us, 1000000);
}

/* 6.8.1: invalid parameters (zero intervals, Detect Mult 0) are refused. */
static void tx_invalid_params_rejected(void **unused)
{
	static const struct bfd_session_params bad[] = {
		{ .desired_min_tx_us = 0, .required_min_rx_us = 300000, .detect_mult = 3 },
		{ .desired_min_tx_us = 300000, .required_min_rx_us = 0, .detect_mult = 3 },
		{ .desired_min_tx_us = 300000, .required_min_rx_us = 300000, .detect_mult = 0 },
	};
	struct bfd_session s, before;
	struct bfd_output out;

	(void)unused;
	up_and_settled(&sim, &s);
	memcpy(&before, &s, sizeof(s));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(bfd_session_set_params(&s, &bad[i], sim.now_us, &out), -EINVAL);
		assert_memory_equal(&s, &before, sizeof(s));
		assert_int_equal(bfd_session_init(&before, &bad[i], NULL, LOCAL, 1, 0), -EINVAL);
		memcpy(&before, &s, sizeof(s));
	}
}

/* 6.5: P and F are never both set, even when a Poll arrives during ours. */
static void tx_never_poll_and_final(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt = peer_up(300000, 300000), sent;
	struct bfd_session_params params = test_params;

	(void)unused;
	up_and_settled(&sim, &s);
	params.required_min_rx_us = 200000;
	sim_set_params(&sim, &params);
	assert_true(s.poll_active);
	pkt.poll = true;
	sim.now_us += MS(1);
	assert_int_equal(peer_send(&s, &pkt, sim.now_us, &out), BFD_DROP_NONE);
	sent = check_sent(&s, &out);
	assert_true(sent.final);
	assert_false(sent.poll);
	/* Our own Poll Sequence goes on afterwards. */
	assert_true(s.poll_active);
	sim.deadline_us = out.next_deadline_us;
	sim_peer(&sim, &pkt, MS(300)); /* the peer keeps polling */
	sim_clear(&sim);
	sim_run(&sim, sim.now_us + MS(2000));
	assert_true(sim.n >= 8);
	for (unsigned i = 0; i < sim.n; i++) {
		/* check_sent() asserted !(P && F) on every one */
		assert_true(sim.pkt[i].poll != sim.pkt[i].final);
		assert_int_equal(sim.pkt[i].final, !sim.by_timer[i]);
	}
	assert_true(count_poll(&sim) >= 3);
}

/* 6.8.16: administratively down: AdminDown, diag 7, the peer told at once,
 * AdminDown packets at the slow rate, received packets change nothing. */
static void tx_admin_down(void **unused)
{
	static const enum bfd_state rx_states[] = {
		BFD_STATE_DOWN, BFD_STATE_INIT, BFD_STATE_UP, BFD_STATE_ADMIN_DOWN,
	};
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	up_and_settled(&sim, &s);
	sim_run(&sim, sim.now_us + MS(500));
	sim.now_us += MS(7); /* between two periodic packets */
	bfd_session_set_admin_down(&s, true, sim.now_us, &out);
	assert_event(&out, BFD_STATE_UP, BFD_STATE_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN, false);
	assert_int_equal(s.state, BFD_STATE_ADMIN_DOWN);
	pkt = check_sent(&s, &out);
	assert_int_equal(pkt.state, BFD_STATE_ADMIN_DOWN);
	assert_int_equal(pkt.diag, BFD_DIAG_ADMIN_DOWN);
	assert_true(pkt.desired_min_tx_us >= 1000000);
	sim_clear(&sim);
	sim_take(&sim, &out, false);
	assert_true(bfd_session_tx_interval_us(&s) >= 1000000);

	/* Periodic AdminDown packets, at least 1 s less jitter apart. */
	sim_peer(&sim, NULL, 0);
	sim_run(&sim, sim.now_us + 10 * BFD_USEC_PER_SEC);
	assert_true(sim.n >= 9);
	for (unsigned i = 0; i < sim.n; i++) {
		assert_int_equal(sim.pkt[i].state, BFD_STATE_ADMIN_DOWN);
		assert_int_equal(sim.pkt[i].diag, BFD_DIAG_ADMIN_DOWN);
		assert_true(sim.pkt[i].desired_min_tx_us >= 1000000);
	}
	for (unsigned i = 1; i < sim.n; i++)
		assert_true(sim.at_us[i] - sim.at_us[i - 1] >= 750000);
	assert_int_equal(sim.events, 1); /* Up -> AdminDown */

	/* Whatever arrives, no state change and no Final. */
	for (size_t i = 0; i < 4; i++) {
		pkt = peer_packet(rx_states[i], PEER, LOCAL, 300000, 300000, 3);
		pkt.poll = true;
		sim.now_us += MS(10);
		assert_int_equal(peer_send(&s, &pkt, sim.now_us, &out), BFD_DROP_NONE);
		assert_int_equal(s.state, BFD_STATE_ADMIN_DOWN);
		assert_int_equal(s.local_diag, BFD_DIAG_ADMIN_DOWN);
		assert_false(out.has_event);
		assert_int_equal(out.packet_len, 0);
	}
}

/* 6.8.16: enabling the session again: Down, and it comes Up as usual. */
static void tx_admin_enable_comes_up_again(void **unused)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	up_and_settled(&sim, &s);
	bfd_session_set_admin_down(&s, true, sim.now_us, &out);
	assert_int_equal(s.state, BFD_STATE_ADMIN_DOWN);
	sim.now_us += MS(100);
	bfd_session_set_admin_down(&s, false, sim.now_us, &out);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_true(out.has_event);
	assert_int_equal(out.event.old_state, BFD_STATE_ADMIN_DOWN);
	assert_int_equal(out.event.new_state, BFD_STATE_DOWN);
	assert_int_equal(out.event.diag, s.local_diag);
	assert_false(out.event.peer_admin_down);
	sim_clear(&sim);
	sim_take(&sim, &out, false);
	sim_peer(&sim, NULL, 0);
	sim_run(&sim, sim.now_us + MS(1500));
	assert_true(sim.n >= 1);
	for (unsigned i = 0; i < sim.n; i++)
		assert_int_equal(sim.pkt[i].state, BFD_STATE_DOWN);

	/* Enabling an enabled session does nothing. */
	bfd_session_set_admin_down(&s, false, sim.now_us, &out);
	assert_false(out.has_event);
	assert_int_equal(s.state, BFD_STATE_DOWN);

	sim.now_us += MS(10);
	pkt = peer_packet(BFD_STATE_DOWN, PEER, 0, 300000, 300000, 3);
	assert_int_equal(peer_send(&s, &pkt, sim.now_us, &out), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_INIT);
	assert_true(out.has_event);
	assert_int_equal(out.event.old_state, BFD_STATE_DOWN);
	assert_int_equal(out.event.new_state, BFD_STATE_INIT);
	sim.now_us += MS(10);
	pkt = peer_up(300000, 300000);
	assert_int_equal(peer_send(&s, &pkt, sim.now_us, &out), BFD_DROP_NONE);
	assert_int_equal(s.state, BFD_STATE_UP);
	assert_event(&out, BFD_STATE_INIT, BFD_STATE_UP, s.local_diag, false);
}

/* 6.8.16 / session.h: a path failure learnt outside BFD takes Up Down with
 * diag 5 at once; no effect in Down. */
static void tx_path_down(void **unused)
{
	struct bfd_session s, before;
	struct bfd_output out;
	struct bfd_packet pkt;

	(void)unused;
	up_and_settled(&sim, &s);
	sim.now_us += MS(3);
	bfd_session_path_down(&s, BFD_DIAG_PATH_DOWN, sim.now_us, &out);
	assert_int_equal(s.state, BFD_STATE_DOWN);
	assert_int_equal(s.local_diag, BFD_DIAG_PATH_DOWN);
	assert_event(&out, BFD_STATE_UP, BFD_STATE_DOWN, BFD_DIAG_PATH_DOWN, false);
	for (int i = 0; i < 4 && out.packet_len == 0; i++)
		bfd_session_timer(&s, out.next_deadline_us, &out);
	pkt = check_sent(&s, &out);
	assert_int_equal(pkt.state, BFD_STATE_DOWN);
	assert_int_equal(pkt.diag, BFD_DIAG_PATH_DOWN);

	/* Down: nothing. */
	memcpy(&before, &s, sizeof(s));
	bfd_session_path_down(&s, BFD_DIAG_PATH_DOWN, sim.now_us + MS(1), &out);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_false(out.has_event);
	assert_int_equal(out.packet_len, 0);

	test_session_init(&s);
	memcpy(&before, &s, sizeof(s));
	bfd_session_path_down(&s, BFD_DIAG_PATH_DOWN, 0, &out);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_false(out.has_event);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tx_first_packet_due_at_init),
		cmocka_unit_test(tx_desired_min_tx_slow_until_up),
		cmocka_unit_test(tx_no_echo_no_demand_in_any_packet),
		cmocka_unit_test(tx_periodic_interval_jitter),
		cmocka_unit_test(tx_none_while_remote_min_rx_zero),
		cmocka_unit_test(tx_stops_on_remote_demand_when_both_up),
		cmocka_unit_test(tx_poll_sequence_sent_in_remote_demand),
		cmocka_unit_test(tx_detection_expiry_in_up),
		cmocka_unit_test(tx_detection_expiry_in_init),
		cmocka_unit_test(tx_detection_expiry_in_down),
		cmocka_unit_test(tx_poll_after_going_up),
		cmocka_unit_test(tx_param_change_while_up_polls),
		cmocka_unit_test(tx_increased_desired_tx_waits_for_final),
		cmocka_unit_test(tx_decreased_desired_tx_immediate),
		cmocka_unit_test(tx_reduced_required_rx_waits_for_final),
		cmocka_unit_test(tx_increased_required_rx_immediate),
		cmocka_unit_test(tx_params_changed_twice_during_poll),
		cmocka_unit_test(tx_params_while_down_immediate),
		cmocka_unit_test(tx_invalid_params_rejected),
		cmocka_unit_test(tx_never_poll_and_final),
		cmocka_unit_test(tx_admin_down),
		cmocka_unit_test(tx_admin_enable_comes_up_again),
		cmocka_unit_test(tx_path_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
