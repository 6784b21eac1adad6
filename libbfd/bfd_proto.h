/*
 * bfd_proto.h - RFC 5880 protocol constants: states, diagnostics,
 * authentication types, and the reasons a received packet is dropped.
 */
#ifndef BFD_PROTO_H
#define BFD_PROTO_H

/* Session states, with their wire values (RFC 5880 section 4.1, "Sta"). */
enum bfd_state {
	BFD_STATE_ADMIN_DOWN = 0,
	BFD_STATE_DOWN = 1,
	BFD_STATE_INIT = 2,
	BFD_STATE_UP = 3,
};

/* Diagnostic codes (RFC 5880 section 4.1, "Diag"). */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_DETECT_EXPIRED = 1,       /* Control Detection Time Expired */
	BFD_DIAG_ECHO_FAILED = 2,          /* Echo Function Failed */
	BFD_DIAG_NEIGHBOR_DOWN = 3,        /* Neighbor Signaled Session Down */
	BFD_DIAG_FWD_PLANE_RESET = 4,      /* Forwarding Plane Reset */
	BFD_DIAG_PATH_DOWN = 5,            /* Path Down */
	BFD_DIAG_CONCAT_PATH_DOWN = 6,     /* Concatenated Path Down */
	BFD_DIAG_ADMIN_DOWN = 7,           /* Administratively Down */
	BFD_DIAG_REV_CONCAT_PATH_DOWN = 8, /* Reverse Concatenated Path Down */
};

/* Authentication types (RFC 5880 section 4.1, "Auth Type"). */
enum bfd_auth_type {
	BFD_AUTH_NONE = 0, /* on the wire 0 is reserved; here: no authentication */
	BFD_AUTH_SIMPLE_PASSWORD = 1,
	BFD_AUTH_KEYED_MD5 = 2,
	BFD_AUTH_METICULOUS_KEYED_MD5 = 3,
	BFD_AUTH_KEYED_SHA1 = 4,
	BFD_AUTH_METICULOUS_KEYED_SHA1 = 5,
};

/*
 * Why a received packet was not accepted. libbfd produces the reasons from
 * BFD_DROP_SHORT_BUFFER to BFD_DROP_AUTH_DIGEST in the order of the RFC 5880
 * section 6.8.6 reception rules; the transport (the daemon) produces the
 * ones after them. Every reason has a counter in the daemon.
 */
enum bfd_drop_reason {
	BFD_DROP_NONE = 0,
	BFD_DROP_SHORT_BUFFER,      /* under 4 bytes: not even a Length field */
	BFD_DROP_BAD_VERSION,       /* 6.8.6: version is not 1 */
	BFD_DROP_LENGTH_TOO_SHORT,  /* 6.8.6: Length < 24 (26 with A bit) */
	BFD_DROP_LENGTH_TOO_LONG,   /* 6.8.6: Length > payload received */
	BFD_DROP_DETECT_MULT_ZERO,  /* 6.8.6: Detect Mult is 0 */
	BFD_DROP_MULTIPOINT,        /* 6.8.6: M bit set */
	BFD_DROP_MY_DISCR_ZERO,     /* 6.8.6: My Discriminator is 0 */
	BFD_DROP_YOUR_DISCR_ZERO,   /* 6.8.6: Your Discr 0 outside Down/AdminDown */
	BFD_DROP_AUTH_LENGTH,       /* 6.7: Auth Len wrong for its type or packet */
	BFD_DROP_AUTH_MISMATCH,     /* 6.8.6: A bit disagrees with bfd.AuthType */
	BFD_DROP_AUTH_TYPE,         /* 6.7: Auth Type is not the one configured */
	BFD_DROP_AUTH_KEY_ID,       /* 6.7: unknown Auth Key ID */
	BFD_DROP_AUTH_SEQUENCE,     /* 6.7.3/6.7.4: sequence outside the window */
	BFD_DROP_AUTH_DIGEST,       /* 6.7: password or digest does not match */
	BFD_DROP_TTL,               /* RFC 5881 section 5: TTL/hop limit not 255 */
	BFD_DROP_WRONG_INTERFACE,   /* arrived on another interface than the session's */
	BFD_DROP_UNKNOWN_DISCR,     /* 6.8.6: Your Discriminator matches no session */
	BFD_DROP_UNKNOWN_PEER,      /* 6.8.6: Your Discr 0 and no session for the source */
	BFD_DROP_REASON_COUNT,
};

/* Stable lower-case names (for logs, metrics and JSON); NULL if out of range. */
const char *bfd_state_name(enum bfd_state state);
const char *bfd_diag_name(enum bfd_diag diag);
const char *bfd_auth_type_name(enum bfd_auth_type type);
const char *bfd_drop_reason_name(enum bfd_drop_reason reason);

#endif
