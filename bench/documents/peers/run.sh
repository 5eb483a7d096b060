#!/usr/bin/env bash
# Peer document generators on the one-page letter of ../letter.xml, measured in the same run: pdfmake, Typst (through
# its Node compiler) and WeasyPrint. Each fills the letter from the same 1,000 records as Letter(i) in
# ../Program.cs, in one process pinned to one core (taskset -c 0), warms up for WARMUP seconds (3), measures for
# SECONDS_MEASURED seconds (10) one letter after another, and prints letters/s, CPU per letter (all of the
# process's threads) and mean PDF bytes. qpdf checks the first letter (record 7) and the last one measured, and that
# each has one page.
# Installs what is missing (as root: Debian packages; npm packages into PEERS_CACHE, never into the repository).
# Run: bench/documents/peers/run.sh [pdfmake|typst|weasyprint ...]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${PEERS_CACHE:-$HOME/.cache/communique-peers}
cpu=${PEERS_CPU:-0}
export WARMUP=${WARMUP:-3} SECONDS_MEASURED=${SECONDS_MEASURED:-10}
peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(pdfmake typst weasyprint)

missing=()
for package in qpdf fonts-liberation2 weasyprint util-linux; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Pinned, so that a rerun measures the same versions.
mkdir -p "$cache"
wanted=(pdfmake@0.3.11 @myriaddreamin/typst-ts-node-compiler@0.7.0)
for spec in "${wanted[@]}"; do
  name=${spec%@*}
  version=${spec##*@}
  if [ "$(node -p "try { require('$cache/node_modules/$name/package.json').version } catch { '' }")" != "$version" ]
  then
    npm install --prefix "$cache" --no-audit --no-fund --silent "${wanted[@]}"
    break
  fi
done
export NODE_PATH=$cache/node_modules

node "$here/logo.js" "$cache/logo.png"
out=$cache/out
rm -rf "$out"

compiler=@myriaddreamin/typst-ts-node-compiler
typst=$(node -p "const c = require('$compiler').NodeCompiler.create();
  c.query(c.compile({ mainFileContent: '#metadata(str(sys.version)) <v>' }).result,
    { selector: '<v>', field: 'value' })[0]")
versions=(
  "pdfmake $(node -p "require('pdfmake/package.json').version")"
  "typst-ts-node-compiler $(node -p "require('$compiler/package.json').version") (Typst $typst)"
  "WeasyPrint $(/usr/bin/python3 -c 'import weasyprint; print(weasyprint.__version__)')"
)
echo "## Peer document generators: the one-page letter"
echo
echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); one core (taskset -c $cpu); warm-up ${WARMUP} s, measured" \
  "${SECONDS_MEASURED} s; CPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "- Node $(node --version); Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())');" \
  "$(IFS=';'; echo "${versions[*]}" | sed 's/;/; /g')"
echo

rows=()
for peer in "${peers[@]}"; do
  case $peer in
    pdfmake) command=(node "$here/pdfmake.js"); notes="QR by pdfmake's qr node" ;;
    typst) command=(node "$here/typst.js"); notes="no QR code (no Typst QR package offline)" ;;
    weasyprint) command=(/usr/bin/python3 "$here/weasy.py"); notes="HTML+CSS; no QR code" ;;
    *) echo "unknown peer: $peer" >&2; exit 2 ;;
  esac
  echo "- $peer: running" >&2
  if ! result=$(taskset -c "$cpu" "${command[@]}" "$cache/logo.png" "$out/$peer" | grep '^RESULT'); then
    rows+=("| $peer | — | — | — | failed to run (see the error above) |")
    continue
  fi
  read -r _ rate bytes made cpu_ms <<<"$result"
  for pdf in sample last; do
    file=$out/$peer/$pdf.pdf
    if ! qpdf --check "$file" >/dev/null 2>&1; then
      notes="$notes; $pdf.pdf INVALID (qpdf --check)"
    elif [ "$(qpdf --show-npages "$file")" != 1 ]; then
      notes="$notes; $pdf.pdf has $(qpdf --show-npages "$file") pages"
    fi
  done
  rows+=("| $peer | $rate | $cpu_ms | $(sed ':a; s/\B[0-9]\{3\}\>/,&/; ta' <<<"$bytes") | $made letters; $notes |")
done

echo "| Peer | Letters/s | CPU ms per letter | Mean bytes | Notes |"
echo "|---|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
echo "PDFs to look at: $out/<peer>/sample.pdf (record 7) and last.pdf"
