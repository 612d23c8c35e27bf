#!/usr/bin/env bash
# test_cgi.sh — selfserv as a plain CGI program (shared hosts): one request
# from the environment and stdin, the reply on stdout.
. "$(dirname "$0")/lib.sh"
auth="Basic $(printf '%s:%s' "$ITEST_DOMAIN" "$ITEST_TOKEN" | base64 -w0)"
cgi() { env -i SELFHOST_CONFIG="$ITEST_CONFIG" GATEWAY_INTERFACE=CGI/1.1 "$@" "$ITEST_SELFSERV" </dev/null; }

out=$(cgi REQUEST_METHOD=GET REQUEST_URI=/v2/users/me HTTP_AUTHORIZATION="$auth")
[[ $out == "Status: 200 OK"* ]]; verdict "CGI: status line first"
[[ $out == *'"name":"root"'* ]]; verdict "CGI: body is the root user"
out=$(cgi REQUEST_METHOD=GET PATH_INFO=/v2/users/me HTTP_AUTHORIZATION="$auth")
[[ $out == "Status: 200 OK"* ]]; verdict "CGI: PATH_INFO is enough"
out=$(cgi REQUEST_METHOD=GET REQUEST_URI=/v2/users/me)
[[ $out == "Status: 401"* ]] && [[ $out == *'{"code":401,'* ]]; verdict "CGI: no credentials is 401 JSON"
out=$(cgi REQUEST_METHOD=GET REQUEST_URI="/v2/users/me?x=1" HTTP_AUTHORIZATION="$auth")
[[ $out == "Status: 200 OK"* ]]; verdict "CGI: the query string is not part of the path"
finish
