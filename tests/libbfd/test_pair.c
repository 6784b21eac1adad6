/*
 * test_pair.c - two libbfd sessions wired back to back over a simulated
 * link with a simulated clock. The simulation jumps from one deadline or
 * packet arrival to the next, so every instant is exact: detection must
 * happen precisely at last packet + Detection Time, not "about" then.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "packet.h"
#include "peer.h"
#include "session.h"

#define LINK_DELAY_US 100
#define QUEUE_MAX 16
#define STEP_LIMIT 100000

struct in_flight {
	bfd_usec_t arrive_us;
	size_t len;
	uint8_t buf[BFD_PACKET_MAX_LEN];
};

/* One end: its session, its deadline, packets on their way to it, and
 * what happened to it. */
struct end {
	struct bfd_session s;
	bfd_usec_t deadline_us;
	struct in_flight queue[QUEUE_MAX];
	int queued;
	bfd_usec_t last_rx_us;        /* last packet delivered to it */
	int events;                   /* state changes seen */
	struct bfd_event last_event;
	bfd_usec_t last_event_us;
};

struct link {
	struct end ends[2];
	bfd_usec_t now_us;
	bool cut; /* silently drop everything, both ways */
};

/* Act on an output of end i: queue its packet towards the other end. */
static void handle_output(struct link *l, int i, const struct bfd_output *out)
{
	struct end *me = &l->ends[i], *other = &l->ends[1 - i];

	me->deadline_us = out->next_deadline_us;
	if (out->has_event) {
		me->events++;
		me->last_event = out->event;
		me->last_event_us = l->now_us;
	}
	if (out->packet_len == 0 || l->cut)
		return;
	assert_true(other->queued < QUEUE_MAX);
	struct in_flight *f = &other->queue[other->queued++];
	f->arrive_us = l->now_us + LINK_DELAY_US;
	f->len = out->packet_len;
	memcpy(f->buf, out->packet, out->packet_len);
}

static void deliver_first(struct link *l, int i)
{
	struct end *e = &l->ends[i];
	struct bfd_packet pkt;
	struct bfd_output out;
	struct in_flight f = e->queue[0];

	memmove(&e->queue[0], &e->queue[1], sizeof(e->queue[0]) * (size_t)--e->queued);
	assert_int_equal(bfd_packet_decode(f.buf, f.len, &pkt), BFD_DROP_NONE);
	assert_int_equal(bfd_session_recv(&e->s, f.buf, &pkt, l->now_us, &out), BFD_DROP_NONE);
	e->last_rx_us = l->now_us;
	handle_output(l, i, &out);
}

/* Advance to the next deadline or arrival, up to until_us. Returns false
 * when nothing is due before until_us (time is then until_us). */
static bool step(struct link *l, bfd_usec_t until_us)
{
	bfd_usec_t next_us = until_us;
	int who = -1;
	bool arrival = false;

	for (int i = 0; i < 2; i++) {
		struct end *e = &l->ends[i];

		if (e->queued && e->queue[0].arrive_us <= next_us) {
			next_us = e->queue[0].arrive_us;
			who = i;
			arrival = true;
		}
		if (e->deadline_us < next_us) {
			next_us = e->deadline_us;
			who = i;
			arrival = false;
		}
	}
	l->now_us = next_us;
	if (who < 0)
		return false;
	if (arrival) {
		deliver_first(l, who);
	} else {
		struct bfd_output out;

		bfd_session_timer(&l->ends[who].s, l->now_us, &out);
		handle_output(l, who, &out);
	}
	return true;
}

static void run_until(struct link *l, bfd_usec_t until_us)
{
	for (int n = 0; n < STEP_LIMIT && step(l, until_us); n++)
		;
	assert_true(l->now_us == until_us);
}

/* Run until both ends are in state, failing after limit_us. */
static void run_until_both(struct link *l, enum bfd_state state, bfd_usec_t limit_us)
{
	bfd_usec_t end_us = l->now_us + limit_us;

	for (int n = 0; n < STEP_LIMIT; n++) {
		if (l->ends[0].s.state == state && l->ends[1].s.state == state)
			return;
		if (!step(l, end_us))
			break;
	}
	fail_msg("not both %s within %llu us", bfd_state_name(state),
		 (unsigned long long)limit_us);
}

static void link_init(struct link *l, const struct bfd_session_params *a,
		      const struct bfd_session_params *b)
{
	memset(l, 0, sizeof(*l));
	assert_int_equal(bfd_session_init(&l->ends[0].s, a, NULL, 0xa0a0a0a0, 7, 0), 0);
	assert_int_equal(bfd_session_init(&l->ends[1].s, b, NULL, 0xb0b0b0b0, 8, 0), 0);
	/* Both first packets are due at time 0. */
	l->ends[0].deadline_us = bfd_session_next_deadline_us(&l->ends[0].s);
	l->ends[1].deadline_us = bfd_session_next_deadline_us(&l->ends[1].s);
}

static const struct bfd_session_params fast = { 300000, 300000, 3 };

/* 6.2: two fresh sessions come Up through the three-way handshake, at once
 * (packets on state change), and stay Up with nothing on the wire lost. */
static void test_pair_comes_up_and_stays_up(void **state)
{
	struct link l;

	(void)state;
	link_init(&l, &fast, &fast);
	run_until_both(&l, BFD_STATE_UP, MS(10));
	assert_int_equal(l.ends[0].s.remote_discr, 0xb0b0b0b0);
	assert_int_equal(l.ends[1].s.remote_discr, 0xa0a0a0a0);
	int events = l.ends[0].events + l.ends[1].events;

	run_until(&l, l.now_us + 60 * BFD_USEC_PER_SEC);
	assert_int_equal(l.ends[0].events + l.ends[1].events, events);
	/* The Poll Sequences started by going Up have ended: fast timers. */
	assert_false(l.ends[0].s.poll_active);
	assert_false(l.ends[1].s.poll_active);
	assert_int_equal(bfd_session_tx_interval_us(&l.ends[0].s), 300000);
	assert_int_equal(bfd_session_detection_time_us(&l.ends[1].s), 900000);
}

/* 6.8.2, 6.8.3: A slows down to 1 s then speeds up to 50 ms, B wants 100 ms:
 * each change runs a Poll Sequence, both stay Up, and the negotiated
 * intervals follow on both sides. */
static void test_pair_timer_change_keeps_session_up(void **state)
{
	struct link l;
	struct bfd_output out;
	const struct bfd_session_params slow = { 1000000, 1000000, 3 };
	const struct bfd_session_params quick = { 50000, 50000, 3 };
	const struct bfd_session_params b100 = { 100000, 100000, 3 };

	(void)state;
	link_init(&l, &fast, &fast);
	run_until_both(&l, BFD_STATE_UP, MS(10));
	run_until(&l, l.now_us + 5 * BFD_USEC_PER_SEC);
	int events = l.ends[0].events + l.ends[1].events;

	assert_int_equal(bfd_session_set_params(&l.ends[0].s, &slow, l.now_us, &out), 0);
	handle_output(&l, 0, &out);
	run_until(&l, l.now_us + 10 * BFD_USEC_PER_SEC);
	assert_false(l.ends[0].s.poll_active);
	assert_int_equal(bfd_session_tx_interval_us(&l.ends[0].s), 1000000);
	assert_int_equal(bfd_session_tx_interval_us(&l.ends[1].s), 1000000);
	assert_int_equal(bfd_session_detection_time_us(&l.ends[1].s), 3000000);

	assert_int_equal(bfd_session_set_params(&l.ends[0].s, &quick, l.now_us, &out), 0);
	handle_output(&l, 0, &out);
	assert_int_equal(bfd_session_set_params(&l.ends[1].s, &b100, l.now_us, &out), 0);
	handle_output(&l, 1, &out);
	run_until(&l, l.now_us + 10 * BFD_USEC_PER_SEC);
	assert_false(l.ends[0].s.poll_active);
	assert_false(l.ends[1].s.poll_active);
	assert_int_equal(bfd_session_tx_interval_us(&l.ends[0].s), 100000);
	assert_int_equal(bfd_session_tx_interval_us(&l.ends[1].s), 100000);
	assert_int_equal(bfd_session_detection_time_us(&l.ends[0].s), 300000);
	assert_int_equal(bfd_session_detection_time_us(&l.ends[1].s), 300000);
	assert_int_equal(l.ends[0].events + l.ends[1].events, events);
	assert_int_equal(l.ends[0].s.state, BFD_STATE_UP);
	assert_int_equal(l.ends[1].s.state, BFD_STATE_UP);
}

/* 6.8.4: a silent peer is detected exactly one Detection Time after its
 * last packet, with diag 1; 6.2: when the link heals both come back Up. */
static void test_pair_detects_silent_peer_and_recovers(void **state)
{
	struct link l;
	const struct bfd_session_params a = { 300000, 300000, 3 };
	const struct bfd_session_params b = { 200000, 250000, 5 };

	(void)state;
	link_init(&l, &a, &b);
	run_until_both(&l, BFD_STATE_UP, MS(10));
	run_until(&l, l.now_us + 7 * BFD_USEC_PER_SEC + 12345);

	l.cut = true;
	l.ends[0].queued = l.ends[1].queued = 0; /* packets in flight are lost */
	/* B detects A: A's mult 3 x max(B's required rx 250 ms, A's tx 300 ms). */
	const bfd_usec_t b_detect_us = 3 * (bfd_usec_t)300000;
	/* A detects B: B's mult 5 x max(A's required rx 300 ms, B's tx 200 ms). */
	const bfd_usec_t a_detect_us = 5 * (bfd_usec_t)300000;

	assert_int_equal(bfd_session_detection_time_us(&l.ends[1].s), b_detect_us);
	assert_int_equal(bfd_session_detection_time_us(&l.ends[0].s), a_detect_us);
	run_until(&l, l.now_us + 3 * BFD_USEC_PER_SEC);
	for (int i = 0; i < 2; i++) {
		struct end *e = &l.ends[i];
		bfd_usec_t detect_us = i ? b_detect_us : a_detect_us;

		assert_int_equal(e->s.state, BFD_STATE_DOWN);
		assert_int_equal(e->last_event.old_state, BFD_STATE_UP);
		assert_int_equal(e->last_event.diag, BFD_DIAG_DETECT_EXPIRED);
		assert_false(e->last_event.peer_admin_down);
		assert_int_equal(e->last_event_us, e->last_rx_us + detect_us);
		assert_int_equal(e->s.remote_discr, 0);
	}

	l.cut = false;
	run_until_both(&l, BFD_STATE_UP, 3 * BFD_USEC_PER_SEC);
	run_until(&l, l.now_us + 10 * BFD_USEC_PER_SEC);
	assert_int_equal(l.ends[0].s.state, BFD_STATE_UP);
	assert_int_equal(l.ends[1].s.state, BFD_STATE_UP);
	assert_int_equal(bfd_session_tx_interval_us(&l.ends[1].s), 300000);
}

/* 6.8.16 with RFC 5882 3.2: when one side is taken AdminDown the other goes
 * Down with diag 3 and knows it is the peer's maintenance; back in service
 * they come Up again. */
static void test_pair_admin_down_is_peer_maintenance(void **state)
{
	struct link l;
	struct bfd_output out;

	(void)state;
	link_init(&l, &fast, &fast);
	run_until_both(&l, BFD_STATE_UP, MS(10));
	run_until(&l, l.now_us + BFD_USEC_PER_SEC);

	bfd_session_set_admin_down(&l.ends[0].s, true, l.now_us, &out);
	handle_output(&l, 0, &out);
	run_until(&l, l.now_us + MS(1));
	assert_int_equal(l.ends[1].s.state, BFD_STATE_DOWN);
	assert_int_equal(l.ends[1].last_event.diag, BFD_DIAG_NEIGHBOR_DOWN);
	assert_true(l.ends[1].last_event.peer_admin_down);
	/* It stays so, without the detection timer calling it a failure. */
	run_until(&l, l.now_us + 10 * BFD_USEC_PER_SEC);
	assert_int_equal(l.ends[1].s.state, BFD_STATE_DOWN);
	assert_true(l.ends[1].last_event.peer_admin_down);
	assert_int_equal(l.ends[0].s.state, BFD_STATE_ADMIN_DOWN);

	bfd_session_set_admin_down(&l.ends[0].s, false, l.now_us, &out);
	handle_output(&l, 0, &out);
	run_until_both(&l, BFD_STATE_UP, 3 * BFD_USEC_PER_SEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair_comes_up_and_stays_up),
		cmocka_unit_test(test_pair_timer_change_keeps_session_up),
		cmocka_unit_test(test_pair_detects_silent_peer_and_recovers),
		cmocka_unit_test(test_pair_admin_down_is_peer_maintenance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
