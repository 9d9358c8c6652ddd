#!/usr/bin/env bash
# Build the offline bundle: Duban's wheel, every dependency's wheel for this platform and Python,
# the Debian package list and an install script, in one archive for a machine with no package index.
#   scripts/bundle.sh [PYTHON] [OUTDIR]     (make bundle runs it with the project's virtualenv)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-python3}"
outdir="${2:-dist}"
version="$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
tag="$("$python" -c 'import sys, sysconfig; print(f"cp{sys.version_info[0]}{sys.version_info[1]}-" + sysconfig.get_platform().replace("-", "_").replace(".", "_"))')"
name="duban-${version}-offline-${tag}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/$name/wheels" "$outdir"

echo "== wheels for ${tag}"
"$python" -m pip wheel --quiet --no-build-isolation --wheel-dir "$work/$name/wheels" ".[prod]"
cp deploy/debian-packages.txt "$work/$name/"
cp -r deploy "$work/$name/deploy"
rm -f "$work/$name/deploy/debian-packages.txt"

cat >"$work/$name/install.sh" <<'INSTALL'
#!/bin/sh
# Install Duban with no network: sh install.sh [VIRTUALENV]   (default /opt/duban/venv)
# First install the Debian packages listed in debian-packages.txt from the intranet mirror.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-/opt/duban/venv}"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --no-index --find-links "$here/wheels" "tracker[prod]"
echo "Duban installed in $venv. Next: set TRACKER_* (see deploy/env.example), then"
echo "  $venv/bin/tracker db upgrade && $venv/bin/tracker doctor"
INSTALL
chmod +x "$work/$name/install.sh"
(cd "$work/$name/wheels" && sha256sum ./*.whl >../SHA256SUMS)

tar -czf "$outdir/$name.tar.gz" -C "$work" "$name"
echo "$outdir/$name.tar.gz"
