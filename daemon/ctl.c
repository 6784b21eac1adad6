/*
 * ctl.c - edgebfdctl, the control CLI of edgebfdd. A table of subcommands;
 * each sends one line to the control socket and prints the JSON answer,
 * raw (--json) or as a table for people.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "conf.h"

#define RESPONSE_MAX (64u << 20)

struct ctl {
	const char *socket_path;
	bool json;
};

/* Send request, read the whole answer, parse it. NULL after printing why. */
static struct json_object *ask(const struct ctl *ctl, const char *request)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_object *answer = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd;

	if (strlen(ctl->socket_path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "edgebfdctl: socket path too long: %s\n", ctl->socket_path);
		return NULL;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ctl->socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "edgebfdctl: cannot connect to %s: %s (is edgebfdd running?)\n",
			ctl->socket_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (write(fd, request, strlen(request)) < 0 || write(fd, "\n", 1) < 0) {
		fprintf(stderr, "edgebfdctl: cannot send: %s\n", strerror(errno));
		close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (len + 4096 > cap) {
			char *grown;

			cap = cap ? 2 * cap : 65536;
			grown = cap <= RESPONSE_MAX ? realloc(buf, cap) : NULL;
			if (!grown) {
				fprintf(stderr, "edgebfdctl: answer too large\n");
				goto out;
			}
			buf = grown;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "edgebfdctl: cannot read: %s\n", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	answer = json_tokener_parse(buf);
	if (!answer)
		fprintf(stderr, "edgebfdctl: edgebfdd sent an answer that is not JSON\n");
out:
	free(buf);
	close(fd);
	return answer;
}

/* An {"error": ...} answer: print it and fail. */
static bool is_error(struct json_object *answer)
{
	struct json_object *e;

	if (json_object_is_type(answer, json_type_object) &&
	    json_object_object_get_ex(answer, "error", &e)) {
		fprintf(stderr, "edgebfdctl: %s\n", json_object_get_string(e));
		return true;
	}
	return false;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && !json_object_is_type(v, json_type_null)
		       ? json_object_get_string(v)
		       : "-";
}

static uint64_t num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : 0;
}

static uint64_t sum_drops(struct json_object *o)
{
	struct json_object *drops;
	uint64_t total = 0;

	if (!json_object_object_get_ex(o, "drops", &drops))
		return 0;
	struct json_object_iterator it = json_object_iter_begin(drops);
	struct json_object_iterator end = json_object_iter_end(drops);

	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
		total += json_object_get_uint64(json_object_iter_peek_value(&it));
	return total;
}

/* "3d4h", "12m05s", "41.2s" since an ISO 8601 UTC timestamp; "-" if none. */
static void format_age(const char *iso, char *buf, size_t len)
{
	struct tm tm = { 0 };
	time_t then, now = time(NULL);
	long s;

	if (strcmp(iso, "-") == 0 || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, len, "-");
		return;
	}
	then = timegm(&tm);
	s = (long)(now - then);
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, len, "%ldd%02ldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%ldh%02ldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
}

/* Milliseconds, with a fraction only when there is one. */
static void format_ms(uint64_t us, char *buf, size_t len)
{
	if (us % 1000)
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, us / 1000, us % 1000);
	else
		snprintf(buf, len, "%" PRIu64, us / 1000);
}

/* The BGP neighbors of the sessions that have one, as a second table. */
static void print_bgp(struct json_object *sessions)
{
	bool header = false;

	for (size_t i = 0; i < json_object_array_length(sessions); i++) {
		struct json_object *s = json_object_array_get_idx(sessions, i);
		struct json_object *b, *timers = NULL;
		char last[48], errors[24];

		if (!json_object_object_get_ex(s, "bgp", &b) || !json_object_is_type(b, json_type_object))
			continue;
		if (!header) {
			printf("\n%-12s %-26s %-9s %-12s %-5s %-20s %-12s %6s  %s\n", "NAME",
			       "BGP-NEIGHBOR", "ACTION", "BGP-STATE", "SHUT", "LAST-ACTION",
			       "PENDING", "ERRORS", "TIMERS");
			header = true;
		}
		json_object_object_get_ex(b, "timers", &timers);
		if (strcmp(str(b, "last_action"), "-") == 0)
			snprintf(last, sizeof(last), "-");
		else
			snprintf(last, sizeof(last), "%s%s", str(b, "last_action"),
				 strcmp(str(b, "last_action_done_at"), "-") == 0 ? " (not done)" : "");
		snprintf(errors, sizeof(errors), "%" PRIu64, num(b, "errors"));
		printf("%-12s %-26s %-9s %-12s %-5s %-20s %-12s %6s  %s\n", str(s, "name"),
		       str(b, "neighbor"), str(b, "action"), str(b, "bgp_state"),
		       json_object_get_boolean(json_object_object_get(b, "shut_by_edgebfd")) ? "yes"
											 : "no",
		       last, str(b, "pending"), errors, timers ? str(timers, "state") : "-");
		if (strcmp(str(b, "last_error"), "-") != 0 && num(b, "errors"))
			printf("%-12s last error: %s\n", "", str(b, "last_error"));
		if (json_object_get_boolean(json_object_object_get(b, "bfd_unanswered")))
			printf("%-12s warning: BGP is Established but BFD has never answered: BFD "
			       "is probably not enabled on this peering\n", "");
	}
}

static void print_sessions(struct json_object *sessions)
{
	size_t n = json_object_array_length(sessions);

	printf("%-12s %-10s %-26s %-10s %-10s %-30s %7s %7s %8s %9s %9s %9s %6s  %s\n", "NAME",
	       "IFACE", "PEER", "STATE", "REMOTE", "DIAG", "TX(ms)", "RX(ms)", "DETECT", "SINCE",
	       "RX-PKTS", "TX-PKTS", "DROPS", "ROUTES");
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(sessions, i);
		char tx[24], rx[24], detect[24], since[24];

		format_ms(num(s, "tx_interval_us"), tx, sizeof(tx));
		format_ms(num(s, "rx_interval_us"), rx, sizeof(rx));
		format_ms(num(s, "detection_time_us"), detect, sizeof(detect));
		format_age(str(s, "last_state_change"), since, sizeof(since));
		char routes[48];

		if (strcmp(str(s, "route_action"), "none") == 0)
			snprintf(routes, sizeof(routes), "-");
		else
			snprintf(routes, sizeof(routes), "%s %" PRIu64, str(s, "route_action"),
				 num(s, "routes_affected"));
		printf("%-12s %-10s %-26s %-10s %-10s %-30s %7s %7s %8s %9s %9" PRIu64 " %9" PRIu64
		       " %6" PRIu64 "  %s\n",
		       str(s, "name"), str(s, "interface"), str(s, "peer_address"), str(s, "state"),
		       str(s, "remote_state"), str(s, "local_diag"), tx, rx, detect, since,
		       num(s, "packets_rx"), num(s, "packets_tx"), sum_drops(s), routes);
	}
	print_bgp(sessions);
}

static void print_drops(struct json_object *drops)
{
	struct json_object_iterator it = json_object_iter_begin(drops);
	struct json_object_iterator end = json_object_iter_end(drops);

	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
		printf("%-24s %" PRIu64 "\n", json_object_iter_peek_name(&it),
		       json_object_get_uint64(json_object_iter_peek_value(&it)));
}

/* Ask, then print raw JSON or through the table printer. */
static int show(const struct ctl *ctl, const char *request, void (*print)(struct json_object *))
{
	struct json_object *answer = ask(ctl, request);
	int r = EXIT_FAILURE;

	if (!answer)
		return EXIT_FAILURE;
	if (!is_error(answer)) {
		if (ctl->json)
			puts(json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_SPACED));
		else
			print(answer);
		r = EXIT_SUCCESS;
	}
	json_object_put(answer);
	return r;
}

static int cmd_sessions(const struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: edgebfdctl sessions\n");
		return 2;
	}
	return show(ctl, "sessions", print_sessions);
}

static int cmd_drops(const struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: edgebfdctl drops\n");
		return 2;
	}
	return show(ctl, "drops", print_drops);
}

static void print_routes(struct json_object *o)
{
	struct json_object *routes, *groups;

	printf("session %s: %s%s\n", str(o, "session"), str(o, "route_action"),
	       json_object_get_boolean(json_object_object_get(o, "busy")) ? " (action running)"
									   : "");
	if (json_object_object_get_ex(o, "nexthop_groups", &groups))
		for (size_t i = 0; i < json_object_array_length(groups); i++)
			printf("nexthop group %" PRIu64 ": dead member removed\n",
			       num(json_object_array_get_idx(groups, i), "nexthop_group"));
	if (!json_object_object_get_ex(o, "routes", &routes) ||
	    json_object_array_length(routes) == 0)
		return;
	printf("%-44s %6s %-10s %10s  %s\n", "PREFIX", "TABLE", "PROTOCOL", "METRIC", "CHANGE");
	for (size_t i = 0; i < json_object_array_length(routes); i++) {
		struct json_object *r = json_object_array_get_idx(routes, i);

		printf("%-44s %6" PRIu64 " %-10s %10" PRIu64 "  %s", str(r, "prefix"), num(r, "table"),
		       str(r, "protocol"), num(r, "metric"), str(r, "change"));
		if (json_object_object_get(r, "nexthop_group"))
			printf(" (nexthop group %" PRIu64 ")", num(r, "nexthop_group"));
		putchar('\n');
	}
}

static int cmd_routes(const struct ctl *ctl, int argc, char **argv)
{
	char request[CONF_NAME_MAX + 32];

	if (argc != 2) {
		fprintf(stderr, "usage: edgebfdctl routes NAME\n");
		return 2;
	}
	if (strlen(argv[1]) >= CONF_NAME_MAX || strpbrk(argv[1], " \t\n")) {
		fprintf(stderr, "edgebfdctl: \"%s\" is not a session name\n", argv[1]);
		return 2;
	}
	snprintf(request, sizeof(request), "routes %s", argv[1]);
	return show(ctl, request, print_routes);
}

static void print_ok(struct json_object *answer)
{
	(void)answer;
}

static int cmd_session(const struct ctl *ctl, int argc, char **argv)
{
	char request[CONF_NAME_MAX + 32];

	if (argc != 3 || (strcmp(argv[2], "disable") != 0 && strcmp(argv[2], "enable") != 0)) {
		fprintf(stderr, "usage: edgebfdctl session NAME disable|enable\n");
		return 2;
	}
	if (strlen(argv[1]) >= CONF_NAME_MAX || strpbrk(argv[1], " \t\n")) {
		fprintf(stderr, "edgebfdctl: \"%s\" is not a session name\n", argv[1]);
		return 2;
	}
	snprintf(request, sizeof(request), "session %s %s", argv[1], argv[2]);
	return show(ctl, request, print_ok);
}

static const struct command {
	const char *name;
	int (*run)(const struct ctl *ctl, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "sessions", cmd_sessions, "sessions                      state, timers and counters of every session, and their BGP neighbors" },
	{ "routes", cmd_routes, "routes NAME                   routes a session's action withdrew or demoted" },
	{ "drops", cmd_drops, "drops                         dropped packets that matched no session, by reason" },
	{ "session", cmd_session, "session NAME disable|enable   put a session in AdminDown, or back in service" },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: edgebfdctl [OPTIONS] COMMAND\n"
		     "Control and inspect edgebfdd.\n\n"
		     "  -s, --socket PATH   control socket (default " CONF_DEFAULT_CONTROL_SOCKET ")\n"
		     "  -j, --json          print JSON instead of a table\n"
		     "  -h, --help          show this help\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].help);
	fprintf(out, "\nThe socket is open to root and to its group (mode 0660).\n"
		     "JSON fields are documented in README.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ctl ctl = { .socket_path = CONF_DEFAULT_CONTROL_SOCKET };
	int c;

	while ((c = getopt_long(argc, argv, "+s:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			ctl.socket_path = optarg;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			return commands[i].run(&ctl, argc - optind, argv + optind);
	fprintf(stderr, "edgebfdctl: unknown command \"%s\" (see --help)\n", argv[optind]);
	return 2;
}
