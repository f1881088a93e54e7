#!/bin/sh
# Checks the command in the Dockerfile's fprocess on this machine: the request body in,
# the response out. Run with "sh test.sh" in the function's folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fprocess=$(sed -n 's/^ENV fprocess="\(.*\)"$/\1/p' "$here/Dockerfile")
if [ -z "$fprocess" ]; then
  echo "not ok - no ENV fprocess=\"...\" line in the Dockerfile"
  exit 1
fi
got=$(printf 'ping' | sh -c "$fprocess")
if [ "$got" = "ping" ]; then
  echo "ok - fprocess \"$fprocess\" echoes the request body"
else
  echo "not ok - fprocess \"$fprocess\" answered '$got' to 'ping' (edit this test for your function)"
  exit 1
fi
