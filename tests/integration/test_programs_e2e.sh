#!/usr/bin/env bash
# test_programs_e2e.sh — programs for real: selfpmgr and two selfpwrk
# processes next to the world's nginx + selfserv + PostgreSQL.
#  - a module and a routine importing it ("name@latest") that posts a value
#    to a time series through the API every 2 s; both signed; points arrive;
#  - the module changed and signed: the routine's points change;
#  - one worker killed with SIGKILL: the routine keeps running;
#  - a webhook called through nginx with a JSON body answers what the
#    program computed (status, headers, body);
#  - a routine in an infinite loop is killed at its deadline (recorded as
#    "deadline" in program_runs) and the workers survive;
#  - selfctl pmgr status sees the workers.
. "$(dirname "$0")/lib.sh"
. "$ITEST_SRC/deploy/lib/common.sh"
AUTH="$ITEST_DOMAIN:$ITEST_TOKEN"
DB=$(sed -n "s/^$ITEST_DOMAIN *= *//p" "$ITEST_DIR/etc/domains.conf")
RUN=$ITEST_DIR/run
LOGS=$TMP/logs
mkdir -p "$LOGS" && chmod 777 "$LOGS"

start_bg() { # NAME CMD… — runs CMD as the service user, its pid in $RUN/programs-NAME.pid
  local name=$1; shift
  # a simple command in the background: $! is the program itself (setpriv
  # and env exec it), so kill reaches it
  setpriv --reuid="$SELFHOST_USER" --regid="$SELFHOST_USER" --init-groups env HOME=/tmp \
    "$@" >"$LOGS/$name.log" 2>&1 &
  echo $! > "$RUN/programs-$name.pid"
}
stop_all() {
  local pf
  for pf in "$RUN"/programs-*.pid; do
    [ -f "$pf" ] && kill "$(cat "$pf")" 2>/dev/null; rm -f "$pf"
  done
  sleep 0.3
}
trap 'stop_all; for f in "$LOGS"/*.log; do [ -s "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }; done; rm -rf "$TMP"' EXIT

api() { # METHOD PATH [BODY [CONTENT-TYPE]] → body in $TMP/body, status printed
  local ct=${4:-application/json}
  if [ $# -ge 3 ]; then
    curl -s -o "$TMP/body" -w '%{http_code}' -u "$AUTH" -X "$1" -H "Content-Type: $ct" \
      --data-binary "$3" "$ITEST_URL$2"
  else
    curl -s -o "$TMP/body" -w '%{http_code}' -u "$AUTH" -X "$1" "$ITEST_URL$2"
  fi
}
uuid_of_body() { sed -n 's/.*"uuid":"\([0-9a-f-]*\)".*/\1/p' "$TMP/body"; }
sql() { psql -X -q -tA -v ON_ERROR_STOP=1 "$DB" -c "$1"; }
# new_program NAME TYPE SCHEDULE DEADLINE → uuid
new_program() {
  api POST /v2/programs "{\"name\":\"$1\",\"type\":\"$2\",\"state\":\"active\",\"schedule\":\"$3\",\"deadline\":$4,\"language\":\"tengo\",\"tags\":[]}" >/dev/null
  uuid_of_body
}
# publish UUID CODE → signs the new revision
publish() {
  local code rev
  code=$(api POST "/v2/programs/$1/code" "$2" "text/plain; charset=utf-8")
  [ "$code" = 201 ] || { echo "code upload: $code $(cat "$TMP/body")"; return 1; }
  rev=$(sed -n 's/.*"revision":\([0-9]*\).*/\1/p' "$TMP/body")
  code=$(api PUT "/v2/programs/$1/revisions/$rev/sign")
  [ "${code:0:1}" = 2 ] || { echo "sign: $code $(cat "$TMP/body")"; return 1; }
}
# wait_for SECONDS CONDITION… — polls every 0.25 s
wait_for() {
  local until=$((SECONDS + $1)); shift
  while [ $SECONDS -lt "$until" ]; do "$@" && return 0; sleep 0.25; done
  "$@"
}

# --- the programs -----------------------------------------------------------
api POST /v2/timeseries '{"name":"e2e series","si_unit":"C"}' >/dev/null
TS=$(uuid_of_body)
[ -n "$TS" ]; verdict "a time series for the routine"

MOD=$(new_program "e2emod" module "@every 1h" 1000)
publish "$MOD" 'export { value: func() { return 1 } }'; verdict "module signed"

ROUTINE_CODE=$(cat <<TENGO
http := import("http")
times := import("times")
json := import("json")
base64 := import("base64")
log := import("log")
m := import("e2emod@latest")
auth := "Basic " + base64.encode(bytes("$AUTH"))
body := json.encode([{ts: times.time_format(times.now(), times.format_rfc3339_nano), v: m.value()}])
r := http.post("$ITEST_URL/v2/timeseries/$TS/data", undefined, {"Authorization": auth, "Content-Type": "application/json"}, string(body))
if is_error(r) {
    log["error"]("post failed: %v", r)
} else {
    log.info("posted %d", r.StatusCode)
}
TENGO
)
ROUTINE=$(new_program "e2e routine" routine "*/2 * * * * *" 5000)
publish "$ROUTINE" "$ROUTINE_CODE"; verdict "routine signed"

WEBHOOK=$(new_program "e2e webhook" webhook "@every 1h" 3000)
publish "$WEBHOOK" 'cgi := import("cgi")
json := import("json")
pinned := import("e2emod@0")
req := json.decode(cgi.request.body())
cgi.response.status(201)
cgi.response.headers("Content-Type", "application/json")
cgi.response.headers("X-Computed-By", "tengo")
cgi.response.write(json.encode({sum: req.a + req.b, method: cgi.request.method(), pinned: pinned.value()}))'
verdict "webhook signed"

# an abandoned multipart upload (8 days old, its last part too) and a fresh one
api POST /v2/datasets '{"name":"e2e uploads","format":"csv"}' >/dev/null
DS=$(uuid_of_body)
sql "INSERT INTO dataset_uploads (upload_id, dataset_uuid, created) VALUES
       ('00000000-0000-4000-8000-0000000000a1', '$DS', now() - interval '8 days'),
       ('00000000-0000-4000-8000-0000000000a2', '$DS', now() - interval '8 days');
     INSERT INTO dataset_upload_parts (upload_id, part_number, content, size, md5, created) VALUES
       ('00000000-0000-4000-8000-0000000000a1', 1, 'x', 1, decode(md5('x'), 'hex'), now() - interval '8 days'),
       ('00000000-0000-4000-8000-0000000000a2', 1, 'x', 1, decode(md5('x'), 'hex'), now())" >/dev/null
verdict "two old uploads, one with a recent part"

# --- manager and workers ----------------------------------------------------
start_bg manager "$ITEST_SELFPMGR" -c "$ITEST_CONFIG"
wait_for 10 test -S "$RUN/selfpmgr.sock"; verdict "selfpmgr listens on its socket"
sleep 2.5 # the routine's first activation is queued now, waiting for a worker
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -u "$AUTH" --data-binary '{}' "$ITEST_URL/v2/programs/$WEBHOOK/webhook")
body=$(cat "$TMP/body")
[ "$code" = 503 ] && [[ $body == *'"code":503'* ]]; verdict "webhook with a manager but no worker: 503 JSON at once, even behind a queued routine ($code $body)"
# garbage on the manager's socket: that peer is dropped, the manager goes on
send_raw() { # HEX — sends those bytes to the manager's socket (as the service user), waits for the close
  sh_as_user perl -MIO::Socket::UNIX -e '
    my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit 1;
    print $s pack("H*", $ARGV[1]); $s->flush; my $b; alarm 3; 1 while sysread($s, $b, 4096);' "$RUN/selfpmgr.sock" "$1"
}
send_raw 0000000568656c6c6f || true                          # length 5, "hello": not JSON
send_raw ffffffff || true                                    # length far over the limit
send_raw 0000000f7b2274797065223a226e6f7065227d || true      # {"type":"nope"} as first frame
kill -0 "$(cat "$RUN/programs-manager.pid")"; verdict "the manager survives garbage frames"
uploads_left() { [ "$(sql "SELECT string_agg(right(upload_id::text, 2), ',' ORDER BY upload_id) FROM dataset_uploads WHERE dataset_uuid = '$DS'")" = a2 ]; }
wait_for 5 uploads_left; verdict "the manager deletes the upload idle for 8 days, keeps the one with a recent part"
start_bg worker1 "$ITEST_SELFPWRK" -c "$ITEST_CONFIG"
start_bg worker2 "$ITEST_SELFPWRK" -c "$ITEST_CONFIG"
workers_are() { [ "$(selfctl -c "$ITEST_CONFIG" pmgr status --json 2>/dev/null | grep -o '"worker":' | wc -l)" = "$1" ]; }
wait_for 10 workers_are 2; verdict "selfctl pmgr status lists two workers"

# domains come and go while the manager runs (it re-reads the domain file)
uri_a=$(fresh_db e2e_dom_a) && uri_b=$(fresh_db e2e_dom_b)
selfctl -c "$ITEST_CONFIG" domain add e2e_dom_a --db "$uri_a" >/dev/null &&
  selfctl -c "$ITEST_CONFIG" domain add e2e_dom_b --db "$uri_b" >/dev/null; verdict "two domains added"
domains_seen() { [ "$(selfctl -c "$ITEST_CONFIG" pmgr status --json 2>/dev/null | grep -o '"domain":"e2e_dom_[ab]","connected":true' | wc -l)" = "$1" ]; }
wait_for 10 domains_seen 2; verdict "the manager connects to domains added while it runs"
selfctl -c "$ITEST_CONFIG" domain remove e2e_dom_a >/dev/null &&
  selfctl -c "$ITEST_CONFIG" domain remove e2e_dom_b >/dev/null; verdict "and they are removed"
wait_for 10 domains_seen 0; verdict "the manager lets removed domains go"
kill -0 "$(cat "$RUN/programs-manager.pid")"; verdict "the manager is still running"
drop_db e2e_dom_a; drop_db e2e_dom_b

points() { sql "SELECT count(*) FROM tsdata WHERE ts_uuid = '$TS' AND value = $1"; }
has_points() { [ "$(points "$1")" -ge "$2" ]; }
wait_for 12 has_points 1 2; verdict "the routine posts points through the API (value from the module)"

# --- the module changes -----------------------------------------------------
publish "$MOD" 'export { value: func() { return 2 } }'; verdict "module revised and signed"
wait_for 10 has_points 2 1; verdict "the routine uses the new module revision"

# --- a worker dies ----------------------------------------------------------
kill -9 "$(cat "$RUN/programs-worker1.pid")"; rm -f "$RUN/programs-worker1.pid"
before=$(points 2)
wait_for 12 has_points 2 $((before + 3)); verdict "the routine keeps running after a worker was killed with SIGKILL"
wait_for 5 workers_are 1; verdict "the manager noticed the dead worker"

# --- webhook through nginx --------------------------------------------------
code=$(curl -s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' -u "$AUTH" \
  -H 'Content-Type: application/json' --data-binary '{"a":2,"b":3}' "$ITEST_URL/v2/programs/$WEBHOOK/webhook")
[ "$code" = 201 ]; verdict "webhook answers the program's status (201; got $code)"
body=$(cat "$TMP/body")
[[ $body == *'"sum":5'* && $body == *'"method":"POST"'* ]]; verdict "webhook body computed by the program: $body"
[[ $body == *'"pinned":1'* ]]; verdict "import(\"e2emod@0\") keeps revision 0 after the module was revised"
grep -qi '^x-computed-by: tengo' "$TMP/headers" && grep -qi '^content-type: application/json' "$TMP/headers"
verdict "webhook headers set by the program"

# --- a domain whose database never answers does not hold the others up -------
# a TCP listener that accepts and stays silent: libpq waits for the startup
# reply until connect_timeout (5 s)
port=$(sh_free_port)
perl -MIO::Socket::INET -e '
  my $l = IO::Socket::INET->new(Listen => 16, LocalAddr => "127.0.0.1:$ARGV[0]", ReuseAddr => 1) or die;
  my @c; alarm 60; while (my $c = $l->accept) { push @c, $c }' "$port" &
silent=$!
sleep 0.3
printf 'e2e_silent = postgresql://u@127.0.0.1:%s/x\n' "$port" >> "$ITEST_DIR/etc/domains.conf"
sleep 1.5 # the manager sees the file change and starts connecting
slowest=0
for i in 1 2 3 4 5 6; do
  t0=$(date +%s%N)
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" -d '{"a":1,"b":1}' "$ITEST_URL/v2/programs/$WEBHOOK/webhook")
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$code" = 201 ] || slowest=99999
  [ "$ms" -gt "$slowest" ] && slowest=$ms
  sleep 0.5
done
[ "$slowest" -lt 1500 ]; verdict "webhooks answer while another domain's database hangs (slowest ${slowest} ms)"
selfctl -c "$ITEST_CONFIG" domain remove e2e_silent >/dev/null; verdict "the silent domain is removed"
kill "$silent" 2>/dev/null

# --- a routine that never ends ----------------------------------------------
LOOP=$(new_program "e2e loop" routine "@every 2s" 500)
publish "$LOOP" 'x := 0
for { x += 1 }'; verdict "endless routine signed"
killed() { [ "$(sql "SELECT count(*) FROM program_runs WHERE program_uuid = '$LOOP' AND outcome = 'deadline'")" -ge 1 ]; }
wait_for 12 killed; verdict "the endless routine is killed at its deadline (program_runs: deadline)"
kill -0 "$(cat "$RUN/programs-worker2.pid")"; verdict "the worker survives the killed run"
before=$(points 2)
wait_for 8 has_points 2 $((before + 2)); verdict "other routines keep running meanwhile"
ok_runs=$(sql "SELECT count(*) FROM program_runs WHERE program_uuid = '$ROUTINE' AND outcome = 'ok' AND log LIKE 'info: posted 2%'")
[ "$ok_runs" -ge 1 ]; verdict "routine runs are recorded with their log lines"
api PUT "/v2/programs/$LOOP" '{"state":"inactive"}' >/dev/null

# --- a worker dies in the middle of a job: the job runs again elsewhere ------
start_bg worker3 "$ITEST_SELFPWRK" -c "$ITEST_CONFIG"
wait_for 10 workers_are 2; verdict "a third worker joins"
SLOW=$(new_program "e2e slow" routine "@every 4s" 8000)
publish "$SLOW" 'times := import("times")
times.sleep(2500 * times.millisecond)'; verdict "slow routine signed"
busy_pid() { # the pid of a worker running a job for over half a second, if any
  local p
  p=$(selfctl -c "$ITEST_CONFIG" pmgr status --json 2>/dev/null |
      grep -o '"pid":[0-9]*,"name":"[^"]*","capacity":[0-9]*,"running":[1-9]' | head -n 1 |
      sed 's/"pid":\([0-9]*\).*/\1/')
  [ -n "$p" ] || return 1
  sleep 0.5
  selfctl -c "$ITEST_CONFIG" pmgr status --json 2>/dev/null |
    grep -q "\"pid\":$p,\"name\":\"[^\"]*\",\"capacity\":[0-9]*,\"running\":[1-9]" || return 1
  echo "$p"
}
victim=""
until_t=$((SECONDS + 12))
while [ -z "$victim" ] && [ $SECONDS -lt $until_t ]; do victim=$(busy_pid) || victim=""; done
[ -n "$victim" ] && kill -9 "$victim"; verdict "a worker running the slow routine killed with SIGKILL"
requeued() { grep -q 'e2e slow): worker [0-9]* went away; queued again' "$LOGS/manager.log"; }
wait_for 5 requeued; verdict "the manager queues its job again"
slow_ok() { [ "$(sql "SELECT count(*) FROM program_runs WHERE program_uuid = '$SLOW' AND outcome = 'ok'")" -ge 1 ]; }
wait_for 12 slow_ok; verdict "the job runs to the end on another worker"
api PUT "/v2/programs/$SLOW" '{"state":"inactive"}' >/dev/null

finish
