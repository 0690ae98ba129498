#!/usr/bin/env bash
# Load benchmark of the directory pages, next to nginx serving a saved copy of the same HTML in
# the same run (the ratio is the figure). For each backend (SQLite, then PostgreSQL if reachable):
# generate the scale data set (50,000 organisations, 200,000 people), start `kumiai serve`, log in
# as an enterprise-union viewer (an affiliate), and run wrk with 32 connections against the list
# and the detail page and against nginx. Prints a Markdown table for docs/benchmarks.md.
#
#   bash bench/load.sh                 # full scale
#   ORGS=5000 PEOPLE=20000 bash bench/load.sh   # quicker
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-50000}
PEOPLE=${PEOPLE:-200000}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
PG_ADMIN=${KUMIAI_TEST_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/test}

command -v wrk >/dev/null || { echo "installing wrk and nginx"; apt-get install -y -qq wrk nginx-light >/dev/null; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt-get install -y -qq nginx-light >/dev/null
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release -p kumiai --quiet
BIN=target/release/kumiai
WORK=$(mktemp -d /tmp/kumiai-bench.XXXXXX)
chmod 755 "$WORK"   # nginx's worker (nobody) reads the saved pages
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true' EXIT

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1=="99%" {print $2}' "$1"; }
ms() { # wrk latency "1.23ms" / "850.00us" / "1.2s" → milliseconds
  local v=$1
  case "$v" in
    *us) awk -v x="${v%us}" 'BEGIN{printf "%.2f", x/1000}';;
    *ms) awk -v x="${v%ms}" 'BEGIN{printf "%.2f", x}';;
    *s) awk -v x="${v%s}" 'BEGIN{printf "%.2f", x*1000}';;
  esac
}

start_nginx() {
  mkdir -p "$WORK/www" "$WORK/nginx-tmp"
  chmod 755 "$WORK/www"
  cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-tmp;
  proxy_temp_path $WORK/nginx-tmp;
  fastcgi_temp_path $WORK/nginx-tmp;
  uwsgi_temp_path $WORK/nginx-tmp;
  scgi_temp_path $WORK/nginx-tmp;
  default_type text/html;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
CONF
  "$NGINX" -c "$WORK/nginx.conf"
}

results=()
run_backend() {
  local name=$1 url=$2
  local data="$WORK/$name"
  mkdir -p "$data"
  local t0=$(date +%s.%N)
  "$BIN" --data-dir "$data" --database-url "$url" generate --orgs "$ORGS" --people "$PEOPLE" >/dev/null
  local gen=$(echo "$(date +%s.%N) - $t0" | bc)
  t0=$(date +%s%N)
  "$BIN" --data-dir "$data" --database-url "$url" serve --listen "127.0.0.1:$PORT" >"$WORK/$name-serve.log" 2>&1 &
  local pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/login"; do sleep 0.02; done
  local start_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  local jar="$WORK/$name.jar"
  curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/login" > "$WORK/login.html"
  local csrf=$(grep -o 'name="_csrf" value="[0-9a-f]*"' "$WORK/login.html" | head -1 | sed 's/.*value="//;s/"//')
  curl -s -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&login=ent-viewer&password=kumiai-demo-2026&next=/" "http://127.0.0.1:$PORT/login"
  local session=$(awk '$6=="kumiai_session" {print $7}' "$jar")
  [ -n "$session" ] || { echo "login failed for $name" >&2; exit 1; }
  local id=$(curl -s -H "Cookie: kumiai_session=$session" "http://127.0.0.1:$PORT/api/v1/organisations?q=E00001" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
  for page in list detail; do
    local path=/directory/organisations
    [ "$page" = detail ] && path=/directory/organisations/$id
    curl -s -H "Cookie: kumiai_session=$session" "http://127.0.0.1:$PORT$path" > "$WORK/www/$page.html"
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency -H "Cookie: kumiai_session=$session" "http://127.0.0.1:$PORT$path" > "$WORK/$name-$page.wrk"
    curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/$page.html" || { echo "nginx cannot serve $page.html" >&2; exit 1; }
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$NGINX_PORT/$page.html" > "$WORK/$name-$page-nginx.wrk"
    ! grep -q "Non-2xx" "$WORK/$name-$page.wrk" "$WORK/$name-$page-nginx.wrk" || { echo "non-2xx answers in the $page run" >&2; exit 1; }
    local k=$(rps "$WORK/$name-$page.wrk") n=$(rps "$WORK/$name-$page-nginx.wrk")
    local kp=$(ms "$(p99 "$WORK/$name-$page.wrk")") np=$(ms "$(p99 "$WORK/$name-$page-nginx.wrk")")
    local bytes=$(wc -c < "$WORK/www/$page.html")
    results+=("| $name | $page ($bytes B) | $k | $kp | $n | $np | $(awk -v a="$k" -v b="$n" 'BEGIN{printf "%.3f", a/b}') |")
  done
  local rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
  kill $pid; wait $pid 2>/dev/null || true
  echo "$name: generated in ${gen%.*} s, started in $start_ms ms, RSS after load $rss MiB"
}

start_nginx
run_backend sqlite "sqlite://$WORK/sqlite/kumiai.db?mode=rwc"
if command -v psql >/dev/null && psql "$PG_ADMIN" -qc 'select 1' >/dev/null 2>&1; then
  psql "$PG_ADMIN" -qc 'DROP DATABASE IF EXISTS kumiai_bench' -qc 'CREATE DATABASE kumiai_bench' >/dev/null
  run_backend postgres "${PG_ADMIN%/*}/kumiai_bench"
fi
echo
echo "binary: $(stat -c %s "$BIN" | awk '{printf "%.1f MiB", $1/1048576}') ($BIN, release, stripped)"
echo "data set: $ORGS organisations, $PEOPLE people; wrk -t2 -c$CONNS -d$DURATION as ent-viewer; $(nproc) cores"
echo
echo "| backend | page | kumiai req/s | kumiai p99 (ms) | nginx req/s | nginx p99 (ms) | kumiai/nginx throughput |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
