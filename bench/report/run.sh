#!/usr/bin/env bash
# Report benchmark: how fast a campaign report answers when the campaign has MESSAGES message rows (default
# 1,000,000). A Release server (SQLite in a temporary directory; BENCH_POSTGRES=<Npgsql connection string> for
# PostgreSQL; no relay, so mail goes to the pickup folder) imports MESSAGES recipients, starts a send of them and pauses
# it as soon as its message rows are all written (a send writes them all before its first delivery), so that a few
# hundred messages are delivered (it is paused once 200 are) and the rest stay queued. The script then records some
# activity through the public endpoints (opens and clicks are not needed for the timing: a report adds up per-send
# rows, whatever the number of messages), times REQUESTS sequential GET /reports/campaigns/{id} calls with curl and
# reports p50, p99 and the slowest; then it times the per-message CSV export of the send.
#
#   bench/report/run.sh        (MESSAGES=1000000 REQUESTS=200 PORT=5187)
#
# Exit status: 0 measured; 1 setup failed.
set -euo pipefail
cd "$(dirname "$0")/../.."

MESSAGES=${MESSAGES:-1000000}
REQUESTS=${REQUESTS:-200}
PORT=${PORT:-5187}
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/Communique -v q -nologo >/dev/null
bin=$PWD/src/Communique/bin/Release/net10.0/linux-x64/communique
export Storage__DataDirectory="$work/data" Logging__LogLevel__Default=Warning Auth__TeamRequestsPerWindow=100000000
export DataSources__MaxBytes=$((1024 * 1024 * 1024)) Communique__Role=Both Mail__PublicBaseUrl="http://127.0.0.1:$PORT"
if [ -n "${BENCH_POSTGRES:-}" ]; then
  export Database__Provider=Postgres Database__ConnectionString="$BENCH_POSTGRES"
fi
eval "$("$bin" admin create-account --name 'Bench Corp' --admin-email admin@bench.example --format env)"
"$bin" --urls "http://127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done

api=http://127.0.0.1:$PORT
token=$(curl -sf -X POST "$api/authenticate" -H 'Content-Type: application/json' \
  -d "$(printf '{"client_id":"%s","secret":"%s","customer_id":"%s"}' \
    "$COMMUNIQUE_CLIENT_ID" "$COMMUNIQUE_CLIENT_SECRET" "$COMMUNIQUE_CUSTOMER_ID")" | tr -d '"')
auth=(-H "Authorization: Bearer $token" -H "PB-Customer-Id: $COMMUNIQUE_CUSTOMER_ID")
json=(-H 'Content-Type: application/json')
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
number() { grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }

project=$(curl -sf "${auth[@]}" "${json[@]}" -d '{"name":"Bench"}' "$api/projects" | field id)
offer='{"name":"Offer","channel":"email","content":{"subject":"Offer for {{ name }}",'
offer+='"html":"<p>Hi {{ name }}, <a href=\"https://shop.bench.example/offer\">see the offer</a>.</p>"}}'
communication=$(curl -sf "${auth[@]}" "${json[@]}" -d "$offer" "$api/projects/$project/communications" | field id)
awk -v n="$MESSAGES" 'BEGIN {
  print "id,email,name"; for (i = 1; i <= n; i++) printf "P%d,reader%d@example.org,Reader %d\n", i, i, i
}' > "$work/people.csv"
import=$(curl -sf "${auth[@]}" -F name=Readers -F async=true -F uniqueField=id \
  -F "file=@$work/people.csv;type=text/csv" "$api/data")
source=$(echo "$import" | field Id)
job=$(echo "$import" | field importJobId)
for _ in $(seq 1 1200); do
  state=$(curl -sf "${auth[@]}" "$api/jobs/$job" | field state)
  [ "$state" = succeeded ] && break
  case "$state" in dead|cancelled) echo "import ended $state" >&2; exit 1 ;; esac
  sleep 0.25
done
curl -sf "${auth[@]}" "${json[@]}" -d '{"address":"news@bench.example"}' "$api/senders" >/dev/null
for _ in $(seq 1 100); do ls "$work/data/mail-pickup/"*.eml >/dev/null 2>&1 && break; sleep 0.2; done
verify=$(grep -ho 'token=[A-Za-z0-9_-]*' "$work/data/mail-pickup/"*.eml | head -1 | cut -d= -f2)
curl -sf -X POST --data-urlencode "token=$verify" "$api/public/senders/verify" >/dev/null
campaign=$(curl -sf "${auth[@]}" "${json[@]}" -d "{\"projectId\":\"$project\",\"name\":\"Big\"}" "$api/campaigns" \
  | field id)
send_request="{\"communicationId\":\"$communication\",\"dataSourceId\":\"$source\",\"addressField\":\"email\","
send_request+="\"sender\":\"news@bench.example\"}"
send=$(curl -sf "${auth[@]}" "${json[@]}" -d "$send_request" "$api/campaigns/$campaign/sends" | field id)
# The send writes every message row before it delivers the first: pause it as soon as they are all there.
for _ in $(seq 1 6000); do
  status=$(curl -sf "${auth[@]}" "$api/campaigns/sends/$send")
  written=$(echo "$status" | grep -o '"counts":{[^}]*}' \
    | grep -o '"\(queued\|sending\|sent\|failed\|suppressed\)":[0-9]*' | cut -d: -f2 | paste -sd+ | bc)
  [ "${written:-0}" -ge "$MESSAGES" ] && break
  sleep 0.1
done
# A few hundred deliveries first, for the activity below.
for _ in $(seq 1 600); do
  [ "$(curl -sf "${auth[@]}" "$api/campaigns/sends/$send" | grep -o '"sent":[0-9]*' | cut -d: -f2)" -ge 200 ] && break
  sleep 0.1
done
curl -sf -X POST "${auth[@]}" "$api/campaigns/sends/$send/pause" >/dev/null
sleep 2
rows=$(curl -sf "${auth[@]}" "$api/campaigns/sends/$send" | grep -o '"counts":{[^}]*}')
echo "campaign of $MESSAGES recipients: $rows"

# A little activity through the delivered messages' own links, so the report has numbers to add up.
for f in $(ls "$work/data/mail-pickup/"*.eml | head -50); do
  tr -d '\r' < "$f" | sed -e ':a' -e '/=$/{N;s/=\n//;ba' -e '}' | sed 's/=3D/=/g' \
    | { grep -o "/public/t/[oc]/[A-Za-z0-9_-]*\(\.gif\)\?" || true; } \
    | while read -r path; do
    curl -s -o /dev/null -A "Mozilla/5.0 (iPhone) Mobile" "$api$path"
  done
done
sleep 1

for _ in $(seq 1 20); do curl -sf -o /dev/null "${auth[@]}" "$api/reports/campaigns/$campaign"; done
: > "$work/times"
for _ in $(seq 1 "$REQUESTS"); do
  curl -sf -o /dev/null -w '%{time_total}\n' "${auth[@]}" "$api/reports/campaigns/$campaign" >> "$work/times"
done
sort -n "$work/times" > "$work/sorted"
pick() { sed -n "$(( ($1 * REQUESTS + 99) / 100 ))p" "$work/sorted"; }
printf 'GET /reports/campaigns/{id} over %d messages, %d sequential requests: ' "$MESSAGES" "$REQUESTS"
printf 'p50 %.1f ms, p99 %.1f ms, slowest %.1f ms\n' \
  "$(echo "$(pick 50) * 1000" | bc -l)" "$(echo "$(pick 99) * 1000" | bc -l)" \
  "$(echo "$(tail -1 "$work/sorted") * 1000" | bc -l)"
curl -sf "${auth[@]}" "$api/reports/campaigns/$campaign" | head -c 600; echo
start=$(date +%s.%N)
bytes=$(curl -sf "${auth[@]}" "$api/reports/sends/$send/messages" | wc -c)
lines_per_s=$(echo "$MESSAGES / ($(date +%s.%N) - $start)" | bc -l)
printf 'CSV export of the send: %d bytes, %.1f s (%.0f rows/s)\n' \
  "$bytes" "$(echo "$(date +%s.%N) - $start" | bc -l)" "$lines_per_s"
echo "database: ${Database__Provider:-Sqlite}; machine: $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
  "server peak memory $(( $(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024 )) MB"
