/*
 * fuzz-session-recv.c - the reception path: a session fed a script of
 * packets, timer expiries and operator actions. The input is
 *   byte 0      authentication type (mod 6) of the session
 *   then records: u16 time step in 100 us units, u8 kind, u8 length, bytes
 *   kind 0: a received packet (decoded, then bfd_session_recv() if accepted)
 *   kind 1: new timers from the bytes; kind 2: admin down/up; kind 3: path down
 * After every call the outputs must be sane: our own packets decode and never
 * carry both P and F. A deadline may already have passed (a shorter interval
 * can bring it forward), but then running the timer, as the daemon does at
 * once, must push it into the future: the loop can never spin.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "session.h"

#define LOCAL_DISCR 0x01020304u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_packet(const struct bfd_session *s, const struct bfd_output *out)
{
	struct bfd_packet pkt;

	if (s->state > BFD_STATE_UP)
		abort();
	if (out->packet_len == 0)
		return;
	if (bfd_packet_decode(out->packet, out->packet_len, &pkt) != BFD_DROP_NONE)
		abort();
	if ((pkt.poll && pkt.final) || pkt.demand || pkt.required_min_echo_rx_us != 0 ||
	    pkt.my_discr != LOCAL_DISCR)
		abort();
	if (pkt.state != BFD_STATE_UP && pkt.desired_min_tx_us < 1000000)
		abort(); /* 6.8.3 */
}

static void check(struct bfd_session *s, const struct bfd_output *out, bfd_usec_t now_us)
{
	struct bfd_output again;

	check_packet(s, out);
	if (out->next_deadline_us > now_us)
		return;
	bfd_session_timer(s, now_us, &again);
	check_packet(s, &again);
	if (again.next_deadline_us <= now_us)
		abort();
}

static uint32_t get_u32(const uint8_t *p, size_t len, size_t at)
{
	uint32_t v = 0;

	for (size_t i = at; i < at + 4; i++)
		v = v << 8 | (i < len ? p[i] : 0);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bfd_session s;
	struct bfd_output out;
	struct bfd_auth_key key = { .key_id = 1, .secret_len = 8 };
	const struct bfd_session_params params = { 300000, 300000, 3 };
	bfd_usec_t now_us = 1000;
	size_t pos = 1;

	if (size < 1)
		return 0;
	key.type = (enum bfd_auth_type)(data[0] % 6);
	memcpy(key.secret, "fuzzkey!", 8);
	if (bfd_session_init(&s, &params, &key, LOCAL_DISCR, 42, now_us) != 0)
		abort();

	while (pos + 4 <= size) {
		bfd_usec_t step_us = (bfd_usec_t)(data[pos] << 8 | data[pos + 1]) * 100;
		uint8_t kind = data[pos + 2], len = data[pos + 3];
		const uint8_t *body = data + pos + 4;

		pos += 4;
		if (len > size - pos)
			len = (uint8_t)(size - pos);
		pos += len;

		now_us += step_us;
		if (now_us >= bfd_session_next_deadline_us(&s)) {
			bfd_session_timer(&s, now_us, &out);
			check(&s, &out, now_us);
		}
		switch (kind % 4) {
		case 0: {
			struct bfd_packet pkt;

			if (bfd_packet_decode(body, len, &pkt) != BFD_DROP_NONE)
				break;
			if (pkt.your_discr != 0 && pkt.your_discr != LOCAL_DISCR)
				break; /* the daemon's demultiplexing */
			bfd_session_recv(&s, body, &pkt, now_us, &out);
			check(&s, &out, now_us);
			break;
		}
		case 1: {
			struct bfd_session_params p = {
				.desired_min_tx_us = get_u32(body, len, 0),
				.required_min_rx_us = get_u32(body, len, 4),
				.detect_mult = len > 8 ? body[8] : 3,
			};
			if (bfd_session_set_params(&s, &p, now_us, &out) == 0)
				check(&s, &out, now_us);
			break;
		}
		case 2:
			bfd_session_set_admin_down(&s, len & 1, now_us, &out);
			check(&s, &out, now_us);
			break;
		default:
			bfd_session_path_down(&s, BFD_DIAG_PATH_DOWN, now_us, &out);
			check(&s, &out, now_us);
			break;
		}
		if (s.state == BFD_STATE_UP && s.remote_discr == 0)
			abort();
	}
	return 0;
}
