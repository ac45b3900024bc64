#!/usr/bin/env bash
# Install the Debian packages the tool needs, when they are missing and we may install.
#
#   tools/system-packages.sh build   what `handouts build` needs (and the fast subsetter)
#   tools/system-packages.sh test    plus what the test suite uses (PDF readers, a browser)
#   tools/system-packages.sh bench   plus pandoc, a peer that benchmarks/bench_build.py times
#
# Run as root (or with password-less sudo) it installs what is missing with apt-get;
# otherwise it prints the one command an administrator should run, and carries on when
# nothing required is missing.
set -euo pipefail

# Required by WeasyPrint: Pango for text layout, and a font with Latin and Spanish glyphs.
required=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
# HarfBuzz's subsetter makes font subsetting (every PDF) several times faster.
recommended=(libharfbuzz-subset0)
# Fonts for every script of the bundled languages (zh-Hans, zh-Hant, ja, ko: Noto CJK;
# ar, fa, hi and the other scripts: Noto core; Latin, Cyrillic, Vietnamese: DejaVu).
# The same set whatever the project lists: one machine builds many projects, a clinic
# adds a language by adding a file, and a handout whose script has no font is refused
# (missing-glyph) rather than printed as boxes. About 70 MB to download, 135 MB on disk.
recommended+=(fonts-noto-core fonts-noto-cjk)
if [ "${1:-build}" = "test" ]; then
  # pdftoppm (look at pages), qpdf (structure checks) and zbarimg (reads the printed QR
  # code back, as a phone would) are used by the tests; Chromium runs the catalogue and
  # preview browser tests.
  required+=(poppler-utils qpdf zbar-tools chromium)
  # MuPDF's mutool: a second PDF reader, independent of poppler, as many phone and
  # tablet readers are built on it (tests/render/test_second_reader.py).
  required+=(mupdf-tools)
  # The printing tests run a real CUPS scheduler (cups) and CUPS' IPP Everywhere test
  # printer and IPP client (cups-ipp-utils: ippeveprinter, ipptool); ippeveprinter
  # announces itself through Avahi, which needs the system message bus.
  required+=(cups cups-ipp-utils avahi-daemon dbus)
  # npm installs axe-core for the browser tests; a Node.js installed from elsewhere
  # brings its own npm (and Debian's npm package would conflict with it).
  command -v npm >/dev/null 2>&1 || required+=(npm)
fi
if [ "${1:-build}" = "bench" ]; then
  required+=(pandoc)
fi

missing() {
  local out=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || out+=("$pkg")
  done
  echo "${out[@]:-}"
}

want_required=$(missing "${required[@]}")
want_recommended=$(missing "${recommended[@]}")
want="$want_required $want_recommended"
if [ -z "${want// /}" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Not a Debian-like system: install these packages yourself: $want" >&2
  [ -z "${want_required// /}" ] || exit 1
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "These Debian packages are missing: $want" >&2
  echo "Ask your administrator to run: sudo apt-get install -y $want" >&2
  [ -z "${want_required// /}" ] || exit 1
  exit 0
fi
echo "Installing Debian packages: $want"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# shellcheck disable=SC2086
"${sudo[@]}" apt-get install -y -qq --no-install-recommends $want >/dev/null
