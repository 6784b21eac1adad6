/*
 * frr_vty.h - run commands on an FRRouting daemon (bgpd, bfdd) through its
 * vty Unix socket, the way vtysh does, without ever blocking the caller's
 * event loop.
 *
 * The protocol (FRR lib/vty.c vtysh_read, checked on FRR 8.4 bgpd and bfdd):
 *   - the client writes one command line followed by a NUL byte, and waits
 *     for the answer before writing the next (FRR drops the rest of a read
 *     after some commands, so lines are never sent ahead);
 *   - the daemon answers with the command's output, then three NUL bytes and
 *     one status byte (FRR_CMD_*); the output holds no run of three NULs;
 *     a long answer arrives in several reads;
 *   - a line of 4095 bytes or more (NUL included) is refused;
 *   - a new connection starts in VIEW node: "clear ...", "configure
 *     terminal" and bfdd's "show bfd ..." are unknown commands
 *     (FRR_CMD_ERR_NO_MATCH) until "enable"; so start a sequence with it;
 *   - in a configuration node "show ..." is unknown: "do show ...";
 *   - "configure terminal" takes no lock: it succeeds while a vtysh or
 *     another connection is in configuration mode;
 *   - "exit" in ENABLE node makes the daemon close the connection: leave
 *     configuration with "end"; closing the connection also leaves it.
 *
 * One call runs a sequence of commands on one connection and stops at the
 * first command whose status is not FRR_CMD_SUCCESS. frr_vty_run() does it
 * on an sd-event loop, frr_vty_run_sync() with poll() and a deadline (for
 * the shutdown path, when no loop runs any more). Both share one exchange.
 */
#ifndef EDGEBFD_FRR_VTY_H
#define EDGEBFD_FRR_VTY_H

#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

/* FRR's command status codes (lib/command.h) that a vty answer carries. */
enum {
	FRR_CMD_SUCCESS = 0,
	FRR_CMD_WARNING = 1,                /* e.g. clear bgp <unknown neighbor> */
	FRR_CMD_ERR_NO_MATCH = 2,           /* unknown command, or not in this node */
	FRR_CMD_ERR_AMBIGUOUS = 3,
	FRR_CMD_ERR_INCOMPLETE = 4,
	FRR_CMD_WARNING_CONFIG_FAILED = 13, /* e.g. neighbor <unknown> shutdown */
};

/* The longest command line the daemon accepts (its buffer is 4096 bytes,
 * and the line and its NUL must fit with one byte to spare). */
#define FRR_VTY_COMMAND_MAX 4094

/* The most output kept of one command; more is -EMSGSIZE. "show bgp ipv4
 * unicast json" with 1,000 prefixes is about 270 KiB on FRR 8.4. */
#define FRR_VTY_OUTPUT_MAX (1024 * 1024)

/* The size of a socket path buffer, NUL included (sockaddr_un.sun_path). */
#define FRR_VTY_PATH_MAX 108

struct frr_vty_result {
	int error;             /* 0, or -errno: the exchange failed (see frr_vty_run) */
	size_t failed_command; /* the command refused or in flight at the error;
				* the number of commands when all succeeded */
	int status;            /* FRR_CMD_* of that command (of the last one when all
				* succeeded); -1 when it got no answer */
	char *output;          /* its output, NUL-terminated, never NULL; after an
				* error, what had arrived of the answer */
	size_t output_len;     /* strlen(output) */
};

struct frr_vty_call;

/* The end of an asynchronous call. result and its output are valid until
 * this returns; the call is freed afterwards and must not be cancelled. */
typedef void (*frr_vty_done_fn)(const struct frr_vty_result *result, void *userdata);

/* Write "<dir>/<daemon>.vty" (e.g. "/var/run/frr/NAME/bgpd.vty" for an
 * instance started with -N NAME) into buf. 0, -EINVAL for an empty part or
 * a daemon name with a '/', -ENAMETOOLONG when it does not fit in size or
 * in a socket address. */
int frr_vty_socket_path(char *buf, size_t size, const char *dir, const char *daemon);

/*
 * Start running commands[0..n) on the daemon listening at socket_path,
 * within timeout_us for the whole exchange. The commands are copied. done
 * is called exactly once, from the loop (never from within this function),
 * unless the call is cancelled first. result->error is then:
 *   0 when every command was answered, or one was refused (status tells);
 *   -ENOENT, -ECONNREFUSED (no daemon), -EACCES (the socket is mode 0770
 *   frr:frrvty), -EAGAIN (its listen backlog is full): connect failed;
 *   -ETIMEDOUT; -ECONNRESET or -EPIPE: the daemon closed the connection;
 *   -EMSGSIZE: an answer longer than FRR_VTY_OUTPUT_MAX; -EPROTO: bytes
 *   after an answer.
 * Returns 0 and the call in *out, or -EINVAL (no commands, an empty or too
 * long one), -ENAMETOOLONG (the path), -ENOMEM, or an sd-event error.
 */
int frr_vty_run(sd_event *event, const char *socket_path, const char *const *commands,
		size_t n, uint64_t timeout_us, frr_vty_done_fn done, void *userdata,
		struct frr_vty_call **out);

/* Stop a call that has not finished: close the connection, free everything;
 * done is not called. Accepts NULL. */
void frr_vty_call_cancel(struct frr_vty_call *c);

/* The same exchange, blocking for at most timeout_us. Returns res->error
 * (or an argument error as frr_vty_run, with res->output NULL); free res
 * with frr_vty_result_clear() either way. */
int frr_vty_run_sync(const char *socket_path, const char *const *commands, size_t n,
		     uint64_t timeout_us, struct frr_vty_result *res);

/* Free what frr_vty_run_sync() put in res. */
void frr_vty_result_clear(struct frr_vty_result *res);

/* A short name of an FRR status code, for logs ("unknown command"). */
const char *frr_vty_status_name(int status);

#endif
