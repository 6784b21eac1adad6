/* proto_names.c - names of the protocol constants for logs, metrics and JSON. */
#include "bfd_proto.h"

#include <stddef.h>

#define NAME_OF(table, i) ((size_t)(i) < sizeof(table) / sizeof((table)[0]) ? (table)[i] : NULL)

const char *bfd_state_name(enum bfd_state state)
{
	static const char *const names[] = {
		[BFD_STATE_ADMIN_DOWN] = "admin-down",
		[BFD_STATE_DOWN] = "down",
		[BFD_STATE_INIT] = "init",
		[BFD_STATE_UP] = "up",
	};
	return NAME_OF(names, state);
}

const char *bfd_diag_name(enum bfd_diag diag)
{
	static const char *const names[] = {
		[BFD_DIAG_NONE] = "none",
		[BFD_DIAG_DETECT_EXPIRED] = "control-detection-time-expired",
		[BFD_DIAG_ECHO_FAILED] = "echo-function-failed",
		[BFD_DIAG_NEIGHBOR_DOWN] = "neighbor-signaled-session-down",
		[BFD_DIAG_FWD_PLANE_RESET] = "forwarding-plane-reset",
		[BFD_DIAG_PATH_DOWN] = "path-down",
		[BFD_DIAG_CONCAT_PATH_DOWN] = "concatenated-path-down",
		[BFD_DIAG_ADMIN_DOWN] = "administratively-down",
		[BFD_DIAG_REV_CONCAT_PATH_DOWN] = "reverse-concatenated-path-down",
	};
	return NAME_OF(names, diag);
}

const char *bfd_auth_type_name(enum bfd_auth_type type)
{
	static const char *const names[] = {
		[BFD_AUTH_NONE] = "none",
		[BFD_AUTH_SIMPLE_PASSWORD] = "simple-password",
		[BFD_AUTH_KEYED_MD5] = "keyed-md5",
		[BFD_AUTH_METICULOUS_KEYED_MD5] = "meticulous-keyed-md5",
		[BFD_AUTH_KEYED_SHA1] = "keyed-sha1",
		[BFD_AUTH_METICULOUS_KEYED_SHA1] = "meticulous-keyed-sha1",
	};
	return NAME_OF(names, type);
}

const char *bfd_drop_reason_name(enum bfd_drop_reason reason)
{
	static const char *const names[] = {
		[BFD_DROP_NONE] = "none",
		[BFD_DROP_SHORT_BUFFER] = "short-buffer",
		[BFD_DROP_BAD_VERSION] = "bad-version",
		[BFD_DROP_LENGTH_TOO_SHORT] = "length-too-short",
		[BFD_DROP_LENGTH_TOO_LONG] = "length-too-long",
		[BFD_DROP_DETECT_MULT_ZERO] = "detect-mult-zero",
		[BFD_DROP_MULTIPOINT] = "multipoint",
		[BFD_DROP_MY_DISCR_ZERO] = "my-discriminator-zero",
		[BFD_DROP_YOUR_DISCR_ZERO] = "your-discriminator-zero",
		[BFD_DROP_AUTH_LENGTH] = "auth-length",
		[BFD_DROP_AUTH_MISMATCH] = "auth-mismatch",
		[BFD_DROP_AUTH_TYPE] = "auth-type",
		[BFD_DROP_AUTH_KEY_ID] = "auth-key-id",
		[BFD_DROP_AUTH_SEQUENCE] = "auth-sequence",
		[BFD_DROP_AUTH_DIGEST] = "auth-digest",
		[BFD_DROP_TTL] = "ttl",
		[BFD_DROP_WRONG_INTERFACE] = "wrong-interface",
		[BFD_DROP_UNKNOWN_DISCR] = "unknown-discriminator",
		[BFD_DROP_UNKNOWN_PEER] = "unknown-peer",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == BFD_DROP_REASON_COUNT,
		       "every drop reason has a name");
	return NAME_OF(names, reason);
}
