#!/usr/bin/env bash
# The main answer day (issue 10): 3,000 unions submit their answers through the API within 60 s
# while 200 connections read the public bulletin page; nginx serves the same page, saved, in the
# same run as the reference. On the embedded database (SQLite). Reports submissions/s, the p99 of
# submissions and of reads, the tally's latency, how long a submission took to show in the tally,
# and that every submission was stored exactly once (the tally's count, the audit log's inserts,
# and refused second first-entries). Prints Markdown for docs/benchmarks.md.
#
#   bash bench/answer-day.sh
#   UNIONS=1000 WINDOW=20 bash bench/answer-day.sh     # quicker
set -euo pipefail
cd "$(dirname "$0")/.."
UNIONS=${UNIONS:-3000}
WINDOW=${WINDOW:-60}
READERS=${READERS:-200}
PORT=${PORT:-18090}
NGINX_PORT=${NGINX_PORT:-18091}
YEAR=2027

command -v wrk >/dev/null || { echo "installing wrk and nginx"; apt-get install -y -qq wrk nginx-light >/dev/null; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt-get install -y -qq nginx-light >/dev/null
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ulimit -n 65536 2>/dev/null || true

cargo build --release -p kumiai --quiet
BIN=target/release/kumiai
WORK=$(mktemp -d /tmp/kumiai-answer-day.XXXXXX)
chmod 755 "$WORK"
SERVER=""
trap 'kill $(jobs -p) $SERVER 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true' EXIT
source bench/lib.sh

data="$WORK/data"; mkdir -p "$data"
url="sqlite://$data/kumiai.db?mode=rwc"
run() { "$BIN" --data-dir "$data" --database-url "$url" "$@"; }
# A federation with enough enterprise unions, the round, and a published bulletin to read.
run generate --orgs $((UNIONS * 2)) --people 1000 >/dev/null
run campaign create --year $YEAR --demand-yen 12000 --answer-day $YEAR-03-12 >/dev/null
run campaign bulletin --year $YEAR --title "集中回答日 第1報" --commentary "ベンチマークの速報" >/dev/null
token=$(run user token hq-editor --label bench 2>/dev/null | tail -1)
[[ "$token" == kumiai_* ]] || { echo "no API token: $token" >&2; exit 1; }
if curl -s -o /dev/null "http://127.0.0.1:$PORT/login"; then echo "port $PORT is taken" >&2; exit 1; fi
"$BIN" --data-dir "$data" --database-url "$url" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/login"; do sleep 0.05; done

# The first $UNIONS enterprise unions.
python3 - "$PORT" "$token" "$UNIONS" > "$WORK/codes.txt" <<'PY'
import json, sys, urllib.request
port, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
codes, page = [], 1
while len(codes) < n:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/organisations?kind=enterprise_union&per_page=500&page={page}", headers={"Authorization": f"Bearer {token}"})
    items = json.load(urllib.request.urlopen(req))["items"]
    if not items:
        break
    codes += [i["code"] for i in items]
    page += 1
print("\n".join(codes[:n]))
PY
[ "$(wc -l < "$WORK/codes.txt")" -ge "$UNIONS" ] || { echo "only $(wc -l < "$WORK/codes.txt") enterprise unions" >&2; exit 1; }

page="/campaign/$YEAR/bulletins/1"
mkdir -p "$WORK/www/b"; chmod 755 "$WORK/www"
curl -s "http://127.0.0.1:$PORT$page" > "$WORK/www/b/1.html"
grep -q "第1報" "$WORK/www/b/1.html" || { echo "the bulletin page is not public" >&2; exit 1; }

# Readers and submitters at once.
wrk -t1 -c"$READERS" -d"$((${WINDOW%.*} + 5))s" --latency "http://127.0.0.1:$PORT$page" > "$WORK/readers.wrk" &
wrk_pid=$!
python3 bench/answer-day.py "http://127.0.0.1:$PORT" "$token" $YEAR "$WORK/codes.txt" "$WINDOW" > "$WORK/submit.json"
wait $wrk_pid
kill %1 2>/dev/null || true
sleep 0.5
# The audit log: one insert per union, no more.
inserts=$(python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute(\"SELECT COUNT(*) FROM audit_log WHERE entity = 'campaign_answer' AND action = 'create'\").fetchone()[0])" "$data/kumiai.db")
rows=$(python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute('SELECT COUNT(*), COUNT(DISTINCT org_id), MAX(version) FROM campaign_answers').fetchone())" "$data/kumiai.db")

# nginx, the same page, the same readers.
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http { access_log off; default_type text/html; client_body_temp_path $WORK; proxy_temp_path $WORK; fastcgi_temp_path $WORK; uwsgi_temp_path $WORK; scgi_temp_path $WORK;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; } }
CONF
"$NGINX" -c "$WORK/nginx.conf"
wrk -t1 -c"$READERS" -d10s --latency "http://127.0.0.1:$NGINX_PORT/b/1.html" > "$WORK/nginx.wrk"

s=$(cat "$WORK/submit.json")
j() { python3 -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$s" "$1"; }
echo "## Answer day ($(date -u +%Y-%m-%d), $(nproc) cores, SQLite, release build)"
echo
echo "$UNIONS unions submit through \`PUT /api/v1/campaign/$YEAR/answers/{code}\` paced over ${WINDOW} s (32 clients), while $READERS connections read the public bulletin page ($(wc -c < "$WORK/www/b/1.html") B); a probe reads the head office's tally every 100 ms."
echo
echo "| Figure | Kumiai | nginx, same page |"
echo "|---|---|---|"
echo "| Submissions stored / s | $(j submissions_per_s) (all $UNIONS in $(j elapsed_s) s; statuses $(j statuses)) | |"
echo "| Submission p50 / p99 (ms) | $(j submit_p50_ms) / $(j submit_p99_ms) | |"
echo "| Bulletin reads / s | $(rps "$WORK/readers.wrk") | $(rps "$WORK/nginx.wrk") |"
echo "| Bulletin read p99 (ms) | $(ms "$(p99 "$WORK/readers.wrk")") | $(ms "$(p99 "$WORK/nginx.wrk")") |"
echo "| Reads, Kumiai / nginx | $(awk -v a="$(rps "$WORK/readers.wrk")" -v b="$(rps "$WORK/nginx.wrk")" 'BEGIN{printf "%.3f", a/b}') | 1 |"
echo "| Tally request p50 / p99 (ms) | $(j tally_p50_ms) / $(j tally_p99_ms) | |"
echo "| Submission shown in the tally, p99 / max (ms, probe interval included) | $(j reflected_p99_ms) / $(j reflected_max_ms) | |"
echo "| Exactly once | tally registered $(j tally_registered), answered $(j tally_answered); audit inserts $inserts; rows, distinct unions, max version $rows; second first-entries refused $(j resubmissions_refused)/$(j resubmissions) | |"
! grep -q "Non-2xx" "$WORK/readers.wrk" || echo "(non-2xx answers among the reads: $(grep Non-2xx "$WORK/readers.wrk"))"
