/*
 * test_packet.c - the BFD Control packet codec: RFC 5880 section 4.1 wire
 * format, the authentication section formats of 4.2-4.4, and the rules of
 * the reception procedure (6.8.6) that need only the packet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "bfd_proto.h"
#include "packet.h"

/* A packet with every mandatory field set to a distinct nonzero value. */
static struct bfd_packet sample_packet(void)
{
	return (struct bfd_packet){
		.version = BFD_VERSION,
		.diag = BFD_DIAG_PATH_DOWN,
		.state = BFD_STATE_UP,
		.detect_mult = 3,
		.my_discr = 0x01020304,
		.your_discr = 0xa0b0c0d0,
		.desired_min_tx_us = 1000000,
		.required_min_rx_us = 300000,
		.required_min_echo_rx_us = 50000,
	};
}

/* Encode pkt (asserting success) and decode it again (asserting acceptance). */
static struct bfd_packet round_trip(const struct bfd_packet *pkt, uint8_t *buf, size_t *len_out)
{
	struct bfd_packet out;
	size_t len = bfd_packet_encode(pkt, buf, BFD_PACKET_MAX_LEN);

	assert_true(len >= BFD_PACKET_MIN_LEN);
	assert_int_equal(bfd_packet_decode(buf, len, &out), BFD_DROP_NONE);
	if (len_out)
		*len_out = len;
	return out;
}

/* A valid unauthenticated 24-byte packet (state Up, flags clear) in buf. */
static void valid_bytes(uint8_t buf[BFD_PACKET_MIN_LEN])
{
	struct bfd_packet pkt = sample_packet();

	pkt.diag = BFD_DIAG_NONE;
	assert_int_equal(bfd_packet_encode(&pkt, buf, BFD_PACKET_MIN_LEN), BFD_PACKET_MIN_LEN);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- Encode / decode round trip (4.1) ---- */

/* RFC 5880 4.1: Vers is 1 and every Diag code 0-8 (and the 5-bit maximum 31) survives a round trip. */
static void test_roundtrip_version_and_diag(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	(void)state;

	for (unsigned int d = 0; d <= 8; d++) {
		struct bfd_packet pkt = sample_packet();
		pkt.diag = (enum bfd_diag)d;
		struct bfd_packet out = round_trip(&pkt, buf, NULL);
		assert_int_equal(out.version, 1);
		assert_int_equal(out.diag, d);
		assert_int_equal(buf[0] >> 5, 1);
		assert_int_equal(buf[0] & 0x1f, d);
	}
	struct bfd_packet pkt = sample_packet();
	pkt.diag = (enum bfd_diag)31;
	struct bfd_packet out = round_trip(&pkt, buf, NULL);
	assert_int_equal(out.diag, 31);
	assert_int_equal(buf[0], 0x3f);
}

/* RFC 5880 4.1: Sta carries AdminDown(0), Down(1), Init(2), Up(3) in the top two bits of byte 1. */
static void test_roundtrip_state(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	(void)state;

	for (unsigned int st = 0; st <= 3; st++) {
		struct bfd_packet pkt = sample_packet();
		pkt.state = (enum bfd_state)st;
		struct bfd_packet out = round_trip(&pkt, buf, NULL);
		assert_int_equal(out.state, st);
		assert_int_equal(buf[1], st << 6);
	}
}

enum flag_id { FL_P, FL_F, FL_C, FL_D, FL_M, FL_A };

static void set_flag(struct bfd_packet *pkt, enum flag_id f)
{
	switch (f) {
	case FL_P: pkt->poll = true; break;
	case FL_F: pkt->final = true; break;
	case FL_C: pkt->cpi = true; break;
	case FL_D: pkt->demand = true; break;
	case FL_M: pkt->multipoint = true; break;
	case FL_A: pkt->auth_present = true; break;
	}
}

static void assert_flags(const struct bfd_packet *pkt, bool p, bool f, bool c, bool a, bool d,
			 bool m)
{
	assert_int_equal(pkt->poll, p);
	assert_int_equal(pkt->final, f);
	assert_int_equal(pkt->cpi, c);
	assert_int_equal(pkt->auth_present, a);
	assert_int_equal(pkt->demand, d);
	assert_int_equal(pkt->multipoint, m);
}

/* RFC 5880 4.1: P F C A D M are bits 0x20 0x10 0x08 0x04 0x02 0x01 of byte 1, each on its own. */
static void test_roundtrip_flags_individually(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	struct bfd_packet out;
	size_t len;
	(void)state;

	static const struct {
		enum flag_id f;
		uint8_t bit;
	} flags[] = {
		{ FL_P, 0x20 }, { FL_F, 0x10 }, { FL_C, 0x08 }, { FL_D, 0x02 },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct bfd_packet pkt = sample_packet();
		pkt.state = BFD_STATE_INIT;
		set_flag(&pkt, flags[i].f);
		out = round_trip(&pkt, buf, NULL);
		assert_int_equal(buf[1], (BFD_STATE_INIT << 6) | flags[i].bit);
		assert_flags(&out, flags[i].f == FL_P, flags[i].f == FL_F, flags[i].f == FL_C,
			     false, flags[i].f == FL_D, false);
	}

	/* M: encoded on its own; decoding drops the packet (6.8.6) but still
	 * reports the bits it read. */
	struct bfd_packet pkt = sample_packet();
	pkt.state = BFD_STATE_INIT;
	set_flag(&pkt, FL_M);
	len = bfd_packet_encode(&pkt, buf, sizeof(buf));
	assert_int_equal(len, BFD_PACKET_MIN_LEN);
	assert_int_equal(buf[1], (BFD_STATE_INIT << 6) | 0x01);
	assert_int_equal(bfd_packet_decode(buf, len, &out), BFD_DROP_MULTIPOINT);
	assert_flags(&out, false, false, false, false, false, true);

	/* A: needs an authentication section. */
	static const uint8_t password[] = "pw";
	pkt = sample_packet();
	pkt.state = BFD_STATE_INIT;
	set_flag(&pkt, FL_A);
	pkt.auth = (struct bfd_auth_section){
		.type = BFD_AUTH_SIMPLE_PASSWORD, .len = 5, .key_id = 1,
		.data = password, .data_len = 2,
	};
	out = round_trip(&pkt, buf, &len);
	assert_int_equal(buf[1], (BFD_STATE_INIT << 6) | 0x04);
	assert_flags(&out, false, false, false, true, false, false);

	/* All of them at once (M excluded: it makes the packet invalid). */
	pkt.poll = pkt.final = pkt.cpi = pkt.demand = true;
	out = round_trip(&pkt, buf, &len);
	assert_int_equal(buf[1], (BFD_STATE_INIT << 6) | 0x3e);
	assert_flags(&out, true, true, true, true, true, false);
}

/* RFC 5880 4.1: Detect Mult, Length, both discriminators and the three intervals survive a round trip, including 0xffffffff. */
static void test_roundtrip_numeric_fields(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	size_t len;
	(void)state;

	static const uint32_t values[] = { 1, 0x7f, 0x80000000u, 0x12345678, 0xffffffffu };
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct bfd_packet pkt = sample_packet();
		pkt.detect_mult = (uint8_t)(values[i] & 0xff) ? (uint8_t)(values[i] & 0xff) : 1;
		pkt.my_discr = values[i];
		pkt.your_discr = (~values[i]) ? (~values[i]) : 1;
		pkt.desired_min_tx_us = values[i];
		pkt.required_min_rx_us = values[(i + 1) % 5];
		pkt.required_min_echo_rx_us = values[(i + 2) % 5];
		struct bfd_packet out = round_trip(&pkt, buf, &len);
		assert_int_equal(len, 24);
		assert_int_equal(out.length, 24);
		assert_int_equal(out.detect_mult, pkt.detect_mult);
		assert_int_equal(out.my_discr, pkt.my_discr);
		assert_int_equal(out.your_discr, pkt.your_discr);
		assert_int_equal(out.desired_min_tx_us, pkt.desired_min_tx_us);
		assert_int_equal(out.required_min_rx_us, pkt.required_min_rx_us);
		assert_int_equal(out.required_min_echo_rx_us, pkt.required_min_echo_rx_us);
	}

	/* Every field at its maximum at once. */
	struct bfd_packet pkt = sample_packet();
	pkt.detect_mult = 255;
	pkt.my_discr = pkt.your_discr = 0xffffffffu;
	pkt.desired_min_tx_us = pkt.required_min_rx_us = pkt.required_min_echo_rx_us = 0xffffffffu;
	struct bfd_packet out = round_trip(&pkt, buf, &len);
	assert_int_equal(out.detect_mult, 255);
	assert_int_equal(out.my_discr, 0xffffffffu);
	assert_int_equal(out.your_discr, 0xffffffffu);
	assert_int_equal(out.desired_min_tx_us, 0xffffffffu);
	assert_int_equal(out.required_min_rx_us, 0xffffffffu);
	assert_int_equal(out.required_min_echo_rx_us, 0xffffffffu);
	/* Zero intervals are legal on the wire. */
	pkt.desired_min_tx_us = pkt.required_min_rx_us = pkt.required_min_echo_rx_us = 0;
	out = round_trip(&pkt, buf, &len);
	assert_int_equal(out.desired_min_tx_us, 0);
	assert_int_equal(out.required_min_rx_us, 0);
	assert_int_equal(out.required_min_echo_rx_us, 0);
}

/* RFC 5880 4.2-4.4: the authentication section (type, Auth Len, key ID, sequence, password or zero-padded key) survives a round trip and sets Length. */
static void test_roundtrip_auth_section(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	size_t len;
	(void)state;

	static const struct {
		enum bfd_auth_type type;
		uint8_t auth_len;
		uint8_t data_len;
	} cases[] = {
		{ BFD_AUTH_SIMPLE_PASSWORD, 3 + 5, 5 },
		{ BFD_AUTH_SIMPLE_PASSWORD, 3 + 16, 16 },
		{ BFD_AUTH_KEYED_MD5, 24, 16 },
		{ BFD_AUTH_METICULOUS_KEYED_MD5, 24, 16 },
		{ BFD_AUTH_KEYED_SHA1, 28, 20 },
		{ BFD_AUTH_METICULOUS_KEYED_SHA1, 28, 20 },
	};
	static const uint8_t secret[20] = "abcdefghijklmnopqrst";

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bfd_packet pkt = sample_packet();
		bool has_seq = cases[i].type != BFD_AUTH_SIMPLE_PASSWORD;
		uint8_t key_len = has_seq ? 5 : cases[i].data_len; /* short key: padded */

		pkt.auth_present = true;
		pkt.auth = (struct bfd_auth_section){
			.type = cases[i].type, .len = cases[i].auth_len, .key_id = (uint8_t)(0x90 + i),
			.seq = 0xfedcba98u, .data = secret, .data_len = key_len,
		};
		struct bfd_packet out = round_trip(&pkt, buf, &len);
		assert_int_equal(len, 24 + cases[i].auth_len);
		assert_int_equal(out.length, len);
		assert_true(out.auth_present);
		assert_int_equal(out.auth.type, cases[i].type);
		assert_int_equal(out.auth.len, cases[i].auth_len);
		assert_int_equal(out.auth.key_id, 0x90 + i);
		if (has_seq)
			assert_int_equal(out.auth.seq, 0xfedcba98u);
		assert_int_equal(out.auth.data_len, cases[i].data_len);
		assert_ptr_equal(out.auth.data, buf + 24 + (has_seq ? 8 : 3));
		assert_memory_equal(out.auth.data, secret, key_len);
		for (size_t j = key_len; j < cases[i].data_len; j++)
			assert_int_equal(out.auth.data[j], 0);
	}
}

/* ---- Exact wire layout (4.1, 4.2, 4.3) ---- */

/* RFC 5880 4.1: the mandatory section is laid out byte for byte, multi-byte fields in network (big-endian) order. */
static void test_encode_exact_layout(void **state)
{
	static const uint8_t expected[24] = {
		0x25,                   /* Vers 1, Diag 5 (Path Down) */
		0xea,                   /* Sta Up(3), P, C, D */
		0x03,                   /* Detect Mult */
		0x18,                   /* Length 24 */
		0x01, 0x02, 0x03, 0x04, /* My Discriminator */
		0xa0, 0xb0, 0xc0, 0xd0, /* Your Discriminator */
		0x00, 0x0f, 0x42, 0x40, /* Desired Min TX 1000000 */
		0x00, 0x04, 0x93, 0xe0, /* Required Min RX 300000 */
		0xff, 0xff, 0xff, 0xff, /* Required Min Echo RX */
	};
	uint8_t buf[64];
	struct bfd_packet pkt = sample_packet();
	(void)state;

	pkt.poll = pkt.cpi = pkt.demand = true;
	pkt.required_min_echo_rx_us = 0xffffffffu;
	pkt.length = 99; /* ignored: Length is computed */
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(bfd_packet_encode(&pkt, buf, sizeof(buf)), 24);
	assert_memory_equal(buf, expected, sizeof(expected));
	/* Nothing written past the packet. */
	for (size_t i = 24; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xaa);
}

/* RFC 5880 4.2: Simple Password section is Type 1, Auth Len = password length + 3, Key ID, password; A bit set; Length covers it. */
static void test_encode_exact_layout_password(void **state)
{
	static const uint8_t expected[33] = {
		0x20, 0x44, 0x01, 0x21, /* Vers 1 Diag 0, Sta Down(1) + A, mult 1, Length 33 */
		0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x0f, 0x42, 0x40, 0x00, 0x0f, 0x42, 0x40, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x09, 0x07,       /* Auth Type 1, Auth Len 9, Key ID 7 */
		's', 'e', 'c', 'r', 'e', 't',
	};
	static const uint8_t password[] = "secret";
	uint8_t buf[BFD_PACKET_MAX_LEN];
	(void)state;

	struct bfd_packet pkt = {
		.state = BFD_STATE_DOWN,
		.detect_mult = 1,
		.my_discr = 7,
		.desired_min_tx_us = 1000000,
		.required_min_rx_us = 1000000,
		.auth_present = true,
		.auth = { .type = BFD_AUTH_SIMPLE_PASSWORD, .len = 9, .key_id = 7,
			  .data = password, .data_len = 6 },
	};
	assert_int_equal(bfd_packet_encode(&pkt, buf, sizeof(buf)), sizeof(expected));
	assert_memory_equal(buf, expected, sizeof(expected));
}

/* RFC 5880 4.3, 6.7.3: Keyed MD5 section before signing is Type, Len 24, Key ID, Reserved 0, Sequence (big-endian), key zero-padded to 16. */
static void test_encode_exact_layout_md5(void **state)
{
	static const uint8_t expected[48] = {
		0x20, 0xc4, 0x03, 0x30, /* Up + A, mult 3, Length 48 */
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x05,
		0x02, 0x18, 0x2a, 0x00, /* Auth Type 2, Auth Len 24, Key ID 42, Reserved */
		0xde, 0xad, 0xbe, 0xef, /* Sequence Number */
		'k', 'e', 'y', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const uint8_t key[] = "key";
	uint8_t buf[BFD_PACKET_MAX_LEN];
	(void)state;

	memset(buf, 0xaa, sizeof(buf));
	struct bfd_packet pkt = {
		.state = BFD_STATE_UP,
		.detect_mult = 3,
		.my_discr = 1,
		.your_discr = 2,
		.desired_min_tx_us = 3,
		.required_min_rx_us = 4,
		.required_min_echo_rx_us = 5,
		.auth_present = true,
		.auth = { .type = BFD_AUTH_KEYED_MD5, .len = 24, .key_id = 42, .seq = 0xdeadbeef,
			  .data = key, .data_len = 3 },
	};
	assert_int_equal(bfd_packet_encode(&pkt, buf, sizeof(buf)), sizeof(expected));
	assert_memory_equal(buf, expected, sizeof(expected));
}

/* RFC 5880 4.1: the encoder refuses (returns 0) when the packet does not fit in the buffer, and writes nothing past cap. */
static void test_encode_cap_too_small(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN + 8];
	struct bfd_packet pkt = sample_packet();
	static const uint8_t key[20] = "0123456789abcdefghij";
	(void)state;

	for (size_t cap = 0; cap < 24; cap++) {
		memset(buf, 0xaa, sizeof(buf));
		assert_int_equal(bfd_packet_encode(&pkt, buf, cap), 0);
		for (size_t i = cap; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xaa);
	}
	assert_int_equal(bfd_packet_encode(&pkt, buf, 24), 24);

	pkt.auth_present = true;
	pkt.auth = (struct bfd_auth_section){ .type = BFD_AUTH_KEYED_SHA1, .len = 28, .key_id = 1,
					      .seq = 1, .data = key, .data_len = 20 };
	for (size_t cap = 0; cap < 52; cap++) {
		memset(buf, 0xaa, sizeof(buf));
		assert_int_equal(bfd_packet_encode(&pkt, buf, cap), 0);
		for (size_t i = cap; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xaa);
	}
	assert_int_equal(bfd_packet_encode(&pkt, buf, 52), 52);
}

/* RFC 5880 4.2-4.4: the encoder refuses an auth section whose data does not fit in its Auth Len. */
static void test_encode_malformed_auth_section(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	static const uint8_t key[20] = "0123456789abcdefghij";
	struct bfd_packet pkt = sample_packet();
	(void)state;

	pkt.auth_present = true;
	/* MD5 section of 24 cannot carry 17 bytes of key. */
	pkt.auth = (struct bfd_auth_section){ .type = BFD_AUTH_KEYED_MD5, .len = 24, .key_id = 1,
					      .data = key, .data_len = 17 };
	assert_int_equal(bfd_packet_encode(&pkt, buf, sizeof(buf)), 0);
	/* Password section shorter than its header. */
	pkt.auth = (struct bfd_auth_section){ .type = BFD_AUTH_SIMPLE_PASSWORD, .len = 2,
					      .key_id = 1, .data = key, .data_len = 0 };
	assert_int_equal(bfd_packet_encode(&pkt, buf, sizeof(buf)), 0);
	/* Password of 5 in a section of 3 + 4. */
	pkt.auth = (struct bfd_auth_section){ .type = BFD_AUTH_SIMPLE_PASSWORD, .len = 7,
					      .key_id = 1, .data = key, .data_len = 5 };
	assert_int_equal(bfd_packet_encode(&pkt, buf, sizeof(buf)), 0);
}

/* ---- Drop reasons of bfd_packet_decode (6.8.6) ---- */

/* RFC 5880 6.8.6: a buffer too short to hold the first header bytes is dropped as a short buffer. */
static void test_decode_short_buffer(void **state)
{
	uint8_t valid[24];
	struct bfd_packet pkt;
	(void)state;

	valid_bytes(valid);
	assert_int_equal(bfd_packet_decode(valid, 0, &pkt), BFD_DROP_SHORT_BUFFER);
	for (size_t n = 1; n < 4; n++)
		assert_int_equal(bfd_packet_decode(valid, n, &pkt), BFD_DROP_SHORT_BUFFER);
	/* Fewer than 24 bytes are never accepted, whatever the reason. */
	for (size_t n = 4; n < 24; n++)
		assert_int_not_equal(bfd_packet_decode(valid, n, &pkt), BFD_DROP_NONE);
	assert_int_equal(bfd_packet_decode(valid, 24, &pkt), BFD_DROP_NONE);
}

/* RFC 5880 6.8.6: "If the version number is not correct (1), the packet MUST be discarded" - versions 0 and 2-7. */
static void test_decode_bad_version(void **state)
{
	uint8_t buf[24];
	struct bfd_packet pkt;
	(void)state;

	for (unsigned int v = 0; v < 8; v++) {
		valid_bytes(buf);
		buf[0] = (uint8_t)(v << 5 | BFD_DIAG_PATH_DOWN);
		enum bfd_drop_reason r = bfd_packet_decode(buf, sizeof(buf), &pkt);
		if (v == 1)
			assert_int_equal(r, BFD_DROP_NONE);
		else
			assert_int_equal(r, BFD_DROP_BAD_VERSION);
	}
}

/* RFC 5880 6.8.6: "If the Length field is less than the minimum correct value (24 if the A bit is clear), the packet MUST be discarded." */
static void test_decode_length_below_24(void **state)
{
	uint8_t buf[64];
	struct bfd_packet pkt;
	(void)state;

	for (unsigned int l = 0; l < 24; l++) {
		memset(buf, 0, sizeof(buf));
		valid_bytes(buf);
		buf[3] = (uint8_t)l;
		assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt),
				 BFD_DROP_LENGTH_TOO_SHORT);
	}
	valid_bytes(buf);
	buf[3] = 24;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_NONE);
}

/* RFC 5880 6.8.6: with the A bit set, a Length below 26 MUST be discarded. */
static void test_decode_length_below_26_with_auth(void **state)
{
	uint8_t buf[64];
	struct bfd_packet pkt;
	(void)state;

	for (unsigned int l = 0; l < 26; l++) {
		memset(buf, 0, sizeof(buf));
		valid_bytes(buf);
		buf[1] |= 0x04; /* A */
		buf[3] = (uint8_t)l;
		buf[24] = BFD_AUTH_SIMPLE_PASSWORD;
		buf[25] = 3;
		assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt),
				 BFD_DROP_LENGTH_TOO_SHORT);
	}
}

/* RFC 5880 6.8.6: "If the Length field is greater than the payload of the encapsulating protocol, the packet MUST be discarded." */
static void test_decode_length_too_long(void **state)
{
	uint8_t buf[64];
	struct bfd_packet pkt;
	(void)state;

	memset(buf, 0, sizeof(buf));
	valid_bytes(buf);
	buf[3] = 25;
	assert_int_equal(bfd_packet_decode(buf, 24, &pkt), BFD_DROP_LENGTH_TOO_LONG);
	assert_int_equal(bfd_packet_decode(buf, 25, &pkt), BFD_DROP_NONE);
	buf[3] = 255;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_LENGTH_TOO_LONG);
	buf[3] = 24;
	assert_int_equal(bfd_packet_decode(buf, 23, &pkt), BFD_DROP_LENGTH_TOO_LONG);
}

/* RFC 5880 6.8.6: "If the Detect Mult field is zero, the packet MUST be discarded." */
static void test_decode_detect_mult_zero(void **state)
{
	uint8_t buf[24];
	struct bfd_packet pkt;
	(void)state;

	valid_bytes(buf);
	buf[2] = 0;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_DETECT_MULT_ZERO);
	buf[2] = 1;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_NONE);
}

/* RFC 5880 6.8.6: "If the Multipoint (M) bit is nonzero, the packet MUST be discarded." */
static void test_decode_multipoint(void **state)
{
	uint8_t buf[24];
	struct bfd_packet pkt;
	(void)state;

	valid_bytes(buf);
	buf[1] |= 0x01;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_MULTIPOINT);
}

/* RFC 5880 6.8.6: "If the My Discriminator field is zero, the packet MUST be discarded." */
static void test_decode_my_discr_zero(void **state)
{
	uint8_t buf[24];
	struct bfd_packet pkt;
	(void)state;

	for (unsigned int st = 0; st <= 3; st++) {
		valid_bytes(buf);
		buf[1] = (uint8_t)(st << 6);
		put_u32(buf + 4, 0);
		assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_MY_DISCR_ZERO);
	}
}

/* RFC 5880 6.8.6: Your Discriminator zero with State Init or Up MUST be discarded; with Down or AdminDown it is accepted. */
static void test_decode_your_discr_zero(void **state)
{
	uint8_t buf[24];
	struct bfd_packet pkt;
	(void)state;

	static const struct {
		enum bfd_state st;
		enum bfd_drop_reason want;
	} cases[] = {
		{ BFD_STATE_ADMIN_DOWN, BFD_DROP_NONE },
		{ BFD_STATE_DOWN, BFD_DROP_NONE },
		{ BFD_STATE_INIT, BFD_DROP_YOUR_DISCR_ZERO },
		{ BFD_STATE_UP, BFD_DROP_YOUR_DISCR_ZERO },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		valid_bytes(buf);
		buf[1] = (uint8_t)(cases[i].st << 6);
		put_u32(buf + 8, 0);
		assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), cases[i].want);
		if (cases[i].want == BFD_DROP_NONE) {
			assert_int_equal(pkt.state, cases[i].st);
			assert_int_equal(pkt.your_discr, 0);
		}
		/* A nonzero Your Discriminator is fine in every state. */
		put_u32(buf + 8, 5);
		assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_NONE);
	}
}

/* Build a 24-byte header with the A bit and the given Length, followed by
 * auth_bytes, in buf (zero elsewhere). */
static void auth_packet_bytes(uint8_t *buf, size_t cap, uint8_t length, const uint8_t *auth_bytes,
			      size_t auth_n)
{
	memset(buf, 0, cap);
	valid_bytes(buf);
	buf[1] |= 0x04;
	buf[3] = length;
	memcpy(buf + 24, auth_bytes, auth_n);
}

/* RFC 5880 4.2-4.4: an Auth Len below 3 (Type, Len and Key ID alone) is malformed. */
static void test_decode_auth_len_below_3(void **state)
{
	uint8_t buf[64];
	struct bfd_packet pkt;
	(void)state;

	for (uint8_t alen = 0; alen < 3; alen++) {
		const uint8_t auth[] = { BFD_AUTH_SIMPLE_PASSWORD, alen, 1, 'x', 'y' };
		auth_packet_bytes(buf, sizeof(buf), 29, auth, sizeof(auth));
		assert_int_equal(bfd_packet_decode(buf, 29, &pkt), BFD_DROP_AUTH_LENGTH);
	}
	/* Auth Len 4 (one-byte password) is well formed. */
	const uint8_t auth[] = { BFD_AUTH_SIMPLE_PASSWORD, 4, 1, 'x' };
	auth_packet_bytes(buf, sizeof(buf), 28, auth, sizeof(auth));
	assert_int_equal(bfd_packet_decode(buf, 28, &pkt), BFD_DROP_NONE);
	assert_int_equal(pkt.auth.data_len, 1);
	assert_int_equal(pkt.auth.data[0], 'x');
}

/* RFC 5880 4.1, 4.2-4.4: an Auth Len running past the packet's Length is malformed, even when the buffer holds the bytes. */
static void test_decode_auth_len_past_length(void **state)
{
	uint8_t buf[128];
	struct bfd_packet pkt;
	(void)state;

	/* Password: Length 30 leaves 6 bytes for the section, Auth Len says 7. */
	const uint8_t pw[] = { BFD_AUTH_SIMPLE_PASSWORD, 7, 1, 'a', 'b', 'c', 'd' };
	auth_packet_bytes(buf, sizeof(buf), 30, pw, sizeof(pw));
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_AUTH_LENGTH);
	buf[3] = 31;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_NONE);

	/* MD5: Auth Len 24 but Length only 47. */
	uint8_t md5[24] = { BFD_AUTH_KEYED_MD5, 24, 1, 0, 0, 0, 0, 9 };
	auth_packet_bytes(buf, sizeof(buf), 47, md5, sizeof(md5));
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_AUTH_LENGTH);
	buf[3] = 48;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_NONE);
	assert_int_equal(pkt.auth.seq, 9);

	/* Auth Len 255 in a packet of 26. */
	const uint8_t big[] = { BFD_AUTH_KEYED_SHA1, 255 };
	auth_packet_bytes(buf, sizeof(buf), 26, big, sizeof(big));
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_AUTH_LENGTH);
}

/* RFC 5880 4.3, 4.4: a digest-type section too short for Key ID, Reserved and the 32-bit Sequence Number is malformed. */
static void test_decode_auth_digest_section_too_short(void **state)
{
	uint8_t buf[64];
	struct bfd_packet pkt;
	(void)state;

	static const enum bfd_auth_type types[] = {
		BFD_AUTH_KEYED_MD5, BFD_AUTH_METICULOUS_KEYED_MD5,
		BFD_AUTH_KEYED_SHA1, BFD_AUTH_METICULOUS_KEYED_SHA1,
	};
	for (size_t t = 0; t < 4; t++) {
		/* 3: Key ID only; 4: + Reserved; 5-7: a partial Sequence Number. */
		for (uint8_t alen = 3; alen < 8; alen++) {
			const uint8_t auth[8] = { (uint8_t)types[t], alen, 1, 0, 1, 2, 3, 4 };
			auth_packet_bytes(buf, sizeof(buf), (uint8_t)(24 + alen), auth, sizeof(auth));
			/* Buffer longer than Length: the bytes are there but
			 * not part of the section. */
			assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt),
					 BFD_DROP_AUTH_LENGTH);
			/* And with Length covering the rest of the packet. */
			buf[3] = 40;
			assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt),
					 BFD_DROP_AUTH_LENGTH);
		}
		/* 8 bytes: the header is complete; the digest length is checked
		 * by authentication (6.7), not by the codec. */
		const uint8_t auth[8] = { (uint8_t)types[t], 8, 1, 0, 1, 2, 3, 4 };
		auth_packet_bytes(buf, sizeof(buf), 32, auth, sizeof(auth));
		assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_NONE);
		assert_int_equal(pkt.auth.seq, 0x01020304);
		assert_int_equal(pkt.auth.data_len, 0);
	}
}

/* RFC 5880 6.8.6: the first failing rule names the drop, in the order of the reception rules. */
static void test_decode_rule_order(void **state)
{
	uint8_t buf[24];
	struct bfd_packet pkt;
	(void)state;

	/* Everything wrong: version wins. */
	valid_bytes(buf);
	buf[0] = 2 << 5;
	buf[1] = (uint8_t)(BFD_STATE_UP << 6 | 0x01);
	buf[2] = 0;
	buf[3] = 10;
	put_u32(buf + 4, 0);
	put_u32(buf + 8, 0);
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_BAD_VERSION);
	buf[0] = 1 << 5;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_LENGTH_TOO_SHORT);
	buf[3] = 24;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_DETECT_MULT_ZERO);
	buf[2] = 3;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_MULTIPOINT);
	buf[1] &= (uint8_t)~0x01;
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_MY_DISCR_ZERO);
	put_u32(buf + 4, 1);
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_YOUR_DISCR_ZERO);
	put_u32(buf + 8, 1);
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_NONE);
}

/* RFC 5880 4.1, 6.8.6: bytes after Length are not part of the packet, so a longer buffer is accepted and the extra bytes are ignored. */
static void test_decode_ignores_bytes_after_length(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN + 40];
	struct bfd_packet ref, pkt;
	(void)state;

	struct bfd_packet in = sample_packet();
	size_t len = bfd_packet_encode(&in, buf, sizeof(buf));
	assert_int_equal(len, 24);
	assert_int_equal(bfd_packet_decode(buf, len, &ref), BFD_DROP_NONE);
	memset(buf + len, 0xff, sizeof(buf) - len);
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_NONE);
	assert_int_equal(pkt.length, 24);
	assert_false(pkt.auth_present);
	assert_int_equal(pkt.my_discr, ref.my_discr);
	assert_int_equal(pkt.required_min_echo_rx_us, ref.required_min_echo_rx_us);

	/* With an auth section: the password ends at Length, not at the end
	 * of the buffer. */
	static const uint8_t password[] = "hunter2";
	in.auth_present = true;
	in.auth = (struct bfd_auth_section){ .type = BFD_AUTH_SIMPLE_PASSWORD, .len = 10,
					     .key_id = 3, .data = password, .data_len = 7 };
	len = bfd_packet_encode(&in, buf, sizeof(buf));
	assert_int_equal(len, 34);
	memset(buf + len, 'z', sizeof(buf) - len);
	assert_int_equal(bfd_packet_decode(buf, sizeof(buf), &pkt), BFD_DROP_NONE);
	assert_int_equal(pkt.length, 34);
	assert_int_equal(pkt.auth.len, 10);
	assert_int_equal(pkt.auth.data_len, 7);
	assert_memory_equal(pkt.auth.data, "hunter2", 7);
}

/* RFC 5880 6.8.6: decode never reads past the buffer; every proper prefix of a valid authenticated packet is dropped. */
static void test_decode_every_prefix(void **state)
{
	static const uint8_t secret[20] = "prefix-test-secret!!";
	static const struct {
		enum bfd_auth_type type;
		uint8_t secret_len;
	} keys[] = {
		{ BFD_AUTH_SIMPLE_PASSWORD, 16 },
		{ BFD_AUTH_KEYED_MD5, 16 },
		{ BFD_AUTH_METICULOUS_KEYED_SHA1, 20 },
	};
	(void)state;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		struct bfd_auth_key key = { .type = keys[k].type, .key_id = 9,
					    .secret_len = keys[k].secret_len };
		uint8_t full[BFD_PACKET_MAX_LEN];
		struct bfd_packet pkt = sample_packet();

		memcpy(key.secret, secret, sizeof(secret));
		pkt.auth_present = true;
		bfd_auth_prepare(&key, 0x01000001, &pkt.auth);
		size_t n = bfd_packet_encode(&pkt, full, sizeof(full));
		assert_true(n > 26);
		bfd_auth_sign(key.type, full, n);

		for (size_t len = 0; len <= n; len++) {
			uint8_t *copy = malloc(len ? len : 1);
			struct bfd_packet out;

			if (len > 0) {
				assert_non_null(copy);
				memcpy(copy, full, len);
			}
			enum bfd_drop_reason r = bfd_packet_decode(copy, len, &out);
			if (len < n)
				assert_int_not_equal(r, BFD_DROP_NONE);
			else
				assert_int_equal(r, BFD_DROP_NONE);
			if (len < 4)
				assert_int_equal(r, BFD_DROP_SHORT_BUFFER);
			else if (len < 24)
				assert_true(r == BFD_DROP_SHORT_BUFFER ||
					    r == BFD_DROP_LENGTH_TOO_LONG);
			else if (len < n)
				assert_int_equal(r, BFD_DROP_LENGTH_TOO_LONG);
			free(copy);
		}
	}
}

/* RFC 5880 6.8.6: the decoder never reads past the buffer, even when the bytes claim otherwise (Length, Auth Len at their maximum). */
static void test_decode_hostile_lengths_in_exact_buffers(void **state)
{
	(void)state;

	for (size_t len = 24; len <= 60; len++) {
		for (unsigned int alen = 0; alen < 256; alen += 17) {
			uint8_t *buf = malloc(len);
			struct bfd_packet out;

			assert_non_null(buf);
			memset(buf, 0x5a, len);
			valid_bytes(buf);
			buf[1] |= 0x04;
			buf[3] = (uint8_t)len;
			if (len > 24)
				buf[24] = (uint8_t)(1 + alen % 5);
			if (len > 25)
				buf[25] = (uint8_t)alen;
			enum bfd_drop_reason r = bfd_packet_decode(buf, len, &out);
			if (r == BFD_DROP_NONE) {
				/* Whatever was accepted lies inside the buffer. */
				assert_true(out.auth.data >= buf);
				assert_true(out.auth.data + out.auth.data_len <= buf + len);
				assert_true(24u + out.auth.len <= len);
			}
			free(buf);
		}
	}
}

/* ---- Name tables ---- */

static void check_names(const char *(*name)(unsigned int), unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		assert_non_null(name(i));
		assert_true(strlen(name(i)) > 0);
		for (unsigned int j = 0; j < i; j++)
			assert_string_not_equal(name(i), name(j));
	}
	assert_null(name(count));
	assert_null(name(count + 1));
	assert_null(name(255));
}

static const char *state_name(unsigned int v) { return bfd_state_name((enum bfd_state)v); }
static const char *diag_name(unsigned int v) { return bfd_diag_name((enum bfd_diag)v); }
static const char *auth_name(unsigned int v) { return bfd_auth_type_name((enum bfd_auth_type)v); }
static const char *drop_name(unsigned int v)
{
	return bfd_drop_reason_name((enum bfd_drop_reason)v);
}

/* RFC 5880 4.1: every State, Diag, Auth Type and drop reason has a distinct name; values past the end have none. */
static void test_name_tables(void **state)
{
	(void)state;
	check_names(state_name, 4);
	check_names(diag_name, 9);
	check_names(auth_name, 6);
	check_names(drop_name, BFD_DROP_REASON_COUNT);
	assert_string_equal(bfd_state_name(BFD_STATE_UP), "up");
	assert_string_equal(bfd_drop_reason_name(BFD_DROP_NONE), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_version_and_diag),
		cmocka_unit_test(test_roundtrip_state),
		cmocka_unit_test(test_roundtrip_flags_individually),
		cmocka_unit_test(test_roundtrip_numeric_fields),
		cmocka_unit_test(test_roundtrip_auth_section),
		cmocka_unit_test(test_encode_exact_layout),
		cmocka_unit_test(test_encode_exact_layout_password),
		cmocka_unit_test(test_encode_exact_layout_md5),
		cmocka_unit_test(test_encode_cap_too_small),
		cmocka_unit_test(test_encode_malformed_auth_section),
		cmocka_unit_test(test_decode_short_buffer),
		cmocka_unit_test(test_decode_bad_version),
		cmocka_unit_test(test_decode_length_below_24),
		cmocka_unit_test(test_decode_length_below_26_with_auth),
		cmocka_unit_test(test_decode_length_too_long),
		cmocka_unit_test(test_decode_detect_mult_zero),
		cmocka_unit_test(test_decode_multipoint),
		cmocka_unit_test(test_decode_my_discr_zero),
		cmocka_unit_test(test_decode_your_discr_zero),
		cmocka_unit_test(test_decode_auth_len_below_3),
		cmocka_unit_test(test_decode_auth_len_past_length),
		cmocka_unit_test(test_decode_auth_digest_section_too_short),
		cmocka_unit_test(test_decode_rule_order),
		cmocka_unit_test(test_decode_ignores_bytes_after_length),
		cmocka_unit_test(test_decode_every_prefix),
		cmocka_unit_test(test_decode_hostile_lengths_in_exact_buffers),
		cmocka_unit_test(test_name_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
