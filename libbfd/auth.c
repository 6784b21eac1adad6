/*
 * auth.c - BFD authentication (RFC 5880 sections 4.2-4.4 and 6.7).
 *
 * Keyed types hash the whole packet with the key, zero-padded, in place of
 * the digest (6.7.3, 6.7.4). Comparisons of secrets are constant-time.
 *
 * The digests use OpenSSL's low-level MD5 and SHA1 functions on a context
 * on the stack. OpenSSL 3 marks them deprecated in favour of EVP, but EVP
 * allocates a provider context for every digest (1 to 3 mallocs, measured
 * with OpenSSL 3.0), and libbfd allocates nothing per packet.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "auth.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

/* Offset of the digest: after the 24-byte header come Type, Len, Key ID,
 * Reserved and the 32-bit Sequence Number (4.3, 4.4). */
#define DIGEST_OFFSET (BFD_PACKET_MIN_LEN + 8)
#define PASSWORD_MAX 16

static bool is_digest_type(enum bfd_auth_type type)
{
	return type >= BFD_AUTH_KEYED_MD5 && type <= BFD_AUTH_METICULOUS_KEYED_SHA1;
}

/* Length of the digest field: 16 for MD5 (4.3), 20 for SHA1 (4.4). */
static uint8_t digest_len(enum bfd_auth_type type)
{
	return type == BFD_AUTH_KEYED_SHA1 || type == BFD_AUTH_METICULOUS_KEYED_SHA1 ? 20 : 16;
}

/* Auth Len a correct section of this key has (6.7.2 - 6.7.4). */
static uint8_t section_len(const struct bfd_auth_key *key)
{
	if (key->type == BFD_AUTH_SIMPLE_PASSWORD)
		return (uint8_t)(3 + key->secret_len);
	return (uint8_t)(8 + digest_len(key->type));
}

bool bfd_auth_key_valid(const struct bfd_auth_key *key)
{
	switch (key->type) {
	case BFD_AUTH_NONE:
		return true;
	case BFD_AUTH_SIMPLE_PASSWORD:
		return key->secret_len >= 1 && key->secret_len <= PASSWORD_MAX;
	case BFD_AUTH_KEYED_MD5:
	case BFD_AUTH_METICULOUS_KEYED_MD5:
	case BFD_AUTH_KEYED_SHA1:
	case BFD_AUTH_METICULOUS_KEYED_SHA1:
		return key->secret_len >= 1 && key->secret_len <= digest_len(key->type);
	}
	return false;
}

bool bfd_auth_key_equal(const struct bfd_auth_key *a, const struct bfd_auth_key *b)
{
	return a->type == b->type && a->key_id == b->key_id && a->secret_len == b->secret_len &&
	       memcmp(a->secret, b->secret, a->secret_len) == 0;
}

bool bfd_auth_type_meticulous(enum bfd_auth_type type)
{
	return type == BFD_AUTH_METICULOUS_KEYED_MD5 || type == BFD_AUTH_METICULOUS_KEYED_SHA1;
}

void bfd_auth_prepare(const struct bfd_auth_key *key, uint32_t seq,
		      struct bfd_auth_section *section)
{
	section->type = key->type;
	section->len = section_len(key);
	section->key_id = key->key_id;
	section->seq = seq;
	section->data = key->secret;
	section->data_len = key->secret_len;
}

#define DIGEST_MAX SHA_DIGEST_LENGTH

/* Digest of buf[0..len) into out (DIGEST_MAX bytes). */
static void digest(enum bfd_auth_type type, const uint8_t *buf, size_t len, uint8_t *out)
{
	if (type == BFD_AUTH_KEYED_SHA1 || type == BFD_AUTH_METICULOUS_KEYED_SHA1) {
		SHA_CTX ctx;

		SHA1_Init(&ctx);
		SHA1_Update(&ctx, buf, len);
		SHA1_Final(out, &ctx);
	} else {
		MD5_CTX ctx;

		MD5_Init(&ctx);
		MD5_Update(&ctx, buf, len);
		MD5_Final(out, &ctx);
	}
}

void bfd_auth_sign(enum bfd_auth_type type, uint8_t *buf, size_t len)
{
	uint8_t md[DIGEST_MAX];

	if (!is_digest_type(type))
		return;
	digest(type, buf, len, md);
	memcpy(buf + DIGEST_OFFSET, md, digest_len(type));
}

/* 6.7.3, 6.7.4: the sequence number must lie in bfd.RcvAuthSeq to
 * bfd.RcvAuthSeq + 3 * Detect Mult (from bfd.RcvAuthSeq + 1 for the
 * meticulous types), in 32-bit circular arithmetic. */
static bool sequence_in_window(const struct bfd_auth_state *state, enum bfd_auth_type type,
			       uint32_t seq, uint8_t detect_mult)
{
	uint32_t ahead = seq - state->rcv_seq; /* wraps as the RFC requires */

	if (!state->seq_known)
		return true;
	if (bfd_auth_type_meticulous(type) && ahead == 0)
		return false;
	return ahead <= 3u * detect_mult;
}

static bool digest_matches(const struct bfd_auth_key *key, const uint8_t *buf,
			   const struct bfd_packet *pkt)
{
	uint8_t copy[UINT8_MAX];
	uint8_t md[DIGEST_MAX];
	uint8_t n = digest_len(key->type);

	memcpy(copy, buf, pkt->length);
	memset(copy + DIGEST_OFFSET, 0, n);
	memcpy(copy + DIGEST_OFFSET, key->secret, key->secret_len);
	digest(key->type, copy, pkt->length, md);
	return CRYPTO_memcmp(md, pkt->auth.data, n) == 0;
}

enum bfd_drop_reason bfd_auth_verify(const struct bfd_auth_key *key,
				     struct bfd_auth_state *state,
				     const uint8_t *buf, const struct bfd_packet *pkt)
{
	const struct bfd_auth_section *a = &pkt->auth;

	if (a->type != key->type)
		return BFD_DROP_AUTH_TYPE;
	if (a->key_id != key->key_id)
		return BFD_DROP_AUTH_KEY_ID;
	if (a->len != section_len(key))
		return BFD_DROP_AUTH_LENGTH;

	if (key->type == BFD_AUTH_SIMPLE_PASSWORD) {
		/* 6.7.2: Auth Len is the password length plus three. */
		if (CRYPTO_memcmp(a->data, key->secret, key->secret_len) != 0)
			return BFD_DROP_AUTH_DIGEST;
		return BFD_DROP_NONE;
	}
	if (!sequence_in_window(state, key->type, a->seq, pkt->detect_mult))
		return BFD_DROP_AUTH_SEQUENCE;
	if (!digest_matches(key, buf, pkt))
		return BFD_DROP_AUTH_DIGEST;
	state->rcv_seq = a->seq;
	state->seq_known = true;
	return BFD_DROP_NONE;
}
