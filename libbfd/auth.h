/*
 * auth.h - BFD authentication (RFC 5880 section 6.7): Simple Password,
 * Keyed MD5, Meticulous Keyed MD5, Keyed SHA1, Meticulous Keyed SHA1.
 *
 * Digests come from OpenSSL libcrypto, without allocating. The state of
 * section 6.8.1 (bfd.RcvAuthSeq, bfd.XmitAuthSeq, bfd.AuthSeqKnown) lives in
 * struct bfd_auth_state inside each session.
 */
#ifndef BFD_AUTH_H
#define BFD_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/* A configured key: the session's bfd.AuthType and its secret. */
struct bfd_auth_key {
	enum bfd_auth_type type;  /* BFD_AUTH_NONE: bfd.AuthType is 0 */
	uint8_t key_id;
	uint8_t secret_len;       /* 1-16 for password and MD5, 1-20 for SHA1 */
	uint8_t secret[BFD_AUTH_SECRET_MAX];
};

/* Per-session sequence state (6.8.1). */
struct bfd_auth_state {
	uint32_t xmit_seq;  /* bfd.XmitAuthSeq: initialised at random */
	uint32_t rcv_seq;   /* bfd.RcvAuthSeq */
	bool seq_known;     /* bfd.AuthSeqKnown */
};

/* Whether a key is usable: known type, secret length within 6.7's limits. */
bool bfd_auth_key_valid(const struct bfd_auth_key *key);

/* Whether two keys are the same: type, key ID and secret. */
bool bfd_auth_key_equal(const struct bfd_auth_key *a, const struct bfd_auth_key *b);

/* True for the meticulous types, whose sequence advances on every packet. */
bool bfd_auth_type_meticulous(enum bfd_auth_type type);

/*
 * Fill the auth section of an outgoing packet from the key and sequence
 * number. For digest types the key is placed in the digest field; the
 * digest itself is computed by bfd_auth_sign() once the packet is encoded.
 */
void bfd_auth_prepare(const struct bfd_auth_key *key, uint32_t seq,
		      struct bfd_auth_section *section);

/*
 * Replace the key in the digest field of an encoded packet by the digest of
 * the whole packet (6.7.3, 6.7.4). A no-op for Simple Password.
 */
void bfd_auth_sign(enum bfd_auth_type type, uint8_t *buf, size_t len);

/*
 * Authenticate a received packet (the A bit is set) whose raw bytes are
 * buf[0..pkt->length). Checks type, length, key ID, the sequence window
 * against *state and the password or digest, in that order. Only a packet
 * that passes every check moves bfd.RcvAuthSeq: RFC 5880 6.7.3 updates it
 * before the digest check, which would let a forged packet shift the window.
 */
enum bfd_drop_reason bfd_auth_verify(const struct bfd_auth_key *key,
				     struct bfd_auth_state *state,
				     const uint8_t *buf, const struct bfd_packet *pkt);

#endif
