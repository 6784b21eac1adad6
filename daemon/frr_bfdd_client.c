/* frr_bfdd_client.c - see frr_bfdd_client.h. */
#include "frr_bfdd_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define SUBSCRIBE_ID 1
#define RETRY_ACCURACY_US 1000

struct frr_bfdd_client {
	const struct frr_bfdd_client_ops *ops;
	void *userdata;
	struct sockaddr_un addr;
	int fd;                  /* -1 between connections */
	sd_event_source *io;     /* of fd */
	sd_event_source *retry;  /* the next attempt */
	uint64_t retry_us;       /* wait before the attempt after a failure */
	bool subscribed;         /* bfdd said "ok" to this connection's request */
	uint64_t unreadable;
	size_t len;              /* bytes in buf */
	uint8_t buf[FRR_BFDD_HEADER_LEN + FRR_BFDD_PAYLOAD_MAX];
};

static void close_connection(struct frr_bfdd_client *c)
{
	c->io = sd_event_source_disable_unref(c->io);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
	c->subscribed = false;
}

/* Drop the connection, arm the next attempt and tell the owner. */
static void fail(struct frr_bfdd_client *c, int error)
{
	uint64_t wait_us = c->retry_us;

	close_connection(c);
	c->retry_us = wait_us * 2 < FRR_BFDD_RETRY_MAX_US ? wait_us * 2 : FRR_BFDD_RETRY_MAX_US;
	/* Arming a time source fails only without memory: then the client
	 * stays idle, and the owner learns of the failure all the same. */
	if (sd_event_source_set_time_relative(c->retry, wait_us) >= 0)
		sd_event_source_set_enabled(c->retry, SD_EVENT_ONESHOT);
	c->ops->disconnected(error, wait_us, c->userdata);
}

static int handle_response(struct frr_bfdd_client *c, const struct frr_bfdd_msg *msg)
{
	int r;

	if (c->subscribed || msg->id != SUBSCRIBE_ID)
		return -EBADMSG;
	r = frr_bfdd_parse_response(msg->payload, msg->payload_len, NULL, 0);
	if (r < 0)
		return r;
	c->subscribed = true;
	c->retry_us = FRR_BFDD_RETRY_MIN_US;
	c->ops->connected(c->userdata);
	return 0;
}

/* A notification that cannot be read is counted and skipped: the stream
 * itself is still in step, and dropping the connection would only bring
 * the same notification again in the next dump. */
static void handle_notify(struct frr_bfdd_client *c, const struct frr_bfdd_msg *msg)
{
	struct frr_bfdd_peer_event ev;
	int r = frr_bfdd_parse_notify(msg->payload, msg->payload_len, &ev);

	if (r == 0)
		c->ops->peer(&ev, c->userdata);
	else if (r != -ENOMSG)
		c->unreadable++;
}

/* Handle the complete messages in buf and keep the rest. 0 or -errno. */
static int handle_messages(struct frr_bfdd_client *c)
{
	struct frr_bfdd_msg msg;
	size_t off = 0;
	int n, r = 0;

	while ((n = frr_bfdd_next_msg(c->buf + off, c->len - off, &msg)) > 0) {
		off += (size_t)n;
		if (msg.type == FRR_BFDD_MSG_RESPONSE)
			r = handle_response(c, &msg);
		else if (msg.type == FRR_BFDD_MSG_NOTIFY)
			handle_notify(c, &msg);
		else
			c->unreadable++;
		if (r < 0)
			return r;
	}
	if (n < 0)
		return n;
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	return 0;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct frr_bfdd_client *c = userdata;
	ssize_t n;
	int r;

	(void)s;
	(void)revents;
	n = read(fd, c->buf + c->len, sizeof(c->buf) - c->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		fail(c, n == 0 ? -ECONNRESET : -errno);
		return 0;
	}
	c->len += (size_t)n;
	r = handle_messages(c);
	if (r < 0)
		fail(c, r);
	return 0;
}

/* Connect and send the subscription. 0 or -errno. */
static int attempt(struct frr_bfdd_client *c, sd_event *event)
{
	uint8_t req[FRR_BFDD_SUBSCRIBE_LEN];
	ssize_t n;

	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	/* On a Unix socket connect() does not wait: it succeeds, or fails
	 * (EAGAIN when bfdd's backlog is full) and the attempt is retried. */
	if (connect(c->fd, (const struct sockaddr *)&c->addr, sizeof(c->addr)) < 0)
		return -errno;
	frr_bfdd_subscribe_request(req, SUBSCRIBE_ID);
	n = send(c->fd, req, sizeof(req), MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	/* A new connection's send buffer is empty: 16 bytes go in whole. */
	if ((size_t)n != sizeof(req))
		return -EIO;
	return sd_event_add_io(event, &c->io, c->fd, EPOLLIN, on_io, c);
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct frr_bfdd_client *c = userdata;
	int r;

	(void)usec;
	r = attempt(c, sd_event_source_get_event(s));
	if (r < 0)
		fail(c, r);
	return 0;
}

int frr_bfdd_client_start(sd_event *event, const char *path, const struct frr_bfdd_client_ops *ops,
			  void *userdata, struct frr_bfdd_client **out)
{
	struct frr_bfdd_client *c;
	int r;

	if (strlen(path) >= sizeof(c->addr.sun_path))
		return -ENAMETOOLONG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ops = ops;
	c->userdata = userdata;
	c->addr.sun_family = AF_UNIX;
	memcpy(c->addr.sun_path, path, strlen(path) + 1);
	c->fd = -1;
	c->retry_us = FRR_BFDD_RETRY_MIN_US;
	r = sd_event_add_time_relative(event, &c->retry, CLOCK_MONOTONIC, 0, RETRY_ACCURACY_US,
				       on_retry, c);
	if (r < 0) {
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

struct frr_bfdd_client *frr_bfdd_client_stop(struct frr_bfdd_client *c)
{
	if (!c)
		return NULL;
	close_connection(c);
	sd_event_source_disable_unref(c->retry);
	free(c);
	return NULL;
}

uint64_t frr_bfdd_client_unreadable(const struct frr_bfdd_client *c)
{
	return c->unreadable;
}
