/* frr_bfdd.c - see frr_bfdd.h. */
#include "frr_bfdd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "reader.h"

#define MSG_NOTIFY_MASK_PEER_STATE ((uint64_t)1) /* bfdctl.h BCM_NOTIFY_PEER_STATE */
#define DIAG_MAX 31                              /* the Diag field has 5 bits */

/* The keys and words of one of bfdd's two JSON forms of a peer. */
struct peer_format {
	const char *peer, *local, *ifname, *vrf, *state, *diag, *remote_diag;
	const char *const *state_words; /* indexed by enum bfd_state */
	bool diag_is_text;              /* "ok", ... instead of the code */
};

static const char *const notify_state_words[] = {
	[BFD_STATE_ADMIN_DOWN] = "adm-down",
	[BFD_STATE_DOWN] = "down",
	[BFD_STATE_INIT] = "init",
	[BFD_STATE_UP] = "up",
};

static const char *const show_state_words[] = {
	[BFD_STATE_ADMIN_DOWN] = "shutdown",
	[BFD_STATE_DOWN] = "down",
	[BFD_STATE_INIT] = "init",
	[BFD_STATE_UP] = "up",
};

/* FRR's diag2str(); it says "unknown" for a reserved code, which is read as
 * an unreadable entry. */
static const char *const diag_words[] = {
	[BFD_DIAG_NONE] = "ok",
	[BFD_DIAG_DETECT_EXPIRED] = "control detection time expired",
	[BFD_DIAG_ECHO_FAILED] = "echo function failed",
	[BFD_DIAG_NEIGHBOR_DOWN] = "neighbor signaled session down",
	[BFD_DIAG_FWD_PLANE_RESET] = "forwarding plane reset",
	[BFD_DIAG_PATH_DOWN] = "path down",
	[BFD_DIAG_CONCAT_PATH_DOWN] = "concatenated path down",
	[BFD_DIAG_ADMIN_DOWN] = "administratively down",
	[BFD_DIAG_REV_CONCAT_PATH_DOWN] = "reverse concatenated path down",
};

static const struct peer_format notify_format = {
	.peer = "peer-address",
	.local = "local-address",
	.ifname = "local-interface",
	.vrf = "vrf-name",
	.state = "state",
	.diag = "diagnostics",
	.remote_diag = "remote-diagnostics",
	.state_words = notify_state_words,
	.diag_is_text = false,
};

static const struct peer_format show_format = {
	.peer = "peer",
	.local = "local",
	.ifname = "interface",
	.vrf = "vrf",
	.state = "status",
	.diag = "diagnostic",
	.remote_diag = "remote-diagnostic",
	.state_words = show_state_words,
	.diag_is_text = true,
};

void frr_bfdd_subscribe_request(uint8_t buf[FRR_BFDD_SUBSCRIBE_LEN], uint16_t id)
{
	uint64_t mask = MSG_NOTIFY_MASK_PEER_STATE;

	bfd_put_u32(buf, 8);
	bfd_put_u16(buf + 4, id);
	buf[6] = FRR_BFDD_MSG_NOTIFY;
	buf[7] = FRR_BFDD_VERSION;
	/* bfdd memcpy()s the mask into a uint64_t: host byte order, which is
	 * the same on both ends of a Unix socket. */
	memcpy(buf + FRR_BFDD_HEADER_LEN, &mask, sizeof(mask));
}

int frr_bfdd_next_msg(const uint8_t *buf, size_t len, struct frr_bfdd_msg *msg)
{
	struct bfd_reader r = {.buf = buf, .len = len};
	uint32_t payload_len;
	uint16_t id;
	uint8_t type, version;
	const uint8_t *payload;

	if (!bfd_read_u32(&r, &payload_len) || !bfd_read_u16(&r, &id) ||
	    !bfd_read_u8(&r, &type) || !bfd_read_u8(&r, &version))
		return 0;
	if (version != FRR_BFDD_VERSION)
		return -EPROTO;
	if (payload_len > FRR_BFDD_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (!bfd_read_bytes(&r, payload_len, &payload))
		return 0;
	*msg = (struct frr_bfdd_msg){
		.type = type,
		.id = id,
		.payload = (const char *)payload,
		.payload_len = payload_len,
	};
	return (int)r.pos;
}

/* The one JSON value in text (whitespace may follow it), or NULL. */
static struct json_object *parse_json(const char *text, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (len > INT_MAX)
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (o) {
		for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
			if (!strchr(" \t\r\n", text[i]) || text[i] == '\0') {
				json_object_put(o);
				o = NULL;
				break;
			}
		}
	}
	json_tokener_free(tok);
	return o;
}

/* The string at key: 0, -ENOENT if there is none, -EBADMSG if it is not a
 * string. */
static int get_string(struct json_object *o, const char *key, const char **out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -ENOENT;
	if (!json_object_is_type(v, json_type_string))
		return -EBADMSG;
	*out = json_object_get_string(v);
	return 0;
}

/* The integer at key, in [0, max]: 0, -ENOENT or -EBADMSG. */
static int get_uint(struct json_object *o, const char *key, uint32_t max, uint32_t *out)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v))
		return -ENOENT;
	if (!json_object_is_type(v, json_type_int))
		return -EBADMSG;
	n = json_object_get_int64(v);
	if (n < 0 || n > max)
		return -EBADMSG;
	*out = (uint32_t)n;
	return 0;
}

static int get_addr(struct json_object *o, const char *key, struct conf_addr *a)
{
	const char *s;
	int r = get_string(o, key, &s);

	if (r < 0)
		return r;
	if (inet_pton(AF_INET, s, &a->v4) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a->v6) == 1)
		a->family = AF_INET6;
	else
		return -EBADMSG;
	return 0;
}

/* Copy the string at key into buf; absent leaves buf as it is. */
static int get_name(struct json_object *o, const char *key, char *buf, size_t size)
{
	const char *s;
	int r = get_string(o, key, &s);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (strlen(s) >= size)
		return -EBADMSG;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

/* The index of word in words[n], or -EBADMSG. */
static int find_word(const char *const *words, size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(words[i], word) == 0)
			return (int)i;
	}
	return -EBADMSG;
}

static int get_state(struct json_object *o, const struct peer_format *f, enum bfd_state *state)
{
	const char *s;
	int r = get_string(o, f->state, &s);

	if (r < 0)
		return -EBADMSG;
	r = find_word(f->state_words, BFD_STATE_UP + 1, s);
	if (r < 0)
		return r;
	*state = (enum bfd_state)r;
	return 0;
}

/* A diagnostic; an absent one is BFD_DIAG_NONE. */
static int get_diag(struct json_object *o, const struct peer_format *f, const char *key,
		    enum bfd_diag *diag)
{
	const char *s;
	uint32_t code = 0;
	int r;

	if (f->diag_is_text) {
		r = get_string(o, key, &s);
		if (r == 0)
			r = find_word(diag_words, sizeof(diag_words) / sizeof(diag_words[0]), s);
		if (r >= 0)
			code = (uint32_t)r;
	} else {
		r = get_uint(o, key, DIAG_MAX, &code);
	}
	if (r == -ENOENT) {
		*diag = BFD_DIAG_NONE;
		return 0;
	}
	if (r < 0)
		return r;
	*diag = (enum bfd_diag)code;
	return 0;
}

static int get_bool(struct json_object *o, const char *key, bool *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return -EBADMSG;
	*out = json_object_get_boolean(v);
	return 0;
}

/* Read one peer object of format f. Required: the peer address and the
 * state; everything else has a default. */
static int read_peer(struct json_object *o, const struct peer_format *f,
		     struct frr_bfdd_peer_event *ev)
{
	int r;

	memset(ev, 0, sizeof(*ev));
	if (!json_object_is_type(o, json_type_object))
		return -EBADMSG;
	if (get_addr(o, f->peer, &ev->peer) < 0)
		return -EBADMSG;
	r = get_addr(o, f->local, &ev->local);
	if (r == 0) {
		if (ev->local.family != ev->peer.family)
			return -EBADMSG;
		ev->has_local = true;
	} else if (r != -ENOENT) {
		return r;
	}
	r = get_uint(o, "id", UINT32_MAX, &ev->id);
	if (r < 0 && r != -ENOENT)
		return r;
	if ((r = get_name(o, f->ifname, ev->ifname, sizeof(ev->ifname))) < 0 ||
	    (r = get_name(o, f->vrf, ev->vrf, sizeof(ev->vrf))) < 0 ||
	    (r = get_bool(o, "multihop", &ev->multihop)) < 0 ||
	    (r = get_state(o, f, &ev->state)) < 0 ||
	    (r = get_diag(o, f, f->diag, &ev->diag)) < 0 ||
	    (r = get_diag(o, f, f->remote_diag, &ev->remote_diag)) < 0)
		return r;
	return 0;
}

int frr_bfdd_parse_response(const char *json, size_t len, char *err, size_t err_len)
{
	struct json_object *o = parse_json(json, len);
	const char *status, *text = "";
	int r = -EBADMSG;

	if (o && json_object_is_type(o, json_type_object) &&
	    get_string(o, "status", &status) == 0) {
		if (strcmp(status, "ok") == 0) {
			r = 0;
		} else if (strcmp(status, "error") == 0) {
			r = -EPROTO;
			get_string(o, "error", &text);
			if (err_len > 0)
				snprintf(err, err_len, "%s", text);
		}
	}
	json_object_put(o);
	return r;
}

int frr_bfdd_parse_notify(const char *json, size_t len, struct frr_bfdd_peer_event *ev)
{
	struct json_object *o = parse_json(json, len);
	const char *op;
	int r;

	if (!o || !json_object_is_type(o, json_type_object) || get_string(o, "op", &op) < 0)
		r = -EBADMSG;
	else if (strcmp(op, "status") != 0)
		r = -ENOMSG;
	else
		r = read_peer(o, &notify_format, ev);
	json_object_put(o);
	return r;
}

int frr_bfdd_parse_peers(const char *text, size_t len, frr_bfdd_peer_fn each, void *ctx)
{
	struct json_object *o = parse_json(text, len);
	struct frr_bfdd_peer_event ev;
	int skipped = 0, r = 0;

	if (!o || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return -EBADMSG;
	}
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		if (read_peer(json_object_array_get_idx(o, i), &show_format, &ev) < 0) {
			skipped++;
			continue;
		}
		r = each(&ev, ctx);
		if (r < 0)
			break;
	}
	json_object_put(o);
	return r < 0 ? r : skipped;
}
