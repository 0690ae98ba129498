#!/usr/bin/env bash
# Fuzzes the JSON API against its own OpenAPI document with schemathesis: a fresh demo federation
# on SQLite, then one run as an anonymous reader and one per role with an API token (head-office
# admin, industrial-union editor, enterprise-union viewer, partner editor). A run fails on any 5xx,
# any answer the document does not describe, and any malformed request the server accepts.
# Usage: scripts/fuzz-api.sh [max examples per operation, default 40]
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-40}"
command -v schemathesis >/dev/null || python3 -m pip install --quiet 'schemathesis>=4,<5'
cargo build -q -p kumiai
bin=target/debug/kumiai
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" --data-dir "$work" demo --no-serve >/dev/null
"$bin" --data-dir "$work" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/openapi.json" >/dev/null && break; sleep 0.2; done

run() { # label, extra schemathesis arguments…
  local label="$1"; shift
  echo "== $label"
  schemathesis run "http://127.0.0.1:$port/api/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection \
    --phases examples,coverage,fuzzing --max-examples "$examples" --workers 1 --seed 20261129 \
    --suppress-health-check all --warnings off "$@"
}
status=0
run anonymous || status=1
for login in hq-admin jaw-editor ent-viewer partner-editor; do
  token="$("$bin" --data-dir "$work" user token "$login" --label fuzz | tail -1)"
  run "$login" -H "Authorization: Bearer $token" || status=1
done
if grep -q "panicked" "$work/serve.log"; then echo "the server panicked:"; grep -A3 panicked "$work/serve.log"; status=1; fi
exit $status
