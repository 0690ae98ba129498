#!/usr/bin/env bash
# Checks the nginx cache that README.md ("Caching") documents, with that very configuration (taken
# from the README's nginx block), in front of `kumiai serve`: an anonymous page is stored and
# served from the cache, revalidated with its ETag (304) once its second is up, and a logged-in
# reader's page, a form's page and a page after logging out are never stored. Then measures 20
# anonymous articles through the cache next to Kumiai alone. Exits non-zero if a check fails.
#
#   bash bench/proxy-cache.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
PORT=${PORT:-18082}
NGINX_PORT=${NGINX_PORT:-18083}
DURATION=${DURATION:-10s}
bench_start proxy

bash bench/corpus.sh >/dev/null
python3 bench/help-wiki.py "${CARGO_TARGET_DIR:-target}/corpus/usr/share/libreoffice/help/ja" 400 "$WORK/help.xml" >/dev/null
"$BIN" --data-dir "$WORK/data" demo --no-serve >/dev/null 2>&1
"$BIN" --data-dir "$WORK/data" wiki import-mediawiki "$WORK/help.xml" --reach public >/dev/null 2>&1
"$BIN" --data-dir "$WORK/data" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/login"; do sleep 0.05; done

# The README's block, pointed at this run's ports and directories, with the cache's verdict added
# as a header so that the checks can read it.
mkdir -p "$WORK/cache" "$WORK/tmp"
chmod 755 "$WORK"; chmod 777 "$WORK/cache" "$WORK/tmp"   # nginx's worker runs as nobody
{
  echo "worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log;"
  echo "events { worker_connections 1024; }"
  echo "http { access_log off; client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;"
  echo "fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;"
  awk '/^```nginx$/ {on=1; next} /^```$/ {on=0} on' README.md \
    | sed -e "s|/var/cache/nginx/kumiai|$WORK/cache|" -e "s|127.0.0.1:8080|127.0.0.1:$PORT|" \
          -e "s|# … listen, TLS …|listen 127.0.0.1:$NGINX_PORT; add_header X-Cache-Status \$upstream_cache_status always;|"
  echo "}"
} > "$WORK/nginx.conf"
grep -q "proxy_cache kumiai" "$WORK/nginx.conf" || { echo "no nginx block found in README.md" >&2; exit 1; }
"$NGINX" -t -q -c "$WORK/nginx.conf"
"$NGINX" -c "$WORK/nginx.conf"

fails=0
status() { # curl args… → "HTTP-status cache-status"
  curl -s -o /dev/null -D - "$@" | awk 'NR==1 {s=$2} tolower($1)=="x-cache-status:" {c=$2} END {gsub(/\r/, "", c); print s, c}'
}
check() { # label expected actual
  if [ "$2" = "$3" ]; then echo "ok    $1: $3"; else echo "FAIL  $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}
proxy="http://127.0.0.1:$NGINX_PORT"
title=$(head -1 "$WORK/help.xml.articles")
page="$proxy$(article_path "http://127.0.0.1:$PORT" "$title")"

check "anonymous, first" "200 MISS" "$(status "$page")"
check "anonymous, again" "200 HIT" "$(status "$page")"
sleep 2.2   # nginx counts validity in whole seconds: one second may last two
check "anonymous, after its second: the copy of a moment ago while nginx asks again" "200 STALE" "$(status "$page")"
sleep 0.3
check "anonymous, then the refreshed copy (nginx asked with the ETag)" "200 HIT" "$(status "$page")"
check "login form (sets the form cookie), first" "200 MISS" "$(status "$proxy/login")"
check "login form, again: not stored" "200 MISS" "$(status "$proxy/login")"
jar="$WORK/jar"
curl -s -c "$jar" -b "$jar" "$proxy/login" > "$WORK/login.html"
csrf=$(grep -o 'name="_csrf" value="[0-9a-f]*"' "$WORK/login.html" | head -1 | sed 's/.*value="//;s/"//')
check "logging in through the cache" "303 " "$(status -c "$jar" -b "$jar" -d "_csrf=$csrf&login=ent-viewer&password=kumiai-demo-2026&next=/" "$proxy/login")"
check "logged in: the cache is bypassed" "200 BYPASS" "$(status -b "$jar" "$page")"
curl -s -b "$jar" "$page" | grep -q 'action="/logout"' && check "logged in: the reader's own page" "yes" "yes" || check "logged in: the reader's own page" "yes" "no"
curl -s -b "$jar" "$proxy/" > "$WORK/home.html"
csrf=$(grep -o 'name="_csrf" value="[0-9a-f]*"' "$WORK/home.html" | head -1 | sed 's/.*value="//;s/"//')
curl -s -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf" "$proxy/logout"
check "after logging out (a one-time message): not from the cache" "200 BYPASS" "$(status -b "$jar" "$page")"
check "anonymous still served from the cache" "200 HIT" "$(status "$page")"

# Throughput: 20 articles round robin, anonymous, through the cache and straight to Kumiai.
lua="$WORK/paths.lua"
articles=()
while IFS= read -r t; do articles+=("$(article_path "http://127.0.0.1:$PORT" "$t")"); done < "$WORK/help.xml.articles"
round_robin_lua "$lua" "${articles[@]}"
wrk -t2 -c32 -d"$DURATION" --latency -s "$lua" "http://127.0.0.1:$PORT" > "$WORK/direct.wrk"
wrk -t2 -c32 -d"$DURATION" --latency -s "$lua" "$proxy" > "$WORK/proxy.wrk"
echo
echo "| 20 articles, anonymous, wrk -t2 -c32 -d$DURATION | req/s | p99 |"
echo "|---|---|---|"
echo "| kumiai alone | $(rps "$WORK/direct.wrk") | $(p99 "$WORK/direct.wrk") |"
echo "| nginx cache (README) in front | $(rps "$WORK/proxy.wrk") | $(p99 "$WORK/proxy.wrk") |"
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
