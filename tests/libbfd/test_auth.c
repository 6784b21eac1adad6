/*
 * test_auth.c - BFD authentication (RFC 5880 sections 4.2-4.4 and 6.7):
 * Simple Password, Keyed MD5, Meticulous Keyed MD5, Keyed SHA1 and
 * Meticulous Keyed SHA1, standalone and through a session (6.8.1, 6.8.6).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include <openssl/evp.h>

#include "auth.h"
#include "packet.h"
#include "peer.h"
#include "session.h"

#define PEER_DISCR 0x22222222u

static const enum bfd_auth_type all_types[] = {
	BFD_AUTH_SIMPLE_PASSWORD, BFD_AUTH_KEYED_MD5, BFD_AUTH_METICULOUS_KEYED_MD5,
	BFD_AUTH_KEYED_SHA1,      BFD_AUTH_METICULOUS_KEYED_SHA1,
};
#define N_TYPES (sizeof(all_types) / sizeof(all_types[0]))

static const enum bfd_auth_type digest_types[] = {
	BFD_AUTH_KEYED_MD5, BFD_AUTH_METICULOUS_KEYED_MD5,
	BFD_AUTH_KEYED_SHA1, BFD_AUTH_METICULOUS_KEYED_SHA1,
};
#define N_DIGEST_TYPES 4

static bool is_sha1(enum bfd_auth_type t)
{
	return t == BFD_AUTH_KEYED_SHA1 || t == BFD_AUTH_METICULOUS_KEYED_SHA1;
}

/* The longest key the type allows: 16 bytes for password and MD5, 20 for SHA1. */
static uint8_t max_secret(enum bfd_auth_type t)
{
	return is_sha1(t) ? 20 : 16;
}

static struct bfd_auth_key make_key(enum bfd_auth_type type, uint8_t key_id, const void *secret,
				    uint8_t len)
{
	struct bfd_auth_key key = { .type = type, .key_id = key_id, .secret_len = len };

	memcpy(key.secret, secret, len);
	return key;
}

/* A full-length key of the type, derived from a seed byte. */
static struct bfd_auth_key full_key(enum bfd_auth_type type, uint8_t key_id, uint8_t seed)
{
	uint8_t secret[BFD_AUTH_SECRET_MAX];

	for (size_t i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)(seed + 7 * i);
	return make_key(type, key_id, secret, max_secret(type));
}

/* Build a signed Up packet carrying key's auth section with sequence seq into
 * buf (BFD_PACKET_MAX_LEN bytes). Returns its length. */
static size_t build_signed(const struct bfd_auth_key *key, uint32_t seq, uint8_t detect_mult,
			   uint8_t *buf)
{
	struct bfd_packet pkt = peer_packet(BFD_STATE_UP, PEER_DISCR, 0x11111111u, 300000, 300000,
					    detect_mult);
	size_t len;

	pkt.auth_present = true;
	bfd_auth_prepare(key, seq, &pkt.auth);
	len = bfd_packet_encode(&pkt, buf, BFD_PACKET_MAX_LEN);
	assert_true(len > BFD_PACKET_MIN_LEN);
	bfd_auth_sign(key->type, buf, len);
	return len;
}

/* Decode buf (asserting the codec accepts it) and authenticate it. */
static enum bfd_drop_reason decode_verify(const struct bfd_auth_key *key,
					  struct bfd_auth_state *st, const uint8_t *buf,
					  size_t len)
{
	struct bfd_packet pkt;

	assert_int_equal(bfd_packet_decode(buf, len, &pkt), BFD_DROP_NONE);
	assert_true(pkt.auth_present);
	return bfd_auth_verify(key, st, buf, &pkt);
}

/* Build and verify in one step, with a receiver state. */
static enum bfd_drop_reason send_seq(const struct bfd_auth_key *key, struct bfd_auth_state *st,
				     uint32_t seq, uint8_t detect_mult)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	size_t len = build_signed(key, seq, detect_mult, buf);

	return decode_verify(key, st, buf, len);
}

/* ---- Round trips ---- */

/* RFC 5880 6.7.2-6.7.4: for every type, a packet prepared, encoded and signed with a key is accepted by the same key. */
static void test_roundtrip_every_type(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_TYPES; t++) {
		for (uint8_t len = 1; len <= max_secret(all_types[t]); len += 5) {
			struct bfd_auth_key key = full_key(all_types[t], (uint8_t)(t * 40 + len), 0x31);
			struct bfd_auth_state st = { .rcv_seq = 0, .seq_known = false };
			uint8_t buf[BFD_PACKET_MAX_LEN];

			key.secret_len = len;
			size_t n = build_signed(&key, 1000 + len, 3, buf);
			struct bfd_packet pkt;
			assert_int_equal(bfd_packet_decode(buf, n, &pkt), BFD_DROP_NONE);
			assert_int_equal(pkt.auth.type, all_types[t]);
			assert_int_equal(pkt.auth.key_id, key.key_id);
			assert_int_equal(bfd_auth_verify(&key, &st, buf, &pkt), BFD_DROP_NONE);
			if (all_types[t] == BFD_AUTH_SIMPLE_PASSWORD) {
				/* 4.2: Auth Len = password length + 3, password in clear. */
				assert_int_equal(pkt.auth.len, 3 + len);
				assert_int_equal(n, 24 + 3 + len);
				assert_memory_equal(pkt.auth.data, key.secret, len);
			} else {
				/* 4.3/4.4: Auth Len 24 (MD5) or 28 (SHA1). */
				assert_int_equal(pkt.auth.len, is_sha1(all_types[t]) ? 28 : 24);
				assert_int_equal(pkt.auth.data_len, max_secret(all_types[t]));
				assert_int_equal(pkt.auth.seq, 1000 + len);
				/* The digest replaced the key: the key is not on the wire. */
				uint8_t padded[20] = { 0 };
				memcpy(padded, key.secret, len);
				assert_memory_not_equal(pkt.auth.data, padded, pkt.auth.data_len);
				/* 6.7.3/6.7.4: an accepted packet sets the sequence state. */
				assert_true(st.seq_known);
				assert_int_equal(st.rcv_seq, 1000 + len);
			}
		}
	}
}

/* RFC 5880 6.7.3, 6.7.4: only the meticulous types are meticulous. */
static void test_type_meticulous(void **state)
{
	(void)state;
	assert_false(bfd_auth_type_meticulous(BFD_AUTH_NONE));
	assert_false(bfd_auth_type_meticulous(BFD_AUTH_SIMPLE_PASSWORD));
	assert_false(bfd_auth_type_meticulous(BFD_AUTH_KEYED_MD5));
	assert_true(bfd_auth_type_meticulous(BFD_AUTH_METICULOUS_KEYED_MD5));
	assert_false(bfd_auth_type_meticulous(BFD_AUTH_KEYED_SHA1));
	assert_true(bfd_auth_type_meticulous(BFD_AUTH_METICULOUS_KEYED_SHA1));
}

/* ---- Known answers ---- */

/* The packet of the known-answer tests, built byte by byte: Up, mult 3,
 * discriminators 0x01020304 / 0x05060708, intervals 300000, 300000, 0. */
static size_t kat_bytes(uint8_t *out, enum bfd_auth_type type, uint8_t key_id, uint32_t seq,
			const uint8_t *key, size_t key_len)
{
	const uint8_t digest_len = is_sha1(type) ? 20 : 16;
	const uint8_t auth_len = (uint8_t)(8 + digest_len);
	const uint8_t header[24] = {
		0x20, 0xc4, 0x03, (uint8_t)(24 + auth_len),
		0x01, 0x02, 0x03, 0x04,
		0x05, 0x06, 0x07, 0x08,
		0x00, 0x04, 0x93, 0xe0,
		0x00, 0x04, 0x93, 0xe0,
		0x00, 0x00, 0x00, 0x00,
	};

	memcpy(out, header, 24);
	out[24] = (uint8_t)type;
	out[25] = auth_len;
	out[26] = key_id;
	out[27] = 0;
	out[28] = (uint8_t)(seq >> 24);
	out[29] = (uint8_t)(seq >> 16);
	out[30] = (uint8_t)(seq >> 8);
	out[31] = (uint8_t)seq;
	memset(out + 32, 0, digest_len);
	memcpy(out + 32, key, key_len);
	return 24u + auth_len;
}

static void known_answer(enum bfd_auth_type type, const EVP_MD *md)
{
	static const uint8_t key[] = { 'k', 'a', 't', '-', 'k', 'e', 'y' };
	uint8_t expected[BFD_PACKET_MAX_LEN], buf[BFD_PACKET_MAX_LEN];
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	const uint32_t seq = 0x89abcdefu;

	/* Independent digest: over the whole packet with the key,
	 * zero-padded, in the digest field (6.7.3 / 6.7.4). */
	size_t n = kat_bytes(expected, type, 0x5c, seq, key, sizeof(key));
	assert_int_equal(EVP_Digest(expected, n, digest, &digest_len, md, NULL), 1);
	assert_int_equal(digest_len, is_sha1(type) ? 20 : 16);
	memcpy(expected + 32, digest, digest_len);

	/* libbfd's signature of the same packet. */
	struct bfd_auth_key k = make_key(type, 0x5c, key, sizeof(key));
	struct bfd_packet pkt = {
		.version = BFD_VERSION,
		.state = BFD_STATE_UP,
		.detect_mult = 3,
		.my_discr = 0x01020304,
		.your_discr = 0x05060708,
		.desired_min_tx_us = 300000,
		.required_min_rx_us = 300000,
		.auth_present = true,
	};
	bfd_auth_prepare(&k, seq, &pkt.auth);
	assert_int_equal(bfd_packet_encode(&pkt, buf, sizeof(buf)), n);
	bfd_auth_sign(type, buf, n);
	assert_memory_equal(buf + 32, digest, digest_len);
	assert_memory_equal(buf, expected, n);

	/* And the hand-built packet is accepted by libbfd. */
	struct bfd_auth_state st = { 0 };
	assert_int_equal(decode_verify(&k, &st, expected, n), BFD_DROP_NONE);
}

/* RFC 5880 6.7.3: Keyed MD5 digest = MD5 of the whole packet with the key zero-padded to 16 bytes in the digest field (known answer via OpenSSL). */
static void test_known_answer_md5(void **state)
{
	(void)state;
	known_answer(BFD_AUTH_KEYED_MD5, EVP_md5());
	known_answer(BFD_AUTH_METICULOUS_KEYED_MD5, EVP_md5());
}

/* RFC 5880 6.7.4: Keyed SHA1 digest = SHA1 of the whole packet with the key zero-padded to 20 bytes in the digest field (known answer via OpenSSL). */
static void test_known_answer_sha1(void **state)
{
	(void)state;
	known_answer(BFD_AUTH_KEYED_SHA1, EVP_sha1());
	known_answer(BFD_AUTH_METICULOUS_KEYED_SHA1, EVP_sha1());
}

/* RFC 5880 6.7.2: Simple Password is not signed; bfd_auth_sign leaves the packet as is. */
static void test_sign_password_noop(void **state)
{
	(void)state;
	struct bfd_auth_key key = make_key(BFD_AUTH_SIMPLE_PASSWORD, 1, "pass", 4);
	struct bfd_packet pkt = peer_packet(BFD_STATE_UP, 1, 2, 3, 4, 5);
	uint8_t buf[BFD_PACKET_MAX_LEN], copy[BFD_PACKET_MAX_LEN];

	pkt.auth_present = true;
	bfd_auth_prepare(&key, 0, &pkt.auth);
	size_t n = bfd_packet_encode(&pkt, buf, sizeof(buf));
	assert_int_equal(n, 31);
	memcpy(copy, buf, n);
	bfd_auth_sign(BFD_AUTH_SIMPLE_PASSWORD, buf, n);
	assert_memory_equal(buf, copy, n);
	assert_memory_equal(buf + 27, "pass", 4);
}

/* ---- Rejections ---- */

/* RFC 5880 6.7.2-6.7.4: an Auth Type other than the configured one MUST be discarded. */
static void test_reject_wrong_type(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_TYPES; i++) {
		for (size_t j = 0; j < N_TYPES; j++) {
			if (i == j)
				continue;
			struct bfd_auth_key tx = full_key(all_types[i], 1, 0x40);
			struct bfd_auth_key rx = full_key(all_types[j], 1, 0x40);
			struct bfd_auth_state st = { 0 };
			uint8_t buf[BFD_PACKET_MAX_LEN];
			size_t n = build_signed(&tx, 10, 3, buf);

			assert_int_equal(decode_verify(&rx, &st, buf, n), BFD_DROP_AUTH_TYPE);
			assert_false(st.seq_known);
		}
	}
}

/* RFC 5880 6.7.2-6.7.4: an Auth Key ID that does not match the configured key MUST be discarded. */
static void test_reject_wrong_key_id(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_TYPES; t++) {
		struct bfd_auth_key tx = full_key(all_types[t], 1, 0x40);
		struct bfd_auth_key rx = full_key(all_types[t], 2, 0x40);
		struct bfd_auth_state st = { 0 };
		uint8_t buf[BFD_PACKET_MAX_LEN];
		size_t n = build_signed(&tx, 10, 3, buf);

		assert_int_equal(decode_verify(&rx, &st, buf, n), BFD_DROP_AUTH_KEY_ID);
		rx.key_id = 0xff;
		tx.key_id = 0;
		n = build_signed(&tx, 10, 3, buf);
		assert_int_equal(decode_verify(&rx, &st, buf, n), BFD_DROP_AUTH_KEY_ID);
		assert_false(st.seq_known);
	}
}

/* Encode an auth section by hand: type, Auth Len, key id, seq, data padded
 * to Auth Len; then sign if the caller wants a digest. */
static size_t build_raw_section(uint8_t *buf, enum bfd_auth_type type, uint8_t auth_len,
				uint8_t key_id, uint32_t seq, const uint8_t *data, uint8_t data_len)
{
	struct bfd_packet pkt = peer_packet(BFD_STATE_UP, PEER_DISCR, 0x11111111u, 300000, 300000, 3);

	pkt.auth_present = true;
	pkt.auth = (struct bfd_auth_section){ .type = type, .len = auth_len, .key_id = key_id,
					      .seq = seq, .data = data, .data_len = data_len };
	size_t n = bfd_packet_encode(&pkt, buf, BFD_PACKET_MAX_LEN);
	assert_int_equal(n, 24u + auth_len);
	return n;
}

/* RFC 5880 6.7.2-6.7.4: an Auth Len other than 24 (MD5), 28 (SHA1) or password length + 3 MUST be discarded. */
static void test_reject_wrong_auth_len(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	struct bfd_auth_state st = { 0 };
	(void)state;

	/* Password "secret" (Auth Len 9) against a packet with "secre" (8)
	 * and with "secret!" (10). */
	struct bfd_auth_key pw = make_key(BFD_AUTH_SIMPLE_PASSWORD, 1, "secret", 6);
	size_t n = build_raw_section(buf, BFD_AUTH_SIMPLE_PASSWORD, 8, 1, 0,
				     (const uint8_t *)"secre", 5);
	assert_int_equal(decode_verify(&pw, &st, buf, n), BFD_DROP_AUTH_LENGTH);
	n = build_raw_section(buf, BFD_AUTH_SIMPLE_PASSWORD, 10, 1, 0,
			      (const uint8_t *)"secret!", 7);
	assert_int_equal(decode_verify(&pw, &st, buf, n), BFD_DROP_AUTH_LENGTH);
	/* The same password padded with a zero in a longer section. */
	n = build_raw_section(buf, BFD_AUTH_SIMPLE_PASSWORD, 10, 1, 0,
			      (const uint8_t *)"secret", 6);
	assert_int_equal(decode_verify(&pw, &st, buf, n), BFD_DROP_AUTH_LENGTH);

	/* Digest types: the other digest length, and a few more. */
	static const uint8_t lens[] = { 8, 9, 20, 23, 25, 27 };
	for (size_t t = 0; t < N_DIGEST_TYPES; t++) {
		struct bfd_auth_key key = full_key(digest_types[t], 4, 0x10);
		const uint8_t right = is_sha1(digest_types[t]) ? 28 : 24;
		const uint8_t other = is_sha1(digest_types[t]) ? 24 : 28;

		n = build_raw_section(buf, digest_types[t], other, 4, 100, key.secret,
				      (uint8_t)(other - 8 < key.secret_len ? other - 8
									   : key.secret_len));
		/* Sign as if the section were right (the digest is over the
		 * packet as is). */
		bfd_auth_sign(digest_types[t], buf, n);
		st = (struct bfd_auth_state){ 0 };
		assert_int_equal(decode_verify(&key, &st, buf, n), BFD_DROP_AUTH_LENGTH);
		assert_false(st.seq_known);
		for (size_t l = 0; l < sizeof(lens); l++) {
			if (lens[l] == right)
				continue;
			n = build_raw_section(buf, digest_types[t], lens[l], 4, 100, key.secret,
					      0);
			assert_int_equal(decode_verify(&key, &st, buf, n), BFD_DROP_AUTH_LENGTH);
		}
	}
}

/* RFC 5880 6.7.2: a password that does not match the configured one MUST be discarded. */
static void test_reject_wrong_password(void **state)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	struct bfd_auth_state st = { 0 };
	(void)state;

	struct bfd_auth_key rx = make_key(BFD_AUTH_SIMPLE_PASSWORD, 1, "secret", 6);
	static const char *const wrong[] = { "Secret", "secreT", "secrex", "\0ecret", "terces" };
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		struct bfd_auth_key tx = make_key(BFD_AUTH_SIMPLE_PASSWORD, 1, wrong[i], 6);
		size_t n = build_signed(&tx, 0, 3, buf);
		assert_int_equal(decode_verify(&rx, &st, buf, n), BFD_DROP_AUTH_DIGEST);
	}
	/* Full-length password, last byte differs. */
	struct bfd_auth_key a = full_key(BFD_AUTH_SIMPLE_PASSWORD, 1, 0x20);
	struct bfd_auth_key b = a;
	b.secret[15] ^= 0x80;
	size_t n = build_signed(&a, 0, 3, buf);
	assert_int_equal(decode_verify(&b, &st, buf, n), BFD_DROP_AUTH_DIGEST);
	assert_int_equal(decode_verify(&a, &st, buf, n), BFD_DROP_NONE);
}

/* RFC 5880 6.7.3, 6.7.4: a packet whose digest differs in any single byte MUST be discarded. */
static void test_reject_flipped_digest_byte(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_DIGEST_TYPES; t++) {
		struct bfd_auth_key key = full_key(digest_types[t], 9, 0x55);
		uint8_t buf[BFD_PACKET_MAX_LEN];
		size_t n = build_signed(&key, 500, 3, buf);

		for (size_t i = 32; i < n; i++) {
			struct bfd_auth_state st = { .rcv_seq = 499, .seq_known = true };
			buf[i] ^= 0x01;
			assert_int_equal(decode_verify(&key, &st, buf, n), BFD_DROP_AUTH_DIGEST);
			buf[i] ^= 0x01;
		}
		struct bfd_auth_state st = { .rcv_seq = 499, .seq_known = true };
		assert_int_equal(decode_verify(&key, &st, buf, n), BFD_DROP_NONE);
	}
}

/* RFC 5880 6.7.3, 6.7.4: the digest covers the entire packet, so changing any header field (not just the digest) MUST cause a discard. */
static void test_reject_modified_header(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_DIGEST_TYPES; t++) {
		struct bfd_auth_key key = full_key(digest_types[t], 9, 0x55);
		uint8_t buf[BFD_PACKET_MAX_LEN];
		size_t n = build_signed(&key, 500, 3, buf);
		/* Diag, flags (P), mult, discriminators, intervals, seq. */
		static const struct {
			size_t off;
			uint8_t x;
		} edits[] = { { 0, 0x01 }, { 1, 0x20 }, { 2, 0x01 }, { 7, 0x01 }, { 11, 0x01 },
			      { 15, 0x01 }, { 19, 0x01 }, { 23, 0x01 }, { 31, 0x01 } };

		for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
			struct bfd_auth_state st = { 0 };
			buf[edits[i].off] ^= edits[i].x;
			assert_int_equal(decode_verify(&key, &st, buf, n), BFD_DROP_AUTH_DIGEST);
			assert_false(st.seq_known);
			buf[edits[i].off] ^= edits[i].x;
		}
	}
}

/* RFC 5880 6.7.3, 6.7.4: a packet signed with another key (same type and key ID) MUST be discarded. */
static void test_reject_wrong_key(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_DIGEST_TYPES; t++) {
		struct bfd_auth_key a = full_key(digest_types[t], 9, 0x55);
		struct bfd_auth_key b = a;
		struct bfd_auth_key shorter = a;
		uint8_t buf[BFD_PACKET_MAX_LEN];
		size_t n = build_signed(&a, 500, 3, buf);
		struct bfd_auth_state st = { 0 };

		b.secret[b.secret_len - 1] ^= 0x04;
		assert_int_equal(decode_verify(&b, &st, buf, n), BFD_DROP_AUTH_DIGEST);
		b = a;
		b.secret[0] ^= 0x80;
		assert_int_equal(decode_verify(&b, &st, buf, n), BFD_DROP_AUTH_DIGEST);
		/* A prefix of the key is another key. */
		shorter.secret_len = (uint8_t)(a.secret_len - 1);
		assert_int_equal(decode_verify(&shorter, &st, buf, n), BFD_DROP_AUTH_DIGEST);
		assert_false(st.seq_known);
		assert_int_equal(decode_verify(&a, &st, buf, n), BFD_DROP_NONE);
	}
}

/* ---- Sequence number windows ---- */

/* RFC 5880 6.7.3, 6.7.4: Keyed MD5/SHA1 accept a sequence number from bfd.RcvAuthSeq to bfd.RcvAuthSeq + 3 * Detect Mult inclusive, and nothing outside. */
static void test_keyed_sequence_window(void **state)
{
	(void)state;
	static const enum bfd_auth_type keyed[] = { BFD_AUTH_KEYED_MD5, BFD_AUTH_KEYED_SHA1 };
	static const uint8_t mults[] = { 1, 3, 255 };

	for (size_t t = 0; t < 2; t++) {
		struct bfd_auth_key key = full_key(keyed[t], 1, 0x77);
		for (size_t m = 0; m < sizeof(mults); m++) {
			const uint32_t base = 1000;
			const uint32_t top = base + 3u * mults[m];
			struct bfd_auth_state st;

			/* Equal: accepted (keyed types may repeat). */
			st = (struct bfd_auth_state){ .rcv_seq = base, .seq_known = true };
			assert_int_equal(send_seq(&key, &st, base, mults[m]), BFD_DROP_NONE);
			assert_int_equal(st.rcv_seq, base);
			/* +1 */
			st = (struct bfd_auth_state){ .rcv_seq = base, .seq_known = true };
			assert_int_equal(send_seq(&key, &st, base + 1, mults[m]), BFD_DROP_NONE);
			assert_int_equal(st.rcv_seq, base + 1);
			/* Upper end, inclusive. */
			st = (struct bfd_auth_state){ .rcv_seq = base, .seq_known = true };
			assert_int_equal(send_seq(&key, &st, top, mults[m]), BFD_DROP_NONE);
			assert_int_equal(st.rcv_seq, top);
			/* One past it. */
			st = (struct bfd_auth_state){ .rcv_seq = base, .seq_known = true };
			assert_int_equal(send_seq(&key, &st, top + 1, mults[m]),
					 BFD_DROP_AUTH_SEQUENCE);
			assert_int_equal(st.rcv_seq, base);
			assert_true(st.seq_known);
			/* Behind. */
			assert_int_equal(send_seq(&key, &st, base - 1, mults[m]),
					 BFD_DROP_AUTH_SEQUENCE);
			assert_int_equal(send_seq(&key, &st, base + 0x80000000u, mults[m]),
					 BFD_DROP_AUTH_SEQUENCE);
			assert_int_equal(st.rcv_seq, base);
		}
	}
}

/* RFC 5880 6.7.3, 6.7.4: Meticulous types accept bfd.RcvAuthSeq + 1 to bfd.RcvAuthSeq + 3 * Detect Mult; an equal (replayed) number is discarded. */
static void test_meticulous_sequence_window(void **state)
{
	(void)state;
	static const enum bfd_auth_type met[] = { BFD_AUTH_METICULOUS_KEYED_MD5,
						  BFD_AUTH_METICULOUS_KEYED_SHA1 };

	for (size_t t = 0; t < 2; t++) {
		struct bfd_auth_key key = full_key(met[t], 1, 0x77);
		const uint32_t base = 70000;
		struct bfd_auth_state st;

		st = (struct bfd_auth_state){ .rcv_seq = base, .seq_known = true };
		assert_int_equal(send_seq(&key, &st, base, 3), BFD_DROP_AUTH_SEQUENCE);
		assert_int_equal(st.rcv_seq, base);
		assert_int_equal(send_seq(&key, &st, base - 1, 3), BFD_DROP_AUTH_SEQUENCE);
		assert_int_equal(send_seq(&key, &st, base + 10, 3), BFD_DROP_AUTH_SEQUENCE);
		assert_int_equal(st.rcv_seq, base);
		assert_int_equal(send_seq(&key, &st, base + 1, 3), BFD_DROP_NONE);
		assert_int_equal(st.rcv_seq, base + 1);
		/* The same packet again is now a replay. */
		assert_int_equal(send_seq(&key, &st, base + 1, 3), BFD_DROP_AUTH_SEQUENCE);
		/* Upper end: base + 1 + 9 inclusive, one more is out. */
		assert_int_equal(send_seq(&key, &st, base + 1 + 10, 3), BFD_DROP_AUTH_SEQUENCE);
		assert_int_equal(send_seq(&key, &st, base + 1 + 9, 3), BFD_DROP_NONE);
		assert_int_equal(st.rcv_seq, base + 10);
	}
}

/* RFC 5880 6.7.3, 6.7.4: the window is in 32-bit circular arithmetic, so it works across the 2^32 wrap. */
static void test_sequence_window_wraps(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_DIGEST_TYPES; t++) {
		struct bfd_auth_key key = full_key(digest_types[t], 1, 0x77);
		struct bfd_auth_state st;

		st = (struct bfd_auth_state){ .rcv_seq = 0xfffffffeu, .seq_known = true };
		assert_int_equal(send_seq(&key, &st, 1, 3), BFD_DROP_NONE);
		assert_int_equal(st.rcv_seq, 1);
		st = (struct bfd_auth_state){ .rcv_seq = 0xfffffffeu, .seq_known = true };
		assert_int_equal(send_seq(&key, &st, 0xffffffffu, 3), BFD_DROP_NONE);
		assert_int_equal(send_seq(&key, &st, 0, 3), BFD_DROP_NONE);
		assert_int_equal(st.rcv_seq, 0);
		/* Upper end across the wrap: 0xfffffffe + 9 = 7. */
		st = (struct bfd_auth_state){ .rcv_seq = 0xfffffffeu, .seq_known = true };
		assert_int_equal(send_seq(&key, &st, 8, 3), BFD_DROP_AUTH_SEQUENCE);
		assert_int_equal(send_seq(&key, &st, 7, 3), BFD_DROP_NONE);
		/* Behind across the wrap: rcv 1, seq 0xffffffff. */
		st = (struct bfd_auth_state){ .rcv_seq = 1, .seq_known = true };
		assert_int_equal(send_seq(&key, &st, 0xffffffffu, 3), BFD_DROP_AUTH_SEQUENCE);
		assert_int_equal(st.rcv_seq, 1);
	}
}

/* RFC 5880 6.7.3, 6.7.4: only an authenticated packet updates bfd.RcvAuthSeq / bfd.AuthSeqKnown; a bad digest changes neither. */
static void test_rejected_packet_keeps_sequence_state(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_DIGEST_TYPES; t++) {
		struct bfd_auth_key key = full_key(digest_types[t], 1, 0x77);
		uint8_t buf[BFD_PACKET_MAX_LEN];
		size_t n = build_signed(&key, 1005, 3, buf);
		buf[n - 1] ^= 0xff;

		struct bfd_auth_state st = { .rcv_seq = 1000, .seq_known = true };
		assert_int_equal(decode_verify(&key, &st, buf, n), BFD_DROP_AUTH_DIGEST);
		assert_int_equal(st.rcv_seq, 1000);
		assert_true(st.seq_known);

		st = (struct bfd_auth_state){ .rcv_seq = 0, .seq_known = false };
		assert_int_equal(decode_verify(&key, &st, buf, n), BFD_DROP_AUTH_DIGEST);
		assert_int_equal(st.rcv_seq, 0);
		assert_false(st.seq_known);

		/* A forged packet far ahead cannot move the window: the real
		 * next packet is still accepted afterwards. */
		n = build_signed(&key, 1000000, 3, buf);
		buf[40] ^= 0x10;
		st = (struct bfd_auth_state){ .rcv_seq = 1000, .seq_known = false };
		assert_int_equal(decode_verify(&key, &st, buf, n), BFD_DROP_AUTH_DIGEST);
		st.seq_known = true;
		assert_int_equal(send_seq(&key, &st, 1001, 3), BFD_DROP_NONE);
	}
}

/* RFC 5880 6.7.3, 6.7.4: while bfd.AuthSeqKnown is 0 any sequence number is accepted, and acceptance sets bfd.RcvAuthSeq and bfd.AuthSeqKnown. */
static void test_first_packet_sets_sequence(void **state)
{
	(void)state;
	static const uint32_t seqs[] = { 0, 5, 4, 0x80000000u, 0xffffffffu };

	for (size_t t = 0; t < N_DIGEST_TYPES; t++) {
		struct bfd_auth_key key = full_key(digest_types[t], 1, 0x77);
		for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
			/* rcv_seq 5 is stale state that must not matter. */
			struct bfd_auth_state st = { .rcv_seq = 5, .seq_known = false };
			assert_int_equal(send_seq(&key, &st, seqs[i], 3), BFD_DROP_NONE);
			assert_true(st.seq_known);
			assert_int_equal(st.rcv_seq, seqs[i]);
		}
	}
}

/* ---- Key validity ---- */

/* RFC 5880 4.2-4.4: password 1-16 bytes, MD5 key 1-16, SHA1 key 1-20; empty keys and unknown types are invalid. */
static void test_key_valid(void **state)
{
	(void)state;
	struct bfd_auth_key k = { 0 };
	static const struct {
		enum bfd_auth_type type;
		uint8_t max;
	} limits[] = {
		{ BFD_AUTH_SIMPLE_PASSWORD, 16 },   { BFD_AUTH_KEYED_MD5, 16 },
		{ BFD_AUTH_METICULOUS_KEYED_MD5, 16 }, { BFD_AUTH_KEYED_SHA1, 20 },
		{ BFD_AUTH_METICULOUS_KEYED_SHA1, 20 },
	};

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		k.type = limits[i].type;
		k.secret_len = 0;
		assert_false(bfd_auth_key_valid(&k));
		k.secret_len = 1;
		assert_true(bfd_auth_key_valid(&k));
		k.secret_len = limits[i].max;
		assert_true(bfd_auth_key_valid(&k));
		k.secret_len = (uint8_t)(limits[i].max + 1);
		assert_false(bfd_auth_key_valid(&k));
		k.secret_len = 255;
		assert_false(bfd_auth_key_valid(&k));
	}
	k.secret_len = 8;
	k.type = (enum bfd_auth_type)6;
	assert_false(bfd_auth_key_valid(&k));
	k.type = (enum bfd_auth_type)255;
	assert_false(bfd_auth_key_valid(&k));
}

/* ---- Through a session ---- */

/* A peer packet, with an auth section from key (if any) at sequence seq,
 * signed, decoded and handed to the session. */
static enum bfd_drop_reason peer_send_auth(struct bfd_session *s, struct bfd_packet pkt,
					   const struct bfd_auth_key *key, uint32_t seq,
					   bfd_usec_t now_us, struct bfd_output *out)
{
	uint8_t buf[BFD_PACKET_MAX_LEN];
	struct bfd_packet decoded;

	if (key) {
		pkt.auth_present = true;
		bfd_auth_prepare(key, seq, &pkt.auth);
	}
	size_t len = bfd_packet_encode(&pkt, buf, sizeof(buf));
	assert_true(len >= BFD_PACKET_MIN_LEN);
	if (key)
		bfd_auth_sign(key->type, buf, len);
	assert_int_equal(bfd_packet_decode(buf, len, &decoded), BFD_DROP_NONE);
	return bfd_session_recv(s, buf, &decoded, now_us, out);
}

static void auth_session_init(struct bfd_session *s, const struct bfd_auth_key *key)
{
	assert_int_equal(bfd_session_init(s, &test_params, key, 0x11111111u, 1, 0), 0);
}

static struct bfd_packet peer_down(void)
{
	return peer_packet(BFD_STATE_DOWN, PEER_DISCR, 0, 1000000, 300000, 3);
}

/* RFC 5880 6.8.6: "If the A bit is set and no authentication is in use (bfd.AuthType is zero), the packet MUST be discarded." */
static void test_session_a_bit_without_auth(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_TYPES; t++) {
		struct bfd_session s;
		struct bfd_output out;
		struct bfd_auth_key key = full_key(all_types[t], 1, 0x12);

		auth_session_init(&s, NULL);
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, 1, MS(10), &out),
				 BFD_DROP_AUTH_MISMATCH);
		/* Nothing changed. */
		assert_int_equal(s.state, BFD_STATE_DOWN);
		assert_int_equal(s.remote_discr, 0);
		assert_false(out.has_event);
		/* The same packet without the A bit is fine. */
		assert_int_equal(peer_send_auth(&s, peer_down(), NULL, 0, MS(20), &out),
				 BFD_DROP_NONE);
		assert_int_equal(s.state, BFD_STATE_INIT);
	}
}

/* RFC 5880 6.8.6: "If the A bit is clear and authentication is in use (bfd.AuthType is nonzero), the packet MUST be discarded." */
static void test_session_no_a_bit_with_auth(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_TYPES; t++) {
		struct bfd_session s;
		struct bfd_output out;
		struct bfd_auth_key key = full_key(all_types[t], 1, 0x12);

		auth_session_init(&s, &key);
		assert_int_equal(peer_send_auth(&s, peer_down(), NULL, 0, MS(10), &out),
				 BFD_DROP_AUTH_MISMATCH);
		assert_int_equal(s.state, BFD_STATE_DOWN);
		assert_int_equal(s.remote_discr, 0);
		assert_false(s.auth.seq_known);
		/* With the right authentication it is accepted. */
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, 77, MS(20), &out),
				 BFD_DROP_NONE);
		assert_int_equal(s.state, BFD_STATE_INIT);
		assert_int_equal(s.remote_discr, PEER_DISCR);
		if (all_types[t] != BFD_AUTH_SIMPLE_PASSWORD) {
			assert_true(s.auth.seq_known);
			assert_int_equal(s.auth.rcv_seq, 77);
		}
	}
}

/* RFC 5880 6.8.6, 6.7: an authenticated session discards a packet that fails authentication and changes nothing. */
static void test_session_rejects_bad_auth(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_TYPES; t++) {
		struct bfd_session s;
		struct bfd_output out;
		struct bfd_auth_key key = full_key(all_types[t], 1, 0x12);
		struct bfd_auth_key other = key;

		other.secret[0] ^= 1;
		auth_session_init(&s, &key);
		assert_int_equal(peer_send_auth(&s, peer_down(), &other, 1, MS(10), &out),
				 BFD_DROP_AUTH_DIGEST);
		assert_int_equal(s.state, BFD_STATE_DOWN);
		assert_false(s.auth.seq_known);
		other = key;
		other.key_id = 2;
		assert_int_equal(peer_send_auth(&s, peer_down(), &other, 1, MS(10), &out),
				 BFD_DROP_AUTH_KEY_ID);
		assert_int_equal(s.state, BFD_STATE_DOWN);
	}
}

/* RFC 5880 6.7.3, 6.7.4: in a session a meticulous type discards a replayed packet; a keyed type accepts the same number again. */
static void test_session_replay(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_DIGEST_TYPES; t++) {
		struct bfd_session s;
		struct bfd_output out;
		struct bfd_auth_key key = full_key(digest_types[t], 1, 0x12);

		auth_session_init(&s, &key);
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, 500, MS(10), &out),
				 BFD_DROP_NONE);
		enum bfd_drop_reason r = peer_send_auth(&s, peer_down(), &key, 500, MS(20), &out);
		if (bfd_auth_type_meticulous(digest_types[t]))
			assert_int_equal(r, BFD_DROP_AUTH_SEQUENCE);
		else
			assert_int_equal(r, BFD_DROP_NONE);
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, 501, MS(30), &out),
				 BFD_DROP_NONE);
		assert_int_equal(s.auth.rcv_seq, 501);
	}
}

/* RFC 5880 6.7.2-6.7.4, 6.8.7: an authenticated session's packets verify with its key; meticulous types increase bfd.XmitAuthSeq by one per packet. */
static void test_session_transmits_authenticated(void **state)
{
	(void)state;
	for (size_t t = 0; t < N_TYPES; t++) {
		struct bfd_session s;
		struct bfd_output out;
		struct bfd_auth_key key = full_key(all_types[t], 33, 0x21);
		struct bfd_auth_state rx = { 0 };
		uint32_t prev_seq = 0;
		bfd_usec_t now_us = 0;

		auth_session_init(&s, &key);
		for (int i = 0; i < 6; i++) {
			bfd_session_timer(&s, now_us, &out);
			assert_true(out.packet_len > BFD_PACKET_MIN_LEN);
			struct bfd_packet pkt;
			assert_int_equal(bfd_packet_decode(out.packet, out.packet_len, &pkt),
					 BFD_DROP_NONE);
			assert_true(pkt.auth_present);
			assert_int_equal(pkt.auth.type, all_types[t]);
			assert_int_equal(pkt.auth.key_id, 33);
			assert_int_equal(bfd_auth_verify(&key, &rx, out.packet, &pkt), BFD_DROP_NONE);
			if (bfd_auth_type_meticulous(all_types[t]) && i > 0)
				assert_int_equal(pkt.auth.seq, prev_seq + 1);
			prev_seq = pkt.auth.seq;
			/* Another key does not verify it. */
			struct bfd_auth_key wrong = key;
			struct bfd_auth_state rx2 = { 0 };
			wrong.secret[3] ^= 0x40;
			assert_int_equal(bfd_auth_verify(&wrong, &rx2, out.packet, &pkt),
					 BFD_DROP_AUTH_DIGEST);
			assert_true(out.next_deadline_us > now_us);
			now_us = out.next_deadline_us;
		}
	}
}

/* Bring a session with key to Init with one peer packet at MS(10) with
 * sequence 100, and return the Detection Time. */
static bfd_usec_t session_with_known_seq(struct bfd_session *s, const struct bfd_auth_key *key)
{
	struct bfd_output out;

	auth_session_init(s, key);
	assert_int_equal(peer_send_auth(s, peer_down(), key, 100, MS(10), &out), BFD_DROP_NONE);
	assert_true(s->auth.seq_known);
	assert_int_equal(s->auth.rcv_seq, 100);
	/* 3 x max(300 ms, 1 s) */
	assert_true(bfd_session_detection_time_us(s) == 3000000);
	return bfd_session_detection_time_us(s);
}

/* RFC 5880 6.8.1: bfd.AuthSeqKnown MUST be cleared after no packets have been received for at least twice the Detection Time; before that the window still applies. */
static void test_session_auth_seq_forgotten(void **state)
{
	(void)state;
	static const enum bfd_auth_type types[] = { BFD_AUTH_KEYED_MD5,
						    BFD_AUTH_METICULOUS_KEYED_SHA1 };
	const uint32_t far_seq = 100 + 1000000;

	for (size_t t = 0; t < 2; t++) {
		struct bfd_auth_key key = full_key(types[t], 1, 0x66);
		struct bfd_session s;
		struct bfd_output out;

		/* Just before twice the Detection Time: still known, rejected.
		 * The session's timers run meanwhile (it goes Down at 1x). */
		bfd_usec_t dt = session_with_known_seq(&s, &key);
		bfd_session_timer(&s, MS(10) + dt, &out);
		assert_int_equal(s.state, BFD_STATE_DOWN);
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, far_seq, MS(10) + dt, &out),
				 BFD_DROP_AUTH_SEQUENCE);
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, far_seq,
						MS(10) + 2 * dt - 1, &out),
				 BFD_DROP_AUTH_SEQUENCE);
		assert_int_equal(s.auth.rcv_seq, 100);
		assert_true(s.auth.seq_known);

		/* After the silence of twice the Detection Time: accepted. */
		dt = session_with_known_seq(&s, &key);
		bfd_session_timer(&s, MS(10) + dt, &out);
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, far_seq, MS(10) + 2 * dt,
						&out),
				 BFD_DROP_NONE);
		assert_true(s.auth.seq_known);
		assert_int_equal(s.auth.rcv_seq, far_seq);

		/* A packet in between restarts the silence. */
		dt = session_with_known_seq(&s, &key);
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, 101, MS(10) + dt, &out),
				 BFD_DROP_NONE);
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, far_seq,
						MS(10) + 2 * dt + 1, &out),
				 BFD_DROP_AUTH_SEQUENCE);
		assert_int_equal(peer_send_auth(&s, peer_down(), &key, far_seq, MS(10) + 3 * dt,
						&out),
				 BFD_DROP_NONE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_every_type),
		cmocka_unit_test(test_type_meticulous),
		cmocka_unit_test(test_known_answer_md5),
		cmocka_unit_test(test_known_answer_sha1),
		cmocka_unit_test(test_sign_password_noop),
		cmocka_unit_test(test_reject_wrong_type),
		cmocka_unit_test(test_reject_wrong_key_id),
		cmocka_unit_test(test_reject_wrong_auth_len),
		cmocka_unit_test(test_reject_wrong_password),
		cmocka_unit_test(test_reject_flipped_digest_byte),
		cmocka_unit_test(test_reject_modified_header),
		cmocka_unit_test(test_reject_wrong_key),
		cmocka_unit_test(test_keyed_sequence_window),
		cmocka_unit_test(test_meticulous_sequence_window),
		cmocka_unit_test(test_sequence_window_wraps),
		cmocka_unit_test(test_rejected_packet_keeps_sequence_state),
		cmocka_unit_test(test_first_packet_sets_sequence),
		cmocka_unit_test(test_key_valid),
		cmocka_unit_test(test_session_a_bit_without_auth),
		cmocka_unit_test(test_session_no_a_bit_with_auth),
		cmocka_unit_test(test_session_rejects_bad_auth),
		cmocka_unit_test(test_session_replay),
		cmocka_unit_test(test_session_transmits_authenticated),
		cmocka_unit_test(test_session_auth_seq_forgotten),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
