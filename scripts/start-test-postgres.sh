#!/usr/bin/env bash
# Makes a local PostgreSQL (Debian packages) answer on 127.0.0.1:5432 for the real-database test suites,
# and prints the TEST_DATABASE_URL to use. Needs root.
set -euo pipefail

# Everything but the final URL goes to stderr: callers capture stdout.
exec 3>&1 1>&2

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^${version} main$"; then
  pg_createcluster "$version" main >/dev/null 3>&-
fi
# The daemon must not inherit fd 3, or the caller's $(...) never sees end of file.
pg_ctlcluster "$version" main start 3>&- >/dev/null 2>&1 || true

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p 5432

su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
echo "postgres://postgres:postgres@127.0.0.1:5432/postgres" >&3
