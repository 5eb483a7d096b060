#!/usr/bin/env bash
# Push benchmark (issue 21): Web Push messages from a Release server to a loopback push service running as a separate
# process (bench/push/PushService: HTTPS with a certificate it makes, HTTP/1.1 and HTTP/2, answers 201 and checks each
# body's aes128gcm header and the VAPID authorization).
#
#   bench/push/run.sh                     MODE=all: the campaign, then the transactional calls
#   MODE=campaign bench/push/run.sh       a campaign to every one of SUBSCRIPTIONS (100,000) subscriptions: messages/s
#                                         from the send request until nothing is queued, the server's CPU a message
#   MODE=transactional bench/push/run.sh  POST /push/transactional, one user (one subscription) and its data a call,
#                                         under wrk: calls/s, latency p50/p99, CPU a call, then the delivery's tail
#   MODE=segment bench/push/run.sh        ROWS (1,000,000) stored subscriptions, 10 % of them plan=pro: the time of
#                                         POST /push/campaigns/{id}/sends with attributes {plan: pro} (it counts the
#                                         segment) and until the send's report has a message for each of the 100,000
#
# Builds Release, starts the push service and one server (SQLite in a temporary directory; BENCH_POSTGRES=<Npgsql
# connection string> for PostgreSQL, a database of its own created empty for each run), bootstraps an account, and
# registers the subscriptions through POST /public/push/subscriptions, SEED_CONNECTIONS at a time
# (bench/push/setup.py; timed, outside every figure). Each has a real P-256 key: KEYS distinct pairs (default: one
# per subscription; 1,000 in MODE=segment) are made by the push service's program and reused in turn when fewer.
# MODE=segment registers ten through the API and loads the rest straight into the database with the server stopped
# (bench/push/segment.py), then starts it again and makes one send to a segment of no one before the measured one
# (the first request after a start compiles its code and queries). The report is polled every POLL seconds (its
# counts are part of the server's measured CPU).
#
# Tunables (environment): SUBSCRIPTIONS=100000 ROWS=1000000 KEYS SEED_CONNECTIONS=16 THREADS=1 CONNECTIONS=16
# WARMUP=5 DURATION=15 DRAIN=600 (seconds) POLL (0.5; 0.1 in MODE=segment) PORT PUSH_PORT SKIP_BUILD=1
# KEEP_WORKDIR=1. The server's Push:* settings may be set as usual (e.g. Push__Parallelism=64, the default).
#
# Exit status: 0 measured; 1 setup failed; 2 a wrk run saw a non-2xx response, a call that did not make one message
# or socket errors, or the push service saw a malformed request; 3 not every message was delivered within DRAIN.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/push"
BIN="$ROOT/src/Communique/bin/Release/net10.0/linux-x64/communique"
PUSH_BIN="$HERE/PushService/bin/Release/net10.0/linux-x64/push-service"
MODE=${MODE:-all}
SUBSCRIPTIONS=${SUBSCRIPTIONS:-100000}
ROWS=${ROWS:-1000000}
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-16}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-15}
DRAIN=${DRAIN:-600}
case $MODE in
  all | campaign | transactional) KEYS=${KEYS:-$SUBSCRIPTIONS} POLL=${POLL:-0.5} ;;
  segment) SUBSCRIPTIONS=10 KEYS=${KEYS:-1000} POLL=${POLL:-0.1} ;;
  *) echo "run.sh: MODE is all, campaign, transactional or segment" >&2; exit 1 ;;
esac
export SUBSCRIPTIONS SEED_CONNECTIONS=${SEED_CONNECTIONS:-16}

for tool in wrk curl dotnet awk python3 getconf timeout openssl; do
  command -v "$tool" > /dev/null || { echo "run.sh: $tool is required (wrk: apt-get install -y wrk)" >&2; exit 1; }
done
[[ -z ${BENCH_POSTGRES:-} || $MODE != segment ]] || command -v psql > /dev/null \
  || { echo "run.sh: MODE=segment on PostgreSQL needs psql" >&2; exit 1; }

WORK=$(mktemp -d -t communique-bench-push.XXXXXX)
export WORK
SERVER_PID=
PUSH_PID=
WATCHDOG_PID=
# Everything stops by itself after the longest the run can take, whatever happens to this script.
LIFETIME=$((1800 + WARMUP + DURATION + 3 * DRAIN))

stop() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2> /dev/null || return 0
  kill -TERM "$pid" 2> /dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}

cleanup() {
  local rc=$?
  stop "$SERVER_PID"
  stop "$PUSH_PID"
  [[ -z $WATCHDOG_PID ]] || kill "$WATCHDOG_PID" 2> /dev/null || true
  if [[ $rc -eq 1 && -f $WORK/server.log ]]; then
    echo "--- last lines of the server log ---" >&2
    tail -n 30 "$WORK/server.log" >&2 || true
  fi
  if [[ ${KEEP_WORKDIR:-0} == 1 ]]; then
    echo "Work directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "run.sh: $*" >&2; exit 1; }

port_is_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
free_port() {
  local candidate
  for candidate in $(seq "$1" $(($1 + 100))); do
    port_is_free "$candidate" && { echo "$candidate"; return 0; }
  done
  return 1
}
PORT=${PORT:-$(free_port 5484)} || fail "no free port from 5484; set PORT"
PUSH_PORT=${PUSH_PORT:-$(free_port 5643)} || fail "no free port from 5643; set PUSH_PORT"
BASE="http://127.0.0.1:$PORT"
PUSH_URL="https://127.0.0.1:$PUSH_PORT"
export BASE PUSH_URL

CLK_TCK=$(getconf CLK_TCK)
machine_ticks() {
  local _cpu user nice system _idle _iowait irq softirq steal _rest
  read -r _cpu user nice system _idle _iowait irq softirq steal _rest < /proc/stat
  echo $((user + nice + system + irq + softirq + steal))
}
process_ticks() {
  local stat
  stat=$(< "/proc/$1/stat"); stat=${stat##*) }
  read -r -a f <<< "$stat"; echo $((f[11] + f[12]))
}
# PostgreSQL's processes share the cores: their CPU is reported beside the server's.
postgres_ticks() {
  local total=0 pid
  for pid in $(pgrep -u postgres 2> /dev/null); do
    total=$((total + $(process_ticks "$pid" 2> /dev/null || echo 0)))
  done
  echo "$total"
}
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) ; else if (v ~ /m$/) n *= 60000;
    else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
pushed() {
  curl -fsS --max-time 10 --cacert "$WORK/push.pem" "$PUSH_URL/stats" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "${1:-requests}"
}

# The machine's speed, before anything of the benchmark runs: RSA-2048 signatures a second on one core.
rsa=$(openssl speed -seconds 1 rsa2048 2> /dev/null | awk '$1 == "rsa" && $2 == "2048" { print $6 }')

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "Building Release ..."
  for project in src/Communique bench/push/PushService; do
    (cd "$ROOT" && dotnet build -c Release "$project" -nologo -v q) > "$WORK/build.log" 2>&1 \
      || { tail -n 30 "$WORK/build.log" >&2; fail "the Release build of $project failed"; }
  done
fi
[[ -x $BIN ]] || fail "$BIN is missing"
[[ -x $PUSH_BIN ]] || fail "$PUSH_BIN is missing"

"$PUSH_BIN" serve "$PUSH_PORT" "$WORK/push.pem" "$LIFETIME" > "$WORK/push.log" 2>&1 &
PUSH_PID=$!
for _ in $(seq 100); do pushed > /dev/null 2>&1 && break; sleep 0.2; done
pushed > /dev/null || fail "the push service did not start: $(cat "$WORK/push.log")"
"$PUSH_BIN" keys "$KEYS" > "$WORK/keys" || fail "making the subscriptions' keys failed"
export KEYS_FILE="$WORK/keys"

export Storage__DataDirectory="$WORK/data" Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production
export Auth__TeamRequestsPerWindow=100000000 Communique__Role=Both Mail__PublicBaseUrl="https://mail.bench.example"
export Push__AllowedNetworks=127.0.0.0/8 Push__TrustedCertificates="$WORK/push.pem"
if [[ -n ${BENCH_POSTGRES:-} ]]; then
  export Database__Provider=Postgres Database__ConnectionString="$BENCH_POSTGRES"
fi

echo "Bootstrapping an account in $WORK ..."
"$BIN" admin create-account --name "Bench Corp" --admin-email admin@bench.example --format env \
  > "$WORK/account.env" 2> "$WORK/bootstrap.log" || { cat "$WORK/bootstrap.log" >&2; fail "create-account failed"; }
# shellcheck disable=SC1091
source "$WORK/account.env"
export COMMUNIQUE_CUSTOMER_ID

start_server() {
  "$BIN" --urls "$BASE" >> "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  # The server has no lifetime of its own: a watchdog outside this shell's traps ends it (if it is still the
  # server) should the script itself be killed.
  [[ -z $WATCHDOG_PID ]] || kill "$WATCHDOG_PID" 2> /dev/null || true
  (exec 0<&- 1> /dev/null 2>&1; sleep "$LIFETIME" & nap=$!; trap 'kill "$nap"; exit 0' TERM; wait "$nap"
    [[ $(readlink "/proc/$SERVER_PID/exe") == "$BIN" ]] && kill -TERM "$SERVER_PID") &
  WATCHDOG_PID=$!
  for _ in $(seq 300); do
    kill -0 "$SERVER_PID" 2> /dev/null || fail "the server exited during start-up"
    curl -fsS -o /dev/null "$BASE/health/ready" 2> /dev/null && break
    sleep 0.2
  done
  curl -fsS -o /dev/null "$BASE/health/ready" || fail "the server was not ready within 60 s"
  token=$(curl -fsS -X POST "$BASE/authenticate" -H 'Content-Type: application/json' \
    -d "$(printf '{"client_id":"%s","secret":"%s","customer_id":"%s"}' \
      "$COMMUNIQUE_CLIENT_ID" "$COMMUNIQUE_CLIENT_SECRET" "$COMMUNIQUE_CUSTOMER_ID")") \
    || fail "POST /authenticate failed"
  token=${token#\"}; token=${token%\"}
  auth=(-H "Authorization: Bearer $token" -H "PB-Customer-Id: $COMMUNIQUE_CUSTOMER_ID")
  export BENCH_TOKEN=$token
}
echo "Starting the push service on $PUSH_URL and the server on $BASE ..."
start_server
json=(-H 'Content-Type: application/json')
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
number() { grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }

echo "Registering $SUBSCRIPTIONS subscriptions through POST /public/push/subscriptions ..."
python3 "$HERE/setup.py" 2> "$WORK/setup.log" || fail "setting up failed: $(cat "$WORK/setup.log")"
cat "$WORK/setup.log"
# shellcheck disable=SC1091
source "$WORK/setup.env"
if [[ $MODE == segment ]]; then
  echo "Loading $((ROWS - SUBSCRIPTIONS)) more subscriptions into the database with the server stopped ..."
  stop "$SERVER_PID"
  if [[ -n ${BENCH_POSTGRES:-} ]]; then
    # psql takes libpq's keywords; Npgsql's names for the same settings differ.
    PSQL=$(python3 -c 'import sys
names = {"host": "host", "server": "host", "port": "port", "username": "user", "user id": "user", "userid": "user",
         "password": "password", "database": "dbname", "sslmode": "sslmode", "ssl mode": "sslmode"}
pairs = [p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p]
print(" ".join(f"{names[k.strip().lower()]}={v.strip()}" for k, v in pairs if k.strip().lower() in names))' \
      "$BENCH_POSTGRES")
    export PSQL
  else
    export SQLITE_DB="$WORK/data/communique.db"
    [[ -f $SQLITE_DB ]] || fail "$SQLITE_DB is missing"
  fi
  ROWS=$ROWS FIRST=$SUBSCRIPTIONS python3 "$HERE/segment.py" || fail "loading the subscriptions failed"
  start_server
fi

commit=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)
[[ -z $(git -C "$ROOT" status --porcelain -- src 2> /dev/null) ]] || commit="$commit + uncommitted changes in src/"
echo
echo "## Communique push benchmark ($MODE)"
echo
echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $commit; Release build; database: ${Database__Provider:-Sqlite}"
echo "- Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r);" \
  ".NET SDK $(cd "$ROOT" && dotnet --version); openssl speed -seconds 1 rsa2048: ${rsa:-?} sign/s;" \
  "load average before the run $(awk '{ print $1 }' /proc/loadavg)"
echo "- Push service: a separate process on the same cores, $PUSH_URL (TLS, HTTP/1.1 and HTTP/2); server" \
  "Push:Parallelism ${Push__Parallelism:-64 (default)}; report polled every ${POLL}s"
if [[ $MODE == segment ]]; then
  echo "- Subscriptions: $ROWS, $SUBSCRIPTIONS registered through the API and $((ROWS - SUBSCRIPTIONS)) loaded by SQL" \
    "before the server started; plan=pro on every tenth; $(wc -l < "$KEYS_FILE") distinct key pairs reused"
else
  echo "- Subscriptions: $SUBSCRIPTIONS registered through POST /public/push/subscriptions in ${SEED_SECONDS}s" \
    "($SEED_CONNECTIONS connections; not part of any figure); one a user; plan=pro on every tenth;" \
    "$(wc -l < "$KEYS_FILE") distinct P-256 key pairs$( ((KEYS < SUBSCRIPTIONS)) && echo ", reused in turn")"
fi

# follow <send> <expected messages>: polls the send's report until nothing is left queued (or it stops sending);
# sets EXPANDED_AT (when the report first had every message), DONE_AT and REPORT.
follow() {
  local deadline=$((SECONDS + DRAIN)) messages queued state
  EXPANDED_AT=
  while :; do
    REPORT=$(curl -fsS --max-time 60 "${auth[@]}" "$BASE/push/sends/$1/report") || REPORT='{}'
    messages=$(echo "$REPORT" | number messages); queued=$(echo "$REPORT" | number queued)
    state=$(echo "$REPORT" | field state)
    if [[ -z $EXPANDED_AT && ${messages:-0} -ge $2 ]]; then EXPANDED_AT=$EPOCHREALTIME; fi
    if [[ -n $EXPANDED_AT && ${queued:-1} -eq 0 ]] || [[ $state =~ ^(completed|failed|cancelled|paused)$ ]]; then
      break
    fi
    ((SECONDS < deadline)) || break
    sleep "$POLL"
  done
  DONE_AT=$EPOCHREALTIME
}
reported() { echo "$REPORT" | number "$1"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
status=0

if [[ $MODE == all || $MODE == campaign ]]; then
  echo
  echo "Campaign to every subscription ..."
  p0=$(pushed); bad0=$(pushed malformed)
  m0=$(machine_ticks); s0=$(process_ticks "$SERVER_PID"); k0=$(process_ticks "$PUSH_PID"); g0=$(postgres_ticks)
  t0=$EPOCHREALTIME
  send=$(curl -fsS "${auth[@]}" "${json[@]}" -d "{\"communicationId\":\"$NEWS_ID\",\"audience\":\"all\"}" \
    "$BASE/push/campaigns/$CAMPAIGN_ID/sends" | field id) || fail "starting the campaign's send failed"
  follow "$send" "$SUBSCRIPTIONS"
  m1=$(machine_ticks); s1=$(process_ticks "$SERVER_PID"); k1=$(process_ticks "$PUSH_PID"); g1=$(postgres_ticks)
  p1=$(pushed); bad=$(($(pushed malformed) - bad0))
  delivered=$(reported delivered)
  times=$(curl -fsS "${auth[@]}" "$BASE/campaigns/sends/$send" | python3 -c 'import json, sys
from datetime import datetime
s = json.load(sys.stdin)
at = lambda t: datetime.fromisoformat(t.rstrip("Z")[:26])
print("%.2f" % (at(s["endedAt"]) - at(s["startedAt"])).total_seconds() if s.get("endedAt") else "-")')
  echo "- Campaign (audience \"all\", $SUBSCRIPTIONS subscriptions): the report: $REPORT"
  awk -v n="${delivered:-0}" -v p=$((p1 - p0)) -v a="$t0" -v x="${EXPANDED_AT:-$DONE_AT}" -v b="$DONE_AT" \
    -v s=$((s1 - s0)) -v k=$((k1 - k0)) -v m=$((m1 - m0)) -v g=$((g1 - g0)) -v hz="$CLK_TCK" -v st="$times" \
    -v pg="${BENCH_POSTGRES:+1}" 'BEGIN { w = b - a; e = w * hz; d = (n > 0 ? n : 1)
    printf "  - **%.0f messages/s** (%d delivered in %.2f s from the send request until nothing was queued;" \
      " startedAt..endedAt on the server: %s s); the push service received %d requests\n", n / w, n, w, st, p
    printf "  - every message written (expansion) %.2f s after the request; delivery %.0f messages/s after that\n",
      x - a, n / (b - x > 0 ? b - x : 1)
    printf "  - **server CPU %.3f ms a message** (%.1f s in all); push service %.3f ms a message", s * 1000 / hz / d,
      s / hz, k * 1000 / hz / d
    if (pg) printf "; PostgreSQL %.3f ms a message", g * 1000 / hz / d
    printf "\n  - cores used: server %.2f, push service %.2f, everything else%s %.2f\n", s / e, k / e,
      (pg ? " (PostgreSQL among it)" : ""),
      (m > s + k ? (m - s - k) / e : 0) }'
  if ((bad > 0)); then echo "  - MALFORMED: the push service saw $bad requests it did not take" >&2; status=2; fi
  [[ ${delivered:-0} -eq $SUBSCRIPTIONS ]] || { echo "  - NOT ALL DELIVERED" >&2; status=3; }
fi

if [[ $MODE == all || $MODE == transactional ]]; then
  echo
  wrk_run() {
    BENCH_USERS=$SUBSCRIPTIONS BENCH_FIRST=$1 BENCH_THREADS=$THREADS timeout $(($2 + 60)) \
      wrk -t "$THREADS" -c "$CONNECTIONS" -d "$2s" --timeout 10s --latency -s "$HERE/transactional.lua" \
      "$BASE/push/transactional" > "$3" || fail "wrk failed: $(cat "$3")"
  }
  accepted_of() { awk '$1 == "status" && $2 >= 200 && $2 < 300 { n += $3 } END { print n + 0 }' "$1"; }
  refused_of() {
    awk '$1 == "status" && ($2 < 200 || $2 >= 300) { n += $3 } $1 == "unexpected" { n += $2 }
      /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$1"
  }
  # wait_for <requests> <seconds>: until the push service has received that many in all, or the time is up.
  wait_for() {
    local deadline=$((SECONDS + $2))
    while (($(pushed) < $1 && SECONDS < deadline)); do sleep 0.2; done
    (($(pushed) >= $1))
  }
  echo "Transactional calls: warming up for ${WARMUP}s (wrk -t$THREADS -c$CONNECTIONS) ..."
  base=$(pushed)
  wrk_run 0 "$WARMUP" "$WORK/warmup.txt"
  warm=$(accepted_of "$WORK/warmup.txt")
  wait_for $((base + warm)) "$DRAIN" || echo "  WARNING: the warm-up's messages were not all delivered" >&2
  sleep 1
  echo "Measuring for ${DURATION}s ..."
  base=$(pushed); bad0=$(pushed malformed)
  m0=$(machine_ticks); s0=$(process_ticks "$SERVER_PID"); k0=$(process_ticks "$PUSH_PID"); g0=$(postgres_ticks)
  t0=$EPOCHREALTIME
  # Users from where the warm-up stopped: each call of the measured run has a user of its own, while there are
  # enough.
  wrk_run $((warm + CONNECTIONS)) "$DURATION" "$WORK/measure.txt"
  t1=$EPOCHREALTIME
  m1=$(machine_ticks); s1=$(process_ticks "$SERVER_PID"); k1=$(process_ticks "$PUSH_PID"); g1=$(postgres_ticks)
  during=$(($(pushed) - base))
  accepted=$(accepted_of "$WORK/measure.txt"); refused=$(($(refused_of "$WORK/measure.txt") \
    + $(refused_of "$WORK/warmup.txt")))
  delivered=0
  wait_for $((base + accepted)) "$DRAIN" && delivered=1
  t2=$EPOCHREALTIME; s2=$(process_ticks "$SERVER_PID")
  sleep 1
  got=$(($(pushed) - base)); bad=$(($(pushed malformed) - bad0))
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/measure.txt")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/measure.txt")")
  calls=$((warm + accepted + CONNECTIONS))
  echo "- Transactional: POST /push/transactional, one user (one subscription) with three data fields a call," \
    "wrk -t$THREADS -c$CONNECTIONS --latency (keep-alive, loopback, on the same cores), ${WARMUP}s warm-up," \
    "${DURATION}s measured; users $( ((calls <= SUBSCRIPTIONS)) && echo "all different" \
      || echo "reused: $SUBSCRIPTIONS users for about $calls calls")"
  awk -v n="$accepted" -v d="$during" -v a="$t0" -v b="$t1" -v c="$t2" -v s=$((s1 - s0)) -v s2=$((s2 - s0)) \
    -v k=$((k1 - k0)) -v m=$((m1 - m0)) -v g=$((g1 - g0)) -v hz="$CLK_TCK" -v got="$got" -v ok="$delivered" \
    -v p50="$p50" -v p99="$p99" -v pg="${BENCH_POSTGRES:+1}" 'BEGIN { w = b - a; e = w * hz; q = (n > 0 ? n : 1)
    printf "  - **%.0f calls/s** accepted (%d in %.1f s); latency **p50 %s ms, p99 %s ms**\n", n / w, n, w, p50, p99
    printf "  - server CPU %.3f ms a call during the run (it delivered %d messages meanwhile)", s * 1000 / hz / q, d
    if (pg) printf "; PostgreSQL %.3f ms a call", g * 1000 / hz / q
    printf "\n  - cores used during the run: server %.2f, push service %.2f, wrk and everything else%s %.2f\n",
      s / e, k / e, (pg ? " (PostgreSQL among it)" : ""), (m > s + k ? (m - s - k) / e : 0)
    printf "  - delivery: the push service received %d messages for the %d accepted calls (calls in flight when wrk" \
      " stopped are not counted by wrk but may be accepted); ", got, n
    if (ok) printf "the last %.1f s after the run ended", c - b; else printf "NOT ALL within %.0f s", c - b
    printf "; server CPU from the start of the run to the last delivery %.3f ms a message\n",
      s2 * 1000 / hz / (got > 0 ? got : 1) }'
  grep -h '^first refusal:' "$WORK/warmup.txt" "$WORK/measure.txt" | head -1 | sed 's/^/  - /' || true
  if ((refused > 0 || bad > 0)); then
    echo "  - INVALID: $refused calls refused, with socket errors or not making one message;" \
      "$bad malformed requests at the push service" >&2
    status=2
  fi
  ((delivered)) || status=3
fi

if [[ $MODE == segment ]]; then
  echo
  pro=$(((ROWS + 9) / 10))
  # For comparison only: the first page of the segment's subscriptions, which reads the tags' index and stops.
  page=$(curl -fsS -o /dev/null -w '%{time_total}' "${auth[@]}" \
    "$BASE/push/subscriptions?attribute=plan:pro&limit=1") || fail "GET /push/subscriptions failed"
  # The server was just started: a first send to a segment of no one compiles the same code and queries, so that
  # the measured one is not the first.
  warm=$(curl -fsS -w '\n%{time_total}' "${auth[@]}" "${json[@]}" \
    -d "{\"communicationId\":\"$NEWS_ID\",\"attributes\":{\"plan\":\"nobody\"}}" \
    "$BASE/push/campaigns/$CAMPAIGN_ID/sends") || fail "starting the warm-up send failed"
  warm_send=$(echo "${warm%$'\n'*}" | field id)
  for _ in $(seq 300); do
    [[ $(curl -fsS "${auth[@]}" "$BASE/push/sends/$warm_send/report" | field state) == sending ]] || break
    sleep 0.1
  done
  echo "Campaign to the segment plan=pro ($pro of $ROWS) ..."
  p0=$(pushed); s0=$(process_ticks "$SERVER_PID")
  t0=$EPOCHREALTIME
  answer=$(curl -fsS -w '\n%{time_total}' "${auth[@]}" "${json[@]}" \
    -d "{\"communicationId\":\"$NEWS_ID\",\"attributes\":{\"plan\":\"pro\"}}" \
    "$BASE/push/campaigns/$CAMPAIGN_ID/sends") || fail "starting the segment's send failed"
  request_s=${answer##*$'\n'}
  send=$(echo "${answer%$'\n'*}" | field id)
  recipients=$(echo "${answer%$'\n'*}" | number recipients)
  follow "$send" "$pro"
  s1=$(process_ticks "$SERVER_PID")
  delivered=$(reported delivered)
  echo "- Segment selection over $ROWS subscriptions (attributes {plan: pro}, $pro in the segment):"
  echo "  - **POST /push/campaigns/{id}/sends answered in $(awk -v t="$request_s" 'BEGIN { printf "%.3f", t }') s**" \
    "(it counts the segment: recipients ${recipients:-?})"
  echo "  - **every message of the segment written $(elapsed "$t0" "${EXPANDED_AT:-$DONE_AT}") s after the" \
    "request** (the report first showing $pro messages; polled every ${POLL}s, the job's pick-up included)"
  echo "  - delivered: ${delivered:-0} in $(elapsed "$t0" "$DONE_AT") s from the request; the push service received" \
    "$(($(pushed) - p0)); server CPU $(awk -v s=$((s1 - s0)) -v hz="$CLK_TCK" -v n="${delivered:-0}" \
      'BEGIN { printf "%.3f", s * 1000 / hz / (n > 0 ? n : 1) }') ms a message"
  echo "  - the first send after the server started (to a segment of no one, a warm-up) answered in" \
    "$(awk -v t="${warm##*$'\n'}" 'BEGIN { printf "%.3f", t }') s"
  echo "  - for comparison, not the selection: GET /push/subscriptions?attribute=plan:pro&limit=1 took" \
    "$(awk -v t="$page" 'BEGIN { printf "%.3f", t }') s"
  echo "  - the report: $REPORT"
  [[ ${delivered:-0} -eq $pro ]] || { echo "  - NOT ALL DELIVERED" >&2; status=3; }
fi

echo "- Server peak memory (VmHWM): $(($(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status") / 1024)) MB;" \
  "push service: $(curl -fsS --cacert "$WORK/push.pem" "$PUSH_URL/stats")"
exit "$status"
