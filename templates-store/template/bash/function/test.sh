#!/usr/bin/env bash
# Tests for handler.sh: run with "bash test.sh" in the function's folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
failures=0

check() {
  local description=$1 input=$2 want=$3 got
  got=$(printf '%s' "$input" | Http_Method=POST bash "$here/handler.sh")
  if [ "$got" = "$want" ]; then
    echo "ok - $description"
  else
    echo "not ok - $description: want '$want', got '$got'"
    failures=$((failures + 1))
  fi
}

check "greets the name sent as the body" "Ada" "Hello, Ada!"
check "greets the world when the body is empty" "" "Hello, world!"

exit "$failures"
