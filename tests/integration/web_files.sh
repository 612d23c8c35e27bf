# web_files.sh — sourced by the tests of a web server configuration
# (test_lighttpd.sh, test_config_import.sh): the console, the API docs and
# /openapi3.json (console/build.mjs) as that configuration serves them.
#
#   web_files_check NAME BASE_URL [curl args...]
#
# fetches /console/, the script its index.html loads, /docs/, one of its
# scripts and its stylesheet, and /openapi3.json, and checks status,
# Content-Type and Cache-Control: index.html and openapi3.json "no-cache"
# (revalidated on every load; a conditional GET answers 304), the files
# under assets-HASH/ a max-age of at least 30 days and no no-cache. Also
# /console (redirected to /console/) and a missing file there (the API's JSON
# 404). Reports each check through the caller's wf_pass / wf_fail (one
# argument: the description); $WF_TMP is a folder for its files.

# wf_get URL [curl args...]: sets WF_CODE, WF_BODY (file) and the headers
# WF_TYPE, WF_CACHE, WF_ETAG, WF_LOCATION.
wf_get() {
  local url=$1; shift
  WF_BODY=$WF_TMP/wf-body
  WF_CODE=$(curl -sS --max-time 30 -o "$WF_BODY" -D "$WF_TMP/wf-headers" -w '%{http_code}' "$@" "$url" 2>"$WF_TMP/wf-curl.err") ||
    WF_CODE="curl failed: $(cat "$WF_TMP/wf-curl.err")"
  local h; h=$(tr -d '\r' < "$WF_TMP/wf-headers" 2>/dev/null)
  WF_TYPE=$(sed -n 's/^[Cc]ontent-[Tt]ype: //p' <<< "$h" | tail -n 1)
  WF_CACHE=$(sed -n 's/^[Cc]ache-[Cc]ontrol: //p' <<< "$h" | paste -sd, -)
  WF_ETAG=$(sed -n 's/^[Ee][Tt]ag: //p' <<< "$h" | tail -n 1)
  WF_LOCATION=$(sed -n 's/^[Ll]ocation: //p' <<< "$h" | tail -n 1)
}

# revalidated on every load
wf_no_cache() { [[ $WF_CACHE == *no-cache* ]]; }
# kept by the browser: max-age of at least 30 days, not no-cache
wf_long_cache() {
  local age; age=$(grep -o 'max-age=[0-9]*' <<< "$WF_CACHE" | grep -o '[0-9]*$')
  [ -n "$age" ] && [ "$age" -ge 2592000 ] && [[ $WF_CACHE != *no-cache* ]]
}

# wf_asset NAME BASE DIR REGEX TYPE_REGEX WHAT [curl args...]: the first
# src/href of DIR/index.html ($WF_TMP/wf-index) matching REGEX, fetched
wf_asset() {
  local name=$1 base=$2 dir=$3 re=$4 type_re=$5 what=$6; shift 6
  local ref
  ref=$(grep -o '\(src\|href\)="[^"]*"' "$WF_TMP/wf-index" | sed 's/^[a-z]*="//; s/"$//' | grep -E "$re" | head -n 1)
  if [[ $ref != assets-*/* ]]; then
    wf_fail "$name: $dir/index.html loads its $what from assets-HASH/ (found '${ref:-nothing}' for $re)"
    return
  fi
  wf_get "$base/$dir/$ref" "$@"
  if [ "$WF_CODE" = 200 ] && [[ $WF_TYPE =~ $type_re ]] && wf_long_cache && [ -s "$WF_BODY" ]; then
    wf_pass "$name: GET /$dir/$ref -> 200, $WF_TYPE, Cache-Control: $WF_CACHE"
  else
    wf_fail "$name: GET /$dir/$ref: want 200, a type matching $type_re and a long max-age, got $WF_CODE, type '$WF_TYPE', Cache-Control '$WF_CACHE'"
  fi
}

web_files_check() {
  local name=$1 base=$2; shift 2

  wf_get "$base/console/" "$@"
  cp "$WF_BODY" "$WF_TMP/wf-index" 2>/dev/null
  if [ "$WF_CODE" = 200 ] && [[ $WF_TYPE == text/html* ]] && wf_no_cache &&
     grep -q '<title>selfhost console</title>' "$WF_BODY"; then
    wf_pass "$name: GET /console/ -> 200, $WF_TYPE, Cache-Control: $WF_CACHE"
  else
    wf_fail "$name: GET /console/: want 200 text/html with no-cache and the console's index.html, got $WF_CODE, type '$WF_TYPE', Cache-Control '$WF_CACHE'"
  fi
  local etag=$WF_ETAG
  if [ -n "$etag" ]; then
    wf_get "$base/console/" -H "If-None-Match: $etag" "$@"
    if [ "$WF_CODE" = 304 ]; then
      wf_pass "$name: GET /console/ with If-None-Match -> 304 (revalidated, not sent again)"
    else
      wf_fail "$name: GET /console/ with If-None-Match: $etag: want 304, got $WF_CODE"
    fi
  else
    wf_fail "$name: GET /console/ has no ETag to revalidate with"
  fi
  wf_asset "$name" "$base" console '^assets-[0-9a-f]+/js/app\.js$' '^(text|application)/javascript' "module script" "$@"
  wf_asset "$name" "$base" console '^assets-[0-9a-f]+/style\.css$' '^text/css' "stylesheet" "$@"

  wf_get "$base/docs/" "$@"
  cp "$WF_BODY" "$WF_TMP/wf-index" 2>/dev/null
  if [ "$WF_CODE" = 200 ] && [[ $WF_TYPE == text/html* ]] && wf_no_cache && grep -q 'swagger' "$WF_BODY"; then
    wf_pass "$name: GET /docs/ -> 200, $WF_TYPE, Cache-Control: $WF_CACHE"
  else
    wf_fail "$name: GET /docs/: want 200 text/html with no-cache and the docs page, got $WF_CODE, type '$WF_TYPE', Cache-Control '$WF_CACHE'"
  fi
  wf_asset "$name" "$base" docs 'swagger-ui-bundle\.js$' '^(text|application)/javascript' "Swagger UI script" "$@"

  wf_get "$base/openapi3.json" "$@"
  if [ "$WF_CODE" = 200 ] && [[ $WF_TYPE == application/json* ]] && wf_no_cache &&
     grep -q '"openapi": *"3\.' "$WF_BODY" && grep -q '"/v2/users/me"' "$WF_BODY"; then
    wf_pass "$name: GET /openapi3.json -> 200, $WF_TYPE, Cache-Control: $WF_CACHE"
  else
    wf_fail "$name: GET /openapi3.json: want 200 application/json with no-cache and the OpenAPI document, got $WF_CODE, type '$WF_TYPE', Cache-Control '$WF_CACHE'"
  fi

  wf_get "$base/console" "$@"
  if [[ $WF_CODE == 30[17] ]] && [[ $WF_LOCATION == */console/ ]]; then
    wf_pass "$name: GET /console -> $WF_CODE to $WF_LOCATION"
  else
    wf_fail "$name: GET /console: want a redirect to /console/, got $WF_CODE to '$WF_LOCATION'"
  fi

  wf_get "$base/console/assets-0/nope.js" "$@"
  if [ "$WF_CODE" = 404 ] && [[ $WF_TYPE == application/json* ]] && grep -q '^{"code":404' "$WF_BODY"; then
    wf_pass "$name: a missing file under /console/ -> the API's JSON 404"
  else
    wf_fail "$name: GET /console/assets-0/nope.js: want the JSON 404, got $WF_CODE, type '$WF_TYPE': $(head -c 200 "$WF_BODY")"
  fi
}
