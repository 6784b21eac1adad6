#!/bin/sh
# The edgebfd lab: installs what is needed, builds, and (once edgebfdd
# exists) runs a CE router and two simulated MSEEs in network namespaces.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/install-deps.sh"
[ -d build ] || meson setup build >/dev/null
ninja -C build
echo
echo "edgebfd lab: not yet. libbfd is built and tested; the daemon edgebfdd"
echo "and the namespace lab arrive next. Run ./scripts/test.sh for the tests."
