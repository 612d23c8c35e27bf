#!/usr/bin/env bash
# docs_packages.sh SRC — the package list of docs/deployment.md ("1.
# Packages") holds every library and build tool the build needs: each
# -dev package, compiler and tool of SELFHOST_PACKAGES (deploy/lib/common.sh,
# what the two commands install) that the build or the processes use.
set -u
SRC=$1
. "$SRC/deploy/lib/common.sh"
# the apt-get lines of the packages section, continuation lines joined
docs=$(awk '/^## 1\. Packages/ {on = 1; next} /^## / {on = 0} on' "$SRC/docs/deployment.md" |
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep '^apt-get install' | sed 's/#.*//')
passed=0 failed=0
for p in $SELFHOST_PACKAGES; do
  case $p in
    *-dev|gcc|make|cmake|pkg-config|spawn-fcgi|multiwatch|postgresql|tzdata) ;;
    *) continue ;; # web servers, test tools and clients: the docs name them elsewhere
  esac
  if grep -qw -- "$p" <<<"$docs"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL docs/deployment.md does not install $p"
  fi
done
echo "$passed passed, $failed failed"
[ "$passed" -gt 5 ] && [ "$failed" -eq 0 ]
