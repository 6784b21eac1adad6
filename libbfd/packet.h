/*
 * packet.h - the BFD Control packet codec (RFC 5880 section 4).
 *
 * bfd_packet_decode() checks everything that can be checked on the packet
 * alone, in the order of the reception rules of section 6.8.6, and names
 * the first rule that fails. Rules that need session state (discriminator
 * lookup, the A bit against bfd.AuthType, authentication) are applied by
 * bfd_session_recv(). The codec reads through a bounds-checked reader and
 * writes with explicit shifts; it never overlays a struct on the buffer.
 */
#ifndef BFD_PACKET_H
#define BFD_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bfd_proto.h"

#define BFD_VERSION 1
#define BFD_PACKET_MIN_LEN 24       /* the mandatory section, 4.1 */
#define BFD_PACKET_MIN_LEN_AUTH 26  /* with the A bit, section 6.8.6 */
#define BFD_AUTH_SECRET_MAX 20      /* longest key: Keyed SHA1, 6.7.4 */
#define BFD_PACKET_MAX_LEN (BFD_PACKET_MIN_LEN + 8 + BFD_AUTH_SECRET_MAX)

/* The optional Authentication Section (4.2 - 4.4), decoded. */
struct bfd_auth_section {
	enum bfd_auth_type type;
	uint8_t len;           /* Auth Len: the whole section, header included */
	uint8_t key_id;
	uint32_t seq;          /* Sequence Number (types 2-5) */
	const uint8_t *data;   /* password (type 1) or digest (2-5) */
	uint8_t data_len;
};

/* A BFD Control packet, field by field (4.1). Intervals are microseconds. */
struct bfd_packet {
	uint8_t version;
	enum bfd_diag diag;
	enum bfd_state state;
	bool poll;          /* P */
	bool final;         /* F */
	bool cpi;           /* C: Control Plane Independent */
	bool auth_present;  /* A */
	bool demand;        /* D */
	bool multipoint;    /* M */
	uint8_t detect_mult;
	uint8_t length;     /* Length: bytes of the BFD packet */
	uint32_t my_discr;
	uint32_t your_discr;
	uint32_t desired_min_tx_us;
	uint32_t required_min_rx_us;
	uint32_t required_min_echo_rx_us;
	struct bfd_auth_section auth; /* valid when auth_present */
};

/*
 * Decode a received packet of buf_len bytes into *pkt. Returns BFD_DROP_NONE
 * or the reason for the first failed rule (6.8.6). On success, auth.data
 * points into buf, which must outlive *pkt.
 */
enum bfd_drop_reason bfd_packet_decode(const uint8_t *buf, size_t buf_len,
				       struct bfd_packet *pkt);

/*
 * Encode *pkt into buf (cap bytes). The Length field and the A bit are
 * computed from pkt->auth; for digest types, auth.data is the key, written
 * zero-padded into the digest field as 6.7.3/6.7.4 require before hashing
 * (see bfd_auth_sign()). Returns the number of bytes written, 0 if cap is
 * too small or the auth section is malformed.
 */
size_t bfd_packet_encode(const struct bfd_packet *pkt, uint8_t *buf, size_t cap);

#endif
