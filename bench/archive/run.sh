#!/usr/bin/env bash
# Archive benchmark: ingest, search and verify through the HTTP API of a Release server (see Program.cs).
#
#   bench/archive/run.sh      (ENTRIES=1000000 CLIENTS=32 SEARCHES=300 PORT=5189;
#                              BENCH_POSTGRES=<Npgsql connection string> for PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-5189}
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/Communique -v q -nologo >/dev/null
dotnet build -c Release bench/archive -v q -nologo >/dev/null
bin=$PWD/src/Communique/bin/Release/net10.0/linux-x64/communique
export Storage__DataDirectory="$work/data" Logging__LogLevel__Default=Warning \
  Auth__TeamRequestsPerWindow=100000000 Communique__Role=Both
if [ -n "${BENCH_POSTGRES:-}" ]; then
  export Database__Provider=Postgres Database__ConnectionString="$BENCH_POSTGRES"
fi
eval "$("$bin" admin create-account --name 'Bench Corp' --admin-email admin@bench.example --format env)"
"$bin" --urls "http://127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
api=http://127.0.0.1:$PORT
login="{\"client_id\":\"$COMMUNIQUE_CLIENT_ID\",\"secret\":\"$COMMUNIQUE_CLIENT_SECRET\","
login+="\"customer_id\":\"$COMMUNIQUE_CUSTOMER_ID\"}"
token=$(curl -sf -X POST "$api/authenticate" -H 'Content-Type: application/json' -d "$login" | tr -d '"')
echo "database: ${Database__Provider:-Sqlite}; machine: $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); dotnet $(dotnet --version);" \
  "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench/archive/bin/Release/net10.0/linux-x64/archive-bench "$api" "$token" "$COMMUNIQUE_CUSTOMER_ID" "$server"
du -sh "$work/data" | sed 's/^/data folder: /'
