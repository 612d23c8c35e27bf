#!/usr/bin/env bash
# test_refdiff.sh — what the reference server answered, kept: the cases of
# tests/diff/cases.jsonl (users, groups, policies, tokens, things, series
# with any unit text, data reads in UTC and Stockholm, windows, tsquery,
# datasets, programs, alerts, errors) are sent to the running world and
# compared with the reference's answers recorded in
# tests/diff/reference_answers.json (refdiff.py --record against the Go
# server). Every difference must be one docs/compatibility.md names (the
# case's "known" mark); a new one fails the test.
. "$(dirname "$0")/lib.sh"

DIFF=$ITEST_SRC/tests/diff
run python3 "$DIFF/refdiff.py" --ours "$ITEST_URL" "$ITEST_DOMAIN" "$ITEST_TOKEN" \
  --replay "$DIFF/reference_answers.json"
summary=$(printf '%s\n' "$out" | tail -n 1)
echo "$summary"
[ "$rc" = 0 ] || printf '%s\n' "$out" | grep -A4 '^DIFF' | head -n 60
[ "$rc" = 0 ]; verdict "every answer is the reference's, or a documented difference"
cases=$(grep "^{" "$DIFF/cases.jsonl" | grep -vc "\"set\": ")
[[ $summary == "refdiff: $cases cases:"* ]]; verdict "all $cases cases ran (none skipped)"
[[ $summary != *"marked known but now the same"* ]]; verdict "no case is marked known that answers the same now"
finish
