#!/usr/bin/env bash
# Re-vendor the front-end assets from the npm registry into tracker/static/vendor/.
# Only minified files and licences are kept; VERSIONS.txt records versions, licences and sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=tracker/static/vendor
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
packages=("bootstrap@5.3.8" "htmx.org@2.0.11" "chart.js@4.6.1" "swagger-ui-dist@5.35.0")
rm -rf "$dest"; mkdir -p "$dest"
for spec in "${packages[@]}"; do
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
done
for tgz in "$tmp"/*.tgz; do
  name=$(basename "$tgz" .tgz); mkdir -p "$tmp/$name"; tar -xzf "$tgz" -C "$tmp/$name"
done
b="$tmp/bootstrap-5.3.8/package"; h="$tmp/htmx.org-2.0.11/package"; c="$tmp/chart.js-4.6.1/package"; s="$tmp/swagger-ui-dist-5.35.0/package"
mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/chartjs" "$dest/swagger-ui"
cp "$b/dist/css/bootstrap.min.css" "$b/dist/js/bootstrap.bundle.min.js" "$b/LICENSE" "$dest/bootstrap/"
cp "$h/dist/htmx.min.js" "$h/LICENSE" "$dest/htmx/"
cp "$c/dist/chart.umd.min.js" "$c/LICENSE.md" "$dest/chartjs/"
cp "$s/swagger-ui-bundle.js" "$s/swagger-ui.css" "$s/LICENSE" "$s/NOTICE" "$dest/swagger-ui/"
{
  echo "# Vendored front-end assets (from the npm registry; regenerate with scripts/vendor-assets.sh)"
  echo "bootstrap 5.3.8  MIT  https://getbootstrap.com/"
  echo "htmx.org  2.0.11 0BSD https://htmx.org/"
  echo "chart.js  4.6.1  MIT  https://www.chartjs.org/"
  echo "swagger-ui-dist 5.35.0 Apache-2.0 https://swagger.io/tools/swagger-ui/"
  echo
  echo "# sha256"
  (cd "$dest" && find . -type f ! -name VERSIONS.txt | sort | xargs sha256sum)
} > "$dest/VERSIONS.txt"
