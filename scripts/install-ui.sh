#!/usr/bin/env bash
# Install the web UI's JavaScript (YASGUI, the version pinned in ui/package.json and
# ui/package-lock.json) into a git-ignored folder that `serkg serve` serves from /ui/.
# Nothing is loaded from a CDN at run time and nothing installed here is committed.
#
#   scripts/install-ui.sh            # into src/serkg/_ui (the default the server looks in)
#   scripts/install-ui.sh DEST       # into DEST; then run the server with SERKG_UI_DIR=DEST
#
# Idempotent: when DEST already holds the pinned build, it does nothing.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-${SERKG_UI_DIR:-$repo/src/serkg/_ui}}"
pinned="$(sed -n 's/.*"@zazuko\/yasgui": *"\([^"]*\)".*/\1/p' "$repo/ui/package.json")"
installed_pkg="$dest/node_modules/@zazuko/yasgui/package.json"
if [ -f "$dest/node_modules/@zazuko/yasgui/build/yasgui.min.js" ] && [ -f "$installed_pkg" ] \
   && grep -q "\"version\": *\"$pinned\"" "$installed_pkg"; then
  echo "ui: @zazuko/yasgui $pinned already installed in $dest"
  exit 0
fi
command -v npm >/dev/null || { echo "ui: npm not found; install it (scripts/install-system-deps.sh)" >&2; exit 2; }
mkdir -p "$dest"
cp "$repo/ui/package.json" "$repo/ui/package-lock.json" "$dest/"
# --ignore-scripts: the only install scripts in the tree print font licence notices
npm ci --prefix "$dest" --no-audit --no-fund --ignore-scripts --loglevel=error
test -f "$dest/node_modules/@zazuko/yasgui/build/yasgui.min.js" \
  || { echo "ui: npm finished but yasgui.min.js is missing in $dest" >&2; exit 1; }
echo "ui: installed @zazuko/yasgui $pinned into $dest"
