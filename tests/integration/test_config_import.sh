#!/usr/bin/env bash
# test_config_import.sh — `selfctl config import`: the reference's YAML files
# (aapije, its domain file, juvuln, malgomaj) turned into selfhost.conf,
# domains.conf and an nginx snippet; the outputs exactly, the written
# configuration loading, nginx accepting and running the snippet (CORS
# answered through the world's selfserv; the console, /docs/ and
# /openapi3.json from the world's web files), and one-line errors.
. "$(dirname "$0")/lib.sh"
. "$ITEST_SRC/deploy/lib/common.sh"

cd "$TMP" || exit 1
mkdir ref
port=$(sh_free_port)
# keeps the placeholders of the expected texts below apart from shell syntax
fill() { sed -e "s|@PORT@|$port|g"; }

# ---- the reference's files, as a deployment of it has them ----
fill > ref/aapije.conf.yaml <<'YAML'
# Self-host API server (aapije): CONFIG_FILENAME=aapije.conf.yaml
listen:
  host: 127.0.0.1
  port: @PORT@

domainfile: domains.yaml

Rate_Control:            # viper reads keys in any case
  req_per_hour: 1200
  maxburst: 20
  cleanup: 1h30m

cors:
  allowed_origins:
    - https://dashboard.example.com
    - https://*.example.org
  allowed_methods: [GET, POST, PUT, DELETE]
  allowed_headers: Accept Authorization Content-Type If-None-Match
  exposed_headers: [link, x-request-id]
  allow_credentials: yes
  max_age: 600

# keys the reference does not read
log:
  level: debug
domains:
  inline: postgresql://selfhost@db.internal/inline
YAML
cat > ref/domains.yaml <<'YAML'
domains:
  Acme: postgresql://selfhost:s3cret@db.internal:5432/selfhost_acme?sslmode=require
  test: postgresql://selfhost:s3cret@db.internal:5432/selfhost_test
  pooled: postgresql://selfhost:s3cret@pgbouncer.internal:6432/selfhost_pooled?prefer_simple_protocol=true
  "bad name": postgresql://selfhost:s3cret@db.internal/selfhost_bad
YAML
cat > ref/juvuln.conf.yaml <<'YAML'
listen:
  host: 0.0.0.0
  port: 8097
domainfile: domains.yaml
worker:
  timeout: 45s
YAML
cat > ref/malgomaj.conf.yaml <<'YAML'
listen:
  host: 0.0.0.0
  port: 8096
cache:
  library_timeout: 3600
  program_timeout: 600
program_manager:
  scheme: http
  authority: juvuln.selfhost:8097
module_library:
  scheme: http
  authority: juvuln.selfhost:8097
YAML

run selfctl config import ref/aapije.conf.yaml ref/domains.yaml ref/juvuln.conf.yaml ref/malgomaj.conf.yaml --out out
[ "$rc" = 0 ] && [ -z "$err" ]; verdict "import of all four files succeeds, nothing on stderr"
expected=$(fill <<'TXT'
read: ref/aapije.conf.yaml ref/domains.yaml ref/juvuln.conf.yaml ref/malgomaj.conf.yaml
carried over:
  aapije.conf.yaml: listen.host = 127.0.0.1, listen.port = @PORT@ -> nginx-selfhost.conf: listen 127.0.0.1:@PORT@
  aapije.conf.yaml: rate_control.req_per_hour = 1200 -> selfhost.conf [rate_control] req_per_hour = 1200
  aapije.conf.yaml: rate_control.maxburst = 20 -> selfhost.conf [rate_control] maxburst = 20
  aapije.conf.yaml: rate_control.cleanup = 1h30m -> selfhost.conf [rate_control] cleanup = 5400
  aapije.conf.yaml: cors.* -> nginx-selfhost.conf: CORS headers and the OPTIONS preflight (selfserv does not do CORS)
  domains.yaml: domains -> domains.conf: 2 domains: acme (written Acme; the reference lower-cased it), test
  juvuln.conf.yaml: domainfile = domains.yaml -> the same domains.conf (one domain list for every selfhost process)
not carried over:
  domains.yaml: domains.pooled (libpq cannot use its URI: invalid URI query parameter: "prefer_simple_protocol")
  domains.yaml: domains.bad name (not a selfhost domain name: letters, digits, '-', '_' and '.', at most 63, not starting with '.' or '-')
  aapije.conf.yaml: log.level = debug (not a setting the reference reads)
  aapije.conf.yaml: domains.inline (the reference reads domains only from the file named by 'domainfile')
  juvuln.conf.yaml: listen.host = 0.0.0.0 (selfpmgr is reached through a Unix socket ([manager] socket), not over TCP)
  juvuln.conf.yaml: listen.port = 8097 (selfpmgr is reached through a Unix socket ([manager] socket), not over TCP)
  juvuln.conf.yaml: worker.timeout = 45s (no equivalent: workers talk to selfpmgr over its Unix socket ([manager] socket), not by HTTP subscriptions that expire)
  malgomaj.conf.yaml: listen.host = 0.0.0.0 (selfpwrk does not listen: it connects to selfpmgr's Unix socket ([manager] socket))
  malgomaj.conf.yaml: listen.port = 8096 (selfpwrk does not listen: it connects to selfpmgr's Unix socket ([manager] socket))
  malgomaj.conf.yaml: cache.library_timeout = 3600 (no equivalent: selfpwrk keeps no time-limited cache of program or module code)
  malgomaj.conf.yaml: cache.program_timeout = 600 (no equivalent: selfpwrk keeps no time-limited cache of program or module code)
  malgomaj.conf.yaml: program_manager.scheme = http (selfpwrk finds selfpmgr, and the modules it serves, at [manager] socket on the same host; an HTTP address has no equivalent)
  malgomaj.conf.yaml: program_manager.authority = juvuln.selfhost:8097 (selfpwrk finds selfpmgr, and the modules it serves, at [manager] socket on the same host; an HTTP address has no equivalent)
  malgomaj.conf.yaml: module_library.scheme = http (selfpwrk finds selfpmgr, and the modules it serves, at [manager] socket on the same host; an HTTP address has no equivalent)
  malgomaj.conf.yaml: module_library.authority = juvuln.selfhost:8097 (selfpwrk finds selfpmgr, and the modules it serves, at [manager] socket on the same host; an HTTP address has no equivalent)
wrote: out/selfhost.conf, out/domains.conf, out/nginx-selfhost.conf
next: selfctl -c out/selfhost.conf config show; nginx -t with out/nginx-selfhost.conf included in http {}
TXT
)
[ "$out" = "$expected" ]; verdict "the summary names what was carried over and every key that was not"
[ "$out" = "$expected" ] || diff <(printf '%s\n' "$expected") <(printf '%s\n' "$out")

expected=$(cat <<'TXT'
# selfhost.conf — written by `selfctl config import` from the reference's
# configuration:
#   aapije       ref/aapije.conf.yaml
#   domain file  ref/domains.yaml
#   juvuln       ref/juvuln.conf.yaml
#   malgomaj     ref/malgomaj.conf.yaml
# Only settings that differ from selfhost's defaults are written; every key
# and its value: `selfctl config show`, docs/configuration.md. The listen
# address and CORS went to nginx-selfhost.conf: the web server does them.

[server]
# the reference's domainfile domains.yaml (aapije.conf.yaml line 6), converted
domainfile = domains.conf

[rate_control]
# rate_control.req_per_hour = 1200 (aapije.conf.yaml line 9)
req_per_hour = 1200
# rate_control.maxburst = 20 (aapije.conf.yaml line 10)
maxburst = 20
# rate_control.cleanup = 1h30m (aapije.conf.yaml line 11): 5400 s
cleanup = 5400
TXT
)
[ "$(cat out/selfhost.conf)" = "$expected" ]; verdict "selfhost.conf holds only what differs from the defaults, with where it came from"
expected=$(cat <<'TXT'
# selfhost domains: name = PostgreSQL URI.
# Written by `selfctl domain add|remove`; running processes reload it.
[domains]
acme = postgresql://selfhost:s3cret@db.internal:5432/selfhost_acme?sslmode=require
test = postgresql://selfhost:s3cret@db.internal:5432/selfhost_test
TXT
)
[ "$(cat out/domains.conf)" = "$expected" ]; verdict "domains.conf in the domain file format, names lower-cased as the reference served them"
[ "$(stat -c %a out/domains.conf)" = 640 ] && [ "$(stat -c %a out/selfhost.conf)" = 640 ]; verdict "the written configuration is not world-readable (URIs hold passwords)"
expected=$(fill <<'TXT'
# nginx-selfhost.conf — written by `selfctl config import` from aapije.conf.yaml:
# the reference's listen address and CORS settings, which selfhost leaves to
# the web server. Use it instead of conf/nginx/selfhost.conf: put it in
# /etc/nginx/conf.d/ (it holds http-level directives), run the selfserv
# pool (docs/deployment.md) and reload nginx. Plain HTTP on the reference's
# address, as the reference served it; for TLS add a server like the one in
# conf/nginx/selfhost.conf (clients keep their /v2/... paths either way).

upstream selfhost_selfserv {
    server unix:/run/selfhost/selfserv.sock;
}

# CORS as the reference answered it (go-chi/cors, the cors.* settings):
#   allowed origins:   https://dashboard.example.com, https://*.example.org
#   allowed methods:   GET, POST, PUT, DELETE (and OPTIONS)
#   allowed headers:   Accept, Authorization, Content-Type, If-None-Match, Origin
#   exposed headers:   Link, X-Request-Id
#   credentials:       allowed
#   preflight max age: 600 s
# A request from an allowed origin with an allowed method gets the
# Access-Control-* headers; a preflight (OPTIONS with
# Access-Control-Request-Method) is answered 200 here, without reaching
# selfserv, and echoes the requested method and headers when allowed.
map "$request_method $http_origin" $selfhost_cors_origin {
    default "";
    "~*^(?:GET|POST|PUT|DELETE|OPTIONS) (?:https://dashboard\.example\.com|https://.*\.example\.org)$" $http_origin;
}
map "$http_access_control_request_method $http_origin" $selfhost_cors_pf_try {
    default "";
    "~*^(?:GET|POST|PUT|DELETE|OPTIONS) (?:https://dashboard\.example\.com|https://.*\.example\.org)$" $http_origin;
}
map $http_access_control_request_headers $selfhost_cors_pf_headers_ok {
    default "";
    "" 1;
    "~*^[\s,]*(?:(?:Accept|Authorization|Content-Type|If-None-Match|Origin)(?:[\s,]+|$))*$" 1;
}
map "$selfhost_cors_pf_headers_ok:$selfhost_cors_pf_try" $selfhost_cors_pf_origin {
    default "";
    "~^1:(.+)$" $1;
}
map "$request_method $http_access_control_request_method" $selfhost_cors_preflight {
    default "";
    "~^OPTIONS ." 1;
}
map $selfhost_cors_origin $selfhost_cors_expose {
    "" "";
    default "Link, X-Request-Id";
}
map $selfhost_cors_origin $selfhost_cors_credentials {
    "" "";
    default true;
}
map $selfhost_cors_pf_origin $selfhost_cors_pf_credentials {
    "" "";
    default true;
}
map $selfhost_cors_pf_origin $selfhost_cors_pf_methods {
    "" "";
    default $http_access_control_request_method;
}
map $selfhost_cors_pf_origin $selfhost_cors_pf_headers {
    "" "";
    default $http_access_control_request_headers;
}
map $selfhost_cors_pf_origin $selfhost_cors_pf_max_age {
    "" "";
    default 600;
}

server {
    # listen.host and listen.port of aapije.conf.yaml
    listen 127.0.0.1:@PORT@;
    server_name _;
    # keep it at least selfhost's server.max_body
    client_max_body_size 32m;

    # CORS on every answer, errors included (the maps above)
    add_header Vary Origin always;
    add_header Access-Control-Allow-Origin $selfhost_cors_origin always;
    add_header Access-Control-Expose-Headers $selfhost_cors_expose always;
    add_header Access-Control-Allow-Credentials $selfhost_cors_credentials always;

    location /v2/ {
        if ($selfhost_cors_preflight) {
            add_header Vary "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" always;
            add_header Access-Control-Allow-Origin $selfhost_cors_pf_origin always;
            add_header Access-Control-Allow-Methods $selfhost_cors_pf_methods always;
            add_header Access-Control-Allow-Headers $selfhost_cors_pf_headers always;
            add_header Access-Control-Allow-Credentials $selfhost_cors_pf_credentials always;
            add_header Access-Control-Max-Age $selfhost_cors_pf_max_age always;
            return 200 "";
        }
        include fastcgi_params;              # passes HTTP_AUTHORIZATION too
        fastcgi_param DOCUMENT_URI $uri;
        fastcgi_buffering off;               # large reads stream through
        fastcgi_read_timeout 300s;
        fastcgi_pass selfhost_selfserv;
    }

    # the reference's liveness check: selfserv answers GET /status with "."
    location = /status {
        include fastcgi_params;
        fastcgi_param DOCUMENT_URI $uri;
        fastcgi_pass selfhost_selfserv;
    }

    # for load balancers and monitoring (docs/monitoring.md): selfserv
    # answers without credentials; /metrics to this host only
    location = /healthz {
        include fastcgi_params;
        fastcgi_param DOCUMENT_URI $uri;
        fastcgi_pass selfhost_selfserv;
    }
    location = /readyz {
        include fastcgi_params;
        fastcgi_param DOCUMENT_URI $uri;
        fastcgi_pass selfhost_selfserv;
    }
    location = /metrics {
        allow 127.0.0.1;
        allow ::1;
        deny all;
        error_page 403 = @selfhost_metrics_forbidden;
        include fastcgi_params;
        fastcgi_param DOCUMENT_URI $uri;
        fastcgi_pass selfhost_selfserv;
    }
    location @selfhost_metrics_forbidden {
        default_type application/json;
        return 403 '{"code":403,"message":"Forbidden: /metrics answers this host only"}\n';
    }

    # the console, the API docs and the OpenAPI document (static files of
    # console/build.mjs in /usr/share/selfhost/www): index.html and
    # openapi3.json revalidated on every load, assets-HASH/ (named by its
    # content) kept for a year; types from mime.types (http {})
    location = /openapi3.json {
        root /usr/share/selfhost/www;
        expires epoch;
        error_page 404 = @selfhost_not_found;
    }
    location /console/ {
        root /usr/share/selfhost/www;
        expires epoch;
        error_page 404 = @selfhost_not_found;
        location ~ ^/console/assets-[0-9a-f]+/ { expires 1y; }
    }
    location /docs/ {
        root /usr/share/selfhost/www;
        expires epoch;
        error_page 404 = @selfhost_not_found;
        location ~ ^/docs/assets-[0-9a-f]+/ { expires 1y; }
    }
    location = /console { absolute_redirect off; return 301 /console/; }
    location = /docs { absolute_redirect off; return 301 /docs/; }
    location @selfhost_not_found {
        types { }                            # not by the file name asked for
        default_type application/json;
        return 404 '{"code":404,"message":"The requested resource does not exist"}\n';
    }

    # any other path: the API's JSON 404, not nginx's HTML page
    location / {
        types { }
        default_type application/json;
        return 404 '{"code":404,"message":"The requested resource does not exist"}\n';
    }

    # errors nginx answers itself keep the API's JSON error shape
    error_page 413 @selfhost_too_large;
    error_page 502 503 504 = @selfhost_unavailable;
    location @selfhost_too_large {
        default_type application/json;
        return 413 '{"code":413,"message":"Request Entity Too Large"}\n';
    }
    location @selfhost_unavailable {
        default_type application/json;
        return 503 '{"code":503,"message":"Service unavailable: no responder answered"}\n';
    }
}
TXT
)
[ "$(cat out/nginx-selfhost.conf)" = "$expected" ]; verdict "nginx-selfhost.conf: listen, CORS maps and headers, the preflight, /v2/ to selfserv"
[ "$(cat out/nginx-selfhost.conf)" = "$expected" ] || diff <(printf '%s\n' "$expected") out/nginx-selfhost.conf

# the written configuration loads
run selfctl -c "$TMP/out/selfhost.conf" config show
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -qx "server.domainfile = $TMP/out/domains.conf" &&
  printf '%s\n' "$out" | grep -qx "rate_control.req_per_hour = 1200" &&
  printf '%s\n' "$out" | grep -qx "rate_control.maxburst = 20" &&
  printf '%s\n' "$out" | grep -qx "rate_control.cleanup = 5400" &&
  printf '%s\n' "$out" | grep -qx "server.max_body = 33554432"; verdict "selfctl config show loads the written selfhost.conf"
run selfctl -c out/selfhost.conf domain list
[ "$out" = "$(printf 'acme\tpostgresql://selfhost:s3cret@db.internal:5432/selfhost_acme?sslmode=require\ntest\tpostgresql://selfhost:s3cret@db.internal:5432/selfhost_test')" ]; verdict "its domain file is read back by selfctl domain list"

# nginx accepts the snippet, and runs it: the upstream pointed at the
# world's selfserv pool
mkdir -p ngx/tmp
ln -s /etc/nginx/fastcgi_params ngx/fastcgi_params
# and the static files at the world's copy of BUILD/www (sh_www_install)
[ -d "$ITEST_DIR/www/console" ]
verdict "the world has the web files (sh_www_build BUILD before the world starts; ./tests/run.sh does)"
sed -e "s|unix:/run/selfhost/selfserv.sock|unix:$ITEST_DIR/run/selfserv.sock|" \
    -e "s|root /usr/share/selfhost/www;|root $ITEST_DIR/www;|" out/nginx-selfhost.conf > ngx/snippet.conf
[ "$(grep -c "root $ITEST_DIR/www;" ngx/snippet.conf)" = 3 ]; verdict "the snippet's three static roots pointed at the world's web files"
cat > ngx/nginx.conf <<CONF
user $SELFHOST_USER;
pid $TMP/ngx/nginx.pid;
error_log $TMP/ngx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $TMP/ngx/tmp/body;
    fastcgi_temp_path $TMP/ngx/tmp/fastcgi;
    proxy_temp_path $TMP/ngx/tmp/proxy;
    uwsgi_temp_path $TMP/ngx/tmp/uwsgi;
    scgi_temp_path $TMP/ngx/tmp/scgi;
    include /etc/nginx/mime.types;   # as Debian's nginx.conf does
    include $TMP/ngx/snippet.conf;
}
CONF
run nginx -t -p "$TMP/ngx" -c "$TMP/ngx/nginx.conf"
[ "$rc" = 0 ]; verdict "nginx -t accepts the snippet included in http {}"
[ "$rc" = 0 ] || printf '%s\n' "$err"
# the port chosen at the start may have been taken since (other test worlds
# run at the same time): move the running copy to another free port if so
for try in 1 2 3 4 5; do
  nginx -p "$TMP/ngx" -c "$TMP/ngx/nginx.conf" 2>>"$TMP/ngx/start.log" && break
  [ "$try" -lt 5 ] || { cat "$TMP/ngx/start.log" "$TMP/ngx/error.log" 2>/dev/null; break; }
  new_port=$(sh_free_port)
  sed -i "s/127.0.0.1:$port;/127.0.0.1:$new_port;/" "$TMP/ngx/snippet.conf"
  port=$new_port
done
trap 'kill -QUIT "$(cat "$TMP/ngx/nginx.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$TMP"' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 50); do curl -s -o /dev/null "$url/status" && break; sleep 0.1; done
hdr() { tr -d '\r' < "$TMP/headers" | sed -n "s/^$1: //Ip"; }
code=$(curl -s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' -X OPTIONS \
  -H 'Origin: https://Dashboard.example.com' -H 'Access-Control-Request-Method: PUT' \
  -H 'Access-Control-Request-Headers: authorization, content-type' "$url/v2/users/me")
[ "$code" = 200 ] && [ ! -s "$TMP/body" ] &&
  [ "$(hdr Access-Control-Allow-Origin)" = "https://Dashboard.example.com" ] &&
  [ "$(hdr Access-Control-Allow-Methods)" = PUT ] &&
  [ "$(hdr Access-Control-Allow-Headers)" = "authorization, content-type" ] &&
  [ "$(hdr Access-Control-Allow-Credentials)" = true ] &&
  [ "$(hdr Access-Control-Max-Age)" = 600 ]; verdict "preflight from an allowed origin: 200 with the Access-Control-* headers, answered by nginx"
code=$(curl -s -D "$TMP/headers" -o /dev/null -w '%{http_code}' -X OPTIONS -H 'Origin: https://evil.example.com' \
  -H 'Access-Control-Request-Method: PUT' "$url/v2/users/me")
[ "$code" = 200 ] && [ -z "$(hdr Access-Control-Allow-Origin)" ]; verdict "preflight from another origin: no Access-Control-Allow-Origin"
code=$(curl -s -D "$TMP/headers" -o /dev/null -w '%{http_code}' -X OPTIONS -H 'Origin: https://a.example.org' \
  -H 'Access-Control-Request-Method: PATCH' "$url/v2/users/me")
[ -z "$(hdr Access-Control-Allow-Origin)" ]; verdict "preflight for a method not allowed: no Access-Control-Allow-Origin"
code=$(curl -s -D "$TMP/headers" -o /dev/null -w '%{http_code}' -X OPTIONS -H 'Origin: https://a.example.org' \
  -H 'Access-Control-Request-Method: GET' -H 'Access-Control-Request-Headers: x-secret' "$url/v2/users/me")
[ -z "$(hdr Access-Control-Allow-Origin)" ]; verdict "preflight asking for a header not allowed: no Access-Control-Allow-Origin"
code=$(curl -s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' -H 'Origin: https://a.example.org' \
  -u "$ITEST_DOMAIN:$ITEST_TOKEN" "$url/v2/users/me")
[ "$code" = 200 ] && grep -q '"name":"root"' "$TMP/body" &&
  [ "$(hdr Access-Control-Allow-Origin)" = "https://a.example.org" ] &&
  [ "$(hdr Access-Control-Expose-Headers)" = "Link, X-Request-Id" ] &&
  [ "$(hdr Access-Control-Allow-Credentials)" = true ] && [ "$(hdr Vary)" = Origin ]; verdict "a request through the snippet reaches selfserv and carries the CORS headers"
code=$(curl -s -D "$TMP/headers" -o /dev/null -w '%{http_code}' -H 'Origin: https://a.example.org' "$url/v2/users/me")
[ "$code" = 401 ] && [ "$(hdr Access-Control-Allow-Origin)" = "https://a.example.org" ]; verdict "errors carry the CORS headers too (as the reference's middleware did)"
code=$(curl -s -D "$TMP/headers" -o /dev/null -w '%{http_code}' -u "$ITEST_DOMAIN:$ITEST_TOKEN" "$url/v2/users/me")
[ "$code" = 200 ] && [ -z "$(hdr Access-Control-Allow-Origin)" ]; verdict "no Origin, no CORS headers"
[ "$(curl -s "$url/status")" = . ]; verdict "GET /status answers '.' as the reference's heartbeat did"
[ "$(curl -s "$url/healthz")" = '{"status":"ok"}' ]; verdict "GET /healthz reaches selfserv"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/metrics")
code2=$(curl -s -o "$TMP/body" -w '%{http_code}' --interface 127.0.0.2 "$url/metrics")
[ "$code" = 200 ] && [ "$code2" = 403 ] && grep -q '^{"code":403,' "$TMP/body"
verdict "GET /metrics: 200 from 127.0.0.1, 403 JSON from 127.0.0.2 ($code, $code2)"
code=$(curl -s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' "$url/v1/users/me")
[ "$code" = 404 ] && grep -q '^{"code":404,' "$TMP/body" && [ "$(hdr Content-Type)" = application/json ]
verdict "a path outside the API: the JSON 404"
code=$(curl -s -D "$TMP/headers" -o "$TMP/body" -w '%{http_code}' "$url/v1/app.js")
[ "$code" = 404 ] && grep -q '^{"code":404,' "$TMP/body" && [ "$(hdr Content-Type)" = application/json ]
verdict "a path outside the API with a file extension: still the JSON 404 as application/json"
# the console, the docs and /openapi3.json: types and caching headers
. "$ITEST_SRC/tests/integration/web_files.sh"
wf_pass() { ok "$@"; }
wf_fail() { bad "$@"; }
WF_TMP=$TMP web_files_check snippet "$url"
code=$(curl -s -D "$TMP/headers" -o /dev/null -w '%{http_code}' -H 'Origin: https://a.example.org' "$url/openapi3.json")
[ "$code" = 200 ] && [ "$(hdr Access-Control-Allow-Origin)" = "https://a.example.org" ]
verdict "/openapi3.json carries the CORS headers too (expires keeps the server's add_header lines)"
kill -QUIT "$(cat "$TMP/ngx/nginx.pid")"

# ---- the reference's defaults, and values it reads its own way ----
mkdir ref2
cat > ref2/aapije.conf.yaml <<'YAML'
domainfile: domains        # viper tries domains.yaml
rate_control:
  req_per_hour: 0
  cleanup: 90              # a bare number: nanoseconds to the reference
cors:
  allowed_origins: "*"
  exposed_headers: []
  allow_credentials: false
  max_age: 0
YAML
printf 'domains:\n  demo: postgresql:///selfhost_demo?host=/run/postgresql\n' > ref2/domains.yaml
run selfctl config import ref2/aapije.conf.yaml --out out2
[ "$rc" = 0 ]; verdict "import with only aapije.conf.yaml finds the domain file as the reference did"
expected=$(cat <<'TXT'
read: ref2/aapije.conf.yaml ref2/domains.yaml
carried over:
  aapije.conf.yaml: listen.host = (not set), listen.port = (not set) -> nginx-selfhost.conf: listen 8095 and [::]:8095 (listen.port 0 or not set: the reference then took a random port; 8095 is the port in its OpenAPI servers entry)
  aapije.conf.yaml: rate_control.req_per_hour = 0 -> selfhost.conf [rate_control] req_per_hour = 0 (the reference divides by zero at 0 and fails every request; selfhost turns rate control off)
  aapije.conf.yaml: rate_control.cleanup = 90 -> selfhost.conf [rate_control] cleanup = 1 (a bare number is nanoseconds to the reference; 1 s is the shortest selfhost keeps)
  aapije.conf.yaml: cors.* -> nginx-selfhost.conf: CORS headers and the OPTIONS preflight (selfserv does not do CORS)
  domains.yaml: domains -> domains.conf: 1 domain: demo
not carried over:
  nothing
wrote: out2/selfhost.conf, out2/domains.conf, out2/nginx-selfhost.conf
next: selfctl -c out2/selfhost.conf config show; nginx -t with out2/nginx-selfhost.conf included in http {}
TXT
)
[ "$out" = "$expected" ]; verdict "summary of a minimal file: reference defaults, nanosecond cleanup, no port"
[ "$out" = "$expected" ] || diff <(printf '%s\n' "$expected") <(printf '%s\n' "$out")
expected=$(cat <<'TXT'
[server]
# the reference's domainfile domains (aapije.conf.yaml line 1), converted
domainfile = domains.conf

[rate_control]
# rate_control.req_per_hour = 0 (aapije.conf.yaml line 3; the reference divides by zero at 0 and fails every request; selfhost turns rate control off)
req_per_hour = 0
# rate_control.cleanup = 90 (aapije.conf.yaml line 4): 1 s (a bare number is nanoseconds to the reference; 1 s is the shortest selfhost keeps)
cleanup = 1
TXT
)
[ "$(sed -n '/^\[server\]/,$p' out2/selfhost.conf)" = "$expected" ]; verdict "its selfhost.conf"
run selfctl -c out2/selfhost.conf config show
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -qx "rate_control.req_per_hour = 0" &&
  printf '%s\n' "$out" | grep -qx "rate_control.cleanup = 1"; verdict "it loads"
grep -qx '    listen 8095;' out2/nginx-selfhost.conf && grep -qx '    listen \[::\]:8095;' out2/nginx-selfhost.conf &&
  grep -qxF '    "~*^(?:POST|GET|PUT|DELETE|OPTIONS) .+$" "*";' out2/nginx-selfhost.conf &&
  ! grep -q 'Credentials\|Max-Age\|Expose' out2/nginx-selfhost.conf; verdict "any origin is answered '*', no credentials, no max age, nothing exposed"
sed "s|include .*snippet.conf;|include $TMP/out2/nginx-selfhost.conf;|; /^user /d" ngx/nginx.conf > ngx/nginx2.conf
run nginx -t -p "$TMP/ngx" -c "$TMP/ngx/nginx2.conf"
[ "$rc" = 0 ]; verdict "nginx -t accepts that snippet too"

# ---- errors: one line, exit 1, nothing written ----
printf 'listen:\n  host: 127.0.0.1\n   port: 80\n' > bad.yaml
run selfctl config import bad.yaml --out bad
[ "$rc" = 1 ] && [ "$err" = "selfctl: bad.yaml:3:8: mapping values are not allowed in this context" ] &&
  [ ! -e bad ]; verdict "malformed YAML: FILE:LINE:COLUMN and libyaml's reason"
printf 'cors:\n  allowed_origins: [https://a.example.com\nlisten:\n  port: 80\n' > bad.yaml
run selfctl config import bad.yaml --out bad
[ "$rc" = 1 ] && one_line "$err" && [[ $err == "selfctl: bad.yaml:3:"* ]] && [ ! -e bad ]; verdict "an unclosed list: one line with its position"
printf 'rate_control:\n  maxburst: 5\nRate_Control:\n  maxburst: 6\n' > bad.yaml
run selfctl config import bad.yaml --out bad
[ "$rc" = 1 ] && [ "$err" = "selfctl: bad.yaml:3:1: key 'Rate_Control' appears twice (first at line 1)" ]; verdict "a key given twice (in any case) is refused"
printf 'listen:\n  port: eighty\n' > bad.yaml
run selfctl config import bad.yaml --out bad
[ "$rc" = 1 ] && [ "$err" = "selfctl: bad.yaml:2:9: listen.port: expected a port number, got 'eighty'" ]; verdict "a value of the wrong type is refused with its position"
printf 'rate_control:\n  cleanup: 3 minutes\n' > bad.yaml
run selfctl config import bad.yaml --out bad
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"rate_control.cleanup: expected a Go duration"* ]]; verdict "a duration Go cannot read is refused"
printf -- '- listen\n- port\n' > bad.yaml
run selfctl config import bad.yaml --out bad
[ "$rc" = 1 ] && [ "$err" = "selfctl: bad.yaml:1:1: expected the settings as a YAML mapping (key: value lines)" ]; verdict "a file that is not a mapping is refused"
printf 'a: "\xff"\n' > bad.yaml
run selfctl config import bad.yaml --out bad
[ "$rc" = 1 ] && [ "$err" = "selfctl: bad.yaml:1:5: invalid leading UTF-8 octet" ]; verdict "bytes that are not UTF-8: position and reason"
run selfctl config import missing.yaml --out bad
[ "$rc" = 1 ] && [ "$err" = "selfctl: missing.yaml: cannot read: No such file or directory" ] && [ ! -e bad ]; verdict "a missing file: one line naming it"
run selfctl config import ref/aapije.conf.yaml missing-domains.yaml --out bad
[ "$rc" = 1 ] && [ "$err" = "selfctl: missing-domains.yaml: cannot read: No such file or directory" ]; verdict "a missing domain file: one line naming it"
printf 'domainfile: nowhere.yaml\n' > bad.yaml
run selfctl config import bad.yaml --out bad
[ "$rc" = 1 ] && [ "$err" = "selfctl: bad.yaml:1:13: domainfile 'nowhere.yaml' not found next to bad.yaml, in /etc/selfhost or here; give the domain file as the second argument" ]; verdict "a domainfile that cannot be found: one line"
printf 'domains:\n  Acme: postgresql:///a\n  acme: postgresql:///b\n' > bad-domains.yaml
run selfctl config import ref2/aapije.conf.yaml bad-domains.yaml --out bad
[ "$rc" = 1 ] && one_line "$err" && [[ $err == *"appears twice"* ]]; verdict "two domain names that are one to the reference are refused"
run selfctl config import ref/aapije.conf.yaml --out out
[ "$rc" = 1 ] && [ "$err" = "selfctl: out/selfhost.conf exists: not overwritten (move it away or give another --out)" ]; verdict "existing output files are not overwritten"
run selfctl config import
[ "$rc" = 2 ]; verdict "no file: usage, exit 2"
run selfctl config import --help
[ "$rc" = 0 ] && [[ $out == "selfctl config import"* ]]; verdict "config import --help"

finish
