/*
 * test_route_state.c - the route state files of daemon/route_state.c
 * (<state-directory>/NAME.routes): a record with every kind of change
 * saved and loaded back unchanged, files that are not state files
 * rejected with a reason, and an empty record removing the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nexthop.h>

#include "../netlink/msg_builder.h"
#include "nl_nexthop.h"
#include "nl_route.h"
#include "route_action.h"
#include "route_state.h"

/* ---- fixtures ---------------------------------------------------------------- */

struct fixture {
	char dir[64];
	char path[128]; /* dir/primary.routes */
	struct route_state_owner owner;
	struct ra_record rec;
	struct ra_record back; /* what was loaded; freed by teardown too */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_route_state.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/primary" ROUTE_STATE_SUFFIX, f->dir);
	snprintf(f->owner.name, sizeof(f->owner.name), "primary");
	snprintf(f->owner.ifname, sizeof(f->owner.ifname), "eth1");
	f->owner.local.family = AF_INET;
	f->owner.peer.family = AF_INET;
	inet_pton(AF_INET, "192.168.100.1", &f->owner.local.v4);
	inet_pton(AF_INET, "192.168.100.2", &f->owner.peer.v4);
	*state = f;
	return 0;
}

/* Remove everything left in the directory, then the directory. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	DIR *d = opendir(f->dir);
	const struct dirent *e;

	ra_record_free(&f->rec);
	ra_record_free(&f->back);
	while (d && (e = readdir(d))) {
		char path[400];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", f->dir, e->d_name);
		if (unlink(path) != 0)
			rmdir(path); /* test_save_errors' directory in the way */
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static uint8_t raw[4096] __attribute__((aligned(4)));
static uint8_t raw2[4096] __attribute__((aligned(4)));

/* Add to rec the change of kind for route r (as route_action.c's act_add). */
static void add_route_change(struct ra_record *rec, enum ra_change_kind kind,
			     const struct nl_route *r, const uint8_t *installed, int installed_len)
{
	struct ra_change c = {
		.kind = (uint8_t)kind, .protocol = r->protocol, .key = r->key, .nhid = r->nhid,
		.original_len = kind == RA_VIA_GROUP ? 0 : (uint16_t)r->raw_len,
		.installed_len = installed_len > 0 ? (uint16_t)installed_len : 0,
	};

	assert_true(installed_len >= 0);
	assert_int_equal(ra_record_add(rec, &c, r->raw, installed), 0);
}

/* A record with one change of every kind, built as route_action.c does. */
static void build_record(struct ra_record *rec)
{
	struct msg m;
	struct nl_route r;
	size_t mp;

	/* deleted: 10.1.0.0/24 via the peer, bgp */
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.1.0.0");
	msg_u32(&m, RTA_PRIORITY, 20);
	msg_addr(&m, RTA_GATEWAY, AF_INET, "192.168.100.2");
	msg_u32(&m, RTA_OIF, 2);
	assert_true(nl_route_parse(m.buf, m.len, raw, sizeof(raw), &r) > 0);
	add_route_change(rec, RA_DELETED, &r, NULL, 0);

	/* nexthop-removed: 10.2.0.0/16 over two hops, one dropped */
	static const bool keep[] = { false, true };

	msg_route(&m, AF_INET, 16, RT_TABLE_MAIN, RTPROT_STATIC, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.2.0.0");
	msg_u32(&m, RTA_TABLE, 1000);
	mp = msg_mp_begin(&m);
	msg_mp_hop(&m, AF_INET, 2, 0, 0, "192.168.100.2", 0);
	msg_mp_hop(&m, AF_INET, 3, 2, RTNH_F_ONLINK, "192.168.200.2", 0);
	msg_mp_end(&m, mp);
	msg_u32(&m, RTA_PRIORITY, 100);
	assert_true(nl_route_parse(m.buf, m.len, raw, sizeof(raw), &r) > 0);
	add_route_change(rec, RA_NEXTHOP_REMOVED, &r, raw2,
			 nl_route_rewrite(&r, keep, r.key.metric, raw2, sizeof(raw2)));

	/* demoted: an IPv6 route, metric 1024 + 5000 */
	static const bool all[NL_ROUTE_NEXTHOPS_MAX] = { true };

	msg_route(&m, AF_INET6, 48, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET6, "2001:db8:1::");
	msg_u32(&m, RTA_PRIORITY, 1024);
	msg_addr(&m, RTA_GATEWAY, AF_INET6, "fe80::2");
	msg_u32(&m, RTA_OIF, 2);
	assert_true(nl_route_parse(m.buf, m.len, raw, sizeof(raw), &r) > 0);
	add_route_change(rec, RA_DEMOTED, &r, raw2,
			 nl_route_rewrite(&r, all, 6024, raw2, sizeof(raw2)));

	/* group-shrunk: group 500 of 3 members, member 11 dropped */
	struct nl_nexthop g = { .id = 500, .protocol = RTPROT_STATIC, .is_group = true,
				.n_members = 3 };
	static const bool keep_members[] = { true, false, true };
	int olen, ilen;

	for (unsigned i = 0; i < 3; i++)
		g.members[i] = (struct nl_nexthop_member){ .id = 10 + i, .weight = (uint8_t)i };
	olen = nl_nexthop_group_payload(&g, NULL, raw, sizeof(raw));
	ilen = nl_nexthop_group_payload(&g, keep_members, raw2, sizeof(raw2));
	assert_true(olen > 0 && ilen > 0);
	struct ra_change c = { .kind = RA_GROUP_SHRUNK, .protocol = g.protocol, .nhid = g.id,
			       .original_len = (uint16_t)olen, .installed_len = (uint16_t)ilen };

	assert_int_equal(ra_record_add(rec, &c, raw, raw2), 0);

	/* via-group: 10.3.0.0/24 through group 500, nothing to undo */
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_BGP, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.3.0.0");
	msg_u32(&m, RTA_PRIORITY, 20);
	msg_u32(&m, RTA_NH_ID, 500);
	assert_true(nl_route_parse(m.buf, m.len, raw, sizeof(raw), &r) > 0);
	add_route_change(rec, RA_VIA_GROUP, &r, NULL, 0);

	/* a nexthop-removed of an nhid route: original with RTA_NH_ID, installed
	 * inline */
	struct nl_route_hop live = { .has_gw = true, .ifindex = 3, .weight = 1 };

	addr_bytes(AF_INET, "192.168.200.2", live.gw);
	msg_route(&m, AF_INET, 24, RT_TABLE_MAIN, RTPROT_ZEBRA, RTN_UNICAST);
	msg_addr(&m, RTA_DST, AF_INET, "10.4.0.0");
	msg_u32(&m, RTA_NH_ID, 600);
	assert_true(nl_route_parse(m.buf, m.len, raw, sizeof(raw), &r) > 0);
	add_route_change(rec, RA_NEXTHOP_REMOVED, &r, raw2,
			 nl_route_inline(&r, &live, 1, raw2, sizeof(raw2)));
	assert_int_equal(rec->n, 6);
}

static void assert_owner_equal(const struct route_state_owner *a,
			       const struct route_state_owner *b)
{
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->ifname, b->ifname);
	assert_true(conf_addr_equal(&a->local, &b->local));
	assert_true(conf_addr_equal(&a->peer, &b->peer));
}

/* What a restore needs of each change: its kind, payloads, key and group. */
static void assert_change_equal(const struct ra_change *a, const struct ra_change *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->original_len, b->original_len);
	assert_int_equal(a->installed_len, b->installed_len);
	if (a->original_len)
		assert_memory_equal(a->original, b->original, a->original_len);
	else
		assert_null(b->original);
	if (a->installed_len)
		assert_memory_equal(a->installed, b->installed, a->installed_len);
	else
		assert_null(b->installed);
	assert_int_equal(a->nhid, b->nhid);
	assert_int_equal(a->owner_changed, b->owner_changed);
	if (a->kind != RA_GROUP_SHRUNK) {
		assert_memory_equal(&a->key, &b->key, sizeof(a->key));
		if (a->kind != RA_VIA_GROUP)
			assert_int_equal(a->protocol, b->protocol);
	}
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(text);
	n = fread(text, 1, 65535, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* ---- tests ---------------------------------------------------------------- */

/* A change whose route its owner changed since keeps that mark through
 * the file (the restore after a restart must leave it alone too). */
static void test_owner_changed_round_trip(void **state)
{
	struct fixture *f = *state;
	struct route_state_owner owner;
	char err[128] = "";

	build_record(&f->rec);
	f->rec.changes[0].owner_changed = true; /* deleted */
	f->rec.changes[2].owner_changed = true; /* demoted */
	assert_int_equal(route_state_save(f->dir, &f->owner, &f->rec), 0);
	assert_int_equal(route_state_load(f->path, &owner, &f->back, err, sizeof(err)), 0);
	assert_int_equal(f->back.n, f->rec.n);
	for (size_t i = 0; i < f->back.n; i++)
		assert_change_equal(&f->rec.changes[i], &f->back.changes[i]);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct route_state_owner owner;
	struct ra_record *back = &f->back;
	char err[128] = "", tmp[160];
	struct stat st;

	build_record(&f->rec);
	assert_int_equal(route_state_save(f->dir, &f->owner, &f->rec), 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	assert_false(exists(tmp));

	/* the text: header, owner, one line per change */
	char *text = read_text(f->path);
	const char *kinds[] = { "deleted ", "nexthop-removed ", "demoted ", "group-shrunk ",
				"via-group ", "nexthop-removed " };
	const char *line = text;

	assert_memory_equal(line, "edgebfd-routes 1\nsession primary eth1 192.168.100.1 "
				  "192.168.100.2\n",
			    strlen("edgebfd-routes 1\nsession primary eth1 192.168.100.1 "
				   "192.168.100.2\n"));
	line = strchr(strchr(line, '\n') + 1, '\n') + 1;
	for (size_t i = 0; i < 6; i++) {
		assert_memory_equal(line, kinds[i], strlen(kinds[i]));
		line = strchr(line, '\n');
		assert_non_null(line);
		line++;
	}
	assert_string_equal(line, "");
	free(text);

	assert_int_equal(route_state_load(f->path, &owner, back, err, sizeof(err)), 0);
	assert_owner_equal(&owner, &f->owner);
	assert_int_equal(back->n, f->rec.n);
	for (size_t i = 0; i < back->n; i++)
		assert_change_equal(&f->rec.changes[i], &back->changes[i]);
	assert_int_equal(ra_record_routes(back), 5);
	ra_record_free(back);

	/* saving again replaces the file: now one change */
	struct ra_record one = { 0 };

	assert_int_equal(ra_record_add(&one, &f->rec.changes[2], f->rec.changes[2].original,
				       f->rec.changes[2].installed), 0);
	assert_int_equal(route_state_save(f->dir, &f->owner, &one), 0);
	assert_int_equal(route_state_load(f->path, &owner, back, err, sizeof(err)), 0);
	assert_int_equal(back->n, 1);
	assert_change_equal(&one.changes[0], &back->changes[0]);
	ra_record_free(back);
	ra_record_free(&one);
}

static void test_round_trip_v6_owner(void **state)
{
	struct fixture *f = *state;
	struct route_state_owner owner;
	struct ra_record *back = &f->back;
	struct conf_session s;
	char err[128] = "";

	/* route_state_owner_of takes what identifies the session */
	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "Secondary-2_b.c");
	snprintf(s.ifname, sizeof(s.ifname), "eth1.100");
	s.local.family = AF_INET6;
	s.peer.family = AF_INET6;
	inet_pton(AF_INET6, "fe80::1", &s.local.v6);
	inet_pton(AF_INET6, "2001:db8:ffff::2", &s.peer.v6);
	route_state_owner_of(&s, &f->owner);
	assert_string_equal(f->owner.name, "Secondary-2_b.c");
	assert_string_equal(f->owner.ifname, "eth1.100");
	assert_true(conf_addr_equal(&f->owner.peer, &s.peer));

	build_record(&f->rec);
	assert_int_equal(route_state_save(f->dir, &f->owner, &f->rec), 0);
	snprintf(f->path, sizeof(f->path), "%s/Secondary-2_b.c" ROUTE_STATE_SUFFIX, f->dir);
	assert_int_equal(route_state_load(f->path, &owner, back, err, sizeof(err)), 0);
	assert_owner_equal(&owner, &f->owner);
	assert_int_equal(back->n, f->rec.n);
	for (size_t i = 0; i < back->n; i++)
		assert_change_equal(&f->rec.changes[i], &back->changes[i]);
	ra_record_free(back);
}

/* `edgebfdctl routes` shows each changed route's protocol (status.c), also
 * for via-group routes; after a restart it comes from the state file, which
 * does not keep it for them: "bgp" becomes "0". */
static void test_round_trip_via_group_protocol(void **state)
{
	struct fixture *f = *state;
	struct route_state_owner owner;
	struct ra_record *back = &f->back;
	char err[128] = "";

	build_record(&f->rec);
	assert_int_equal(f->rec.changes[4].kind, RA_VIA_GROUP);
	assert_int_equal(f->rec.changes[4].protocol, RTPROT_BGP);
	assert_int_equal(route_state_save(f->dir, &f->owner, &f->rec), 0);
	assert_int_equal(route_state_load(f->path, &owner, back, err, sizeof(err)), 0);
	assert_int_equal(back->changes[4].kind, RA_VIA_GROUP);
	assert_int_equal(back->changes[4].protocol, RTPROT_BGP);
	ra_record_free(back);
}

static void test_empty_record_removes_file(void **state)
{
	struct fixture *f = *state;
	struct ra_record empty = { 0 };
	char tmp[160];

	build_record(&f->rec);
	assert_int_equal(route_state_save(f->dir, &f->owner, &f->rec), 0);
	assert_true(exists(f->path));
	assert_int_equal(route_state_save(f->dir, &f->owner, &empty), 0);
	assert_false(exists(f->path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	assert_false(exists(tmp));
	/* nothing to remove is fine too */
	assert_int_equal(route_state_save(f->dir, &f->owner, &empty), 0);
	/* another session's file is left alone */
	char other[160];

	snprintf(other, sizeof(other), "%s/secondary" ROUTE_STATE_SUFFIX, f->dir);
	write_text(other, "x\n");
	assert_int_equal(route_state_save(f->dir, &f->owner, &empty), 0);
	assert_true(exists(other));
}

static void test_save_errors(void **state)
{
	struct fixture *f = *state;
	char missing[128];

	char tmp[160];

	build_record(&f->rec);
	snprintf(missing, sizeof(missing), "%s/no-such-dir", f->dir);
	assert_int_equal(route_state_save(missing, &f->owner, &f->rec), -ENOENT);

	/* the rename fails (a directory is in the way): an error, and no
	 * temporary file left behind */
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_int_equal(route_state_save(f->dir, &f->owner, &f->rec), -EISDIR);
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	assert_false(exists(tmp));
	assert_int_equal(rmdir(f->path), 0);
	assert_int_equal(route_state_save(f->dir, &f->owner, &f->rec), 0);
	assert_true(exists(f->path));
}

/* A corrupt file: -EINVAL, and which line is wrong. */
static void expect_corrupt(struct fixture *f, const char *text, const char *why)
{
	struct route_state_owner owner;
	struct ra_record *back = &f->back;
	char err[128] = "";

	write_text(f->path, text);
	assert_int_equal(route_state_load(f->path, &owner, back, err, sizeof(err)), -EINVAL);
	if (strcmp(err, why) != 0) {
		print_error("for\n%s\nexpected \"%s\", got \"%s\"\n", text, why, err);
		fail();
	}
	ra_record_free(back);
}

static void test_corrupt(void **state)
{
	struct fixture *f = *state;
	struct route_state_owner owner;
	struct ra_record *back = &f->back;
	char err[128] = "";

	build_record(&f->rec);
	assert_int_equal(route_state_save(f->dir, &f->owner, &f->rec), 0);
	char *good = read_text(f->path);
	const char *changes = strchr(strchr(good, '\n') + 1, '\n') + 1;
	char text[8192];

	assert_int_equal(route_state_load(f->path, &owner, back, err, sizeof(err)), 0);
	ra_record_free(back);

	expect_corrupt(f, "", "line 0 is not what edgebfdd writes");
	expect_corrupt(f, "not a state file\n", "line 1 is not what edgebfdd writes");
	expect_corrupt(f, "edgebfd-routes 2\nsession primary eth1 192.168.100.1 192.168.100.2\n",
		       "line 1 is not what edgebfdd writes");
	expect_corrupt(f, "edgebfd-routes 1\n", "line 1 is not what edgebfdd writes");
	expect_corrupt(f, "edgebfd-routes 1\nsession primary eth1 192.168.100.1\n",
		       "line 2 is not what edgebfdd writes");
	expect_corrupt(f, "edgebfd-routes 1\nsession primary eth1 192.168.100.1 peer\n",
		       "line 2 is not what edgebfdd writes");
	expect_corrupt(f, "edgebfd-routes 1\nsession primary eth1 192.168.100.1 fe80::x\n",
		       "line 2 is not what edgebfdd writes");

	static const char *const bad_changes[] = {
		"unknown-kind 0a0b\n",                   /* not a kind */
		"deleted\n",                             /* no payload */
		"deleted 0a0\n",                         /* odd number of digits */
		"deleted zz\n",                          /* not hex */
		"deleted 00000000\n",                    /* not a route (family 0) */
		"demoted 0a00\n",                        /* no installed payload */
		"nexthop-removed 0a00\n",                /* no installed payload */
		"group-shrunk 0a00\n",                   /* no installed payload */
		"via-group 0a0b 5\n",                    /* a key of the wrong size */
		"\n",                                    /* an empty line */
	};

	for (size_t i = 0; i < sizeof(bad_changes) / sizeof(bad_changes[0]); i++) {
		snprintf(text, sizeof(text),
			 "edgebfd-routes 1\nsession primary eth1 192.168.100.1 192.168.100.2\n%s",
			 bad_changes[i]);
		expect_corrupt(f, text, "line 3 is not what edgebfdd writes");
	}

	/* the good changes, then a bad one: the line of the bad one */
	snprintf(text, sizeof(text),
		 "edgebfd-routes 1\nsession primary eth1 192.168.100.1 192.168.100.2\n%s"
		 "deleted 0a0\n",
		 changes);
	expect_corrupt(f, text, "line 9 is not what edgebfdd writes");

	/* a via-group line with something after its group, or a group too large */
	const char *via = strstr(changes, "via-group ");
	const char *via_end = via ? strchr(via, '\n') : NULL;
	const char *via_last = via_end ? memrchr(via, ' ', (size_t)(via_end - via)) : NULL;

	if (!via_last) {
		print_error("no via-group line in\n%s\n", good);
		free(good);
		fail();
		return;
	}
	size_t via_len = (size_t)(via_end - via);

	snprintf(text, sizeof(text),
		 "edgebfd-routes 1\nsession primary eth1 192.168.100.1 192.168.100.2\n"
		 "%.*s x\n",
		 (int)via_len, via);
	expect_corrupt(f, text, "line 3 is not what edgebfdd writes");
	snprintf(text, sizeof(text),
		 "edgebfd-routes 1\nsession primary eth1 192.168.100.1 192.168.100.2\n"
		 "%.*s99999999999\n",
		 (int)(via_last - via + 1), via);
	expect_corrupt(f, text, "line 3 is not what edgebfdd writes");

	/* a message cut to fit a small buffer stays terminated */
	write_text(f->path, "garbage\n");
	memset(err, 'x', sizeof(err));
	assert_int_equal(route_state_load(f->path, &owner, back, err, 8), -EINVAL);
	assert_string_equal(err, "line 1 ");
	ra_record_free(back);

	/* a missing file is not "corrupt" */
	assert_int_equal(unlink(f->path), 0);
	err[0] = '\0';
	assert_int_equal(route_state_load(f->path, &owner, back, err, sizeof(err)), -ENOENT);
	assert_int_equal(back->n, 0);
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_changed_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_v6_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_via_group_protocol, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_empty_record_removes_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
