#!/usr/bin/env bash
# Installs and starts what Kumiai and its tests need on a fresh Debian machine: the IPADIC source
# (mecab-ipadic) the search dictionary is compiled from, Chromium and its driver for the browser
# tests, Japanese fonts for readable screenshots, and PostgreSQL (started if installed but stopped). Safe to run again: it only does what is missing.
set -euo pipefail
# `setup.sh runtime` installs only what running Kumiai needs (the dictionary source).
mode="${1:-all}"

need=()
[ -e /usr/share/mecab/dic/ipadic/matrix.def ] || need+=(mecab-ipadic)   # source of the Japanese search dictionary
if [ "$mode" != runtime ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
  [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
  command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: please install: ${need[*]}" >&2
  fi
fi

[ "$mode" = runtime ] && exit 0

# PostgreSQL on 127.0.0.1:5432 with a database "test" that user postgres (password postgres) can use.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$ver" ]; then
      ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
      $SUDO pg_createcluster "$ver" main >/dev/null
    fi
    echo "setup: starting PostgreSQL $ver"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
  as_pg "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
  as_pg "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'test'\" | grep -q 1 || createdb test" >/dev/null 2>&1 || true
else
  echo "setup: PostgreSQL is not running; its tests will fail under KUMIAI_REQUIRE_PG=1" >&2
fi
