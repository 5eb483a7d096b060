#!/usr/bin/env bash
# Chat turns through the REST channel: POST /chat/conversations/{id}/messages on CONVERSATIONS conversations of one
# bot, every turn saved (the user's message, the bot's answers, the conversation's state) before it is answered.
#
#   bench/chat/run.sh                 a flow without NLU: the answer checked as a number, a sum, a condition, a message
#   MODE=nlu bench/chat/run.sh        the user's words routed by an NLU model trained on the NLU tests' CLINC150 sample
#   MODE=streams bench/chat/run.sh    STREAMS=10000 idle event streams of pages' widgets held open: the server's memory
#                                     a stream, and an agent's messages timed to a page's stream (bench/chat/streams.py)
#
# Builds Release, starts one server (SQLite in a temporary directory; BENCH_POSTGRES=<Npgsql connection string> for
# PostgreSQL), bootstraps an account, starts the conversations (bench/chat/setup.py), then drives the turns with
# wrk --latency: a WARMUP run and the measured DURATION run. Reports turns/s, latency p50/p99, the server's CPU per
# turn and the cores each process used.
#
# Tunables: THREADS=2 CONNECTIONS=32 WARMUP=10 DURATION=20 CONVERSATIONS=4000, PORT, SKIP_BUILD=1, KEEP_WORKDIR=1.
# Exit status: 0 measured; 1 setup failed; 2 a response was not 2xx or a socket failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/chat"
BIN="$ROOT/src/Communique/bin/Release/net10.0/linux-x64/communique"
MODE=${MODE:-flow}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-20}
export MODE CONVERSATIONS=${CONVERSATIONS:-4000}

for tool in wrk curl dotnet awk python3 getconf timeout; do
  command -v "$tool" > /dev/null || { echo "run.sh: $tool is required (wrk: apt-get install -y wrk)" >&2; exit 1; }
done

WORK=$(mktemp -d -t communique-bench-chat.XXXXXX)
export WORK
SERVER_PID=
cleanup() {
  local rc=$?
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2> /dev/null || true
  fi
  if [[ $rc -eq 1 && -f $WORK/server.log ]]; then tail -n 30 "$WORK/server.log" >&2 || true; fi
  [[ ${KEEP_WORKDIR:-0} == 1 ]] && echo "Work directory kept: $WORK" >&2 || rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "run.sh: $*" >&2; exit 1; }

port_is_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
PORT=${PORT:-$(for p in $(seq 5284 5384); do port_is_free "$p" && { echo "$p"; break; }; done)}
[[ -n $PORT ]] || fail "no free port from 5284; set PORT"
BASE="http://127.0.0.1:$PORT"
export BASE
CLK_TCK=$(getconf CLK_TCK)
machine_ticks() {
  local _cpu user nice system _idle _iowait irq softirq steal _rest
  read -r _cpu user nice system _idle _iowait irq softirq steal _rest < /proc/stat
  echo $((user + nice + system + irq + softirq + steal))
}
process_ticks() {
  local stat; stat=$(< "/proc/$1/stat"); stat=${stat##*) }; read -r -a f <<< "$stat"; echo $((f[11] + f[12]))
}
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) ; else if (v ~ /s$/) n *= 1000;
    printf "%.2f", n }'
}

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "Building Release ..."
  (cd "$ROOT" && dotnet build -c Release src/Communique -nologo -v q) > "$WORK/build.log" 2>&1 \
    || { tail -n 30 "$WORK/build.log" >&2; fail "the Release build failed"; }
fi
[[ -x $BIN ]] || fail "$BIN is missing"

export Storage__DataDirectory="$WORK/data" Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production
export Auth__TeamRequestsPerWindow=100000000 Communique__Role=Both
if [[ -n ${BENCH_POSTGRES:-} ]]; then
  export Database__Provider=Postgres Database__ConnectionString="$BENCH_POSTGRES"
fi

echo "Bootstrapping an account in $WORK ..."
"$BIN" admin create-account --name "Bench Corp" --admin-email admin@bench.example --format env \
  > "$WORK/account.env" 2> "$WORK/bootstrap.log" || { cat "$WORK/bootstrap.log" >&2; fail "create-account failed"; }
# shellcheck disable=SC1091
source "$WORK/account.env"
export COMMUNIQUE_CUSTOMER_ID

if [[ $MODE == streams ]]; then
  # A stream is a socket at each end: the server and the client each need a descriptor per stream.
  ulimit -n "$(ulimit -Hn)"
  (($(ulimit -n) > ${STREAMS:-10000} + 1000)) || fail "open files are limited to $(ulimit -n); STREAMS needs more"
fi
echo "Starting the server on $BASE ..."
"$BIN" --urls "$BASE" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
  kill -0 "$SERVER_PID" 2> /dev/null || fail "the server exited during start-up"
  curl -fsS -o /dev/null "$BASE/health/ready" 2> /dev/null && break
  sleep 0.2
done
token=$(curl -fsS -X POST "$BASE/authenticate" -H 'Content-Type: application/json' \
  -d "$(printf '{"client_id":"%s","secret":"%s","customer_id":"%s"}' \
    "$COMMUNIQUE_CLIENT_ID" "$COMMUNIQUE_CLIENT_SECRET" "$COMMUNIQUE_CUSTOMER_ID")") || fail "authenticate failed"
token=${token#\"}; token=${token%\"}
export BENCH_TOKEN=$token SAMPLE="$ROOT/tests/Communique.Tests/Nlu/Data/clinc150-sample.csv"

if [[ $MODE == streams ]]; then
  echo
  echo "## Communique chat streams benchmark"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $(git -C "$ROOT" rev-parse --short HEAD); Release build;" \
    "database: ${Database__Provider:-Sqlite}; $(nproc) cores," \
    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  SERVER_PID=$SERVER_PID python3 "$HERE/streams.py" || fail "the streams benchmark failed"
  exit 0
fi

echo "Starting $CONVERSATIONS conversations ($MODE) ..."
python3 "$HERE/setup.py" || fail "setting up the conversations failed"

wrk_run() {
  BENCH_IDS="$WORK/ids" BENCH_TEXTS="$WORK/texts" BENCH_THREADS=$THREADS timeout $(($1 + 60)) \
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "$1s" --timeout 10s --latency -s "$HERE/turns.lua" "$BASE" \
    > "$2" || fail "wrk failed: $(cat "$2")"
}
ok_of() { awk '$1 == "status" && $2 >= 200 && $2 < 300 { n += $3 } END { print n + 0 }' "$1"; }
bad_of() {
  awk '$1 == "status" && ($2 < 200 || $2 >= 300) { n += $3 } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
    END { print n + 0 }' "$1"
}

echo "Warming up for ${WARMUP}s (wrk -t$THREADS -c$CONNECTIONS) ..."
wrk_run "$WARMUP" "$WORK/warmup.txt"
echo "Measuring for ${DURATION}s ..."
m0=$(machine_ticks); s0=$(process_ticks "$SERVER_PID"); t0=$EPOCHREALTIME
wrk_run "$DURATION" "$WORK/measure.txt"
m1=$(machine_ticks); s1=$(process_ticks "$SERVER_PID"); t1=$EPOCHREALTIME
ok=$(ok_of "$WORK/measure.txt"); bad=$(bad_of "$WORK/measure.txt")
p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/measure.txt")")
p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/measure.txt")")
peak=$(($(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status") / 1024))
commit=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)
[[ -z $(git -C "$ROOT" status --porcelain -- src 2> /dev/null) ]] || commit="$commit + uncommitted changes in src/"

echo
echo "## Communique chat turns benchmark ($MODE)"
echo
echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $commit; Release build; database: ${Database__Provider:-Sqlite}"
echo "- Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)"
echo "- Load: POST /chat/conversations/{id}/messages on $CONVERSATIONS conversations, wrk -t$THREADS -c$CONNECTIONS" \
  "--latency (keep-alive, loopback, on the same cores), ${WARMUP}s warm-up, ${DURATION}s measured"
awk -v m=$((m1 - m0)) -v s=$((s1 - s0)) -v hz="$CLK_TCK" -v a="$t0" -v b="$t1" -v n="$ok" 'BEGIN {
  e = (b - a) * hz
  printf "- Measured run: **%.0f turns/s** (%d in %.1f s); server CPU %.3f ms a turn; cores used: server %.2f," \
    " everything else %.2f\n", n / (b - a), n, b - a, s * 1000 / hz / (n > 0 ? n : 1), s / e, (m - s) / e }'
echo "- Latency: **p50 $p50 ms, p99 $p99 ms**; server peak memory ${peak} MB; responses not 2xx or failed: $bad"
grep '^first refusal' "$WORK/measure.txt" || true
((bad == 0)) || exit 2
