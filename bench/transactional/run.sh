#!/usr/bin/env bash
# Transactional API benchmark: single-recipient calls of POST /campaigns/v2/{campaign}/transactional, each
# with a dataset of one record (the address and the nine fields of the ≈3 KB HTML template of bench/email/run.sh, a
# new address on every call). The API answers 200 once the message row and its send job are committed; the server's
# send jobs deliver in the background (CSS inlined, tracking on, DKIM RSA-2048) to an SMTP sink running as a separate
# process on loopback.
#
#   bench/transactional/run.sh
#
# Builds Release, starts the sink and one server (SQLite in a temporary directory; BENCH_POSTGRES=<Npgsql connection
# string> for PostgreSQL), bootstraps an account, verifies the sender through the emailed link, creates a DKIM key,
# makes one call by hand and waits for its delivery, then drives the API with wrk --latency: a WARMUP run, a wait until
# the sink has the warm-up's messages (so that the measured run starts with an empty queue), and the measured
# DURATION run. Reported for the measured run: accepted calls/s, latency p50/p99, the server's CPU (user + sys from
# /proc) per accepted call (it includes the delivery the send jobs did meanwhile, reported beside it), and the cores
# the server, the sink, wrk and other processes used. Then it waits up to DRAIN seconds for the sink to receive every
# accepted message (the delivery tail), and up to DRAIN more for the server to have nothing left queued (a deferred
# message waits a minute or more for its next attempt), and reports the server's own counts.
#
# Tunables (environment): THREADS=1 CONNECTIONS=16 WARMUP=10 DURATION=20 DRAIN=300 (seconds), PORT (default: a free
# one from 5184), SINK_PORT (a free one from 2527), SKIP_BUILD=1, KEEP_WORKDIR=1. RATE=<calls/s> paces the load
# instead of calling as fast as the server answers: each connection waits CONNECTIONS/RATE seconds after an answer
# before its next call, so the rate reached is somewhat below RATE (the answer's own time is added); use it with
# more connections (e.g. CONNECTIONS=64) to measure the latency at a given load rather than at the most the server
# takes.
#
# Exit status: 0 measured; 1 setup failed; 2 a wrk run saw a non-2xx response or socket errors (the figures would
# count refusals as throughput); 3 the sink did not receive every accepted message within DRAIN seconds, or the server
# still had messages queued after DRAIN more.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/transactional"
BIN="$ROOT/src/Communique/bin/Release/net10.0/linux-x64/communique"
SINK_BIN="$ROOT/bench/smtp-sink/bin/Release/net10.0/linux-x64/smtp-sink"
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-16}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-20}
DRAIN=${DRAIN:-300}
CAMPAIGN=Receipts
SENDER=shop@bench.example

for tool in wrk curl dotnet awk python3 getconf timeout; do
  command -v "$tool" > /dev/null || { echo "run.sh: $tool is required (wrk: apt-get install -y wrk)" >&2; exit 1; }
done

WORK=$(mktemp -d -t communique-bench-transactional.XXXXXX)
SERVER_PID=
SINK_PID=

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
  stop "$SINK_PID"
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
PORT=${PORT:-$(free_port 5184)} || fail "no free port from 5184; set PORT"
SINK_PORT=${SINK_PORT:-$(free_port 2527)} || fail "no free port from 2527; set SINK_PORT"
BASE="http://127.0.0.1:$PORT"

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
# Sets CHILD_TICKS to the CPU of this shell's reaped children (wrk, curl); `times` must run in this shell.
children_ticks() {
  times > "$WORK/times"
  CHILD_TICKS=$(awk -v hz="$CLK_TCK" \
    'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%d\n", t * hz }' \
    "$WORK/times")
}
received() { cat "$WORK/sink/count" 2> /dev/null || echo 0; }
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) ; else if (v ~ /m$/) n *= 60000;
    else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "Building Release ..."
  for project in src/Communique bench/smtp-sink; do
    (cd "$ROOT" && dotnet build -c Release "$project" -nologo -v q) > "$WORK/build.log" 2>&1 \
      || { tail -n 30 "$WORK/build.log" >&2; fail "the Release build of $project failed"; }
  done
fi
[[ -x $BIN ]] || fail "$BIN is missing"
[[ -x $SINK_BIN ]] || fail "$SINK_BIN is missing"

# The sink stops by itself after the longest the run can take, whatever happens to this script.
"$SINK_BIN" "$SINK_PORT" "$WORK/sink" $((300 + WARMUP + DURATION + 3 * DRAIN)) > "$WORK/sink.log" 2>&1 &
SINK_PID=$!

export Storage__DataDirectory="$WORK/data" Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production
export Auth__TeamRequestsPerWindow=100000000 Communique__Role=Both Mail__PublicBaseUrl="https://mail.bench.example"
export Mail__Relays__0__Host=127.0.0.1 Mail__Relays__0__Port="$SINK_PORT" Mail__Relays__0__Security=None
if [[ -n ${BENCH_POSTGRES:-} ]]; then
  export Database__Provider=Postgres Database__ConnectionString="$BENCH_POSTGRES"
fi

echo "Bootstrapping an account in $WORK ..."
"$BIN" admin create-account --name "Bench Corp" --admin-email admin@bench.example --format env \
  > "$WORK/account.env" 2> "$WORK/bootstrap.log" || { cat "$WORK/bootstrap.log" >&2; fail "create-account failed"; }
# shellcheck disable=SC1091
source "$WORK/account.env"
: "${COMMUNIQUE_CUSTOMER_ID:?}" "${COMMUNIQUE_CLIENT_ID:?}" "${COMMUNIQUE_CLIENT_SECRET:?}"
export COMMUNIQUE_CUSTOMER_ID

echo "Starting the server on $BASE, the SMTP sink on 127.0.0.1:$SINK_PORT ..."
"$BIN" --urls "$BASE" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
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
json=(-H 'Content-Type: application/json')
field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
post() { curl -fsS "${auth[@]}" "${json[@]}" -d "$2" "$BASE$1" || fail "POST $1 failed"; }

project=$(post /projects '{"name":"Bench"}' | field id)
# The template of bench/email/run.sh: ≈3.4 KB of HTML with a <style> block, ten fields, two links and an
# unsubscribe link.
html=$(python3 - << 'PY'
rows = "".join(f'<tr><td class="label">Line {i}</td>'
               f'<td class="value">{{{{ plan }}}} benefit {i} for {{{{ city }}}}</td></tr>' for i in range(28))
# A backslash at the end of a line continues it: the template's lines are the ones that end without one.
print(f'''<html><head><style>body {{ font-family: Arial, sans-serif; color: #222 }} \
.label {{ color: #666; padding: 4px }}
.value {{ font-weight: bold }} h1 {{ font-size: 22px; color: #0a4 }} \
@media (max-width: 600px) {{ h1 {{ font-size: 18px }} }}</style></head>
<body><h1>Hello {{{{ first_name }}}} {{{{ last_name }}}}</h1>\
<p>Your balance is {{{{ balance }}}} and you have {{{{ points }}}} points.</p>
<p>Your plan renews on {{{{ renewal }}}}. Order {{{{ order_no }}}} is on its way; {{{{ agent }}}} will call you.</p>
<table>{rows}</table><p><a href="https://shop.bench.example/offers?c={{{{ city }}}}">See your offers</a> ·
<a href="https://shop.bench.example/account">Your account</a></p>\
<p><a href="{{{{ unsubscribe_url }}}}">Unsubscribe</a></p></body></html>''')
PY
)
body=$(python3 -c 'import json,sys; print(json.dumps({"name":"Receipt","channel":"email",
  "content":{"subject":"Your receipt, {{ first_name }}","html":sys.argv[1]}}))' "$html")
post "/projects/$project/communications" "$body" > /dev/null

post /senders "{\"address\":\"$SENDER\"}" > /dev/null
for _ in $(seq 100); do ls "$WORK/sink/"*.eml > /dev/null 2>&1 && break; sleep 0.2; done
verify=$(grep -ho 'token=[A-Za-z0-9_-]*' "$WORK/sink/"*.eml 2> /dev/null | head -1 | cut -d= -f2) || true
[[ -n $verify ]] || fail "the sender's verification email did not reach the sink"
curl -fsS -o /dev/null -X POST --data-urlencode "token=$verify" "$BASE/public/senders/verify" \
  || fail "verifying the sender failed"
post /dkim-keys '{"domain":"bench.example","selector":"s1","algorithm":"rsa"}' > /dev/null
campaign=$(post /campaigns "{\"projectId\":\"$project\",\"name\":\"$CAMPAIGN\"}" | field id)

export BENCH_TOKEN=$token BENCH_PROJECT=Bench BENCH_COMMUNICATION=Receipt BENCH_SENDER=$SENDER
ROUTE="/campaigns/v2/$CAMPAIGN/transactional"

# One call by hand, followed to its delivery: a benchmark of refusals, or of messages that never leave, is worthless.
first=$(curl -sS "${auth[@]}" "${json[@]}" -w '\n%{http_code}' "$BASE$ROUTE" -d "{
  \"communication\":\"Receipt\",\"project\":\"Bench\",\"email_json_path\":\"email\",\"sender\":\"$SENDER\",
  \"dataset\":[{\"email\":\"first@example.org\",\"first_name\":\"Ann\",\"last_name\":\"Lee\",\"city\":\"Lyon\",
  \"plan\":\"Plan 1\",\"balance\":\"12.50\",\"renewal\":\"2026-12-01\",\"points\":\"40\",
  \"agent\":\"Agent 7\",\"order_no\":\"ORD-0000001\"}]}")
[[ ${first##*$'\n'} == 200 ]] || fail "the first transactional call was refused: $first"
send=$(echo "$first" | field send_id)
for _ in $(seq 150); do
  status=$(curl -fsS "${auth[@]}" "$BASE/campaigns/v2/transactional/$send" | field status)
  [[ $status == sent ]] && break
  sleep 0.2
done
[[ $status == sent ]] || fail "the first transactional message was not sent within 30 s (status $status)"

# With RATE, each connection's pause after an answer, in milliseconds.
pause_ms=0
if [[ -n ${RATE:-} ]]; then
  pause_ms=$(awk -v c="$CONNECTIONS" -v r="$RATE" 'BEGIN { printf "%d", c * 1000 / r }')
fi
# wrk_run <name> <seconds> <output file>: addresses are <name>-<thread>-<n>@example.org, new in every run.
wrk_run() {
  BENCH_PAUSE_MS=$pause_ms BENCH_RUN=$1 timeout $(($2 + 60)) \
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "$2s" --timeout 10s --latency \
    -s "$HERE/transactional.lua" "$BASE$ROUTE" > "$3" || fail "wrk failed: $(cat "$3")"
}
accepted_of() { awk '$1 == "status" && $2 >= 200 && $2 < 300 { n += $3 } END { print n + 0 }' "$1"; }
refused_of() {
  awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); s += $4 + $6 + $8 + $10 }
    END { print n + 0, s + 0 }' "$1"
}
# wait_for <count> <seconds>: until the sink has received <count> messages in all, or the time is up.
wait_for() {
  local deadline=$((SECONDS + $2))
  while (($(received) < $1 && SECONDS < deadline)); do sleep 0.2; done
  (($(received) >= $1))
}
# The sink writes its count every 200 ms; calls in flight when wrk stopped may add a few messages: wait until it
# settles.
settle() {
  local last=-1 now
  for _ in $(seq 20); do now=$(received); [[ $now == "$last" ]] && break; last=$now; sleep 1; done
}

echo "Warming up for ${WARMUP}s (wrk -t$THREADS -c$CONNECTIONS) ..."
base=$(received)
wrk_run warmup "$WARMUP" "$WORK/warmup.txt"
warm_accepted=$(accepted_of "$WORK/warmup.txt")
read -r warm_non2xx warm_socket < <(refused_of "$WORK/warmup.txt")
echo "  $(awk '/^Requests\/sec:/ { print $2 }' "$WORK/warmup.txt") req/s, $warm_accepted accepted;" \
  "waiting up to ${DRAIN}s for their delivery ..."
t0=$EPOCHREALTIME
wait_for $((base + warm_accepted)) "$DRAIN" \
  || echo "  WARNING: the warm-up's messages were not all delivered; the backlog runs on" >&2
settle
echo "  delivered in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s after the warm-up ended"

echo "Measuring for ${DURATION}s ..."
others_before=$(awk '{ print $1 }' /proc/loadavg)
base=$(received)
m0=$(machine_ticks); s0=$(process_ticks "$SERVER_PID"); k0=$(process_ticks "$SINK_PID")
children_ticks; c0=$CHILD_TICKS; t0=$EPOCHREALTIME
wrk_run measure "$DURATION" "$WORK/measure.txt"
m1=$(machine_ticks); s1=$(process_ticks "$SERVER_PID"); k1=$(process_ticks "$SINK_PID")
children_ticks; c1=$CHILD_TICKS; t1=$EPOCHREALTIME
during=$(($(received) - base))
accepted=$(accepted_of "$WORK/measure.txt")
read -r non2xx socket < <(refused_of "$WORK/measure.txt")
echo "  $accepted accepted; waiting up to ${DRAIN}s for the sink to receive them ..."
delivered=0
wait_for $((base + accepted)) "$DRAIN" && delivered=1
t2=$EPOCHREALTIME
s2=$(process_ticks "$SERVER_PID")
peak=$(($(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status") / 1024))
settle
got=$(($(received) - base))

# The server's own account of the campaign: one send per accepted call (warm-up, the first call and calls in flight when
# wrk stopped included) and their messages' states, read until nothing is queued or sending (within the same deadline).
# Each read lists every send of the campaign, so it is not cheap: once every 5 s.
counts() {
  curl -fsS --max-time 120 "${auth[@]}" "$BASE/campaigns/$campaign" | python3 -c '
import json, sys
sends = json.load(sys.stdin)["sends"]
c = {k: sum(s["counts"][k] for s in sends) for k in ("queued", "sending", "sent", "failed", "suppressed")}
waiting = [s["id"] for s in sends if s["counts"]["queued"] + s["counts"]["sending"] > 0]
print(c["queued"] + c["sending"], c["sent"], " ".join(waiting[:3]))
print(f"{len(sends)} sends; messages: " + ", ".join(f"{v} {k}" for k, v in c.items()))'
}
deadline=$((SECONDS + DRAIN))
while :; do
  counts > "$WORK/counts" || printf '0 0\n(not read)\n' > "$WORK/counts"
  read -r pending server_sent waiting < "$WORK/counts"
  ((pending == 0 || SECONDS >= deadline)) && break
  sleep 5
done
t3=$EPOCHREALTIME
server_counts=$(sed -n 2p "$WORK/counts")
# A message still queued: show why (a deferral waits for its next attempt, a minute or more later).
for send in ${waiting:-}; do
  curl -fsS "${auth[@]}" "$BASE/campaigns/sends/$send/messages" \
    | grep -o '"state":"[^"]*","attempts":[0-9]*,"lastReply":[^,]*' \
    | sed "s/^/- still waiting in send $send: /" || true
done > "$WORK/waiting"

rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/measure.txt")
p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/measure.txt")")
p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/measure.txt")")
[[ -n $rps && -n $p99 ]] || { cat "$WORK/measure.txt" >&2; fail "could not read wrk's output"; }
commit=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)
[[ -z $(git -C "$ROOT" status --porcelain -- src 2> /dev/null) ]] || commit="$commit + uncommitted changes in src/"

echo
echo "## Communique transactional API benchmark"
echo
echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $commit; Release build; database: ${Database__Provider:-Sqlite}"
echo "- Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r);" \
  ".NET SDK $(cd "$ROOT" && dotnet --version); load average before the measured run $others_before;" \
  "OPENSSL_ia32cap: ${OPENSSL_ia32cap:-unset}"
echo "- Load: POST $ROUTE, one record per call, wrk -t$THREADS -c$CONNECTIONS --latency (keep-alive, loopback, on the" \
  "same cores)${RATE:+, paced for about $RATE calls/s (each connection waits ${pause_ms} ms after an answer)}," \
  "${WARMUP}s warm-up, ${DURATION}s measured; $(printf %s "$html" | wc -c)-byte HTML template," \
  "10 fields, CSS inlined, tracking on, DKIM RSA-2048"
awk -v m=$((m1 - m0)) -v s=$((s1 - s0)) -v k=$((k1 - k0)) -v c=$((c1 - c0)) -v hz="$CLK_TCK" -v a="$t0" -v b="$t1" \
  -v n="$accepted" -v d="$during" -v pg="${BENCH_POSTGRES:+1}" 'BEGIN { e = (b - a) * hz; o = (m - s - k - c) / e;
  printf "- Measured run: %.0f accepted calls/s (%d in %.1f s); server CPU %.3f ms per accepted call",
    n / (b - a), n, b - a, s * 1000 / hz / (n > 0 ? n : 1)
  printf " (it delivered %d messages meanwhile)\n", d
  printf "- Cores used during it: server %.2f, SMTP sink %.2f, wrk %.2f, other processes%s %.2f\n", s / e, k / e, c / e,
    (pg ? " (PostgreSQL among them)" : ""), (o < 0 ? 0 : o) }'
echo "- wrk: $rps req/s; latency p50 $p50 ms, p99 $p99 ms; non-2xx $non2xx, socket errors $socket" \
  "(warm-up: non-2xx $warm_non2xx, socket errors $warm_socket)"
awk -v got="$got" -v n="$accepted" -v a="$t1" -v b="$t2" -v c="$t3" -v p="$pending" -v s=$((s2 - s0)) -v hz="$CLK_TCK" \
  -v ok="$delivered" 'BEGIN {
  printf "- Delivery: the sink received %d messages for the %d accepted calls", got, n
  printf " (a call in flight when wrk stopped is not counted by wrk but may be accepted); "
  if (ok) printf "the last of them %.1f s after the measured run ended", b - a
  else printf "NOT ALL within the %.0f s allowed", b - a
  if (p == 0) printf "; nothing left queued on the server %.1f s after the run ended", c - a
  else printf "; %d messages still queued on the server %.1f s after the run ended", p, c - a
  printf "; server CPU from the start of the run to the last delivery: %.3f ms per message\n",
    s * 1000 / hz / (got > 0 ? got : 1) }'
echo "- The server's counts for the campaign: $server_counts" \
  "(the sink has $(($(received) - 1)) in all, besides the sender's verification)"
echo "- Server peak memory (VmHWM) up to the last delivery: $peak MB"
cat "$WORK/waiting"
grep -h '^first refusal:' "$WORK/warmup.txt" "$WORK/measure.txt" | head -1 || true

if ((warm_non2xx + warm_socket + non2xx + socket > 0)); then
  echo "INVALID: some responses were not 2xx (or sockets failed); the throughput above is not valid." >&2
  exit 2
fi
if ((!delivered || pending > 0)); then
  echo "INCOMPLETE: the sink did not receive every accepted message within ${DRAIN}s," \
    "or the server still has some queued." >&2
  exit 3
fi
