/* log.c - see log.h. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool to_journal;
static bool debug_enabled;

void log_init(bool debug)
{
	to_journal = getenv("JOURNAL_STREAM") != NULL;
	debug_enabled = debug;
	/* The BFD loop must never wait for a stalled journald: under systemd
	 * stderr is our own stream socket, so a full one drops the line
	 * instead of blocking. */
	if (to_journal) {
		int flags = fcntl(STDERR_FILENO, F_GETFL);

		if (flags >= 0)
			fcntl(STDERR_FILENO, F_SETFL, flags | O_NONBLOCK);
	}
}

bool log_debug_enabled(void)
{
	return debug_enabled;
}

static void log_line(int priority, const char *msg, const char *suffix)
{
	if (to_journal) {
		fprintf(stderr, "<%d>%s%s\n", priority, msg, suffix);
		return;
	}
	struct timespec ts;
	struct tm tm;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%06ld %s%s\n", when, ts.tv_nsec / 1000, msg, suffix);
}

void log_msg(int priority, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(priority, msg, "");
}

int log_msg_errno(int priority, int err, const char *fmt, ...)
{
	char msg[1024], suffix[128];
	va_list ap;

	err = err < 0 ? -err : err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(suffix, sizeof(suffix), ": %s", strerror(err));
	log_line(priority, msg, suffix);
	return -err;
}

bool log_ratelimit_ok(struct log_ratelimit *rl, unsigned long long now_us)
{
	unsigned long long elapsed_s;

	if (rl->refill_us == 0) {
		rl->tokens = rl->burst;
		rl->refill_us = now_us;
	}
	elapsed_s = (now_us - rl->refill_us) / 1000000ULL;
	if (elapsed_s) {
		rl->tokens = elapsed_s >= rl->burst ? rl->burst : rl->tokens + (unsigned)elapsed_s;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
		rl->refill_us = now_us;
	}
	if (rl->tokens == 0) {
		rl->suppressed++;
		return false;
	}
	rl->tokens--;
	if (rl->suppressed) {
		log_msg(LOG_NOTICE, "(%lu similar messages suppressed)", rl->suppressed);
		rl->suppressed = 0;
	}
	return true;
}
