#!/usr/bin/env bash
# Runs once per request: the request body arrives on stdin and whatever this script prints
# is the response. Request details are in environment variables such as Http_Method,
# Http_Path, Http_Query and Http_Content_Type. Exit with a non-zero status to answer 500.
set -euo pipefail

body=$(cat)
name=${body:-world}
printf 'Hello, %s!\n' "$name"
