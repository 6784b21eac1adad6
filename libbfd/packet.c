/*
 * packet.c - BFD Control packet codec (RFC 5880 section 4).
 *
 * Wire layout of the mandatory section (4.1):
 *   byte 0    Vers(3) Diag(5)
 *   byte 1    Sta(2) P F C A D M
 *   byte 2    Detect Mult
 *   byte 3    Length
 *   4..23     My Discr, Your Discr, Desired Min TX, Required Min RX,
 *             Required Min Echo RX (32 bits each)
 * followed, when A is set, by the Authentication Section (4.2 - 4.4).
 */
#include "packet.h"

#include <string.h>

#include "reader.h"

enum {
	FLAG_M = 0x01,
	FLAG_D = 0x02,
	FLAG_A = 0x04,
	FLAG_C = 0x08,
	FLAG_F = 0x10,
	FLAG_P = 0x20,
};

/* Bytes of the auth section before the password or digest: Type, Len and
 * Key ID for Simple Password (4.2); plus Reserved and Sequence (4.3, 4.4). */
static size_t auth_header_len(enum bfd_auth_type type)
{
	return type == BFD_AUTH_SIMPLE_PASSWORD ? 3 : 8;
}

static bool auth_type_has_sequence(enum bfd_auth_type type)
{
	return type >= BFD_AUTH_KEYED_MD5 && type <= BFD_AUTH_METICULOUS_KEYED_SHA1;
}

/* Parse the auth section that starts at byte 24 and must end within Length.
 * Type-specific length rules are checked by bfd_auth_verify() (6.7). */
static enum bfd_drop_reason decode_auth(struct bfd_reader *r, struct bfd_auth_section *a)
{
	uint8_t type, reserved;

	if (!bfd_read_u8(r, &type) || !bfd_read_u8(r, &a->len))
		return BFD_DROP_AUTH_LENGTH;
	a->type = (enum bfd_auth_type)type;
	if (a->len < 3 || a->len > r->len - BFD_PACKET_MIN_LEN)
		return BFD_DROP_AUTH_LENGTH;
	/* From here on read only inside the section. */
	r->len = BFD_PACKET_MIN_LEN + a->len;
	if (!bfd_read_u8(r, &a->key_id))
		return BFD_DROP_AUTH_LENGTH;
	if (auth_type_has_sequence(a->type) &&
	    (!bfd_read_u8(r, &reserved) || !bfd_read_u32(r, &a->seq)))
		return BFD_DROP_AUTH_LENGTH;
	a->data_len = (uint8_t)(r->len - r->pos);
	if (!bfd_read_bytes(r, a->data_len, &a->data))
		return BFD_DROP_AUTH_LENGTH;
	return BFD_DROP_NONE;
}

enum bfd_drop_reason bfd_packet_decode(const uint8_t *buf, size_t buf_len,
				       struct bfd_packet *pkt)
{
	struct bfd_reader r = { .buf = buf, .len = buf_len };
	uint8_t b0, b1;

	memset(pkt, 0, sizeof(*pkt));
	if (!bfd_read_u8(&r, &b0))
		return BFD_DROP_SHORT_BUFFER;
	pkt->version = b0 >> 5;
	pkt->diag = (enum bfd_diag)(b0 & 0x1f);
	/* 6.8.6: "If the version number is not correct (1), the packet MUST be
	 * discarded." */
	if (pkt->version != BFD_VERSION)
		return BFD_DROP_BAD_VERSION;
	if (!bfd_read_u8(&r, &b1) || !bfd_read_u8(&r, &pkt->detect_mult) ||
	    !bfd_read_u8(&r, &pkt->length))
		return BFD_DROP_SHORT_BUFFER;
	pkt->state = (enum bfd_state)(b1 >> 6);
	pkt->poll = b1 & FLAG_P;
	pkt->final = b1 & FLAG_F;
	pkt->cpi = b1 & FLAG_C;
	pkt->auth_present = b1 & FLAG_A;
	pkt->demand = b1 & FLAG_D;
	pkt->multipoint = b1 & FLAG_M;

	/* 6.8.6: Length below 24, or 26 with the A bit, is discarded ... */
	if (pkt->length < (pkt->auth_present ? BFD_PACKET_MIN_LEN_AUTH : BFD_PACKET_MIN_LEN))
		return BFD_DROP_LENGTH_TOO_SHORT;
	/* ... and so is a Length beyond the encapsulating payload. */
	if (pkt->length > buf_len)
		return BFD_DROP_LENGTH_TOO_LONG;
	r.len = pkt->length; /* bytes after Length are not part of the packet */

	if (!bfd_read_u32(&r, &pkt->my_discr) || !bfd_read_u32(&r, &pkt->your_discr) ||
	    !bfd_read_u32(&r, &pkt->desired_min_tx_us) ||
	    !bfd_read_u32(&r, &pkt->required_min_rx_us) ||
	    !bfd_read_u32(&r, &pkt->required_min_echo_rx_us))
		return BFD_DROP_SHORT_BUFFER; /* unreachable: Length >= 24 */

	if (pkt->detect_mult == 0)
		return BFD_DROP_DETECT_MULT_ZERO;
	if (pkt->multipoint)
		return BFD_DROP_MULTIPOINT;
	if (pkt->my_discr == 0)
		return BFD_DROP_MY_DISCR_ZERO;
	/* 6.8.6: "If the Your Discriminator field is zero and the State field
	 * is not Down or AdminDown, the packet MUST be discarded." */
	if (pkt->your_discr == 0 && pkt->state != BFD_STATE_DOWN &&
	    pkt->state != BFD_STATE_ADMIN_DOWN)
		return BFD_DROP_YOUR_DISCR_ZERO;
	if (pkt->auth_present)
		return decode_auth(&r, &pkt->auth);
	return BFD_DROP_NONE;
}

size_t bfd_packet_encode(const struct bfd_packet *pkt, uint8_t *buf, size_t cap)
{
	const struct bfd_auth_section *a = &pkt->auth;
	size_t len = BFD_PACKET_MIN_LEN;
	size_t hdr = 0;

	if (pkt->auth_present) {
		hdr = auth_header_len(a->type);
		if (a->len < hdr || a->data_len > a->len - hdr)
			return 0;
		len += a->len;
	}
	if (len > cap || len > UINT8_MAX)
		return 0;

	buf[0] = (uint8_t)(BFD_VERSION << 5 | (pkt->diag & 0x1f));
	buf[1] = (uint8_t)((pkt->state & 0x3) << 6 | (pkt->poll ? FLAG_P : 0) |
			   (pkt->final ? FLAG_F : 0) | (pkt->cpi ? FLAG_C : 0) |
			   (pkt->auth_present ? FLAG_A : 0) | (pkt->demand ? FLAG_D : 0) |
			   (pkt->multipoint ? FLAG_M : 0));
	buf[2] = pkt->detect_mult;
	buf[3] = (uint8_t)len;
	bfd_put_u32(buf + 4, pkt->my_discr);
	bfd_put_u32(buf + 8, pkt->your_discr);
	bfd_put_u32(buf + 12, pkt->desired_min_tx_us);
	bfd_put_u32(buf + 16, pkt->required_min_rx_us);
	bfd_put_u32(buf + 20, pkt->required_min_echo_rx_us);
	if (!pkt->auth_present)
		return len;

	uint8_t *p = buf + BFD_PACKET_MIN_LEN;
	p[0] = (uint8_t)a->type;
	p[1] = a->len;
	p[2] = a->key_id;
	if (hdr == 8) {
		p[3] = 0; /* Reserved */
		bfd_put_u32(p + 4, a->seq);
	}
	memset(p + hdr, 0, a->len - hdr);
	if (a->data_len)
		memcpy(p + hdr, a->data, a->data_len);
	return len;
}
