#!/bin/sh
# The whole edgebfd test suite, from a clean clone on Debian 12, as root:
# installs dependencies, builds with -Werror, runs every meson suite, runs
# the unit tests again under ASan+UBSan, fuzzes for a bounded time with
# libFuzzer, and runs cppcheck and clang-tidy. Exits non-zero on any failure.
#
#   FUZZ_SECONDS  seconds per fuzz target (default 30)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
fuzz_seconds=${FUZZ_SECONDS:-30}
results=build-results.txt
: >"$results"

step() { printf '\n=== %s\n' "$*"; }

# Append one "result" word per test of a meson test log to $results.
collect() {
	python3 -c 'import json,sys
for line in open(sys.argv[1]):
    print(json.loads(line)["result"])' "$1/meson-logs/testlog.json" >>"$results"
}

# The same for a pytest JUnit XML file.
collect_junit() {
	python3 -c 'import sys, xml.etree.ElementTree as ET
for case in ET.parse(sys.argv[1]).iter("testcase"):
    bad = case.find("failure") is not None or case.find("error") is not None
    print("SKIP" if case.find("skipped") is not None else "FAIL" if bad else "OK")' "$1" >>"$results"
}

step "dependencies"
"$top/scripts/install-deps.sh"

step "build (gcc, -Werror) and every suite"
rm -rf build-test
meson setup build-test >/dev/null
ninja -C build-test
meson test -C build-test --print-errorlogs || { collect build-test; exit 1; }
collect build-test

step "unit tests and corpora under ASan+UBSan"
rm -rf build-san
meson setup build-san -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C build-san
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-san --suite unit --suite fuzz-corpus --print-errorlogs ||
	{ collect build-san; exit 1; }
collect build-san

step "edgebfdd under ASan+UBSan against itself in namespaces"
# Reload, 1,000 sessions, malformed packets, AdminDown, SIGTERM, the
# route actions (the worker thread, restarts, reloads, the neighbor
# marks), the BGP actions and the frr-bfdd engine (vty and bfdd.sock
# clients); the
# harness fails a test whose daemon does not exit cleanly (status 0, no
# sanitizer report, no leak).
EDGEBFDD="$top/build-san/daemon/edgebfdd" EDGEBFDCTL="$top/build-san/daemon/edgebfdctl" \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	pytest-3 -q -p no:cacheprovider --junitxml=build-san/integration.xml \
	tests/integration/test_daemon.py tests/integration/test_scale.py tests/integration/test_wire.py \
	tests/integration/test_interop.py tests/integration/test_routes.py \
	tests/integration/test_bgp_frr.py tests/integration/test_engine_frr.py \
	-k "daemon or scale or wire or admin_down or bad_input or unknown_peer or sigterm or edgebfdd or (routes and ((ecmp_ipv4 and not 10000) or restart or reload or flap or single_path or owner or plan or cut_at_once or via_peer_link_local or neighbor)) or reset_clears or shutdown_on_down or stopped_bgpd or timers_applied or drives_route_action" ||
	{ collect_junit build-san/integration.xml; exit 1; }
collect_junit build-san/integration.xml

step "libFuzzer, ${fuzz_seconds}s per target"
rm -rf build-fuzz
CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=disabled \
	-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C build-fuzz
for target in packet-decode session-recv conf-parse; do
	work=$(mktemp -d)
	# Crash reproducers land in build-fuzz; add them to the corpus in git.
	"build-fuzz/tests/fuzz/fuzz-$target" -max_total_time="$fuzz_seconds" \
		-artifact_prefix=build-fuzz/ -print_final_stats=1 \
		"$work" "tests/fuzz/corpus/$target" 2>&1 | tail -n 12
	rm -rf "$work"
done

step "static analysis"
"$top/scripts/lint.sh" build-test

python3 -c 'import sys
r = open(sys.argv[1]).read().split()
print("edgebfd: %d passed, %d failed, %d skipped" % (r.count("OK") + r.count("EXPECTEDFAIL"),
      r.count("FAIL") + r.count("TIMEOUT") + r.count("UNEXPECTEDPASS") + r.count("ERROR"),
      r.count("SKIP")))' "$results"
