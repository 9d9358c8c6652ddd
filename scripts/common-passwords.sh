#!/usr/bin/env bash
# Regenerate tracker/accounts/common_passwords.txt from Django's BSD-licensed list on PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pip download -q "django==5.2.*" --no-deps -d "$tmp"
(cd "$tmp" && unzip -q -o ./*.whl django/contrib/auth/common-passwords.txt.gz)
{
  echo "# The 1,000 most common passwords, most common first."
  echo "# Source: Django 5.2 django/contrib/auth/common-passwords.txt.gz (BSD-3-Clause),"
  echo "# itself from Royce Williams' list; first 1,000 lines. Regenerate with scripts/common-passwords.sh"
  zcat "$tmp/django/contrib/auth/common-passwords.txt.gz" | head -1000
} > tracker/accounts/common_passwords.txt
