/* peer.c - see peer.h. */
#include "peer.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

const struct bfd_session_params test_params = {
	.desired_min_tx_us = 300000,
	.required_min_rx_us = 300000,
	.detect_mult = 3,
};

struct bfd_packet peer_packet(enum bfd_state state, uint32_t my_discr, uint32_t your_discr,
			      uint32_t desired_min_tx_us, uint32_t required_min_rx_us,
			      uint8_t detect_mult)
{
	return (struct bfd_packet){
		.version = BFD_VERSION,
		.state = state,
		.detect_mult = detect_mult,
		.my_discr = my_discr,
		.your_discr = your_discr,
		.desired_min_tx_us = desired_min_tx_us,
		.required_min_rx_us = required_min_rx_us,
	};
}

enum bfd_drop_reason peer_send(struct bfd_session *s, const struct bfd_packet *pkt,
			       bfd_usec_t now_us, struct bfd_output *out)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	struct bfd_packet decoded;
	size_t len = bfd_packet_encode(pkt, buf, sizeof(buf));

	assert_true(len >= BFD_PACKET_MIN_LEN);
	assert_int_equal(bfd_packet_decode(buf, len, &decoded), BFD_DROP_NONE);
	return bfd_session_recv(s, buf, &decoded, now_us, out);
}

struct bfd_packet sent_packet(const struct bfd_output *out)
{
	struct bfd_packet pkt;

	assert_true(out->packet_len >= BFD_PACKET_MIN_LEN);
	assert_int_equal(bfd_packet_decode(out->packet, out->packet_len, &pkt), BFD_DROP_NONE);
	return pkt;
}

struct bfd_packet check_sent(const struct bfd_session *s, const struct bfd_output *out)
{
	struct bfd_packet p = sent_packet(out);

	assert_int_equal(p.version, 1);
	assert_int_equal(p.my_discr, s->local_discr);
	assert_int_equal(p.your_discr, s->remote_discr);
	assert_int_equal(p.state, s->state);
	assert_int_equal(p.diag, s->local_diag);
	assert_int_equal(p.detect_mult, s->detect_mult);
	assert_false(p.demand);
	assert_false(p.multipoint);
	assert_int_equal(p.required_min_echo_rx_us, 0);
	assert_false(p.poll && p.final);
	if (p.state != BFD_STATE_UP)
		assert_true(p.desired_min_tx_us >= 1000000);
	return p;
}

void assert_event(const struct bfd_output *out, enum bfd_state old_state,
		  enum bfd_state new_state, enum bfd_diag diag, bool peer_admin_down)
{
	assert_true(out->has_event);
	assert_int_equal(out->event.old_state, old_state);
	assert_int_equal(out->event.new_state, new_state);
	assert_int_equal(out->event.diag, diag);
	assert_int_equal(out->event.peer_admin_down, peer_admin_down);
}

void test_session_init(struct bfd_session *s)
{
	assert_int_equal(bfd_session_init(s, &test_params, NULL, 0x11111111, 1, 0), 0);
}

bfd_usec_t test_session_bring_up(struct bfd_session *s, uint32_t peer_discr)
{
	struct bfd_output out;
	struct bfd_packet pkt;
	bfd_usec_t now_us = MS(10);

	pkt = peer_packet(BFD_STATE_DOWN, peer_discr, 0, 1000000, 300000, 3);
	assert_int_equal(peer_send(s, &pkt, now_us, &out), BFD_DROP_NONE);
	assert_int_equal(s->state, BFD_STATE_INIT);
	now_us += MS(10);
	pkt = peer_packet(BFD_STATE_UP, peer_discr, s->local_discr, 1000000, 300000, 3);
	assert_int_equal(peer_send(s, &pkt, now_us, &out), BFD_DROP_NONE);
	assert_int_equal(s->state, BFD_STATE_UP);
	return now_us;
}
