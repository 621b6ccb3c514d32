#!/bin/sh
# screenshot.sh: open a report's index.html in headless Chromium and save a PNG of it.
#
#   scripts/screenshot.sh [REPORT-DIR-OR-HTML] [OUT.png] [WIDTH] [HEIGHT]
#
# Defaults: out/report/index.html, docs/report.png, 1280 x 2400. Chromium loads only the
# local file (file://): background networking off and every host name unresolvable, with a
# fresh profile in a temporary folder. The script fails (non-zero) when Chromium is missing or fails, or when the PNG
# is missing, is not a PNG, has other dimensions than asked, or is too small to hold the
# report's tables and plots (a blank page compresses to a few kilobytes).
#
# Debian: apt-get install -y chromium (CHROMIUM=/path/to/binary overrides the binary).
set -eu

in=${1:-out/report}
out=${2:-docs/report.png}
width=${3:-1280}
height=${4:-2400}
minbytes=${MIN_BYTES:-60000}

[ -d "$in" ] && in=$in/index.html
[ -f "$in" ] || { echo "screenshot: $in: no such file" >&2; exit 1; }
html=$(cd "$(dirname "$in")" && pwd)/$(basename "$in")

bin=${CHROMIUM:-}
if [ -z "$bin" ]; then
	for c in chromium chromium-browser google-chrome; do
		if command -v "$c" >/dev/null 2>&1; then bin=$c; break; fi
	done
fi
[ -n "$bin" ] || { echo "screenshot: no chromium found (apt-get install -y chromium)" >&2; exit 1; }

profile=$(mktemp -d)
tmp=$(mktemp -d)
trap 'rm -rf "$profile" "$tmp"' EXIT INT TERM

# Render into a temporary file, check it, then move it into place.
if ! timeout 120 "$bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--disable-extensions --hide-scrollbars --user-data-dir="$profile" \
	--host-resolver-rules="MAP * ~NOTFOUND" \
	--window-size="$width,$height" --screenshot="$tmp/shot.png" "file://$html" \
	>"$tmp/log" 2>&1; then
	cat "$tmp/log" >&2
	echo "screenshot: $bin failed" >&2
	exit 1
fi
[ -s "$tmp/shot.png" ] || { cat "$tmp/log" >&2; echo "screenshot: no PNG written" >&2; exit 1; }

# A PNG starts with an 8-byte signature, then the IHDR chunk: width and height as
# big-endian 32-bit integers at bytes 16..23.
sig=$(od -An -tx1 -N8 "$tmp/shot.png" | tr -d ' \n')
[ "$sig" = 89504e470d0a1a0a ] || { echo "screenshot: output is not a PNG" >&2; exit 1; }
dims=$(od -An -tu1 -j16 -N8 "$tmp/shot.png" | awk '{
	printf "%d %d", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }')
w=${dims% *}
h=${dims#* }
size=$(wc -c <"$tmp/shot.png")
if [ "$w" -ne "$width" ] || [ "$h" -ne "$height" ]; then
	echo "screenshot: PNG is ${w}x$h, want ${width}x$height" >&2
	exit 1
fi
if [ "$size" -lt "$minbytes" ]; then
	echo "screenshot: PNG is $size bytes (< $minbytes): the page looks blank" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
mv "$tmp/shot.png" "$out.tmp" && mv "$out.tmp" "$out"
echo "screenshot: $out ${w}x$h, $size bytes"
