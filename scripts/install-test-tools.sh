#!/usr/bin/env bash
# Installs the host programs the test suites drive for real (Debian packages): restic, and rclone, through
# which restic opens the repositories; redis-server, which the import-reference suites start with the
# reference's keys; systemd (for systemd-analyze, which checks the unit in deploy/). Needs root. Installs only
# what is missing; everything goes to stderr.
set -euo pipefail
exec 1>&2

missing=()
for tool in restic rclone redis-server; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
restic version
rclone version | head -n 1
redis-server --version
systemd-analyze --version | head -n 1
