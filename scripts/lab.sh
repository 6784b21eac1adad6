#!/bin/sh
# The edgebfd lab, from a fresh Debian 12 machine, as root: installs what is
# needed, builds, and runs a CE router (FRR bgpd/zebra + edgebfdd) and two
# simulated MSEEs (FRR bgpd + bfdd, AS 12076, 300 ms x 3) in network
# namespaces; cuts the primary link silently and shows the failover and
# the recovery. Arguments go to scripts/lab.py (--prefixes N, --baseline).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/install-deps.sh"
[ -d build ] || meson setup build >/dev/null
ninja -C build
exec python3 "$top/scripts/lab.py" --edgebfdd "$top/build/daemon/edgebfdd" "$@"
