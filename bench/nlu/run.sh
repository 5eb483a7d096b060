#!/usr/bin/env bash
# NLU benchmark: CLINC150 through the HTTP API of the real server on SQLite (see Program.cs).
#
#   bench/nlu/run.sh [--test FILE]      (DATA=../shared/data/clinc150/train_val.json CLIENTS=4 PARSES=3000 PORT=5187
#                                        VERSIONS=3)
#
# FILE holds keys test and oos_test ([text, intent] items, out-of-scope intent "oos"); only the threshold chosen on
# val is applied to it.
set -euo pipefail
args=("$@")
if [ "${1:-}" = "--test" ] && [ -n "${2:-}" ]; then
  args=(--test "$(realpath "$2")")
fi
cd "$(dirname "$0")/../.."
DATA=${DATA:-../shared/data/clinc150/train_val.json}
PORT=${PORT:-5187}
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release src/Communique -v q -nologo >/dev/null
dotnet build -c Release bench/nlu -v q -nologo >/dev/null
bin=$PWD/src/Communique/bin/Release/net10.0/linux-x64/communique
export Storage__DataDirectory="$work/data" Logging__LogLevel__Default=Warning \
  Auth__TeamRequestsPerWindow=100000000 Communique__Role=Both
eval "$("$bin" admin create-account --name 'Bench Corp' --admin-email admin@bench.example --format env)"
"$bin" --urls "http://127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
api=http://127.0.0.1:$PORT
login="{\"client_id\":\"$COMMUNIQUE_CLIENT_ID\",\"secret\":\"$COMMUNIQUE_CLIENT_SECRET\","
login+="\"customer_id\":\"$COMMUNIQUE_CUSTOMER_ID\"}"
token=$(curl -sf -X POST "$api/authenticate" -H 'Content-Type: application/json' -d "$login" | tr -d '"')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "machine: $(nproc) cores, $cpu; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench/nlu/bin/Release/net10.0/linux-x64/nlu-bench \
  "$api" "$token" "$COMMUNIQUE_CUSTOMER_ID" "$DATA" "$server" "${args[@]}"
