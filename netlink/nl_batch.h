/*
 * nl_batch.h - a blocking rtnetlink socket for dumps and batched
 * requests, meant for a worker thread (never the BFD event loop).
 *
 * Requests are packed into one buffer and sent together; the kernel
 * handles a NETLINK_ROUTE sendmsg() synchronously, so when it returns every
 * error reply is already queued and is read back without waiting. No
 * request asks for a positive ACK: a silent request succeeded.
 */
#ifndef EDGEBFD_NL_BATCH_H
#define EDGEBFD_NL_BATCH_H

#include <stddef.h>
#include <stdint.h>

struct nl_batch;

/* A request that failed: cookie as given to nl_batch_add, error -errno. */
typedef void (*nl_batch_error_fn)(void *ctx, uint32_t cookie, int error);

/* A message of a dump: its type and payload (after the nlmsghdr). */
typedef void (*nl_dump_fn)(void *ctx, uint16_t type, const void *payload, size_t len);

/* Open a socket in the calling thread's network namespace. 0 or -errno. */
int nl_batch_open(struct nl_batch **out);
void nl_batch_close(struct nl_batch *b);

/* The socket's netlink port id: notifications caused by our own requests
 * carry it in nlmsg_pid, which is how a monitor tells them apart. */
uint32_t nl_batch_portid(const struct nl_batch *b);

/* Dump all objects of type (RTM_GETROUTE, RTM_GETNEXTHOP) of family,
 * calling fn for each. Returns 0 or -errno; -EAGAIN when the kernel
 * flagged the dump inconsistent (NLM_F_DUMP_INTR: the table changed
 * meanwhile), after reading it to its end: the caller starts again. */
int nl_batch_dump(struct nl_batch *b, uint16_t type, uint8_t family, nl_dump_fn fn, void *ctx);

/* Where errors of the following requests go. */
void nl_batch_begin(struct nl_batch *b, nl_batch_error_fn fn, void *ctx);

/* Queue a request (type, NLM_F_* flags besides NLM_F_REQUEST, payload);
 * sends the queue first when it is full. Returns 0 or -errno. */
int nl_batch_add(struct nl_batch *b, uint16_t type, uint16_t flags, const void *payload,
		 size_t len, uint32_t cookie);

/* Send what is queued and report its errors. Returns how many requests
 * failed, or -errno for a socket failure (then the outcome of the queued
 * requests is unknown). */
int nl_batch_flush(struct nl_batch *b);

#endif
