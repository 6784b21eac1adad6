/*
 * bench-routes - how long edgebfdd's route action takes, from the call
 * (the BFD Down event) to the kernel's answer to the last request, for
 * 10 to 100,000 prefixes through a dead peer, and how long the restore
 * takes. Runs as root in a network namespace of its own (unshare), with
 * two veth links and the routes installed by `ip -batch`.
 *
 *   bench-routes [COUNT...]     default: 10 1000 10000 100000
 *
 * Scenarios:
 *   ecmp-inline    withdraw, ECMP routes with inline nexthops: each route
 *                  is replaced without the dead nexthop
 *   ecmp-group     withdraw, ECMP routes sharing a nexthop group object:
 *                  the group is replaced once
 *   ecmp-zebra     the same with zebra's group (proto zebra), which is
 *                  never touched: each route is rewritten with an inline
 *                  nexthop (what a CE with FRR 8.4 gets)
 *   single-inline  withdraw, single-path routes: each is deleted
 *   demote-inline  demote, single-path routes: re-added at a higher metric,
 *                  the original deleted
 *   demote-nhobj   demote, single-path routes through a nexthop object
 *
 * Each scenario runs twice: the routes read at the Down, then decided
 * ahead (ra_plan_make, what edgebfdd does while the routes are quiet: the
 * "planned" figure is edgebfdd's usual case).
 *
 * Like edgebfdd, the action writes its state file ahead of shrinking a
 * nexthop group (route_state_save into a fresh directory under /run, a
 * tmpfs), so the figures include that cost. BENCH_SAVE=1 also prints
 * what writing the whole record costs (edgebfdd does it after the action).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <sched.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <net/if.h>

#include "route_action.h"
#include "route_state.h"

static char state_dir[] = "/run/edgebfd-bench.XXXXXX";

/* What edgebfdd's worker does before each batch (route_worker.c). */
static void save_ahead(void *ctx, const struct ra_record *rec)
{
	if (route_state_save(state_dir, ctx, rec) < 0) {
		perror("bench-routes: state file");
		exit(1);
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Run a shell command line (the set-up is easiest said in ip's words). */
static void sh(const char *cmd)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	pid_t pid;
	int status = -1;

	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0 ||
	    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-routes: failed: %s\n", cmd);
		exit(1);
	}
}

struct scenario {
	const char *name;
	enum conf_on_down on_down;
	const char *route;     /* what follows "route add PREFIX" */
	const char *setup;     /* extra commands before the routes */
	const char *acted;     /* a shell test that the action happened */
};

static const struct scenario scenarios[] = {
	{ "ecmp-inline", CONF_ON_DOWN_WITHDRAW,
	  "proto bgp metric 20 nexthop via 192.0.2.2 dev b1 nexthop via 192.0.2.6 dev b2",
	  NULL, "! ip -4 route show proto bgp | grep -q 192.0.2.2" },
	{ "ecmp-group", CONF_ON_DOWN_WITHDRAW,
	  "proto bgp metric 20 nhid 10",
	  "ip nexthop add id 1 via 192.0.2.2 dev b1 && ip nexthop add id 2 via 192.0.2.6 dev b2 "
	  "&& ip nexthop add id 10 group 1/2",
	  "ip nexthop show id 10 | grep -q 'group 2 '" },
	{ "ecmp-zebra", CONF_ON_DOWN_WITHDRAW,
	  "proto bgp metric 20 nhid 10",
	  "ip nexthop add id 1 via 192.0.2.2 dev b1 proto zebra && "
	  "ip nexthop add id 2 via 192.0.2.6 dev b2 proto zebra && "
	  "ip nexthop add id 10 group 1/2 proto zebra",
	  "! ip -4 route show proto bgp | grep -q 'nhid 10'" },
	{ "single-inline", CONF_ON_DOWN_WITHDRAW,
	  "proto bgp metric 20 via 192.0.2.2 dev b1", NULL,
	  "test -z \"$(ip -4 route show proto bgp)\"" },
	{ "demote-inline", CONF_ON_DOWN_DEMOTE,
	  "proto bgp metric 20 via 192.0.2.2 dev b1", NULL,
	  "! ip -4 route show proto bgp | grep -qv 'metric 5020'" },
	{ "demote-nhobj", CONF_ON_DOWN_DEMOTE,
	  "proto bgp metric 20 nhid 1",
	  "ip nexthop add id 1 via 192.0.2.2 dev b1",
	  "! ip -4 route show proto bgp | grep -qv 'nhid 1 .*metric 5020'" },
};

static void fresh_links(void)
{
	sh("ip link del b1 2>/dev/null; ip nexthop flush >/dev/null 2>&1; "
	   "ip link del b2 2>/dev/null; true");
	sh("ip link add b1 type veth peer name p1 && ip link add b2 type veth peer name p2 && "
	   "ip addr add 192.0.2.1/30 dev b1 && ip addr add 192.0.2.5/30 dev b2 && "
	   "ip link set b1 up && ip link set p1 up && ip link set b2 up && ip link set p2 up");
}

static void install(const struct scenario *s, unsigned count)
{
	char path[] = "/tmp/bench-routes-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	char cmd[128];

	if (!f) {
		perror("bench-routes: temporary file");
		exit(1);
	}
	for (unsigned i = 0; i < count; i++)
		fprintf(f, "route add 10.%u.%u.%u/32 %s\n", i / 65536, i / 256 % 256, i % 256,
			s->route);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "ip -batch %s", path);
	sh(cmd);
	unlink(path);
}

/* One act and restore of the routes through 192.0.2.2 (with_plan: decided
 * ahead by ra_plan_make, as edgebfdd does while the FIB is quiet). Returns
 * the time from the call to the repair; *plan_ms, *plan_kib: what making
 * the plan took, and the heap it holds. */
static double act_and_restore(const struct scenario *s, unsigned count, struct ra_engine *e,
			      bool with_plan, double *plan_ms, double *plan_kib)
{
	struct ra_target t = { .family = AF_INET, .on_down = s->on_down };
	struct ra_record rec = { 0 };
	struct ra_result act = { 0 }, back = { 0 };
	struct route_state_owner owner = { .name = "bench", .ifname = "b1",
					   .local.family = AF_INET, .peer.family = AF_INET };
	struct ra_plan *plan = NULL;
	double t0, t1, t2;

	inet_pton(AF_INET, "192.0.2.2", t.peer);
	t.ifindex = if_nametoindex("b1");
	t.routes.tables[t.routes.n_tables++] = 254;
	t.routes.protocols[186 / 8] |= 1u << (186 % 8);
	t.routes.demote_metric = 5000;

	size_t heap = mallinfo2().uordblks;

	t0 = now_ms();
	if (with_plan && ra_plan_make(e, &t, &plan) < 0) {
		fprintf(stderr, "bench-routes: ra_plan_make failed\n");
		exit(1);
	}
	*plan_ms = now_ms() - t0;
	*plan_kib = (double)(mallinfo2().uordblks - heap) / 1024;
	t0 = now_ms();
	if (ra_act(e, &t, &rec, plan, save_ahead, &owner, &act) < 0) {
		fprintf(stderr, "bench-routes: ra_act failed\n");
		exit(1);
	}
	t1 = now_ms();
	ra_plan_free(plan);
	if (ra_record_routes(&rec) != count || act.errors || act.planned != with_plan) {
		fprintf(stderr, "bench-routes: %s: %zu of %u routes changed, %zu errors (%s), "
			"planned %d\n", s->name, ra_record_routes(&rec), count, act.errors,
			act.error, act.planned);
		exit(1);
	}
	sh(s->acted);
	if (getenv("BENCH_SAVE") && !with_plan) {
		double t3 = now_ms();

		save_ahead(&owner, &rec);
		printf("%-14s %7u prefixes  state file of %zu changes written in %.2f ms\n",
		       s->name, count, rec.n, now_ms() - t3);
	}
	t2 = now_ms();
	if (ra_restore(e, AF_INET, &rec, NULL, 0, &back) < 0 || rec.n != 0 || back.errors ||
	    back.left_alone) {
		fprintf(stderr, "bench-routes: %s: restore left %zu changes, %zu errors: %s\n",
			s->name, rec.n, back.errors, back.error);
		exit(1);
	}
	if (!with_plan)
		printf("%-14s %7u prefixes  ", s->name, count);
	ra_record_free(&rec);
	route_state_save(state_dir, &owner, &rec); /* empty: removes the file */
	/* With a shared group, traffic has moved once the group is replaced;
	 * the rest of the time lists the routes that use it. */
	double moved = act.groups_done_us ? (double)act.groups_done_us / 1e3 - t0 : t1 - t0;

	if (!with_plan)
		printf("repaired %8.2f ms  act %8.2f ms (%5.2f us/prefix)  restore %8.2f ms  ",
		       moved, t1 - t0, (t1 - t0) * 1e3 / count, now_ms() - t2);
	return moved;
}

static void run(const struct scenario *s, unsigned count, struct ra_engine *e)
{
	double plan_ms, plan_kib, planned;

	fresh_links();
	if (s->setup)
		sh(s->setup);
	install(s, count);
	act_and_restore(s, count, e, false, &plan_ms, &plan_kib);
	planned = act_and_restore(s, count, e, true, &plan_ms, &plan_kib);
	printf("planned: repaired %8.2f ms (plan: %.2f ms, %.0f KiB)\n", planned, plan_ms,
	       plan_kib);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const unsigned defaults[] = { 10, 1000, 10000, 100000 };
	struct ra_engine *e;

	if (unshare(CLONE_NEWNET) < 0) {
		perror("bench-routes: unshare(CLONE_NEWNET) (run as root)");
		return 1;
	}
	sh("ip link set lo up");
	if (!mkdtemp(state_dir)) {
		perror("bench-routes: mkdtemp");
		return 1;
	}
	if (ra_engine_open(&e) < 0) {
		perror("bench-routes: netlink");
		return 1;
	}
	for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		if (argc > 1) {
			for (int i = 1; i < argc; i++)
				run(&scenarios[s], (unsigned)strtoul(argv[i], NULL, 10), e);
		} else {
			for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
				run(&scenarios[s], defaults[i], e);
		}
	}
	ra_engine_close(e);
	rmdir(state_dir);
	return 0;
}
