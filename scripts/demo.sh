#!/usr/bin/env bash
# The demo in one command: installs the Japanese dictionary source if missing (Debian's
# mecab-ipadic), builds, creates the demo federation in ./kumiai-data and serves
# http://127.0.0.1:8080. Extra arguments go to `kumiai demo` (e.g. --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
exec cargo run -p kumiai -- demo "$@"
