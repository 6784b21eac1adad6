/*
 * log.h - daemon logging to stderr. Under systemd (JOURNAL_STREAM set) each
 * line carries a <N> priority prefix that journald understands; on a
 * terminal it carries a timestamp instead. log_*_errno() append strerror.
 * Only the daemon logs; libbfd, conf and netlink return errors instead.
 */
#ifndef EDGEBFD_LOG_H
#define EDGEBFD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_init(bool debug);
bool log_debug_enabled(void);

void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns -err, so error paths can `return log_error_errno(r, ...)`. */
int log_msg_errno(int priority, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(...) (log_debug_enabled() ? log_msg(LOG_DEBUG, __VA_ARGS__) : (void)0)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning_errno(err, ...) log_msg_errno(LOG_WARNING, err, __VA_ARGS__)
#define log_error_errno(err, ...) log_msg_errno(LOG_ERR, err, __VA_ARGS__)

/* A token bucket for messages that a flood could repeat (drops, send
 * errors): at most `burst` messages, refilled at one per second. */
struct log_ratelimit {
	unsigned burst;
	unsigned tokens;
	unsigned long long refill_us;
	unsigned long suppressed;
};

/* Whether to log now (now_us monotonic). Counts what it suppresses and
 * reports the count with the next message it allows. */
bool log_ratelimit_ok(struct log_ratelimit *rl, unsigned long long now_us);

#endif
