#!/bin/sh
# Fetch Apache ECharts from the npm registry into static/vendor/echarts/ (minified
# bundle, LICENSE, NOTICE). The files are committed, so the app runs offline and never
# loads from a CDN; run this only to change the pinned version (docs/dependencies.md).
set -eu
VERSION="${1:-6.1.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="$ROOT/static/vendor/echarts"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "echarts@$VERSION" >/dev/null
tar -xzf "echarts-$VERSION.tgz"
mkdir -p "$TARGET"
cp package/dist/echarts.min.js package/LICENSE package/NOTICE "$TARGET/"
printf 'echarts %s from the npm registry (npm pack echarts@%s)\n' "$VERSION" "$VERSION" > "$TARGET/VERSION"
sha256sum "$TARGET/echarts.min.js"
