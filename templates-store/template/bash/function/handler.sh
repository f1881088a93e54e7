#!/usr/bin/env bash
# Runs once per request: the request body arrives on stdin and whatever this script prints
# is the response. Request details are in environment variables such as Http_Method,
# Http_Path, Http_Query and Http_Content_Type. Exit with a non-zero status to answer 500.
set -euo pipefail

# secret NAME prints the value of a secret made with "faas secret create NAME" and listed
# under "secrets:" in stack.yaml, e.g. token=$(secret api-key)
secret() {
  local file="${OPENFAAS_SECRETS_PATH:-/var/openfaas/secrets}/$1"
  if [[ ! -f $file ]]; then
    echo "secret $1 not found in ${file%/*}: create it with \"faas secret create $1\" and list it under \"secrets:\" in stack.yaml" >&2
    return 1
  fi
  cat "$file"
}

body=$(cat)
name=${body:-world}
printf 'Hello, %s!\n' "$name"
