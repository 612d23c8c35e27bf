#!/usr/bin/env bash
# test_metrics.sh — /healthz, /readyz and /metrics (docs/monitoring.md)
# through nginx, on a stack of its own (its own metrics table): requests of
# known counts sent in parallel over a pool of 3 API responders, then
# /metrics parsed by the Prometheus project's own text-format parser
# (metrics_parse.py) with the counts matching exactly, the latency
# histograms cumulative with _count equal to the requests, the counts
# kept when a responder is SIGKILLed, and program
# runs counted by the manager; /metrics refused (403) to a client that is
# not the host itself (curl from 127.0.0.2, nginx allows 127.0.0.1 and ::1
# only); /healthz 200; /readyz 200, then 503 naming a domain whose server
# is down, one whose server takes connections but never answers (within
# the 1.5 s deadline), a domain whose database was dropped, and the manager
# once it is stopped; one check per PostgreSQL server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stack.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! "$PY" -c 'import prometheus_client' 2>/dev/null; then
  bad "python3-prometheus-client is not installed (./tests/run.sh installs it)"
  finish; exit 1
fi
PARSE="$PY $(dirname "$0")/metrics_parse.py"

stack_init metrics
stack_domain m1 && stack_domain m2; verdict "two domains in one PostgreSQL cluster"
stack_web 3 2
stack_programs 1
AUTH="m1:$TOKEN_m1"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# scrape: /metrics through nginx, parsed, into $TMP/metrics (the parser's
# complaint, if any, in $TMP/parse.err)
scrape() {
  curl -s -o "$TMP/metrics.txt" -w '%{http_code}' "$URL/metrics" > "$TMP/metrics.code" &&
    [ "$(cat "$TMP/metrics.code")" = 200 ] && $PARSE < "$TMP/metrics.txt" > "$TMP/metrics" 2> "$TMP/parse.err"
}
# value NAME LABELS: the sample's value ("" when absent); labels sorted, k=v,k=v
value() { awk -F'|' -v n="$1" -v l="$2" '$1 == n && $2 == l { print $3 }' "$TMP/metrics"; }

[ "$(code "$URL/healthz")" = 200 ] && [ "$(curl -s "$URL/healthz")" = '{"status":"ok"}' ]
verdict "/healthz: 200 {\"status\":\"ok\"} without credentials"

# --- known counts over several responders -----------------------------------
series=$(curl -s -u "$AUTH" -H 'Content-Type: application/json' \
           -d '{"name":"metrics","si_unit":"C"}' "$URL/v2/timeseries" | sed -n 's/.*"uuid":"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$series" ]; verdict "a series to read"
: > "$TMP/urls"
for _ in $(seq 37); do echo "-u $AUTH $URL/v2/users/me"; done >> "$TMP/urls"
for _ in $(seq 13); do echo "-u $AUTH $URL/v2/timeseries/$series"; done >> "$TMP/urls"
for _ in $(seq 11); do echo "-u $AUTH $URL/v2/timeseries/00000000-0000-4000-8000-00000000abcd"; done >> "$TMP/urls"
for _ in $(seq 5); do echo "$URL/v2/users/me"; done >> "$TMP/urls"
for i in $(seq 7); do echo "-u $AUTH $URL/v2/no/such/path$i"; done >> "$TMP/urls"
for _ in $(seq 4); do echo "-u $AUTH -X PATCH $URL/v2/users/me"; done >> "$TMP/urls"
# one curl, 8 transfers at once (-Z): requests that overlap, so that the
# pool's responders share them (curl processes started one by one came
# so far apart that one fast responder could take them all)
shuf "$TMP/urls" | awk '{
    if (NR > 1) print "next"
    print "output = /dev/null"; print "write-out = \"%{http_code}\\n\""
    for (i = 1; i <= NF; i++) {
      if ($i == "-u") { printf "user = \"%s\"\n", $(i + 1); i++ }
      else if ($i == "-X") { printf "request = \"%s\"\n", $(i + 1); i++ }
      else printf "url = \"%s\"\n", $i
    }
  }' > "$TMP/urls.cfg"
curl -s -Z --parallel-max 8 -K "$TMP/urls.cfg" > "$TMP/codes"
[ "$(wc -l < "$TMP/codes")" = 77 ] && [ "$(grep -c '^200$' "$TMP/codes")" = 50 ]
verdict_rc $? "77 requests sent, 8 at a time ($(sort "$TMP/codes" | uniq -c | tr -s ' \n' ' '))"
pids=$(grep -F 'GET /v2/users/me 200' "$S/log/selfserv.log" | grep -o 'selfserv\[[0-9]*\]' | sort -u | wc -l)
[ "$pids" -ge 2 ]; verdict "the requests were served by $pids different responders"

scrape; verdict_rc $? "/metrics: 200, parsed by prometheus_client, histograms consistent $(cat "$TMP/parse.err" 2>/dev/null)"
grep -q '^Content-Type: text/plain; version=0.0.4' <(curl -s -D - -o /dev/null "$URL/metrics" | tr -d '\r')
verdict "Content-Type: text/plain; version=0.0.4"
[ "$(value selfhost_http_requests_total 'method=GET,route=/v2/users/me,status=200')" = 37 ] &&
[ "$(value selfhost_http_requests_total 'method=GET,route=/v2/users/me,status=401')" = 5 ] &&
[ "$(value selfhost_http_requests_total 'method=GET,route=/v2/timeseries/{uuid},status=200')" = 13 ] &&
[ "$(value selfhost_http_requests_total 'method=GET,route=/v2/timeseries/{uuid},status=404')" = 11 ] &&
[ "$(value selfhost_http_requests_total 'method=POST,route=/v2/timeseries,status=201')" = 1 ] &&
[ "$(value selfhost_http_requests_total 'method=GET,route=/healthz,status=200')" = 2 ]
verdict "selfhost_http_requests_total by method, route template and status: 37, 5, 13, 11, 1, 2"
[ "$(value selfhost_http_requests_total 'method=GET,route=unmatched,status=404')" = 7 ] &&
[ "$(value selfhost_http_requests_total 'method=PATCH,route=unmatched,status=405')" = 4 ] &&
! grep -q 'no/such' "$TMP/metrics"
verdict "unknown paths are one label, route=\"unmatched\" (7 x 404, 4 x 405), never the raw path"
[ "$(value selfhost_http_request_duration_seconds_count 'route=/v2/users/me')" = 42 ] &&
[ "$(value selfhost_http_request_duration_seconds_bucket 'le=+Inf,route=/v2/users/me')" = 42 ] &&
[ "$(value selfhost_http_request_duration_seconds_count 'route=/v2/timeseries/{uuid}')" = 24 ] &&
[ "$(value selfhost_http_request_duration_seconds_count 'route=unmatched')" = 11 ]
verdict "latency histogram per route: _count = the requests of that route (42, 24, 11)"
awk -F'|' '$1 == "selfhost_http_request_duration_seconds_sum" && $2 == "route=/v2/users/me" { exit !($3 > 0 && $3 < 42) }' "$TMP/metrics"
verdict "its _sum is in seconds"
[ "$(awk -F'|' '$1 == "selfhost_http_request_duration_seconds_bucket" && $2 ~ /route=\/v2\/users\/me$/' "$TMP/metrics" | wc -l)" = 14 ]
verdict "14 buckets, 1 ms to 10 s and +Inf"
grep -q "^selfhost_db_connections|class=serve,server=$ITEST_PGHOST:[0-9]*|[1-9]" "$TMP/metrics" &&
grep -q "^selfhost_db_connections_limit|class=serve,server=$ITEST_PGHOST:[0-9]*|[1-9]" "$TMP/metrics" &&
[ -n "$(value selfhost_db_budget_waits_total '')" ] && [ -n "$(value selfhost_db_budget_timeouts_total '')" ]
verdict "database connections per server and class, budget waits and timeouts"

# a responder that counted some of them dies (SIGKILL): its counts stay
victim=$(grep -F 'GET /v2/users/me 200' "$S/log/selfserv.log" | grep -o 'selfserv\[[0-9]*\]' | head -n 1 | tr -dc 0-9)
kill -9 "$victim" 2>/dev/null; verdict "a responder that served some of them killed (pid $victim)"
scrape
[ "$(value selfhost_http_requests_total 'method=GET,route=/metrics,status=200')" -ge 1 ] &&
[ "$(value selfhost_http_requests_total 'method=GET,route=/v2/users/me,status=200')" = 37 ] &&
[ "$(value selfhost_http_request_duration_seconds_count 'route=/v2/users/me')" = 42 ]
verdict "its counts stay (37, 42); a scrape counts itself once answered"

# --- /metrics for this host only ----------------------------------------------
c=$(curl -s -o "$TMP/body" -w '%{http_code}' --interface 127.0.0.2 "$URL/metrics")
[ "$c" = 403 ] && grep -q '"code":403' "$TMP/body"; verdict "/metrics from 127.0.0.2: nginx answers 403 JSON ($c)"
[ "$(code --interface 127.0.0.2 "$URL/healthz")" = 200 ]; verdict "/healthz from 127.0.0.2: 200"

# --- program runs and the manager ---------------------------------------------
HOOK='cgi := import("cgi")
cgi.response.status(200)
cgi.response.write("ok")'
hook=$(new_program "metrics hook" webhook "@every 1h" 5000 "$HOOK")
[ -n "$hook" ]; verdict "a webhook program"
# a call until one is answered 200 (the manager may still be meeting its worker)
hook_ok() { [ "$(code -u "$AUTH" --data-binary '{}' "$URL/v2/programs/$hook/webhook")" = 200 ]; }
runs=0
for _ in 1 2 3; do wait_for 15 hook_ok && runs=$((runs + 1)); done
[ "$runs" = 3 ]; verdict "3 webhook calls answered 200"
scrape
[ "$(value selfhost_http_requests_total 'method=POST,route=/v2/programs/{uuid}/webhook,status=200')" = 3 ]
verdict "the webhook pool's requests are counted in the same table (3 x 200)"
[ "$(value selfhost_program_runs_total 'kind=webhook,outcome=ok')" -ge 3 ] &&
[ "$(value selfhost_program_run_duration_seconds_count 'kind=webhook')" = "$(value selfhost_program_runs_total 'kind=webhook,outcome=ok')" ] &&
[ "$(value selfhost_program_runs_total 'kind=routine,outcome=crashed')" = 0 ]
verdict_rc $? "program runs by kind and outcome, with their duration histogram ($(value selfhost_program_runs_total 'kind=webhook,outcome=ok'))"
[ "$(value selfhost_manager_up '')" = 1 ] && [ "$(value selfhost_manager_workers '')" = 1 ] &&
[ "$(value selfhost_manager_queue_length '')" = 0 ] && [ "$(value selfhost_manager_worker_capacity '')" -ge 1 ]
verdict "the manager's queue and workers (up 1, 1 worker, queue 0)"

# the Grafana dashboard and the docs name the metrics as served: every
# selfhost_* name of the dashboard's queries is a sample of this scrape,
# and every family of the scrape is in docs/monitoring.md
dash=$ITEST_SRC/deploy/grafana/selfhost-dashboard.json
used=$("$PY" -c 'import json, re, sys
d = json.load(open(sys.argv[1]))
assert any(i["name"] == "DS_PROMETHEUS" for i in d["__inputs"]), "no DS_PROMETHEUS input"
names = set()
for p in d["panels"]:
    for t in p.get("targets", []):
        names.update(re.findall(r"selfhost_[a-z_]+", t["expr"]))
print(" ".join(sorted(names)))' "$dash")
missing=""
for n in $used; do grep -q "^$n|" "$TMP/metrics" || missing="$missing $n"; done
[ -n "$used" ] && [ -z "$missing" ]
verdict_rc $? "the dashboard's $(wc -w <<< "$used") metric names are all served${missing:+ (not:$missing)}"
undocumented=""
for f in $(cut -d'|' -f1 "$TMP/metrics" | sed -E 's/_(bucket|sum|count)$//' | sort -u); do
  grep -q "\`$f\`" "$ITEST_SRC/docs/monitoring.md" || undocumented="$undocumented $f"
done
[ -z "$undocumented" ]; verdict "every metric served is in docs/monitoring.md${undocumented:+ (not:$undocumented)}"

# --- /readyz ---------------------------------------------------------------------
ready_slowest=0 # the slowest /readyz answer of ready_is so far, ms
ready_is() { # CODE GREP…: /readyz answers CODE and its body holds every GREP
  local want=$1 t c; shift
  t=$(now_ms); c=$(curl -s -o "$TMP/ready" -w '%{http_code}' "$URL/readyz"); t=$(( $(now_ms) - t ))
  [ "$t" -gt "$ready_slowest" ] && ready_slowest=$t
  [ "$c" = "$want" ] || return 1
  local g; for g in "$@"; do grep -qF -- "$g" "$TMP/ready" || return 1; done
}
wait_for 12 ready_is 200 '"status":"ready"' '"domains":2' '"servers":1' '"manager":"ok"'
verdict_rc $? "/readyz: 200, 2 domains checked on 1 server, manager ok ($(cat "$TMP/ready"))"

# a "server" that takes connections and never answers (the kernel's
# backlog accepts them): its domain costs the deadline, not a hang
"$PY" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True); time.sleep(120)' > "$TMP/silent.port" &
silent=$!
wait_for 5 test -s "$TMP/silent.port"
printf 'deadport = postgresql://postgres@127.0.0.1:1/nothing\n' >> "$S/etc/domains.conf"
printf 'silent = postgresql://postgres@127.0.0.1:%s/nothing?connect_timeout=30\n' "$(cat "$TMP/silent.port")" >> "$S/etc/domains.conf"
# two domains of one server (the socket folder spelt with a trailing
# slash: a server key of their own, on which no responder has a
# connection to reuse), the first with a role that does not exist: the
# check connects with the second's URI instead and names the first alone
printf 'badfirst = postgresql:///stack_m1?host=%s/&user=nosuchrole\n' "$STACK_PG" >> "$S/etc/domains.conf"
printf 'goodsecond = postgresql:///stack_m1?host=%s/&user=postgres\n' "$STACK_PG" >> "$S/etc/domains.conf"
stack_psql -c 'DROP DATABASE stack_m2 WITH (FORCE)' postgres
ready_slowest=0
wait_for 15 ready_is 503 '"code":503' '"deadport":"PostgreSQL server 127.0.0.1:1: ' \
  '"m2":"database \"stack_m2\" does not exist' '"silent":"PostgreSQL server 127.0.0.1:'"$(cat "$TMP/silent.port")"': no answer within 1500 ms"'
verdict "/readyz: 503 naming the domain whose server is down, the one whose database is gone and the one whose server does not answer"
! grep -q '"m1"' "$TMP/ready" && grep -q '"message":"Not ready: domain ' "$TMP/ready"
verdict_rc $? "… and not the domain that is fine ($(head -c 400 "$TMP/ready"))"
"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))["domains"]
why = d.get("badfirst", "")
sys.exit(not (why.startswith("cannot connect with its URI to ") and "nosuchrole" in why and "goodsecond" not in d))' "$TMP/ready"
verdict_rc $? "a domain whose own URI cannot connect is named alone, not its server's other domains ($("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["domains"].get("badfirst"))' "$TMP/ready" 2>&1 | head -c 300))"
# the answer naming "silent" was computed by one of those probes: it waited
# out the deadline, and no longer
[ "$ready_slowest" -ge 1400 ] && [ "$ready_slowest" -lt 3000 ]
verdict "the probe that computed it took $ready_slowest ms: the 1.5 s deadline, not the URI's 30 s connect_timeout"
slowest=0 t0=$(now_ms)
for _ in 1 2 3 4 5 6; do
  t=$(now_ms); code "$URL/readyz" >/dev/null; t=$(( $(now_ms) - t ))
  [ "$t" -gt "$slowest" ] && slowest=$t
done
[ "$slowest" -lt 3000 ]
verdict_rc $? "6 more probes: the slowest $slowest ms, all $(( $(now_ms) - t0 )) ms (answers reused 5 s)"
grep -q 'warn: GET /readyz 503 .* error="Not ready: domain ' "$S/log/selfserv.log" &&
  ! grep -q 'error: GET /readyz 503' "$S/log/selfserv.log"
verdict_rc $? "those 503s are logged as warnings with their reason, none as an error ($(grep -m1 'GET /readyz 503' "$S/log/selfserv.log" | head -c 200))"
kill "$silent"; wait "$silent" 2>/dev/null

sed -i '/^deadport = /d; /^silent = /d; /^m2 = /d; /^badfirst = /d; /^goodsecond = /d' "$S/etc/domains.conf"
wait_for 12 ready_is 200 '"domains":1'; verdict "/readyz: 200 again once those domains are gone"
sh_programs_stop "$S"
wait_for 12 ready_is 503 '"manager":"not running'
verdict_rc $? "/readyz: 503 naming the manager once it is stopped ($(head -c 300 "$TMP/ready"))"
scrape && [ "$(value selfhost_manager_up '')" = 0 ]; verdict "/metrics: selfhost_manager_up 0"
finish
