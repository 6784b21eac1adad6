/*
 * frr_bfdd.h - read FRR bfdd's session states (the engine "frr-bfdd"): the
 * messages of its control socket bfdd.sock (FRR 8.4, Debian 12, has it;
 * later releases dropped it) and the output of "show bfd peers json", the
 * fallback. Pure: no I/O, no clock, no log; frr_bfdd_client.h does the
 * socket.
 *
 * Control socket (FRR 8.4 bfdd/bfdctl.h and control.c; checked against a
 * running bfdd 8.4.4): a SOCK_STREAM Unix socket, by default
 * /var/run/frr/bfdd.sock, /var/run/frr/NAME/bfdd.sock for "bfdd -N NAME",
 * or the path of bfdd's --bfdctl option. Each message is
 *
 *   u32 payload length (big endian), u16 id, u8 type, u8 version (1),
 *   then the payload: JSON text, not NUL-terminated.
 *
 * Types: 1 response, 2 add peer, 3 delete peer, 4 notify, 5 notify add,
 * 6 notify delete. bfdd closes the connection on a version other than 1 or
 * a payload length under 2, and answers an unknown type with an error
 * response. A response echoes the request's id bytes and carries
 * {"status":"ok"} or {"status":"error","error":"..."}.
 *
 * Subscribing is a type 4 request whose payload is a 64-bit mask that bfdd
 * copies into a uint64_t as it is (host byte order): bit 0 asks for the
 * state of every peer, bit 1 for configuration changes. bfdd answers, then
 * sends one notification per peer it has (a full dump), then one per state
 * change. A notification is type 4 with id 0 and JSON like
 *
 *   {"op":"status","ipv6":false,"multihop":false,"peer-address":"192.0.2.2",
 *    "local-address":"192.0.2.1","local-interface":"eth0","id":3080634382,
 *    "remote-id":3080634382,"state":"down","downtime":0,"diagnostics":1,
 *    "remote-diagnostics":0}
 *
 * "local-address" and "local-interface" only when configured (single hop),
 * "vrf-name" only for multihop peers; "state" is "up", "down", "init" or
 * "adm-down"; "diagnostics" and "remote-diagnostics" are RFC 5880 codes;
 * "remote-id" repeats "id" (an FRR bug). There is no remote state. Removing
 * a peer sends a last "down" with diagnostic 5 (path down); stopping bfdd
 * closes the socket without a notification.
 *
 * "show bfd peers json" is an array of objects with "peer", "local",
 * "vrf", "interface", "multihop", "id", "status" ("up", "down", "init",
 * "shutdown") and "diagnostic"/"remote-diagnostic" as text ("ok",
 * "control detection time expired", ...).
 */
#ifndef EDGEBFD_FRR_BFDD_H
#define EDGEBFD_FRR_BFDD_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bfd_proto.h"
#include "conf.h"

#define FRR_BFDD_HEADER_LEN 8
#define FRR_BFDD_VERSION 1
/* Longest payload accepted; bfdd's are under 500 bytes. */
#define FRR_BFDD_PAYLOAD_MAX (64 * 1024)
/* FRR's VRF_NAMSIZ (36) and the NUL. */
#define FRR_BFDD_VRF_MAX 37

enum frr_bfdd_msg_type {
	FRR_BFDD_MSG_RESPONSE = 1,
	FRR_BFDD_MSG_NOTIFY = 4,
};

/* The subscription to every peer's state: the header and an 8-byte mask. */
#define FRR_BFDD_SUBSCRIBE_LEN (FRR_BFDD_HEADER_LEN + 8)

/* One message of the stream; payload points into the caller's buffer. */
struct frr_bfdd_msg {
	uint8_t type;
	uint16_t id;
	const char *payload;
	size_t payload_len;
};

/* A peer's state, from a notification or from "show bfd peers json". */
struct frr_bfdd_peer_event {
	struct conf_addr peer;
	struct conf_addr local;      /* valid if has_local */
	bool has_local;
	char ifname[IF_NAMESIZE];    /* "" if the peer has no interface */
	char vrf[FRR_BFDD_VRF_MAX];  /* "" if bfdd did not say */
	bool multihop;
	enum bfd_state state;
	enum bfd_diag diag;          /* a reserved code (9..31) stays as it is */
	enum bfd_diag remote_diag;
	uint32_t id;                 /* bfdd's local discriminator, 0 if not given */
};

/* Write the request that subscribes to every peer's state, with request
 * id `id`, into buf. */
void frr_bfdd_subscribe_request(uint8_t buf[FRR_BFDD_SUBSCRIBE_LEN], uint16_t id);

/*
 * Take the first message from the len bytes at buf (what has been read of
 * the stream so far). Returns its size (header and payload) with *msg set,
 * 0 if the message is not complete yet, -EPROTO for a version other than 1,
 * -EMSGSIZE for a payload longer than FRR_BFDD_PAYLOAD_MAX. After an error
 * the stream cannot be resynchronised.
 */
int frr_bfdd_next_msg(const uint8_t *buf, size_t len, struct frr_bfdd_msg *msg);

/* Read a response payload: 0 for "ok", -EPROTO for an error (its text in
 * err, if err_len > 0), -EBADMSG if it is not a response. */
int frr_bfdd_parse_response(const char *json, size_t len, char *err, size_t err_len);

/*
 * Read a notification payload into *ev. Returns 0, -ENOMSG for a
 * notification that is not a peer's state (configuration "add", "update",
 * "delete"), -EBADMSG if it is not JSON or misses or mangles a key that
 * matters. Unknown keys are ignored.
 */
int frr_bfdd_parse_notify(const char *json, size_t len, struct frr_bfdd_peer_event *ev);

/* Called for each peer of frr_bfdd_parse_peers(); a negative return stops
 * the walk. */
typedef int (*frr_bfdd_peer_fn)(const struct frr_bfdd_peer_event *ev, void *ctx);

/*
 * Read the output of "show bfd peers json" and call each() for every peer
 * in it, in order. An entry that cannot be read is skipped. Returns the
 * number of entries skipped (>= 0), -EBADMSG if text is not a JSON array,
 * or the negative value each() returned.
 */
int frr_bfdd_parse_peers(const char *text, size_t len, frr_bfdd_peer_fn each, void *ctx);

#endif
