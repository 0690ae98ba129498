#!/usr/bin/env bash
# Fetches the real Japanese corpus the search benchmarks use, without installing anything:
# Debian's manpages-ja, manpages-ja-dev and libreoffice-help-ja, unpacked with dpkg -x into
# ${KUMIAI_CORPUS_DIR:-target/corpus}. Needs apt (the Debian registry), nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${KUMIAI_CORPUS_DIR:-${CARGO_TARGET_DIR:-target}/corpus}"
if [ -d "$dir/usr/share/man/ja" ] && [ -d "$dir/usr/share/libreoffice/help/ja" ]; then
  echo "corpus ready in $dir"
  exit 0
fi
mkdir -p "$dir/debs"
(cd "$dir/debs" && apt-get download manpages-ja manpages-ja-dev libreoffice-help-ja 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
for deb in "$dir"/debs/*.deb; do
  dpkg -x "$deb" "$dir"
done
echo "corpus ready in $dir: $(find "$dir/usr/share/man/ja" -type f | wc -l) man pages, $(find "$dir/usr/share/libreoffice/help/ja" -name '*.html' | wc -l) help pages"
