#!/usr/bin/env bash
# Repeats every failed test and recorded issue (with file:line) of the swift-testing logs given,
# for the end of `make test`'s output, where a CI log's tail shows it.
grep -h -E '✘|recorded an issue' "$@" 2>/dev/null | grep -v -E '✘ (Test run|Suite)' | head -60
exit 0
