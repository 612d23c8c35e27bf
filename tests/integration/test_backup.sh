#!/usr/bin/env bash
# test_backup.sh — `selfctl backup` and `selfctl restore`: data put into the
# world's domain through the API (series + points, a dataset, a user and
# its token, a program) is backed up, restored into a new database as a new
# domain and read back through nginx with the same tokens, byte for byte;
# and every refusal: unknown domain, unreachable or non-empty target,
# pg_dump missing or failing, a file that is no backup, a schema this build
# does not know, the password never on pg_dump's command line.
. "$(dirname "$0")/lib.sh"

AUTH="$ITEST_DOMAIN:$ITEST_TOKEN"
C=(-c "$ITEST_CONFIG")
api() { # METHOD PATH [BODY] → body in $TMP/body, status printed
  if [ $# -ge 3 ]; then
    curl -s -o "$TMP/body" -w '%{http_code}' -u "${AS:-$AUTH}" -X "$1" \
      -H "Content-Type: application/json" --data-binary "$3" "$ITEST_URL$2"
  else
    curl -s -o "$TMP/body" -w '%{http_code}' -u "${AS:-$AUTH}" -X "$1" "$ITEST_URL$2"
  fi
}
# the top-level "uuid" of the answer (nested objects come after it or hold none)
uuid_of_body() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uuid"])' "$TMP/body"; }

# --- data in the world's domain, through the API ----------------------------
tag=bk$$
[ "$(api POST /v2/timeseries "{\"name\":\"$tag series\",\"si_unit\":\"C\"}")" = 201 ]
verdict "a series"
TS=$(uuid_of_body)
points=$(for i in $(seq 0 199); do
  printf '{"ts":"2024-01-01T%02d:%02d:00Z","v":%d.25}\n' $((i / 60)) $((i % 60)) "$i"
done | paste -sd, -)
code=$(api POST "/v2/timeseries/$TS/data" "[$points]")
[ "${code:0:1}" = 2 ]; verdict "200 points posted ($code)"
content=$(printf 'a,b\n1,2\n3,4\n' | base64 -w0)
[ "$(api POST /v2/datasets "{\"name\":\"$tag data\",\"format\":\"csv\",\"content\":\"$content\"}")" = 201 ]
verdict "a dataset"
DS=$(uuid_of_body)
[ "$(api POST /v2/users "{\"name\":\"$tag-user\"}")" = 201 ]; verdict "a user"
USER=$(uuid_of_body)
[ "$(api POST "/v2/users/$USER/tokens" '{"name":"backup-test"}')" = 201 ]; verdict "a token for the user"
UTOKEN=$(sed -n 's/.*"secret":"\(secret-token\.[^"]*\)".*/\1/p' "$TMP/body")
[ -n "$UTOKEN" ]; verdict "the token is in the answer"
[ "$(api POST /v2/programs "{\"name\":\"$tag module\",\"type\":\"module\",\"state\":\"active\",\"schedule\":\"@every 1h\",\"deadline\":1000,\"language\":\"tengo\",\"tags\":[]}")" = 201 ]
verdict "a program"
PROG=$(uuid_of_body)
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -u "$AUTH" -H 'Content-Type: text/plain; charset=utf-8' \
  --data-binary 'export { answer: func() { return 42 } }' "$ITEST_URL/v2/programs/$PROG/code")
[ "$code" = 201 ]; verdict "its code"

# what the API answers now, for the comparison after the restore
reads=("/v2/timeseries/$TS" "/v2/timeseries/$TS/data?start=2024-01-01T00:00:00Z&end=2024-01-02T00:00:00Z"
       "/v2/datasets/$DS" "/v2/datasets/$DS/raw" "/v2/users/$USER" "/v2/programs/$PROG"
       "/v2/programs/$PROG/revisions")
snapshot() { # DOMAIN TOKEN DIR
  local i=0 p
  mkdir -p "$3"
  for p in "${reads[@]}"; do
    curl -s -u "$1:$2" -o "$3/$i" -w '%{http_code}\n' "$ITEST_URL$p" >"$3/$i.code"
    i=$((i + 1))
  done
  curl -s -u "$1:$UTOKEN" -o "$3/me" -w '%{http_code}\n' "$ITEST_URL/v2/users/me" >"$3/me.code"
}
snapshot "$ITEST_DOMAIN" "$ITEST_TOKEN" "$TMP/before"
[ "$(cat "$TMP"/before/*.code | sort -u)" = 200 ]; verdict "every read answers 200 before the backup"
grep -q '"v":199.25' "$TMP/before/1"; verdict "the points read back"

# --- backup -------------------------------------------------------------------
run selfctl "${C[@]}" backup --domain "$ITEST_DOMAIN" "$TMP/world.dump"
[ "$rc" = 0 ] && [ -s "$TMP/world.dump" ] && [[ $out == *"backed up to $TMP/world.dump"* ]]
verdict "backup writes the file"
[[ $err == *"backup: 100% ("*" tables)"* ]]; verdict "backup shows its progress on stderr"
[ "$(stat -c %a "$TMP/world.dump")" = 600 ]; verdict "the backup is readable by its owner only"
[ -z "$(ls "$TMP" | grep partial)" ]; verdict "no partial file is left"
run selfctl "${C[@]}" backup --domain "$ITEST_DOMAIN" "$TMP/world.dump"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"--force"* ]]; verdict "an existing file is kept without --force"

# --- restore into a new database, as a new domain -----------------------------
newdb=itest_restored_$$
newdom=restored$$
drop_db "$newdb"
newuri="postgresql:///$newdb?host=$ITEST_PGHOST&user=postgres"
run selfctl "${C[@]}" restore "$TMP/world.dump" --domain "$newdom" --db "$newuri"
[ "$rc" = 0 ] && [[ $out == *"domain $newdom added"* ]]; verdict "restore into a database that does not exist yet"
[[ $err == *"created database $newdb"* && $err == *"restore: 100% ("* ]]; verdict "restore creates the database and shows its progress"
[ "$(selfctl "${C[@]}" domain list | cut -f1 | grep -cx "$newdom")" = 1 ]; verdict "the domain is added"
code=000
for _ in $(seq 50); do
  code=$(http_code -u "$newdom:$ITEST_TOKEN" "$ITEST_URL/v2/users/me")
  [ "$code" = 200 ] && break
  sleep 0.2
done
[ "$code" = 200 ]; verdict "the restored domain is served with the same admin token"
snapshot "$newdom" "$ITEST_TOKEN" "$TMP/after"
diff -r "$TMP/before" "$TMP/after" >"$TMP/diff"; verdict "series, points, dataset, user, token and program read back identical"
[ -s "$TMP/diff" ] && head -20 "$TMP/diff"
[ "$(cat "$TMP/after/me.code")" = 200 ] && grep -q "\"$USER\"" "$TMP/after/me"; verdict "the user's own token works in the restored domain"

# --- refusals -----------------------------------------------------------------
run selfctl "${C[@]}" restore "$TMP/world.dump" --domain "other$$" --db "$newuri"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"not empty"*"--force"* ]]; verdict "a non-empty target database is refused"
run selfctl "${C[@]}" restore "$TMP/world.dump" --domain "$newdom" --db "$newuri" --force
[ "$rc" = 0 ] && [[ $out == *"already serves this database"* ]]; verdict "--force restores over it again (same domain, same database)"
[ "$(psql_q -c "SELECT count(*) FROM tsdata WHERE ts_uuid = '$TS'" "$newdb")" = 200 ]; verdict "no row twice after --force"
run selfctl "${C[@]}" restore "$TMP/world.dump" --domain "$newdom" --db "$(fresh_db "${newdb}_b")"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"already exists"* ]]; verdict "a domain name in use for another database is refused"
drop_db "${newdb}_b"
run selfctl "${C[@]}" backup --domain "nosuch$$" "$TMP/x.dump"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"no domain 'nosuch$$'"* ]]; verdict "backup of an unknown domain: one line"
run selfctl "${C[@]}" restore "$TMP/world.dump" --domain "x$$" --db "postgresql:///x?host=/nonexistent"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"/nonexistent"* ]]; verdict "an unreachable target: one line"
! selfctl "${C[@]}" domain list | grep -q "^x$$"; verdict "and no domain added"
printf 'not a backup\n' >"$TMP/junk.dump"
run selfctl "${C[@]}" restore "$TMP/junk.dump" --domain "x$$" --db "$newuri"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"does not appear to be a valid archive"* ]]; verdict "a file that is no backup: pg_restore's message"
run env PATH=/nonexistent "$ITEST_SELFCTL" "${C[@]}" backup --domain "$ITEST_DOMAIN" "$TMP/y.dump"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"pg_dump not found"*"postgresql-client"* ]]; verdict "pg_dump missing: says what to install"
run env PATH=/nonexistent "$ITEST_SELFCTL" "${C[@]}" restore "$TMP/world.dump" --domain "x$$" --db "$newuri"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"pg_restore not found"* ]]; verdict "pg_restore missing: says so"
mkdir -p "$TMP/fake"
printf '#!/bin/sh\necho "pg_dump: error: the disk caught fire" >&2\nexit 1\n' >"$TMP/fake/pg_dump"
chmod +x "$TMP/fake/pg_dump"
run env PATH="$TMP/fake:$PATH" "$ITEST_SELFCTL" "${C[@]}" backup --domain "$ITEST_DOMAIN" "$TMP/z.dump"
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"pg_dump failed: pg_dump: error: the disk caught fire"* ]]
verdict "pg_dump failing: its message"
[ ! -e "$TMP/z.dump" ] && [ -z "$(ls "$TMP" | grep partial)" ]; verdict "and no file, not even a partial one"
run selfctl restore "$TMP/world.dump" --domain "x$$"
[ "$rc" = 2 ] && [ "$err" = "selfctl: missing --db URI: selfctl restore FILE --domain NAME --db URI [--force]" ]
verdict "a missing argument is named"

# --- the URI's password travels in pg_dump's environment, never its argv ----------
conf=$TMP/private.conf
printf '[server]\ndomainfile = domains.conf\n' >"$conf"
pw="s3cret-pw-$$"
printf '[domains]\npw = postgresql:///%s?host=%s&user=postgres&password=%s\n' \
  "$newdb" "$ITEST_PGHOST" "$pw" >"$TMP/domains.conf"
real=$(command -v pg_dump)
printf '#!/bin/sh\nprintf "%%s\\n" "$0" "$@" >"%s/argv"\nprintf "%%s\\n" "$PGPASSWORD" >"%s/pw"\nexec %s "$@"\n' \
  "$TMP" "$TMP" "$real" >"$TMP/fake/pg_dump"
run env PATH="$TMP/fake:$PATH" "$ITEST_SELFCTL" -c "$conf" backup --domain pw "$TMP/pw.dump"
[ "$rc" = 0 ] && [ -s "$TMP/pw.dump" ]; verdict "backup through a URI with a password"
! grep -q "$pw" "$TMP/argv" && ! grep -q "postgresql:" "$TMP/argv"; verdict "pg_dump's command line holds neither the password nor the URI"
[ "$(cat "$TMP/pw")" = "$pw" ]; verdict "the password reached pg_dump as PGPASSWORD"

# --- a schema this build does not know: restored, but not served --------------
fut=itest_future_$$
futuri=$(fresh_db "$fut")
selfctl db migrate up --db "$futuri" >/dev/null
psql_q -c "UPDATE schema_migrations SET version = 999999" "$fut" >/dev/null
printf '[domains]\nfuture = %s\n' "$futuri" >"$TMP/domains.conf"
run selfctl -c "$conf" backup --domain future "$TMP/future.dump"
[ "$rc" = 0 ]; verdict "backup of a database at an unknown schema version"
run selfctl -c "$conf" restore "$TMP/future.dump" --domain future2 --db "${futuri/$fut/${fut}_r}"
last=$(printf '%s\n' "$err" | tail -n 1)
[ "$rc" = 1 ] && [[ $last == "selfctl: restored, but the domain was not added: "*"999999"* ]]; verdict "its restore checks the schema version and does not add the domain"
! grep -q future2 "$TMP/domains.conf"; verdict "future2 is not in the domain file"

selfctl "${C[@]}" domain remove "$newdom" >/dev/null
drop_db "$newdb"; drop_db "$fut"; drop_db "${fut}_r"
finish
