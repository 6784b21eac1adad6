/* frr_vty.c - see frr_vty.h. */
#include "frr_vty.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* An answer ends with three NULs and the status byte. */
#define TERMINATOR_LEN 4
#define ANSWER_MAX (FRR_VTY_OUTPUT_MAX + TERMINATOR_LEN)
#define BUF_INITIAL 4096

/* ---- the exchange, shared by both drivers ---------------------------------- */

/*
 * A connected non-blocking socket, the commands to send, and the answer
 * being read. The drivers wait for what exchange_wants_write() says and
 * call exchange_step() until done.
 */
struct exchange {
	int fd;
	char *wire;      /* the commands, each with its NUL, as sent */
	size_t n;        /* commands */
	size_t current;  /* index of the command being sent or answered */
	size_t pos;      /* offset of the current command in wire */
	size_t sent;     /* bytes of it written */
	bool reading;    /* it is all written: wait for its answer */
	char *buf;       /* the answer so far, always NUL-terminated */
	size_t len, cap; /* cap counts the NUL's byte */
	size_t scanned;  /* no terminator starts before this offset */
	bool done;
	struct frr_vty_result res;
};

static void exchange_finish(struct exchange *x, int error, int status)
{
	x->done = true;
	x->res.error = error;
	x->res.failed_command = error == 0 && status == FRR_CMD_SUCCESS ? x->n : x->current;
	x->res.status = status;
	x->res.output = x->buf;
	x->res.output_len = strlen(x->buf); /* an error may leave NULs of a terminator */
}

/* Copy and check the commands, connect. An argument or resource error is
 * returned; a connect error finishes the exchange. */
static int exchange_init(struct exchange *x, const char *path, const char *const *commands,
			 size_t n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t total = 0;

	*x = (struct exchange){ .fd = -1, .n = n, .cap = BUF_INITIAL };
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(commands[i]);

		if (len == 0 || len > FRR_VTY_COMMAND_MAX)
			return -EINVAL;
		total += len + 1;
	}
	x->wire = malloc(total);
	x->buf = malloc(x->cap);
	if (!x->wire || !x->buf)
		return -ENOMEM;
	x->buf[0] = '\0';
	for (size_t i = 0, at = 0; i < n; i++) {
		size_t len = strlen(commands[i]) + 1;

		memcpy(x->wire + at, commands[i], len);
		at += len;
	}
	x->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (x->fd < 0)
		return -errno;
	memcpy(sa.sun_path, path, strlen(path));
	/* A Unix stream connect completes or fails at once; with the listener's
	 * backlog full it fails with EAGAIN rather than going in progress. */
	if (connect(x->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		exchange_finish(x, -errno, -1);
	return 0;
}

static void exchange_free(struct exchange *x)
{
	if (x->fd >= 0)
		close(x->fd);
	free(x->wire);
	free(x->buf);
	*x = (struct exchange){ .fd = -1 };
}

static bool exchange_wants_write(const struct exchange *x)
{
	return !x->reading;
}

/* Look for the end of the answer; when found, go on to the next command
 * or finish. */
static void answer_check(struct exchange *x)
{
	static const char zeros[TERMINATOR_LEN - 1];
	char *end = memmem(x->buf + x->scanned, x->len - x->scanned, zeros, sizeof(zeros));
	int status;

	if (!end || (size_t)(end - x->buf) + TERMINATOR_LEN > x->len) {
		if (end)
			x->scanned = (size_t)(end - x->buf);
		else if (x->len >= sizeof(zeros))
			x->scanned = x->len - (sizeof(zeros) - 1);
		if (x->len == ANSWER_MAX)
			exchange_finish(x, -EMSGSIZE, -1);
		return;
	}
	if ((size_t)(end - x->buf) + TERMINATOR_LEN != x->len) {
		exchange_finish(x, -EPROTO, -1);
		return;
	}
	status = (unsigned char)end[TERMINATOR_LEN - 1];
	x->len = (size_t)(end - x->buf); /* the output, NUL-terminated by the terminator */
	if (status != FRR_CMD_SUCCESS || x->current + 1 == x->n) {
		exchange_finish(x, 0, status);
		return;
	}
	x->pos += strlen(x->wire + x->pos) + 1;
	x->current++;
	x->sent = 0;
	x->reading = false;
	x->len = 0;
	x->scanned = 0;
	x->buf[0] = '\0';
}

/* Room for one more read, up to the largest answer kept. */
static int buf_reserve(struct exchange *x)
{
	char *bigger;
	size_t cap;

	if (x->len + 1 < x->cap)
		return 0;
	cap = x->cap * 2 > ANSWER_MAX + 1 ? ANSWER_MAX + 1 : x->cap * 2;
	bigger = realloc(x->buf, cap);
	if (!bigger)
		return -ENOMEM;
	x->buf = bigger;
	x->cap = cap;
	return 0;
}

/* Write and read what the socket takes and has, without blocking. */
static void exchange_step(struct exchange *x)
{
	while (!x->done) {
		ssize_t r;

		if (!x->reading) {
			const char *cmd = x->wire + x->pos;
			size_t len = strlen(cmd) + 1;

			r = send(x->fd, cmd + x->sent, len - x->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (r >= 0) {
				x->sent += (size_t)r;
				x->reading = x->sent == len;
				continue;
			}
		} else {
			int e = buf_reserve(x);

			if (e < 0) {
				exchange_finish(x, e, -1);
				break;
			}
			r = recv(x->fd, x->buf + x->len, x->cap - 1 - x->len, MSG_DONTWAIT);
			if (r > 0) {
				x->len += (size_t)r;
				x->buf[x->len] = '\0';
				answer_check(x);
				continue;
			}
			if (r == 0) {
				exchange_finish(x, -ECONNRESET, -1);
				break;
			}
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		if (errno != EINTR)
			exchange_finish(x, -errno, -1);
	}
}

/* ---- on an sd-event loop ------------------------------------------------------- */

struct frr_vty_call {
	struct exchange x;
	sd_event_source *source; /* the socket's, or a defer source that reports
				  * a connect error from the loop */
	sd_event_source *timer;
	frr_vty_done_fn done;
	void *userdata;
};

void frr_vty_call_cancel(struct frr_vty_call *c)
{
	if (!c)
		return;
	sd_event_source_disable_unref(c->source);
	sd_event_source_disable_unref(c->timer);
	exchange_free(&c->x);
	free(c);
}

static void call_finish(struct frr_vty_call *c)
{
	c->done(&c->x.res, c->userdata);
	frr_vty_call_cancel(c);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct frr_vty_call *c = userdata;
	int r;

	(void)fd;
	(void)revents;
	exchange_step(&c->x);
	if (!c->x.done) {
		r = sd_event_source_set_io_events(s, exchange_wants_write(&c->x) ? EPOLLOUT
										 : EPOLLIN);
		if (r < 0)
			exchange_finish(&c->x, r, -1);
	}
	if (c->x.done)
		call_finish(c);
	return 0;
}

static int on_connect_error(sd_event_source *s, void *userdata)
{
	(void)s;
	call_finish(userdata);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct frr_vty_call *c = userdata;

	(void)s;
	(void)usec;
	exchange_finish(&c->x, -ETIMEDOUT, -1);
	call_finish(c);
	return 0;
}

int frr_vty_run(sd_event *event, const char *socket_path, const char *const *commands,
		size_t n, uint64_t timeout_us, frr_vty_done_fn done, void *userdata,
		struct frr_vty_call **out)
{
	struct frr_vty_call *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->done = done;
	c->userdata = userdata;
	r = exchange_init(&c->x, socket_path, commands, n);
	if (r < 0)
		goto fail;
	if (c->x.done)
		r = sd_event_add_defer(event, &c->source, on_connect_error, c);
	else
		r = sd_event_add_io(event, &c->source, c->x.fd, EPOLLOUT, on_io, c);
	/* Below BFD packets and timers, always; 1 ms accuracy (0 means 250 ms). */
	if (r >= 0)
		r = sd_event_source_set_priority(c->source, SD_EVENT_PRIORITY_IDLE);
	if (r >= 0)
		r = sd_event_add_time_relative(event, &c->timer, CLOCK_MONOTONIC, timeout_us, 1000,
					       on_timeout, c);
	if (r < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	frr_vty_call_cancel(c);
	return r;
}

/* ---- blocking, with a deadline ------------------------------------------------- */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int frr_vty_run_sync(const char *socket_path, const char *const *commands, size_t n,
		     uint64_t timeout_us, struct frr_vty_result *res)
{
	struct exchange x;
	uint64_t now = now_us();
	uint64_t deadline = timeout_us > UINT64_MAX - now ? UINT64_MAX : now + timeout_us;
	int r;

	r = exchange_init(&x, socket_path, commands, n);
	if (r < 0) {
		exchange_free(&x);
		*res = (struct frr_vty_result){ .error = r, .status = -1 };
		return r;
	}
	while (!x.done) {
		struct pollfd p = { .fd = x.fd, .events = exchange_wants_write(&x) ? POLLOUT : POLLIN };
		uint64_t wait_ms;

		now = now_us();
		if (now >= deadline) {
			exchange_finish(&x, -ETIMEDOUT, -1);
			break;
		}
		/* Round up, so that a wait never ends just before the deadline. */
		wait_ms = (deadline - now) / 1000 + 1;
		r = poll(&p, 1, wait_ms > INT_MAX ? INT_MAX : (int)wait_ms);
		if (r < 0 && errno != EINTR)
			exchange_finish(&x, -errno, -1);
		else if (r > 0)
			exchange_step(&x);
	}
	*res = x.res;
	x.buf = NULL; /* now res->output */
	exchange_free(&x);
	return res->error;
}

void frr_vty_result_clear(struct frr_vty_result *res)
{
	free(res->output);
	*res = (struct frr_vty_result){ .status = -1 };
}

/* ---- helpers ------------------------------------------------------------------- */

int frr_vty_socket_path(char *buf, size_t size, const char *dir, const char *daemon)
{
	int len;

	if (!*dir || !*daemon || strchr(daemon, '/'))
		return -EINVAL;
	len = snprintf(buf, size, "%s/%s.vty", dir, daemon);
	if (len < 0 || (size_t)len >= size || len >= FRR_VTY_PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

const char *frr_vty_status_name(int status)
{
	switch (status) {
	case FRR_CMD_SUCCESS:
		return "success";
	case FRR_CMD_WARNING:
		return "warning";
	case FRR_CMD_ERR_NO_MATCH:
		return "unknown command";
	case FRR_CMD_ERR_AMBIGUOUS:
		return "ambiguous command";
	case FRR_CMD_ERR_INCOMPLETE:
		return "incomplete command";
	case FRR_CMD_WARNING_CONFIG_FAILED:
		return "configuration failed";
	default:
		return "error";
	}
}
