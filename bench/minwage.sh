#!/usr/bin/env bash
# Minimum-wage benchmark (issue 11): 20 fiscal years × 47 prefectures × 250 industries of
# generated industry minimum wages (bench/minwage-data.py) imported into the demo (release build,
# SQLite). Then, for FY2025 (11,750 wages and the demo's own):
#  - the report: GET /api/v1/minwage/2025/report (every wage analysed, with the summaries) and
#    `kumiai minwage report --format json` as a process;
#  - the map page: GET /minwage/2025 (the map, the summaries, the first 500 wages);
# each next to nginx serving the very bytes kumiai answered, with the same wrk settings, and the
# report next to sqlite3 computing the year's counts in plain SQL over the same file.
#
#   bash bench/minwage.sh            # YEARS=20 INDUSTRIES=250
set -euo pipefail
cd "$(dirname "$0")/.."
YEARS=${YEARS:-20}
INDUSTRIES=${INDUSTRIES:-250}
DURATION=${DURATION:-10s}
PORT=${PORT:-18090}
NGINX_PORT=${NGINX_PORT:-18091}
source bench/lib.sh
bench_start minwage

DATA="$WORK/data"
python3 bench/minwage-data.py "$WORK/files" "$YEARS" "$INDUSTRIES"
"$BIN" --data-dir "$DATA" demo --no-serve >/dev/null
"$BIN" --data-dir "$DATA" minwage import --kind regional "$WORK/files/regional-early.csv"
# The shipped years too, so that plain SQL can join them (kumiai reads them built in either way).
"$BIN" --data-dir "$DATA" minwage import --kind regional crates/minwage/data/regional.csv
t0=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$WORK/import.rss" "$BIN" --data-dir "$DATA" minwage import --kind industry "$WORK/files/industry.csv"
import_s=$(echo "$(date +%s.%N) - $t0" | bc)
rows=$(( YEARS * 47 * INDUSTRIES ))

# The report as a process, five times (best and median), and plain SQL over the same database.
for i in 1 2 3 4 5; do
  s=$(date +%s%N); "$BIN" --data-dir "$DATA" minwage report --year 2025 --format json > "$WORK/report.json"; echo $(( ($(date +%s%N) - s) / 1000000 ))
done | sort -n > "$WORK/cli.ms"
for i in 1 2 3 4 5; do
  s=$(date +%s%N)
  sqlite3 "$DATA/kumiai.db" "SELECT count(*), sum(i.status = 'revised'), sum(i.hourly_yen < r.hourly_yen), avg(i.hourly_yen - r.hourly_yen) FROM minwage_industry i LEFT JOIN minwage_regional r ON r.fiscal_year = i.fiscal_year AND r.prefecture_code = i.prefecture_code WHERE i.fiscal_year = 2025 GROUP BY i.prefecture_code" > /dev/null
  echo $(( ($(date +%s%N) - s) / 1000000 ))
done | sort -n > "$WORK/sql.ms"

"$BIN" --data-dir "$DATA" serve --listen "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/login"; do sleep 0.05; done
cookie=$(login_cookie hq-viewer)
start_nginx
results=()
measure() { # name path conns
  local name=$1 path=$2 conns=$3
  curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path" -o "$WORK/www/$name"
  local bytes=$(stat -c %s "$WORK/www/$name")
  wrk -t1 -c"$conns" -d"$DURATION" --latency -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path" > "$WORK/$name.wrk"
  wrk -t1 -c"$conns" -d"$DURATION" --latency "http://127.0.0.1:$NGINX_PORT/$name" > "$WORK/$name-nginx.wrk"
  ! grep -q "Non-2xx" "$WORK/$name.wrk" "$WORK/$name-nginx.wrk" || { echo "non-2xx answers for $path" >&2; exit 1; }
  local k=$(rps "$WORK/$name.wrk") g=$(rps "$WORK/$name-nginx.wrk")
  local k50=$(ms "$(awk '$1=="50%" {print $2}' "$WORK/$name.wrk")") k99=$(ms "$(p99 "$WORK/$name.wrk")")
  local g50=$(ms "$(awk '$1=="50%" {print $2}' "$WORK/$name-nginx.wrk")") g99=$(ms "$(p99 "$WORK/$name-nginx.wrk")")
  results+=("| $path ($((bytes / 1024)) KiB), $conns conn | $k50 | $k99 | $k | $g50 | $g99 | $g | $(awk -v a="$k" -v b="$g" 'BEGIN{printf "%.3f", a/b}') |")
}
measure report.json /api/v1/minwage/2025/report 1
measure map.html /minwage/2025 1
measure map-status.html "/minwage/2025?colour=status" 1
measure report2.json /api/v1/minwage/2025/report 2
measure map2.html /minwage/2025 2

echo
echo "data: $rows generated industry wages (FY$((2026 - YEARS))–FY2025, 47 prefectures × $INDUSTRIES industries) + the demo's; FY2025 holds $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["wages"]))' "$WORK/report.json") wages"
echo "import: $rows rows through the audited path in ${import_s%.*} s ($(awk -v n=$rows -v s=$import_s 'BEGIN{printf "%.0f", n/s}') rows/s), peak RSS $(awk '{printf "%.0f MiB", $1/1024}' "$WORK/import.rss")"
echo "kumiai minwage report --year 2025 --format json (a whole process): $(paste -sd' ' "$WORK/cli.ms") ms; sqlite3 with the year's counts in SQL: $(paste -sd' ' "$WORK/sql.ms") ms"
echo "$(nproc) cores; wrk -t1 -d$DURATION; nginx serves the bytes kumiai answered"
echo
echo "| request | kumiai p50 (ms) | kumiai p99 (ms) | kumiai req/s | nginx p50 (ms) | nginx p99 (ms) | nginx req/s | kumiai/nginx |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
