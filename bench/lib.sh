# Shared by the bench scripts (sourced): wrk's figures and the article case's paths.

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1=="99%" {print $2}' "$1"; }

# The page path of the article titled $2 on the Kumiai at base URL $1.
article_path() {
  local q; q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$2")
  local id; id=$(curl -s "$1/api/v1/wiki/pages?q=$q" | python3 -c 'import json, sys; t = sys.argv[1]; print(next(i["id"] for i in json.load(sys.stdin)["items"] if i["title"] == t))' "$2")
  echo "/wiki/page/$id"
}

# A wrk Lua script at $1 that walks the remaining arguments round robin, one path per request.
round_robin_lua() {
  local lua=$1; shift
  { echo "paths = {"; printf '  "%s",\n' "$@"; echo "}"; echo 'i = 0'
    echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'; } > "$lua"
}

# The common start of a wrk benchmark: wrk and nginx installed, the release binary built ($BIN), a
# scratch directory ($WORK, readable by nginx's worker) whose servers are stopped on exit.
bench_start() { # name
  command -v wrk >/dev/null || { echo "installing wrk and nginx"; apt-get install -y -qq wrk nginx-light >/dev/null; }
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt-get install -y -qq nginx-light >/dev/null
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  cargo build --release -p kumiai --quiet
  BIN=target/release/kumiai
  WORK=$(mktemp -d "/tmp/kumiai-$1.XXXXXX")
  chmod 755 "$WORK"
  trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true' EXIT
}

# The rest expect $WORK (a scratch directory), $PORT (kumiai), $NGINX_PORT and $NGINX.

ms() { # wrk latency "1.23ms" / "850.00us" / "1.2s" → milliseconds
  local v=$1
  case "$v" in
    *us) awk -v x="${v%us}" 'BEGIN{printf "%.2f", x/1000}';;
    *ms) awk -v x="${v%ms}" 'BEGIN{printf "%.2f", x}';;
    *s) awk -v x="${v%s}" 'BEGIN{printf "%.2f", x*1000}';;
  esac
}

# nginx serving $WORK/www on $NGINX_PORT: the reference every figure is a ratio to.
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

login_cookie() { # login → "kumiai_session=…"
  local jar="$WORK/$1.jar"
  rm -f "$jar"
  curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/login" > "$WORK/login.html"
  local csrf=$(grep -o 'name="_csrf" value="[0-9a-f]*"' "$WORK/login.html" | head -1 | sed 's/.*value="//;s/"//')
  curl -s -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&login=$1&password=kumiai-demo-2026&next=/" "http://127.0.0.1:$PORT/login"
  local session=$(awk '$6=="kumiai_session" {print $7}' "$jar")
  [ -n "$session" ] || { echo "login failed for $1" >&2; exit 1; }
  echo "kumiai_session=$session"
}
