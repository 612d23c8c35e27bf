#!/usr/bin/env bash
# selfctl_config_example.sh SELFCTL SRC — deploy/systemd/selfhost.conf.example
# documents every setting: each key `selfctl config show` prints appears
# there (commented out, with its environment variable) under its section,
# with the default the program uses, and the file loads once uncommented.
set -u
SELFCTL=$1 EXAMPLE=$2/deploy/systemd/selfhost.conf.example
passed=0 failed=0
TMP=$(mktemp -d /tmp/selfhost-confex.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
check() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi; }

defaults=$("$SELFCTL" -c /dev/null config show 2>/dev/null | grep -v '^config ')
[ -n "$defaults" ]; check "config show lists the settings" $?
while IFS= read -r line; do
  key=${line%% = *} value=${line#* = }
  section=${key%%.*} name=${key#*.}
  [[ $key == *.* ]] || continue
  env=SELFHOST_$(printf '%s_%s' "$section" "$name" | tr 'a-z' 'A-Z')
  # the key's block: from "[section]" to the next section
  block=$(awk -v s="[$section]" '$0 == s {on = 1; next} /^\[/ {on = 0} on' "$EXAMPLE")
  grep -qx "# env $env" <<<"$block" && grep -q "^#$name =\( \|$\)" <<<"$block"
  check "$key is documented with $env" $?
  case $name in socket|domainfile|state_dir|log_target|uri|sql_*) continue ;; esac
  grep -qx "#$name = $value" <<<"$block"; check "$key's documented default is $value" $?
done <<<"$defaults"

sed 's/^#\([a-z_]* = \)/\1/' "$EXAMPLE" | grep -v -e '^example = ' -e '^uri = ' > "$TMP/conf"
"$SELFCTL" -c "$TMP/conf" config show >/dev/null 2>"$TMP/err"
loaded=$?
check "the example loads uncommented $(tr '\n' ' ' <"$TMP/err")" "$loaded"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
