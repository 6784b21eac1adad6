#!/bin/sh
# cppcheck and clang-tidy over the C sources. $1: a configured meson build
# directory (for compile_commands.json). Exits non-zero on any finding.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
cd "$top"

sources=$(git ls-files '*.c')

cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,style,performance,portability \
	--inline-suppr --suppress=missingIncludeSystem -I libbfd -I tests/libbfd $sources

# shellcheck disable=SC2086 # one argument per source file
clang-tidy --quiet -p "$build" $sources 2>/dev/null
