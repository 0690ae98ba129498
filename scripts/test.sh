#!/usr/bin/env bash
# Runs every test: unit and integration tests on SQLite and PostgreSQL, CLI tests against the real
# binary, and the browser tests in headless Chromium. This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export KUMIAI_REQUIRE_PG=1
export KUMIAI_REQUIRE_BROWSER=1
export KUMIAI_TEST_PG_URL="${KUMIAI_TEST_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/test}"
export KUMIAI_ARTIFACTS="${KUMIAI_ARTIFACTS:-$PWD/artifacts}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Compile the search dictionary once for every test process (target/tmp is CARGO_TARGET_TMPDIR).
TARGET="${CARGO_TARGET_DIR:-target}"
mkdir -p "$TARGET/tmp"
KUMIAI_DICTIONARY_DIR="$(cd "$TARGET/tmp" && pwd)/ipadic" cargo run -q -p kumiai -- --data-dir "$TARGET/tmp/setup" search dictionary
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
