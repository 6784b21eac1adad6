#!/bin/sh
# Install every build and test dependency of edgebfd from Debian 12 packages.
# Idempotent: packages already present are left alone. Run as root.
set -eu

PACKAGES="
build-essential pkg-config meson ninja-build
clang libclang-rt-14-dev llvm
libsystemd-dev libmnl-dev libinih-dev libjson-c-dev libssl-dev libcmocka-dev
cppcheck clang-tidy systemd
python3 python3-pytest
iproute2 nftables bridge-utils tcpdump
frr bird2
"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	apt-get install -y -q --no-install-recommends $missing
fi

# The packaged frr and bird2 services start on install on a systemd host; our
# tests run private instances in namespaces, never the system-wide ones.
