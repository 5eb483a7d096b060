#!/usr/bin/env bash
# End-to-end import benchmark: a 1,000,000-row, 10-column CSV uploaded through POST /data to a Release server
# on SQLite (or PostgreSQL with BENCH_POSTGRES set to an Npgsql connection string), imported by the job worker
# (parse, infer, store), timed from the first byte of the upload to the job's success. Peak memory is the
# server process's VmHWM over all imports. IMPORTS (default 3) imports run one after another on the same server.
# Loopback only; the server is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROWS=${ROWS:-1000000}
IMPORTS=${IMPORTS:-3}
PORT=${PORT:-5182}
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/Communique -v q -nologo >/dev/null
bin=$PWD/src/Communique/bin/Release/net10.0/linux-x64/communique

echo "generating $ROWS rows" >&2
awk -v n="$ROWS" 'BEGIN {
  print "id,first name,last name,email,city,balance,joined,vip,score,notes";
  for (i = 1; i <= n; i++)
    printf "%d,First%d,Last%d,user%d@example.com,%s,%d.%02d,%04d-%02d-%02d,%s,%d,\"note, number %d\"\n",
      i, i, i, i, (i % 5 == 0 ? "\"Saint-Denis, FR\"" : "Springfield"), i % 10000, i % 100,
      2000 + i % 25, 1 + i % 12, 1 + i % 28, (i % 2 ? "yes" : "no"), i % 1000, i
}' > "$work/people.csv"
size=$(stat -c %s "$work/people.csv")

export Storage__DataDirectory="$work/data" Logging__LogLevel__Default=Warning Auth__TeamRequestsPerWindow=100000000
export DataSources__MaxBytes=$((1024 * 1024 * 1024)) Communique__Role=Both
if [ -n "${BENCH_POSTGRES:-}" ]; then
  export Database__Provider=Postgres Database__ConnectionString="$BENCH_POSTGRES"
fi
eval "$("$bin" admin create-account --name 'Bench Corp' --admin-email admin@bench.example --format env)"
"$bin" --urls "http://127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
base_rss=$(awk '/VmRSS/ {print $2}' /proc/$server/status)

token=$(curl -sf -X POST "http://127.0.0.1:$PORT/authenticate" -H 'Content-Type: application/json' \
  -d "$(printf '{"client_id":"%s","secret":"%s","customer_id":"%s"}' \
    "$COMMUNIQUE_CLIENT_ID" "$COMMUNIQUE_CLIENT_SECRET" "$COMMUNIQUE_CUSTOMER_ID")" | tr -d '"')
auth=(-H "Authorization: Bearer $token" -H "PB-Customer-Id: $COMMUNIQUE_CUSTOMER_ID")

echo "import of $ROWS rows x 10 columns ($((size / 1024 / 1024)) MB CSV) through POST /data, unique identifier checked"
echo "database: ${Database__Provider:-Sqlite}; machine: $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); dotnet $(dotnet --version)"
# Import 1 runs in a process that has not imported before (its import code is compiled while it runs); the later
# ones show the same server once warm. Each goes into a new data source.
for run in $(seq 1 "$IMPORTS"); do
  start=$(date +%s.%N)
  created=$(curl -sf "${auth[@]}" -F "name=People $run" -F uniqueField=id -F locale=en-US -F async=true \
    -F "file=@$work/people.csv;type=text/csv" "http://127.0.0.1:$PORT/data")
  uploaded=$(date +%s.%N)
  job=$(echo "$created" | grep -o '"importJobId":"[^"]*"' | cut -d'"' -f4)
  deadline=$(( $(date +%s) + 600 ))
  state=queued
  while [ "$(date +%s)" -lt "$deadline" ]; do
    state=$(curl -sf "${auth[@]}" "http://127.0.0.1:$PORT/jobs/$job" | grep -o '"state":"[^"]*"' | cut -d'"' -f4)
    case "$state" in succeeded|dead|cancelled) break ;; esac
    sleep 0.1
  done
  end=$(date +%s.%N)
  [ "$state" = succeeded ] \
    || { echo "import ended $state" >&2; curl -sf "${auth[@]}" "http://127.0.0.1:$PORT/jobs/$job" >&2; exit 1; }
  count=$(curl -sf "${auth[@]}" "http://127.0.0.1:$PORT/data" | grep -o '"recordCount":[0-9]*' | cut -d: -f2 \
    | paste -sd+ | bc)
  [ "$count" = "$((ROWS * run))" ] || { echo "expected $((ROWS * run)) records in all, found $count" >&2; exit 1; }
  seconds=$(echo "$end - $start" | bc -l)
  format='import %d: upload %.1f s; total to job success %.1f s; rows/s end to end: %.0f;'
  format+=' server resident after it %d MB, peak so far %d MB\n'
  # shellcheck disable=SC2059 # the format is the literal above
  printf "$format" \
    "$run" "$(echo "$uploaded - $start" | bc -l)" "$seconds" "$(echo "$ROWS / $seconds" | bc -l)" \
    "$(( $(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024 ))" \
    "$(( $(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024 ))"
done
peak=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
echo "server memory: $((base_rss / 1024)) MB at rest before the upload, peak (VmHWM) $((peak / 1024)) MB"
