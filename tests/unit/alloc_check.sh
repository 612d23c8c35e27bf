#!/usr/bin/env bash
# alloc_check.sh SRC — one allocator that aborts (common/xalloc.h), checked
# by grep over the source tree. Two rules:
#
#  1. No private allocator: nothing outside common/xalloc.c defines (or
#     #defines) xmalloc, xcalloc, xrealloc, xstrdup, xstrndup or
#     xalloc_fail. A definition is a line starting at column 0 (the
#     project's style for function definitions) that names one of them
#     before "(" and does not end in ";" (a declaration), or a #define.
#     Searched: every .c and .h of common/, fcgi/, manager/, worker/,
#     selfctl/, tengo/ and tests/.
#  2. No unchecked allocation in the manager and the worker: no call of
#     malloc, calloc, realloc, reallocarray, strdup, strndup, asprintf or
#     vasprintf in manager/ and worker/ at all — every one there goes
#     through xalloc.h, which never returns NULL. (A "checked" call would
#     need reading the lines after it; no exception is simpler and true.)
#     Allocations by libraries (json-c, libpq, the Tengo VM's own API) are
#     theirs and not counted.
# Each offending line is printed; the exit status is 1 when there is one.
# The rules are then run on a copy of manager/ and worker/ with one planted
# offence of each kind, which must fail (so a broken pattern cannot pass).
# pm_status.c and pm_record.c are checked too (none there today).
set -u
SRC=${1:?usage: alloc_check.sh SRC}
cd "$SRC" || exit 2
failed=0

names='x(malloc|calloc|realloc|strdup|strndup|alloc_fail)'
defs=$(grep -nE "^([A-Za-z_][A-Za-z0-9_ ]*[ *])?$names[[:space:]]*\\(|^#[[:space:]]*define[[:space:]]+$names\\b" \
         --include='*.c' --include='*.h' -r common fcgi manager worker selfctl tengo tests |
       grep -v '^common/xalloc\.c:' | grep -vE ';[[:space:]]*$|;[[:space:]]*/\*.*\*/[[:space:]]*$' |
       grep -v '^common/xalloc\.h:')
if [ -n "$defs" ]; then
  echo "FAIL a private allocator outside common/xalloc.c (use xalloc.h):"
  echo "$defs" | sed 's/^/  /'
  failed=1
fi

calls=$(grep -nE '(^|[^A-Za-z0-9_.>])(malloc|calloc|realloc|reallocarray|strdup|strndup|v?asprintf)[[:space:]]*\(' \
          --include='*.c' --include='*.h' -r manager worker)
if [ -n "$calls" ]; then
  echo "FAIL an allocation in manager/ or worker/ not through xalloc.h:"
  echo "$calls" | sed 's/^/  /'
  failed=1
fi

# the rules must see something: a tree without the files would pass
[ -f common/xalloc.c ] && [ -d manager ] && [ -d worker ] || { echo "FAIL no source tree at $SRC"; exit 1; }
n=$(grep -cE 'x(malloc|calloc|strdup)\(' manager/*.c worker/*.c | awk -F: '{s += $2} END {print s + 0}')
[ "$n" -gt 0 ] || { echo "FAIL no xalloc call found in manager/ and worker/: is the pattern broken?"; exit 1; }

# and they can fail: a copy of the tree with one planted offence of each
# kind must be refused (ALLOC_CHECK_INNER: this run is that check)
if [ -z "${ALLOC_CHECK_INNER:-}" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  for plant in 'static void *xmalloc(size_t n)' '    char *s = strdup(name);' \
               '    p = realloc (p, 2 * n);' '#define xstrdup(s) my_strdup(s)'; do
    rm -rf "${tmp:?}"/*
    mkdir -p "$tmp/common" "$tmp/fcgi" "$tmp/selfctl" "$tmp/tengo" "$tmp/tests"
    cp -r common/xalloc.c common/xalloc.h "$tmp/common/" && cp -r manager worker "$tmp/"
    printf '%s\n' "$plant" >> "$tmp/worker/job.c"
    if ALLOC_CHECK_INNER=1 bash "$0" "$tmp" > /dev/null; then
      echo "FAIL the check passes a tree with: $plant"
      failed=1
    fi
  done
fi

[ "$failed" = 0 ] && echo "ok: one allocator ($n xalloc calls in manager/ and worker/, no bare ones, no private copies)"
exit "$failed"
