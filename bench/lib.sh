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
