#!/bin/sh
# Installs every build and test dependency of shiplog on Debian 12 / Ubuntu.
# Idempotent and quiet when everything is already there.
set -eu

PKGS="build-essential pkg-config zlib1g-dev libcsv-dev libmsgpack-dev libgsl-dev
check libjansson-dev libxxhash-dev libisal-dev gzip python3-msgpack"
# Chromium only for `make check-browser` (large: CI asks for it), with a
# font so that the page's text renders.
[ "${INSTALL_CHROMIUM:-0}" = 1 ] && PKGS="$PKGS chromium fonts-dejavu-core"
# Slurm and munge only for `make check-slurm` (a one-node cluster under a
# temporary directory; nothing is started by the install).
[ "${INSTALL_SLURM:-0}" = 1 ] && PKGS="$PKGS slurmctld slurmd slurm-client munge"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
