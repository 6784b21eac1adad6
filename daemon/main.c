/*
 * main.c - edgebfdd: BFD (RFC 5880, RFC 5881 single hop) for Linux CE
 * routers on Azure ExpressRoute. Runs in the foreground under systemd
 * (Type=notify, watchdog); SIGHUP reloads, SIGTERM says AdminDown and exits.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "bgp.h"
#include "control.h"
#include "daemon.h"
#include "engine_frr.h"
#include "routes.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: edgebfdd [OPTIONS]\n"
		"BFD (RFC 5880/5881) for Linux customer-edge routers on Azure ExpressRoute.\n"
		"\n"
		"  -c, --config PATH   configuration file (default " CONF_DEFAULT_PATH ")\n"
		"      --check-config  validate the configuration and exit 0 (valid) or 1\n"
		"  -d, --debug         log debug messages\n"
		"  -h, --help          show this help\n"
		"      --version       show the version\n"
		"\n"
		"Signals: SIGHUP reloads the configuration (sessions that keep their interface\n"
		"and addresses stay up; an invalid file is rejected and the old one stays);\n"
		"SIGTERM sends AdminDown on every session and exits.\n"
		"\n"
		"Configuration keys (durations need a unit: us, ms or s):\n"
		"  [daemon]    control-socket = PATH      (default " CONF_DEFAULT_CONTROL_SOCKET ")\n"
		"  [defaults]  any session timer or authentication key, inherited by all sessions\n"
		"  [session NAME]\n"
		"    interface = IFNAME                   required; VLAN subinterfaces work\n"
		"    local-address = ADDRESS              required; IPv4 or IPv6 (link-local too)\n"
		"    peer-address = ADDRESS               required; same family\n"
		"    transmit-interval = 300ms            bfd.DesiredMinTxInterval\n"
		"    receive-interval = 300ms             bfd.RequiredMinRxInterval\n"
		"    detect-multiplier = 3                1-255\n"
		"    auth-type = none                     simple-password, keyed-md5,\n"
		"                                         meticulous-keyed-md5, keyed-sha1,\n"
		"                                         meticulous-keyed-sha1\n"
		"    auth-key-id = 0                      0-255\n"
		"    auth-secret = SECRET                 1-16 characters (1-20 for SHA1)\n"
		"\n"
		"See edgebfdctl --help for the control CLI.\n");
}

struct options {
	const char *config;
	bool check_only;
	bool debug;
};

/* Returns 0 to run, 1 to exit with success, -1 on a usage error. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_CHECK = 256, OPT_VERSION };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	int c;

	o->config = CONF_DEFAULT_PATH;
	while ((c = getopt_long(argc, argv, "c:dh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case OPT_CHECK:
			o->check_only = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case OPT_VERSION:
			printf("edgebfdd %s\n", EDGEBFD_VERSION);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "edgebfdd: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* --check-config: errors and warnings on stderr, nothing touched. */
static int check_config(const char *path)
{
	struct conf_report report = { 0 };
	struct conf *conf = NULL;
	int r = conf_load(path, &conf, &report);

	if (report.text)
		fputs(report.text, stderr);
	if (r == 0)
		printf("%s: valid, %zu sessions, %u warnings\n", path, conf->n_sessions,
		       report.warnings);
	conf_free(conf);
	conf_report_free(&report);
	return r == 0 ? 0 : 1;
}

static int on_sigterm(sd_event_source *source, const struct signalfd_siginfo *si, void *userdata)
{
	struct daemon *d = userdata;

	(void)source;
	log_notice("signal %u: sending AdminDown on every session and stopping", si->ssi_signo);
	sd_notify(0, "STOPPING=1");
	engine_frr_stop(d);
	routes_stop(d);
	bgp_stop(d);
	daemon_stop_sessions(d);
	return sd_event_exit(d->event, 0);
}

static int on_sighup(sd_event_source *source, const struct signalfd_siginfo *si, void *userdata)
{
	struct daemon *d = userdata;
	char old_socket[sizeof(d->conf->control_socket)];

	(void)source;
	(void)si;
	sd_notify(0, "RELOADING=1");
	snprintf(old_socket, sizeof(old_socket), "%s", d->conf->control_socket);
	if (daemon_reload(d) == 0 && strcmp(old_socket, d->conf->control_socket) != 0) {
		struct control *c;
		int r = control_open(d, d->conf->control_socket, &c);

		if (r < 0) {
			log_error_errno(r, "cannot listen on %s; staying on %s",
					d->conf->control_socket, old_socket);
		} else {
			control_close(d->control);
			d->control = c;
			log_info("control socket moved to %s", d->conf->control_socket);
		}
	}
	sd_notifyf(0, "READY=1\nSTATUS=%zu sessions", d->n_sessions);
	return 0;
}

/*
 * The event loop sends the BFD packets: it runs at SCHED_FIFO 2, above the
 * route worker (1, route_worker.c), which would otherwise keep a one-core
 * router's BFD timers waiting through a large route action. Its work per
 * wake-up is small and bounded. Needs CAP_SYS_NICE or RLIMIT_RTPRIO >= 2
 * (edgebfd.service: LimitRTPRIO=2); without either it runs as it is.
 */
static void raise_priority(void)
{
	struct sched_param sp = { .sched_priority = 2 };

	if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) != 0)
		log_info("running without real-time priority (no CAP_SYS_NICE nor "
			 "LimitRTPRIO=2): BFD timers share the CPU with everything else");
}

/* One descriptor per session: make room for thousands. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int run(struct daemon *d)
{
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	r = sd_event_default(&d->event);
	if (r < 0)
		return log_error_errno(r, "cannot create the event loop");
	if ((r = sd_event_add_signal(d->event, NULL, SIGTERM, on_sigterm, d)) < 0 ||
	    (r = sd_event_add_signal(d->event, NULL, SIGINT, on_sigterm, d)) < 0 ||
	    (r = sd_event_add_signal(d->event, NULL, SIGHUP, on_sighup, d)) < 0)
		return log_error_errno(r, "cannot watch signals");
	/* Pings the systemd watchdog when WatchdogSec= is set. */
	sd_event_set_watchdog(d->event, true);

	/* With engine = frr-bfdd, bfdd owns the BFD ports. */
	r = engine_frr_active(d) ? 0 : rx_start(d);
	if (r < 0)
		return log_error_errno(r, "cannot open the BFD receive sockets");
	r = links_start(d);
	if (r < 0)
		return r;
	r = control_open(d, d->conf->control_socket, &d->control);
	if (r < 0)
		return log_error_errno(r, "cannot listen on %s", d->conf->control_socket);
	r = daemon_start_sessions(d);
	if (r < 0)
		return r;
	r = routes_start(d);
	if (r < 0)
		return r;
	bgp_start(d);
	r = engine_frr_start(d);
	if (r < 0)
		return r;
	sd_notifyf(0, "READY=1\nSTATUS=%zu sessions%s", d->n_sessions,
		   engine_frr_active(d) ? " followed in FRR bfdd" : "");
	log_notice("edgebfdd %s running with %s%s", EDGEBFD_VERSION, d->conf_path,
		   engine_frr_active(d) ? " (engine frr-bfdd: FRR's bfdd runs the sessions)" : "");
	return sd_event_loop(d->event);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct daemon d = { .rx_fd = { -1, -1 }, .drop_log = { .burst = 10 } };
	struct conf_report report = { 0 };
	int r;

	r = parse_options(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_SUCCESS : 2;
	if (o.check_only)
		return check_config(o.config);
	log_init(o.debug);

	r = conf_load(o.config, &d.conf, &report);
	if (report.text)
		fputs(report.text, stderr);
	conf_report_free(&report);
	if (r < 0) {
		log_error("%s: not starting", o.config);
		return EXIT_FAILURE;
	}
	d.conf_path = o.config;
	raise_fd_limit();
	raise_priority();

	r = run(&d);

	engine_frr_stop(&d);
	routes_stop(&d);
	bgp_stop(&d);
	daemon_stop_sessions(&d);
	control_close(d.control);
	links_stop(&d);
	rx_stop(&d);
	sd_event_unref(d.event);
	conf_free(d.conf);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
