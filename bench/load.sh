#!/usr/bin/env bash
# Load benchmark of the directory and knowledge-base pages, next to nginx serving a saved copy of
# the same HTML in the same run (the ratio is the figure). For each backend (SQLite, then
# PostgreSQL if reachable): generate the scale data set (50,000 organisations, 200,000 people),
# import 400 pages of LibreOffice's Japanese help as a MediaWiki export (bench/help-wiki.py),
# start `kumiai serve`, and run wrk with 32 connections against the organisation list and detail
# page (logged in as an enterprise-union viewer, an affiliate) and 20 articles round robin
# (anonymous, then logged in), each against nginx. Prints a Markdown table for docs/benchmarks.md.
#
#   bash bench/load.sh                 # full scale
#   ORGS=5000 PEOPLE=20000 bash bench/load.sh   # quicker
#   SQLITE_ONLY=1 bash bench/load.sh            # without PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-50000}
PEOPLE=${PEOPLE:-200000}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
PG_ADMIN=${KUMIAI_TEST_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/test}

source bench/lib.sh
bench_start bench



results=()

# wrk with a Lua script that walks `paths` round robin (one path per request).
wrk_paths() { # output cookie path...
  local out=$1 cookie=$2; shift 2
  local lua="$WORK/paths.lua"
  round_robin_lua "$lua" "$@"
  if [ -n "$cookie" ]; then
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$lua" -H "Cookie: $cookie" "http://127.0.0.1:$PORT" > "$out"
  else
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$lua" "http://127.0.0.1:$PORT" > "$out"
  fi
}

# Runs kumiai and nginx on the same paths (nginx serves the HTML kumiai gave for each, saved
# under www/<case>/) and adds a row to the table.
measure() { # backend case label cookie path...
  local name=$1 case=$2 label=$3 cookie=$4; shift 4
  mkdir -p "$WORK/www/$case"
  local n=0 bytes=0 nginx_paths=()
  for path in "$@"; do
    n=$((n + 1))
    curl -s ${cookie:+-H "Cookie: $cookie"} "http://127.0.0.1:$PORT$path" > "$WORK/www/$case/$n.html"
    bytes=$((bytes + $(wc -c < "$WORK/www/$case/$n.html")))
    nginx_paths+=("/$case/$n.html")
  done
  wrk_paths "$WORK/$name-$case.wrk" "$cookie" "$@"
  PORT=$NGINX_PORT wrk_paths "$WORK/$name-$case-nginx.wrk" "" "${nginx_paths[@]}"
  ! grep -q "Non-2xx" "$WORK/$name-$case.wrk" "$WORK/$name-$case-nginx.wrk" || { echo "non-2xx answers in the $case run" >&2; exit 1; }
  local k=$(rps "$WORK/$name-$case.wrk") g=$(rps "$WORK/$name-$case-nginx.wrk")
  local kp=$(ms "$(p99 "$WORK/$name-$case.wrk")") gp=$(ms "$(p99 "$WORK/$name-$case-nginx.wrk")")
  results+=("| $name | $label ($n page$([ "$n" -gt 1 ] && echo s), $((bytes / n)) B) | $k | $kp | $g | $gp | $(awk -v a="$k" -v b="$g" 'BEGIN{printf "%.3f", a/b}') |")
}

rss_of() { # pid → "N MiB (anon A, file F)"
  awk '/VmRSS/ {t=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2} END {printf "%.0f MiB (anon %.0f, file %.0f)", t/1024, a/1024, f/1024}' "/proc/$1/status"
}

largest_mappings() { # pid → the eight mappings holding the most resident memory, in KiB
  awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "" ? "[anon " $1 "]" : $6)} /^Rss:/ {rss[name] += $2}
       END {for (n in rss) if (rss[n] > 0) printf "%8d KiB  %s\n", rss[n], n}' "/proc/$1/smaps" | sort -rn | head -8
}


run_backend() {
  local name=$1 url=$2
  local data="$WORK/$name"
  mkdir -p "$data"
  local t0=$(date +%s.%N)
  "$BIN" --data-dir "$data" --database-url "$url" generate --orgs "$ORGS" --people "$PEOPLE" >/dev/null
  local gen=$(echo "$(date +%s.%N) - $t0" | bc)
  # The articles: a real Japanese software manual as a MediaWiki export, public.
  "$BIN" --data-dir "$data" --database-url "$url" wiki import-mediawiki "$HELP_XML" --reach public >/dev/null 2>&1
  t0=$(date +%s%N)
  "$BIN" --data-dir "$data" --database-url "$url" serve --listen "127.0.0.1:$PORT" >"$WORK/$name-serve.log" 2>&1 &
  local pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/login"; do sleep 0.02; done
  local start_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  local cookie; cookie=$(login_cookie ent-viewer)
  local id=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT/api/v1/organisations?q=E00001" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
  measure "$name" list "directory list" "$cookie" /directory/organisations
  measure "$name" detail "directory detail" "$cookie" "/directory/organisations/$id"
  local articles=()
  while IFS= read -r title; do
    articles+=("$(article_path "http://127.0.0.1:$PORT" "$title")")
  done < "$HELP_XML.articles"
  measure "$name" article-anon "article, anonymous" "" "${articles[@]}"
  measure "$name" article-user "article, logged in" "$cookie" "${articles[@]}"
  # The same while pages are being written: ten new pages a second through the API, each of which
  # empties the read caches, as the worst case of a busy day.
  local token; token=$("$BIN" --data-dir "$data" --database-url "$url" user token hq-editor --label bench 2>/dev/null | tail -1)
  ( i=0; while :; do i=$((i + 1))
      curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'content-type: application/json' \
        -d "{\"title\": \"負荷試験 $name $i\", \"body\": \"書き込み中の読み込み。\", \"reach\": \"affiliates\"}" "http://127.0.0.1:$PORT/api/v1/wiki/pages"
      sleep 0.1; done ) &
  local writer=$!
  measure "$name" article-busy "article, logged in, 10 writes/s" "$cookie" "${articles[@]}"
  kill $writer; wait $writer 2>/dev/null || true
  local rss=$(rss_of $pid)
  sleep 15   # idle: the server hands freed memory back every 10 s
  local idle=$(rss_of $pid)
  echo "$name: largest resident mappings after idle:"; largest_mappings $pid
  kill $pid; wait $pid 2>/dev/null || true
  echo "$name: generated in ${gen%.*} s, started in $start_ms ms, RSS right after load $rss, after 15 s idle $idle"
}

HELP_XML="$WORK/help-wiki.xml"
bash bench/corpus.sh >/dev/null
python3 bench/help-wiki.py "${CARGO_TARGET_DIR:-target}/corpus/usr/share/libreoffice/help/ja" 400 "$HELP_XML"
start_nginx
run_backend sqlite "sqlite://$WORK/sqlite/kumiai.db?mode=rwc"
if [ -z "${SQLITE_ONLY:-}" ] && command -v psql >/dev/null && psql "$PG_ADMIN" -qc 'select 1' >/dev/null 2>&1; then
  psql "$PG_ADMIN" -qc 'DROP DATABASE IF EXISTS kumiai_bench' -qc 'CREATE DATABASE kumiai_bench' >/dev/null
  run_backend postgres "${PG_ADMIN%/*}/kumiai_bench"
fi
echo
echo "binary: $(stat -c %s "$BIN" | awk '{printf "%.1f MiB", $1/1048576}') ($BIN, release, stripped)"
echo "data set: $ORGS organisations, $PEOPLE people, 400 LibreOffice help pages (ja) as public articles; wrk -t2 -c$CONNS -d$DURATION, logged in as ent-viewer; $(nproc) cores"
echo
echo "| backend | page | kumiai req/s | kumiai p99 (ms) | nginx req/s | nginx p99 (ms) | kumiai/nginx throughput |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
