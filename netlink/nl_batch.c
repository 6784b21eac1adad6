/* nl_batch.c - see nl_batch.h. */
#include "nl_batch.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

/* Requests per sendmsg(): 64 KiB is about 500 route messages. Their error
 * replies, if all failed, fit the receive buffer set below. */
#define SEND_BUFFER_SIZE 65536
#define RECV_BUFFER_SIZE 65536
#define SOCKET_RCVBUF (4 << 20)
#define MAX_PENDING (SEND_BUFFER_SIZE / NLMSG_HDRLEN)

struct nl_batch {
	struct mnl_socket *nl;
	uint32_t seq;
	nl_batch_error_fn on_error;
	void *ctx;
	size_t len;
	uint32_t first_seq;
	unsigned n_pending;
	uint32_t cookies[MAX_PENDING];
	uint8_t send_buf[SEND_BUFFER_SIZE] __attribute__((aligned(4)));
	uint8_t recv_buf[RECV_BUFFER_SIZE] __attribute__((aligned(4)));
};

int nl_batch_open(struct nl_batch **out)
{
	struct nl_batch *b = calloc(1, sizeof(*b));
	int one = 1, size = SOCKET_RCVBUF;

	if (!b)
		return -ENOMEM;
	b->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!b->nl || mnl_socket_bind(b->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;

		nl_batch_close(b);
		return r;
	}
	/* Error replies carry only the failed request's header. */
	mnl_socket_setsockopt(b->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(b->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(b->nl), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(b->nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	b->seq = (uint32_t)time(NULL);
	*out = b;
	return 0;
}

void nl_batch_close(struct nl_batch *b)
{
	if (!b)
		return;
	if (b->nl)
		mnl_socket_close(b->nl);
	free(b);
}

uint32_t nl_batch_portid(const struct nl_batch *b)
{
	return mnl_socket_get_portid(b->nl);
}

struct dump_ctx {
	nl_dump_fn fn;
	void *ctx;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;

	d->fn(d->ctx, nlh->nlmsg_type, mnl_nlmsg_get_payload(nlh),
	      mnl_nlmsg_get_payload_len(nlh));
	return MNL_CB_OK;
}

/* Whether buf holds the end (NLMSG_DONE or an error) of the dump seq. */
static bool dump_ends(const void *buf, size_t len, uint32_t seq)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		if (nlh->nlmsg_seq == seq &&
		    (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR))
			return true;
	return false;
}

/* Read the rest of dump seq, whose last part read is the first len bytes
 * of b->recv_buf. 0 or -errno. */
static int drain_dump(struct nl_batch *b, size_t len, uint32_t seq)
{
	ssize_t n = (ssize_t)len;

	/* Bounded: a dump ends; a socket error ends the wait too. */
	for (unsigned i = 0; i < 1u << 20 && !dump_ends(b->recv_buf, (size_t)n, seq); i++) {
		n = mnl_socket_recvfrom(b->nl, b->recv_buf, sizeof(b->recv_buf));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n < 0)
			n = 0;
	}
	return 0;
}

int nl_batch_dump(struct nl_batch *b, uint16_t type, uint8_t family, nl_dump_fn fn, void *ctx)
{
	uint8_t req[NLMSG_SPACE(sizeof(struct rtmsg))] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct dump_ctx d = { fn, ctx };
	uint32_t seq = ++b->seq;
	int r;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	/* rtmsg and nhmsg both begin with the family byte; the nexthop dump
	 * wants exactly an nhmsg (nh_valid_dump_req). */
	((uint8_t *)mnl_nlmsg_put_extra_header(
		nlh, type == RTM_GETNEXTHOP ? sizeof(struct nhmsg) : sizeof(struct rtmsg)))[0] =
		family;
	if (mnl_socket_sendto(b->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(b->nl, b->recv_buf, sizeof(b->recv_buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		r = mnl_cb_run(b->recv_buf, (size_t)n, seq, mnl_socket_get_portid(b->nl), dump_cb,
			       &d);
		if (r == MNL_CB_STOP)
			return 0;
		if (r < 0) {
			/* libmnl stops at a message flagged NLM_F_DUMP_INTR (the
			 * table changed during the dump) with EINTR. The rest
			 * of the dump is still queued on the socket: read it
			 * away so that the next request gets its own answer. */
			r = errno == EINTR ? -EAGAIN : -errno;
			return drain_dump(b, (size_t)n, seq) < 0 ? -EIO : r;
		}
	}
}

void nl_batch_begin(struct nl_batch *b, nl_batch_error_fn fn, void *ctx)
{
	b->on_error = fn;
	b->ctx = ctx;
}

int nl_batch_add(struct nl_batch *b, uint16_t type, uint16_t flags, const void *payload,
		 size_t len, uint32_t cookie)
{
	size_t need = NLMSG_ALIGN(NLMSG_HDRLEN + len);
	struct nlmsghdr *nlh;

	if (need > sizeof(b->send_buf))
		return -EMSGSIZE;
	if (b->len + need > sizeof(b->send_buf) || b->n_pending == MAX_PENDING) {
		int r = nl_batch_flush(b);

		if (r < 0)
			return r;
	}
	if (b->n_pending == 0)
		b->first_seq = b->seq + 1;
	nlh = (struct nlmsghdr *)(b->send_buf + b->len);
	memset(nlh, 0, need);
	nlh->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	nlh->nlmsg_seq = ++b->seq;
	memcpy(mnl_nlmsg_get_payload(nlh), payload, len);
	b->cookies[b->n_pending++] = cookie;
	b->len += need;
	return 0;
}

/* Read the error replies already queued for the batch just sent; how
 * many there were, or -errno. */
static int collect_errors(struct nl_batch *b)
{
	int failed = 0;

	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(b->nl), b->recv_buf, sizeof(b->recv_buf),
				 MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? failed : -errno;
		int left = (int)n;

		for (const struct nlmsghdr *h = (const struct nlmsghdr *)b->recv_buf;
		     mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
			uint32_t i = h->nlmsg_seq - b->first_seq;

			if (h->nlmsg_type != NLMSG_ERROR || e->error == 0 || i >= b->n_pending)
				continue;
			failed++;
			if (b->on_error)
				b->on_error(b->ctx, b->cookies[i], e->error);
		}
	}
}

int nl_batch_flush(struct nl_batch *b)
{
	int r = 0;

	if (b->n_pending == 0)
		return 0;
	if (mnl_socket_sendto(b->nl, b->send_buf, b->len) < 0)
		r = -errno;
	else
		r = collect_errors(b);
	b->len = 0;
	b->n_pending = 0;
	return r;
}
