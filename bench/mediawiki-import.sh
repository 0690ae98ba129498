#!/usr/bin/env bash
# MediaWiki import benchmark: revisions per second and peak memory of
# `kumiai wiki import-mediawiki`, on
#   1. the largest real export reachable from the registries here: 206 English Wikipedia pages
#      (6.1 MB of wikitext, schema 0.10) that gensim ships as test data (PyPI wheel);
#   2. a full-history file built from that real text by bench/mediawiki-history.py (every page
#      REVS revisions, default 40), for thousands of revisions, compressed and then plain;
# then each file again, which must change nothing (idempotence). SQLite, release build, into an
# installation holding the demo federation.
set -euo pipefail
cd "$(dirname "$0")/.."
revs="${REVS:-40}"
target="${CARGO_TARGET_DIR:-target}"
dir="$target/corpus/mediawiki"
real="$dir/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
mkdir -p "$dir"
if [ ! -f "$real" ]; then
  pip download --quiet --no-deps gensim==4.4.0 -d "$dir/wheel"
  unzip -o -j -q "$dir"/wheel/gensim-4.4.0-*.whl "gensim/test/test_data/$(basename "$real")" -d "$dir"
fi
echo "a53f4648dec40467ebdcbc7a1307eddb51fe6e28e9309f6ebde81ba0d04bea2d  $real" | sha256sum -c --quiet
history="$dir/enwiki-history-$revs.xml.bz2"
[ -f "$history" ] || python3 bench/mediawiki-history.py "$real" "$revs" "$history"
cargo build --release -p kumiai --quiet
bin="$target/release/kumiai"

run() { # label file
  local data; data="$(mktemp -d)"
  export KUMIAI_DATA_DIR="$data"
  # Into an installation with the demo federation (the pages belong to its head office).
  "$bin" demo --no-serve >/dev/null 2>&1
  for pass in first again; do
    /usr/bin/time -f "%e %M" -o "$data/time" "$bin" wiki import-mediawiki "$2" --report "$data/report-$pass.txt" 2>"$data/stderr" >/dev/null || { cat "$data/stderr" >&2; exit 1; }
    read -r secs kib < "$data/time"
    local imported skipped
    imported=$(sed -n 's/^revisions imported .*: //p' "$data/report-$pass.txt")
    skipped=$(sed -n 's/^revisions already imported .*: //p' "$data/report-$pass.txt")
    printf "| %s, %s pass | %s | %s new, %s already there | %.1f s | %.0f | %.0f MiB |\n" "$1" "$pass" "$(case "$2" in *.bz2) bzcat "$2" ;; *) cat "$2" ;; esac | wc -c | awk '{printf "%.1f MB", $1/1e6}')" \
      "$imported" "$skipped" "$secs" "$(awk -v r="$((imported + skipped))" -v s="$secs" 'BEGIN { print (s > 0 ? r / s : 0) }')" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')"
  done
  du -sh "$data/kumiai.db" | awk '{print "database after import: " $1}' >&2
  rm -rf "$data"
}
echo "| file | XML | revisions | time | revisions read/s | peak RSS |"
echo "|---|---|---|---|---|---|"
run "real: enwiki excerpt, 206 pages" "$real"
run "history: 206 pages × $revs revisions" "$history"
# The same history uncompressed, and the reference from the same run: bzip2 itself, decompressing
# the file on one core (the import spreads decompression over every core).
plain="$(mktemp --suffix=.xml)"
start=$(date +%s.%N)
bzcat "$history" > "$plain"
bzcat_secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
run "history, plain XML" "$plain"
rm -f "$plain"
echo
echo "reference, same run: bzcat alone decompresses the history file in $bzcat_secs s on one core"
