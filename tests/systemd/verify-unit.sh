#!/bin/sh
# systemd-analyze verify on the generated unit, with its binaries pointed at
# the build tree (verify checks that every Exec* path is executable).
# $1: generated edgebfd.service, $2: directory holding the built edgebfdd.
set -eu
unit=$1
bindir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|^\(Exec[A-Za-z]*=\)[^ ]*/edgebfdd|\1$bindir/edgebfdd|" "$unit" >"$work/edgebfd.service"
out=$(systemd-analyze verify "$work/edgebfd.service" 2>&1) || { echo "$out"; exit 1; }
# verify exits 0 on some warnings: treat any line about our unit as failure.
if printf '%s\n' "$out" | grep -q "edgebfd.service"; then
	echo "$out"
	exit 1
fi
echo "edgebfd.service: verified"
