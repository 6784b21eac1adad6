/*
 * session.c - the BFD session: state machine (RFC 5880 6.2), reception
 * (6.8.6), transmission (6.8.7), Poll/Final (6.5, 6.8.3), detection (6.8.4)
 * and administrative control (6.8.16).
 *
 * Every entry point resets its struct bfd_output, applies one input and
 * finishes by computing the next deadline. A packet goes out at once, not
 * on the periodic timer, for a Final (6.8.7), a state change and the start
 * of a Poll Sequence, so that the peer learns of them without waiting an
 * interval; the periodic timer restarts from every packet sent.
 */
#include "session.h"

#include <errno.h>
#include <string.h>

#include "timers.h"

static void output_reset(struct bfd_output *out)
{
	out->packet_len = 0;
	out->has_event = false;
}

static void output_finish(const struct bfd_session *s, struct bfd_output *out)
{
	out->next_deadline_us = bfd_session_next_deadline_us(s);
}

bool bfd_session_params_valid(const struct bfd_session_params *p)
{
	return p->desired_min_tx_us > 0 && p->required_min_rx_us > 0 && p->detect_mult > 0;
}

/*
 * 6.8.7: no periodic transmission while bfd.RemoteMinRxInterval is zero, or
 * while the remote runs Demand mode with both sides Up "and a Poll Sequence
 * is not being transmitted": our Polls repeat until their Final (6.5).
 */
static bool periodic_tx_allowed(const struct bfd_session *s)
{
	if (s->remote_min_rx_us == 0)
		return false;
	return !(s->remote_demand_mode && s->state == BFD_STATE_UP &&
		 s->remote_state == BFD_STATE_UP && !s->poll_active);
}

bfd_usec_t bfd_session_tx_interval_us(const struct bfd_session *s)
{
	if (!periodic_tx_allowed(s))
		return 0;
	return bfd_tx_interval_us(s->tx_in_effect_us, s->remote_min_rx_us);
}

bfd_usec_t bfd_session_rx_interval_us(const struct bfd_session *s)
{
	return s->rx_in_effect_us > s->remote_desired_min_tx_us ? s->rx_in_effect_us
								 : s->remote_desired_min_tx_us;
}

bfd_usec_t bfd_session_detection_time_us(const struct bfd_session *s)
{
	return bfd_detection_time_us(s->remote_detect_mult, s->rx_in_effect_us,
				     s->remote_desired_min_tx_us);
}

bfd_usec_t bfd_session_next_deadline_us(const struct bfd_session *s)
{
	bfd_usec_t deadline = s->next_tx_us;

	if (s->detect_armed) {
		bfd_usec_t expiry = s->last_rx_us + bfd_session_detection_time_us(s);

		if (expiry < deadline)
			deadline = expiry;
	}
	return deadline;
}

/* Arm the periodic transmission one jittered interval after now_us. */
static void schedule_tx(struct bfd_session *s, bfd_usec_t now_us)
{
	bfd_usec_t interval_us = bfd_session_tx_interval_us(s);

	s->next_tx_us = interval_us ? now_us + bfd_jittered_us(interval_us, s->detect_mult, &s->rng)
				    : BFD_USEC_NEVER;
}

/* After the transmit interval may have changed: stop or start periodic
 * transmission, and pull the next packet in if it is now due too late. */
static void reschedule_tx(struct bfd_session *s, bfd_usec_t now_us)
{
	bfd_usec_t interval_us = bfd_session_tx_interval_us(s);

	if (interval_us == 0)
		s->next_tx_us = BFD_USEC_NEVER;
	else if (s->next_tx_us == BFD_USEC_NEVER || s->next_tx_us > now_us + interval_us)
		schedule_tx(s, now_us);
}

/* Build the packet to send now into out (6.8.7). A periodic packet (or one
 * sent early for a state change or a Poll) restarts the periodic timer; a
 * Final does not, as it is sent "without respect to the transmission timer",
 * so a peer polling fast cannot starve our own packets. P and F are never
 * both set. */
static void transmit(struct bfd_session *s, bool final, bfd_usec_t now_us,
		     struct bfd_output *out)
{
	struct bfd_packet pkt = {
		.version = BFD_VERSION,
		.diag = s->local_diag,
		.state = s->state,
		.poll = s->poll_active && !final,
		.final = final,
		.detect_mult = s->detect_mult,
		.my_discr = s->local_discr,
		.your_discr = s->remote_discr,
		.desired_min_tx_us = s->desired_min_tx_us,
		.required_min_rx_us = s->required_min_rx_us,
		/* No Echo function: Required Min Echo RX stays 0 (6.8.9). */
	};

	if (s->auth_key.type != BFD_AUTH_NONE) {
		pkt.auth_present = true;
		bfd_auth_prepare(&s->auth_key, s->auth.xmit_seq, &pkt.auth);
	}
	out->packet_len = bfd_packet_encode(&pkt, out->packet, sizeof(out->packet));
	if (pkt.auth_present) {
		bfd_auth_sign(s->auth_key.type, out->packet, out->packet_len);
		/* 6.7.3/6.7.4: the meticulous types must, the others may,
		 * advance bfd.XmitAuthSeq with every packet. */
		s->auth.xmit_seq++;
	}
	if (!final)
		schedule_tx(s, now_us);
}

/*
 * Set the advertised intervals. A change while Up starts a Poll Sequence
 * (6.8.3); the faster transmit interval and the longer receive interval are
 * safe at once, the others wait for the Final. While not Up nothing waits.
 * Returns whether a new Poll Sequence started.
 */
static bool advertise_intervals(struct bfd_session *s, uint32_t desired_min_tx_us,
				uint32_t required_min_rx_us)
{
	bool changed = desired_min_tx_us != s->desired_min_tx_us ||
		       required_min_rx_us != s->required_min_rx_us;

	s->desired_min_tx_us = desired_min_tx_us;
	s->required_min_rx_us = required_min_rx_us;
	if (s->state != BFD_STATE_UP) {
		s->poll_active = s->poll_again = false;
		s->tx_in_effect_us = desired_min_tx_us;
		s->rx_in_effect_us = required_min_rx_us;
		return false;
	}
	if (desired_min_tx_us <= s->tx_in_effect_us)
		s->tx_in_effect_us = desired_min_tx_us;
	if (required_min_rx_us >= s->rx_in_effect_us)
		s->rx_in_effect_us = required_min_rx_us;
	if (!changed)
		return false;
	if (s->poll_active) {
		/* 6.5: one Poll Sequence at a time; the Final of this one may
		 * answer a Poll sent before the change, so poll once more. */
		s->poll_again = true;
		return false;
	}
	s->poll_active = true;
	return true;
}

/* 6.5: a Final ends the Poll Sequence and what waited for it takes effect. */
static void poll_final_received(struct bfd_session *s)
{
	if (s->poll_again) {
		s->poll_again = false;
		return;
	}
	s->poll_active = false;
	s->tx_in_effect_us = s->desired_min_tx_us;
	s->rx_in_effect_us = s->required_min_rx_us;
}

/* Change bfd.SessionState and bfd.LocalDiag, report it, and advertise the
 * intervals of the new state (the slow rate while not Up, 6.8.3). */
static void set_state(struct bfd_session *s, enum bfd_state state, enum bfd_diag diag,
		      bool peer_admin_down, struct bfd_output *out)
{
	out->has_event = true;
	out->event = (struct bfd_event){
		.old_state = s->state,
		.new_state = state,
		.diag = diag,
		.peer_admin_down = peer_admin_down,
	};
	s->state = state;
	s->local_diag = diag;
	advertise_intervals(s, bfd_desired_min_tx_for_state(s->params.desired_min_tx_us, state),
			    s->params.required_min_rx_us);
}

/* 6.8.6, the last rules: the state machine of 6.2 on the received State. */
static void run_state_machine(struct bfd_session *s, const struct bfd_packet *pkt,
			      struct bfd_output *out)
{
	if (pkt->state == BFD_STATE_ADMIN_DOWN) {
		if (s->state != BFD_STATE_DOWN)
			set_state(s, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, true, out);
		return;
	}
	switch (s->state) {
	case BFD_STATE_DOWN:
		if (pkt->state == BFD_STATE_DOWN)
			set_state(s, BFD_STATE_INIT, s->local_diag, false, out);
		else if (pkt->state == BFD_STATE_INIT)
			set_state(s, BFD_STATE_UP, BFD_DIAG_NONE, false, out);
		break;
	case BFD_STATE_INIT:
		if (pkt->state == BFD_STATE_INIT || pkt->state == BFD_STATE_UP)
			set_state(s, BFD_STATE_UP, BFD_DIAG_NONE, false, out);
		break;
	case BFD_STATE_UP:
		if (pkt->state == BFD_STATE_DOWN)
			set_state(s, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, false, out);
		break;
	case BFD_STATE_ADMIN_DOWN:
		break; /* not reached: the caller discards first (6.8.6) */
	}
}

/* 6.8.6: the A bit must agree with bfd.AuthType, and then authenticate. */
static enum bfd_drop_reason authenticate(struct bfd_session *s, const uint8_t *buf,
					 const struct bfd_packet *pkt, bfd_usec_t now_us)
{
	bool auth_in_use = s->auth_key.type != BFD_AUTH_NONE;

	if (pkt->auth_present != auth_in_use)
		return BFD_DROP_AUTH_MISMATCH;
	if (!auth_in_use)
		return BFD_DROP_NONE;
	/* 6.8.1: bfd.AuthSeqKnown is cleared after twice the Detection Time
	 * without a packet, so a restarted peer can resynchronise. */
	if (s->auth.seq_known && now_us - s->last_rx_us >= 2 * bfd_session_detection_time_us(s))
		s->auth.seq_known = false;
	return bfd_auth_verify(&s->auth_key, &s->auth, buf, pkt);
}

enum bfd_drop_reason bfd_session_recv(struct bfd_session *s, const uint8_t *buf,
				      const struct bfd_packet *pkt, bfd_usec_t now_us,
				      struct bfd_output *out)
{
	enum bfd_drop_reason drop = BFD_DROP_NONE;
	enum bfd_state old_state = s->state;

	output_reset(out);
	/* The caller demultiplexed by Your Discriminator when nonzero. */
	if (pkt->your_discr != 0 && pkt->your_discr != s->local_discr)
		drop = BFD_DROP_UNKNOWN_DISCR;
	else
		drop = authenticate(s, buf, pkt, now_us);
	if (drop != BFD_DROP_NONE) {
		output_finish(s, out);
		return drop;
	}

	/* Remote state (6.8.6, in order). */
	s->remote_discr = pkt->my_discr;
	s->remote_state = pkt->state;
	s->remote_diag = pkt->diag;
	s->remote_demand_mode = pkt->demand;
	s->remote_min_rx_us = pkt->required_min_rx_us;
	s->remote_desired_min_tx_us = pkt->desired_min_tx_us;
	s->remote_detect_mult = pkt->detect_mult;
	/* Required Min Echo RX is ignored: we never send Echo packets. */
	if (pkt->final && s->poll_active)
		poll_final_received(s);

	/* 6.8.6: in AdminDown the packet is discarded here, after the remote
	 * variables, so it neither runs the state machine, nor is answered, nor
	 * counts as received for the Detection Time. */
	if (s->state != BFD_STATE_ADMIN_DOWN) {
		/* "it has been received for purposes of the Detection Time" (6.8.4) */
		s->last_rx_us = now_us;
		s->detect_armed = true;
		run_state_machine(s, pkt, out);
		/* 6.8.7: answer a Poll with a Final at once, whatever the timers. */
		if (pkt->poll)
			transmit(s, true, now_us, out);
		else if (s->state != old_state && periodic_tx_allowed(s))
			transmit(s, false, now_us, out);
	}
	reschedule_tx(s, now_us);
	output_finish(s, out);
	return BFD_DROP_NONE;
}

void bfd_session_timer(struct bfd_session *s, bfd_usec_t now_us, struct bfd_output *out)
{
	bool send_now = false;

	output_reset(out);
	if (s->detect_armed && now_us >= s->last_rx_us + bfd_session_detection_time_us(s)) {
		/* 6.8.1: bfd.RemoteDiscr is zeroed when a Detection Time passes
		 * without a packet; 6.8.4: Init or Up go Down with diag 1. */
		s->detect_armed = false;
		s->remote_discr = 0;
		s->remote_state = BFD_STATE_DOWN;
		/* A silent peer's "send me nothing" (Required Min RX 0) no longer
		 * holds: back to the initial value of 6.8.1, so we can revive it. */
		s->remote_min_rx_us = 1;
		s->remote_demand_mode = false;
		if (s->state == BFD_STATE_INIT || s->state == BFD_STATE_UP) {
			set_state(s, BFD_STATE_DOWN, BFD_DIAG_DETECT_EXPIRED, false, out);
			send_now = periodic_tx_allowed(s);
		}
	}
	if (send_now || now_us >= s->next_tx_us)
		transmit(s, false, now_us, out);
	output_finish(s, out);
}

int bfd_session_set_params(struct bfd_session *s, const struct bfd_session_params *params,
			   bfd_usec_t now_us, struct bfd_output *out)
{
	if (!bfd_session_params_valid(params))
		return -EINVAL;
	output_reset(out);
	s->params = *params;
	s->detect_mult = params->detect_mult;
	if (advertise_intervals(s, bfd_desired_min_tx_for_state(params->desired_min_tx_us, s->state),
				params->required_min_rx_us))
		transmit(s, false, now_us, out);
	else
		reschedule_tx(s, now_us);
	output_finish(s, out);
	return 0;
}

int bfd_session_set_auth(struct bfd_session *s, const struct bfd_auth_key *key)
{
	static const struct bfd_auth_key none = { .type = BFD_AUTH_NONE };

	if (!key)
		key = &none;
	if (!bfd_auth_key_valid(key))
		return -EINVAL;
	s->auth_key = *key;
	s->auth.seq_known = false;
	return 0;
}

/* Change state on a local decision and tell the peer at once. */
static void change_state_now(struct bfd_session *s, enum bfd_state state, enum bfd_diag diag,
			     bfd_usec_t now_us, struct bfd_output *out)
{
	set_state(s, state, diag, false, out);
	if (periodic_tx_allowed(s))
		transmit(s, false, now_us, out);
	else
		reschedule_tx(s, now_us);
}

void bfd_session_set_admin_down(struct bfd_session *s, bool down, bfd_usec_t now_us,
				struct bfd_output *out)
{
	output_reset(out);
	if (down && s->state != BFD_STATE_ADMIN_DOWN)
		change_state_now(s, BFD_STATE_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN, now_us, out);
	else if (!down && s->state == BFD_STATE_ADMIN_DOWN)
		change_state_now(s, BFD_STATE_DOWN, BFD_DIAG_NONE, now_us, out);
	output_finish(s, out);
}

void bfd_session_path_down(struct bfd_session *s, enum bfd_diag diag, bfd_usec_t now_us,
			   struct bfd_output *out)
{
	output_reset(out);
	if (s->state == BFD_STATE_INIT || s->state == BFD_STATE_UP)
		change_state_now(s, BFD_STATE_DOWN, diag, now_us, out);
	output_finish(s, out);
}

int bfd_session_init(struct bfd_session *s, const struct bfd_session_params *params,
		     const struct bfd_auth_key *key, uint32_t local_discr, uint64_t seed,
		     bfd_usec_t now_us)
{
	if (!bfd_session_params_valid(params) || local_discr == 0 ||
	    (key && !bfd_auth_key_valid(key)))
		return -EINVAL;
	/* Initial values of 6.8.1. */
	memset(s, 0, sizeof(*s));
	s->state = BFD_STATE_DOWN;
	s->remote_state = BFD_STATE_DOWN;
	s->local_diag = BFD_DIAG_NONE;
	s->local_discr = local_discr;
	s->remote_min_rx_us = 1;
	s->params = *params;
	s->detect_mult = params->detect_mult;
	s->desired_min_tx_us = bfd_desired_min_tx_for_state(params->desired_min_tx_us, s->state);
	s->required_min_rx_us = params->required_min_rx_us;
	s->tx_in_effect_us = s->desired_min_tx_us;
	s->rx_in_effect_us = s->required_min_rx_us;
	s->rng = seed;
	/* 6.8.1: bfd.XmitAuthSeq starts at a random value. */
	s->auth.xmit_seq = (uint32_t)bfd_rng_next(&s->rng);
	bfd_session_set_auth(s, key);
	s->next_tx_us = now_us;
	return 0;
}
