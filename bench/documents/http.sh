#!/usr/bin/env bash
# Single PDFs through HTTP: POST /document/communications/{id}/pdf, one record per call (the one-page letter of
# bench/documents/letter.xml with its logo from the asset library), driven by wrk on loopback against a Release
# server on SQLite. Reports calls/s, latency p50/p99 and the server's CPU per PDF.
#
#   bench/documents/http.sh            (THREADS=1 CONNECTIONS=2 WARMUP=5 DURATION=15 PORT=5191; SKIP_BUILD=1)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN="$ROOT/src/Communique/bin/Release/net10.0/linux-x64/communique"
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-2}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-15}
PORT=${PORT:-5191}
for tool in wrk curl python3 bc; do
  command -v "$tool" > /dev/null || { echo "http.sh: $tool is required (apt-get install -y $tool)" >&2; exit 1; }
done

WORK=$(mktemp -d -t communique-bench-pdf.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_PID" 2> /dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "http.sh: $*" >&2; [[ -f $WORK/server.log ]] && tail -n 20 "$WORK/server.log" >&2; exit 1; }

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  (cd "$ROOT" && dotnet build -c Release src/Communique -nologo -v q) > "$WORK/build.log" 2>&1 \
    || { tail -n 30 "$WORK/build.log" >&2; fail "the Release build failed"; }
fi

export Storage__DataDirectory="$WORK/data" Logging__LogLevel__Default=Warning Auth__TeamRequestsPerWindow=100000000
"$BIN" admin create-account --name "Bench Corp" --admin-email admin@bench.example --format env > "$WORK/account.env"
# shellcheck disable=SC1091
source "$WORK/account.env"
export COMMUNIQUE_CUSTOMER_ID
BASE="http://127.0.0.1:$PORT"
"$BIN" --urls "$BASE" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do curl -fsS -o /dev/null "$BASE/health/ready" 2> /dev/null && break; sleep 0.2; done
token=$(curl -fsS -X POST "$BASE/authenticate" -H 'Content-Type: application/json' \
  -d "$(printf '{"client_id":"%s","secret":"%s","customer_id":"%s"}' \
    "$COMMUNIQUE_CLIENT_ID" "$COMMUNIQUE_CLIENT_SECRET" "$COMMUNIQUE_CUSTOMER_ID")" | tr -d '"')
auth=(-H "Authorization: Bearer $token" -H "PB-Customer-Id: $COMMUNIQUE_CUSTOMER_ID")
json=(-H 'Content-Type: application/json')
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }

# The logo: a 480x120 PNG of coloured bars, written with zlib alone.
python3 - "$WORK/logo.png" << 'PY'
import struct, sys, zlib
w, h = 480, 120
raw = bytearray()
for y in range(h):
    raw.append(0)
    for x in range(w):
        raw += bytes((30, 78, 121)) if (x // 60) % 2 == 0 and 20 < y < 100 else bytes((255, 255, 255))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
folder=$(curl -fsS "${auth[@]}" "${json[@]}" -d '{"name":"Letterhead"}' "$BASE/assets/folders" | field id)
curl -fsS "${auth[@]}" -F kind=image -F folderId="$folder" -F "file=@$WORK/logo.png;type=image/png" \
  "$BASE/assets" > /dev/null || fail "uploading the logo failed"
template=$(python3 -c 'import json, sys; print(json.dumps({"name": "Letter", "channel": "document",
  "assetFolderId": sys.argv[2],
  "content": {"markup": open(sys.argv[1]).read(), "fileName": "statement-{{ id }}.pdf"}}))' \
  "$ROOT/bench/documents/letter.xml" "$folder" |
  curl -fsS "${auth[@]}" "${json[@]}" -d @- "$BASE/templates" | field id)
project=$(curl -fsS "${auth[@]}" "${json[@]}" -d '{"name":"Bench"}' "$BASE/projects" | field id)
communication=$(curl -fsS "${auth[@]}" "${json[@]}" \
  -d "{\"name\":\"Statement\",\"channel\":\"document\",\"templateId\":\"$template\"}" \
  "$BASE/projects/$project/communications" | field id)
[[ -n $communication ]] || fail "creating the document communication failed"
export BENCH_TOKEN=$token BENCH_COMMUNICATION=$communication

lua="$ROOT/bench/documents/pdf.lua"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$lua" "$BASE" > "$WORK/warmup.txt" 2> "$WORK/warmup.err"
[[ -s $WORK/warmup.err ]] && { head -n 3 "$WORK/warmup.err" >&2; fail "the warm-up saw errors"; }
cpu() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
before=$(cpu)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$lua" "$BASE" > "$WORK/run.txt" 2> "$WORK/run.err"
after=$(cpu)
[[ -s $WORK/run.err ]] && { head -n 3 "$WORK/run.err" >&2; fail "the measured run saw errors"; }
curl -fsS "${auth[@]}" "${json[@]}" -o "$WORK/one.pdf" "$BASE/document/communications/$communication/pdf" -d \
  '{"record":{"id":"S1","first_name":"Ann","name":"Ann Lee","street":"1 High Street","postcode":"BS1 4QT",
    "city":"Bristol","date":"6 December 2026","month":"November 2026","account":"1","rate":"4%","transactions":[]}}'
requests=$(awk '/requests in/ {print $1}' "$WORK/run.txt")
rate=$(awk '/Requests\/sec/ {print $2}' "$WORK/run.txt")
p50=$(awk '$1 == "50%" {print $2}' "$WORK/run.txt")
p99=$(awk '$1 == "99%" {print $2}' "$WORK/run.txt")
cpu_ms=$(echo "($after - $before) * 1000 / $(getconf CLK_TCK) / $requests" | bc -l)
echo "## Single PDFs through HTTP"
echo
echo "- $(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 |
  sed 's/^ //'); SQLite; wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up, ${DURATION}s measured, loopback"
printf -- '- %s PDFs/s (%s calls); latency p50 %s, p99 %s; server CPU %.2f ms per PDF; a PDF of %s bytes\n' \
  "$rate" "$requests" "$p50" "$p99" "$cpu_ms" "$(stat -c %s "$WORK/one.pdf")"
