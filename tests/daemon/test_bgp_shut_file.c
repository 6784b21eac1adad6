/*
 * test_bgp_shut_file.c - the state file of the BGP neighbors edgebfdd has
 * shut (daemon/bgp_shut_file.c): round trip, removal when empty, no file,
 * and files that are not ours.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_shut_file.h"

static char dir[] = "/tmp/test-bgp-shut-XXXXXX";

static char *path(void)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s/" BGP_SHUT_FILE_NAME, dir);
	return buf;
}

static void write_text(const char *text)
{
	FILE *f = fopen(path(), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_round_trip_and_removal(void **state)
{
	const struct bgp_shut_entry in[] = {
		{ "192.0.2.2", "/run/frr" },
		{ "2001:db8::2", "/run/frr/ce instance" },
	};
	struct bgp_shut_entry *out = NULL;
	size_t n = 9;
	char err[128];

	(void)state;
	assert_int_equal(bgp_shut_file_load(dir, &out, &n, err, sizeof(err)), 0);
	assert_null(out);
	assert_int_equal(n, 0); /* no file: nothing shut */

	assert_int_equal(bgp_shut_file_save(dir, in, 2), 0);
	assert_int_equal(bgp_shut_file_load(dir, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].address, "192.0.2.2");
	assert_string_equal(out[0].vty_dir, "/run/frr");
	assert_string_equal(out[1].address, "2001:db8::2");
	assert_string_equal(out[1].vty_dir, "/run/frr/ce instance");
	free(out);
	assert_int_equal(access(path(), F_OK), 0);
	{
		char tmp[160];

		snprintf(tmp, sizeof(tmp), "%s.tmp", path());
		assert_int_equal(access(tmp, F_OK), -1); /* renamed into place */
	}

	assert_int_equal(bgp_shut_file_save(dir, in, 0), 0);
	assert_int_equal(access(path(), F_OK), -1);
	assert_int_equal(bgp_shut_file_save(dir, in, 0), 0); /* already gone */
}

static void test_not_ours(void **state)
{
	struct bgp_shut_entry *out = NULL;
	size_t n = 0;
	char err[128];

	(void)state;
	write_text("edgebfd-routes 1\n");
	assert_int_equal(bgp_shut_file_load(dir, &out, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1 is not \"edgebfd-bgp-shutdown 1\"");
	write_text("edgebfd-bgp-shutdown 1\n192.0.2.2 /run/frr\nbgpd /run/frr\n");
	assert_int_equal(bgp_shut_file_load(dir, &out, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 3 is not \"ADDRESS VTY-DIR\"");
	write_text("edgebfd-bgp-shutdown 1\n192.0.2.2 run/frr\n");
	assert_int_equal(bgp_shut_file_load(dir, &out, &n, err, sizeof(err)), -EINVAL);
	write_text("");
	assert_int_equal(bgp_shut_file_load(dir, &out, &n, err, sizeof(err)), -EINVAL);
	assert_null(out);
	unlink(path());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_removal),
		cmocka_unit_test(test_not_ours),
	};
	int r;

	if (!mkdtemp(dir))
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path());
	rmdir(dir);
	return r;
}
