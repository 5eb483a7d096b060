#!/usr/bin/env bash
# Tracking endpoints benchmark: the open pixel (GET /public/t/o/{token}.gif) and the click redirect
# (GET /public/t/c/{token}, 302) under wrk, each request recording its event. The tokens are real: a campaign of
# MESSAGES recipients (default 1,000) goes to an SMTP sink on loopback that keeps the messages, and the pixel and link
# URLs are taken from what arrived. Each endpoint runs WARMUP seconds, then DURATION seconds measured with
# `wrk -t THREADS -c CONNECTIONS --latency`; then the script waits for the recorder to store the events and counts
# them in the database (SQLite, or PostgreSQL with BENCH_POSTGRES=<Npgsql connection string>): the requests answered
# must all be there.
#
#   bench/tracking/run.sh   (THREADS=2 CONNECTIONS=16 WARMUP=10 DURATION=20 MESSAGES=1000 PORT=5186 SINK_PORT=2529)
#
# A request waits (up to a second) when the recorder's queue is full, so the rate measured is the rate at which events
# are stored. Exit status: 0 measured; 1 setup failed; 2 a non-2xx/3xx answer or socket errors;
# 3 events missing after 30 s.
set -euo pipefail
cd "$(dirname "$0")/../.."

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-20}
MESSAGES=${MESSAGES:-1000}
PORT=${PORT:-5186}
SINK_PORT=${SINK_PORT:-2529}
work=$(mktemp -d)
server=""
sink=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  [ -n "$sink" ] && kill "$sink" 2>/dev/null
  wait 2>/dev/null; [ -n "${KEEP_WORKDIR:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release src/Communique -v q -nologo >/dev/null
dotnet build -c Release bench/smtp-sink -v q -nologo >/dev/null
bin=$PWD/src/Communique/bin/Release/net10.0/linux-x64/communique
bench/smtp-sink/bin/Release/net10.0/linux-x64/smtp-sink "$SINK_PORT" "$work/sink" 1800 "Tracked" \
  >"$work/sink.log" 2>&1 &
sink=$!

export Storage__DataDirectory="$work/data" Logging__LogLevel__Default=Warning Auth__TeamRequestsPerWindow=100000000
export Communique__Role=Both Mail__PublicBaseUrl="http://127.0.0.1:$PORT"
export Mail__Relays__0__Host=127.0.0.1 Mail__Relays__0__Port="$SINK_PORT" Mail__Relays__0__Security=None
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

project=$(curl -sf "${auth[@]}" "${json[@]}" -d '{"name":"Bench"}' "$api/projects" | field id)
offer='{"name":"Offer","channel":"email","content":{"subject":"Tracked offer for {{ name }}",'
offer+='"html":"<p>Hi {{ name }}, <a href=\"https://shop.bench.example/offer\">see the offer</a>.</p>"}}'
communication=$(curl -sf "${auth[@]}" "${json[@]}" -d "$offer" "$api/projects/$project/communications" | field id)
{
  echo "email,name"
  for i in $(seq 1 "$MESSAGES"); do echo "reader$i@example.org,Reader $i"; done
} > "$work/people.csv"
source=$(curl -sf "${auth[@]}" -F name=Readers -F "file=@$work/people.csv;type=text/csv" "$api/data" | field Id)
curl -sf "${auth[@]}" "${json[@]}" -d '{"address":"news@bench.example"}' "$api/senders" >/dev/null
for _ in $(seq 1 100); do ls "$work/sink/"*.eml >/dev/null 2>&1 && break; sleep 0.2; done
verify=$(grep -ho 'token=[A-Za-z0-9_-]*' "$work/sink/"*.eml | head -1 | cut -d= -f2)
curl -sf -X POST --data-urlencode "token=$verify" "$api/public/senders/verify" >/dev/null
campaign=$(curl -sf "${auth[@]}" "${json[@]}" -d "{\"projectId\":\"$project\",\"name\":\"Tracked\"}" "$api/campaigns" \
  | field id)
send_request="{\"communicationId\":\"$communication\",\"dataSourceId\":\"$source\",\"addressField\":\"email\","
send_request+="\"sender\":\"news@bench.example\"}"
curl -sf "${auth[@]}" "${json[@]}" -d "$send_request" "$api/campaigns/$campaign/sends" >/dev/null
for _ in $(seq 1 600); do [ "$(ls "$work/sink" | grep -c eml)" -gt "$MESSAGES" ] && break; sleep 0.2; done

# The URLs as they arrived (quoted-printable soft breaks undone), reduced to their paths.
cat "$work/sink/"*.eml | tr -d "\r" | sed -e ':a' -e '/=$/{N;s/=\n//;ba' -e '}' | sed 's/=3D/=/g' > "$work/all.txt"
grep -o "$api/public/t/o/[A-Za-z0-9_-]*\.gif" "$work/all.txt" | sort -u | sed "s#$api##" > "$work/open.txt"
grep -o "$api/public/t/c/[A-Za-z0-9_-]*" "$work/all.txt" | sort -u | sed "s#$api##" > "$work/click.txt"
echo "messages received: $(ls "$work/sink" | grep -c eml); pixel URLs: $(wc -l < "$work/open.txt");" \
  "click URLs: $(wc -l < "$work/click.txt")"
[ -s "$work/open.txt" ] && [ -s "$work/click.txt" ] \
  || { echo "no tracking URLs found in the received messages" >&2; exit 1; }

if [ -n "${BENCH_POSTGRES:-}" ]; then
  # psql takes a URI or key=value pairs: the Npgsql string's Host/Database/Username/Password, as key=value.
  pg=$(echo "$BENCH_POSTGRES" | tr ';' '\n' \
    | sed -e 's/^Host=/host=/I' -e 's/^Database=/dbname=/I' -e 's/^Username=/user=/I' -e 's/^Password=/password=/I' \
    | paste -sd' ')
  events() { psql "$pg" -tAc "select count(*) from \"MessageEvents\" where \"Kind\" = '$1'"; }
else
  events() { sqlite3 "$work/data/communique.db" "select count(*) from MessageEvents where Kind = '$1'"; }
fi
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
ticks=$(getconf CLK_TCK)
status=0
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
  "wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s measured after ${WARMUP}s warm-up; ${Database__Provider:-Sqlite}"
for kind in open click; do
  BENCH_PATHS="$work/$kind.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s bench/tracking/tracking.lua \
    "http://127.0.0.1:$PORT" >/dev/null
  sleep 2
  Kind=$([ "$kind" = open ] && echo Open || echo Click)
  before=$(events "$Kind")
  cpu_start=$(cpu)
  BENCH_PATHS="$work/$kind.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -s bench/tracking/tracking.lua "http://127.0.0.1:$PORT" > "$work/$kind.out"
  cpu_end=$(cpu)
  requests=$(grep -o '^ *[0-9]* requests in' "$work/$kind.out" | awk '{print $1}')
  rate=$(grep 'Requests/sec' "$work/$kind.out" | awk '{print $2}')
  p50=$(grep ' 50%' "$work/$kind.out" | awk '{print $2}')
  p99=$(grep ' 99%' "$work/$kind.out" | awk '{print $2}')
  bad=$(grep -o 'non-2xx/3xx: [0-9]*' "$work/$kind.out" | awk '{print $2}')
  socket=$(grep -c 'Socket errors' "$work/$kind.out" || true)
  stored=0
  waited=0
  for _ in $(seq 1 150); do
    stored=$(( $(events "$Kind") - before ))
    [ "$stored" -ge "$requests" ] && break
    sleep 0.2
    waited=$((waited + 1))
  done
  printf '%-5s %s req/s, p50 %s, p99 %s; %s requests, %s events stored (%.1f s after the run); ' \
    "$kind" "$rate" "$p50" "$p99" "$requests" "$stored" "$(echo "$waited / 5" | bc -l)"
  printf 'server CPU %.3f ms per request; non-2xx/3xx %s\n' \
    "$(echo "($cpu_end - $cpu_start) * 1000 / $ticks / $requests" | bc -l)" "$bad"
  [ "$bad" = 0 ] && [ "$socket" = 0 ] || status=2
  [ "$stored" -ge "$requests" ] || { [ "$status" = 0 ] && status=3; }
done
echo "events dropped by a full queue (server log):" \
  "$(grep -o '[0-9]* tracking events were dropped' "$work/server.log" | awk '{s += $1} END {print s + 0}')"
echo "server peak memory $(( $(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024 )) MB"
exit $status
