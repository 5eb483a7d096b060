#!/usr/bin/env bash
# Video player benchmark (issue 22): a Release server on the loopback with its defaults (SQLite in a temporary
# directory; BENCH_POSTGRES=<Npgsql connection string> for PostgreSQL), seeded through its API (bench/video-player/
# setup.py: a 15-second 1280x720 video communication with a personalised line, a shape and a button, and RECIPIENTS
# people), then loaded with wrk from the same machine.
#
#   bench/video-player/run.sh               MODE=all: page, then events
#   MODE=page bench/video-player/run.sh     GET /v/{key}/{uuid}, a different recipient each request: the page with
#                                           the record's resolved plan (manifest) and a fresh session token.
#                                           Targets: >= 5,000 requests/s, p99 <= 20 ms.
#   MODE=events bench/video-player/run.sh   POST /v/{key}/{uuid}/events, BATCH (50) events a post, with the real
#                                           tokens of SESSIONS sessions used in turn. Counted: rows in
#                                           VideoEvents once written, over the time from the first post until the
#                                           last row was written. wrk offers more than the writer takes: once the
#                                           queue of accepted events is full, posts are answered 503 (reported).
#                                           Target: >= 10,000 events/s.
#
# The settings changed from the defaults, for MODE=events only, and said in its figures: the limits per client address
# (Video:PostsPerAddressPerMinute, 6,000) and per session (Video:EventsPerSession, 300), which one load generator on
# one address, reusing its sessions, would hit by design (the tests check both limits).
#
# Tunables (environment): RECIPIENTS=10000 SESSIONS=1000 BATCH=50 THREADS=2 CONNECTIONS=32 WARMUP=5 DURATION=15
# PORT SKIP_BUILD=1 KEEP_WORKDIR=1.
#
# Exit status: 0 measured; 1 setup failed; 2 a wrk run saw non-2xx responses (other than 503 for a full event queue,
# which is reported) or pages without a plan; 3 not every accepted event was written within 60 s.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/video-player"
BIN="$ROOT/src/Communique/bin/Release/net10.0/linux-x64/communique"
MODE=${MODE:-all}
RECIPIENTS=${RECIPIENTS:-10000}
BATCH=${BATCH:-50}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-15}
PER_SESSION=300
case $MODE in
  all | events) SESSIONS=${SESSIONS:-1000} ;;
  page) SESSIONS=0 ;;
  *) echo "run.sh: MODE is all, page or events" >&2; exit 1 ;;
esac
export RECIPIENTS SESSIONS

for tool in wrk curl dotnet awk python3 getconf timeout; do
  command -v "$tool" > /dev/null || { echo "run.sh: $tool is required (wrk: apt-get install -y wrk)" >&2; exit 1; }
done

WORK=$(mktemp -d -t communique-bench-video.XXXXXX)
export WORK
SERVER_PID=
WATCHDOG_PID=
LIFETIME=$((1200 + 2 * (WARMUP + DURATION)))

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
  [[ -z $WATCHDOG_PID ]] || kill "$WATCHDOG_PID" 2> /dev/null || true
  if [[ $rc -eq 1 && -f $WORK/server.log ]]; then
    echo "--- last lines of the server log ---" >&2
    tail -n 30 "$WORK/server.log" >&2 || true
  fi
  if [[ ${KEEP_WORKDIR:-0} == 1 ]]; then echo "Work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "run.sh: $*" >&2; exit 1; }
port_is_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
free_port() {
  local candidate
  for candidate in $(seq "$1" $(($1 + 100))); do port_is_free "$candidate" && { echo "$candidate"; return 0; }; done
  return 1
}
PORT=${PORT:-$(free_port 5524)} || fail "no free port from 5524; set PORT"
BASE="http://127.0.0.1:$PORT"
export BASE

CLK_TCK=$(getconf CLK_TCK)
process_ticks() {
  local stat
  stat=$(< "/proc/$1/stat"); stat=${stat##*) }
  read -r -a f <<< "$stat"; echo $((f[11] + f[12]))
}

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "Building Release ..."
  (cd "$ROOT" && dotnet build -c Release src/Communique -nologo -v q) > "$WORK/build.log" 2>&1 \
    || { tail -n 30 "$WORK/build.log" >&2; fail "the Release build failed"; }
fi
[[ -x $BIN ]] || fail "$BIN is missing"

export Storage__DataDirectory="$WORK/data" Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production
export Auth__TeamRequestsPerWindow=100000000
if [[ $MODE != page ]]; then export Video__PostsPerAddressPerMinute=100000000 Video__EventsPerSession=1000000; fi
if [[ -n ${BENCH_POSTGRES:-} ]]; then
  export Database__Provider=Postgres Database__ConnectionString="$BENCH_POSTGRES"
fi

echo "Bootstrapping an account in $WORK ..."
"$BIN" admin create-account --name "Bench Corp" --admin-email admin@bench.example --format env \
  > "$WORK/account.env" 2> "$WORK/bootstrap.log" || { cat "$WORK/bootstrap.log" >&2; fail "create-account failed"; }
# shellcheck disable=SC1091
source "$WORK/account.env"
export COMMUNIQUE_CUSTOMER_ID

"$BIN" --urls "$BASE" >> "$WORK/server.log" 2>&1 &
SERVER_PID=$!
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
    "$COMMUNIQUE_CLIENT_ID" "$COMMUNIQUE_CLIENT_SECRET" "$COMMUNIQUE_CUSTOMER_ID")") || fail "POST /authenticate failed"
token=${token#\"}; token=${token%\"}
export BENCH_TOKEN=$token

echo "Seeding $RECIPIENTS recipients and $SESSIONS sessions through the API ..."
python3 "$HERE/setup.py" 2> "$WORK/setup.log" || fail "seeding failed: $(cat "$WORK/setup.log")"
cat "$WORK/setup.log"
# shellcheck disable=SC1091
source "$WORK/setup.env"

commit=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)
[[ -z $(git -C "$ROOT" status --porcelain -- src 2> /dev/null) ]] || commit="$commit + uncommitted changes in src/"
echo
echo "## Communique video player benchmark ($MODE)"
echo
echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $commit; Release build; database: ${Database__Provider:-Sqlite}"
echo "- Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r);" \
  ".NET SDK $(cd "$ROOT" && dotnet --version); load average before the run $(awk '{ print $1 }' /proc/loadavg)"
echo "- wrk -t$THREADS -c$CONNECTIONS on the same cores; warm-up ${WARMUP}s, measured ${DURATION}s"
status=0

count_of() { awk -v lo="$2" -v hi="$3" '$1 == "status" && $2 >= lo && $2 < hi { n += $3 } END { print n + 0 }' "$1"; }
socket_errors() { awk '/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$1"; }
value_of() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

if [[ $MODE == all || $MODE == page ]]; then
  run_pages() {
    BENCH_PAGES="$WORK/pages" BENCH_THREADS=$THREADS timeout $(($1 + 60)) wrk -t "$THREADS" -c "$CONNECTIONS" \
      -d "$1s" --timeout 10s --latency -s "$HERE/page.lua" "$BASE" > "$2" || fail "wrk failed: $(cat "$2")"
  }
  echo "Player pages: warming up ..."
  run_pages "$WARMUP" "$WORK/page-warmup.txt"
  echo "Measuring ..."
  s0=$(process_ticks "$SERVER_PID"); t0=$EPOCHREALTIME
  run_pages "$DURATION" "$WORK/page.txt"
  t1=$EPOCHREALTIME; s1=$(process_ticks "$SERVER_PID")
  ok=$(count_of "$WORK/page.txt" 200 300)
  bad=$(($(count_of "$WORK/page.txt" 0 200) + $(count_of "$WORK/page.txt" 300 1000)))
  odd=$(value_of "$WORK/page.txt" unexpected); errors=$(socket_errors "$WORK/page.txt")
  awk -v n="$ok" -v a="$t0" -v b="$t1" -v p50="$(value_of "$WORK/page.txt" p50)" \
    -v p99="$(value_of "$WORK/page.txt" p99)" -v s=$((s1 - s0)) -v hz="$CLK_TCK" -v r="$RECIPIENTS" 'BEGIN {
    printf "- Player page (GET /v/{key}/{uuid}, %d distinct recipients in turn): **%.0f requests/s**, latency" \
      " p50 %.2f ms, **p99 %.2f ms**; server CPU %.3f ms a page (%.2f cores)\n", r, n / (b - a), p50, p99,
      s * 1000 / hz / (n > 0 ? n : 1), s / hz / (b - a) }'
  if ((bad + odd + errors > 0)); then
    echo "  - FAILURES: $bad non-2xx, $odd pages without a plan, $errors socket errors" >&2; status=2
  fi
fi

rows() {
  if [[ -n ${BENCH_POSTGRES:-} ]]; then
    PGPASSWORD= psql -Atq "$(python3 -c 'import sys
names = {"host": "host", "server": "host", "port": "port", "username": "user", "user id": "user",
         "password": "password", "database": "dbname"}
pairs = [p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p]
print(" ".join(f"{names[k.strip().lower()]}={v.strip()}" for k, v in pairs if k.strip().lower() in names))' \
      "$BENCH_POSTGRES")" -c 'SELECT count(*) FROM "VideoEvents"'
  else
    python3 -c 'import sqlite3, sys
print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30).execute(
    "SELECT count(*) FROM VideoEvents").fetchone()[0])' "$WORK/data/communique.db"
  fi
}

if [[ $MODE == all || $MODE == events ]]; then
  # The warm-up and the measured run use different sessions (each has a share of events): a fifth for the warm-up.
  head -n $((SESSIONS * 4 / 5)) "$WORK/sessions" > "$WORK/sessions.measured"
  tail -n $((SESSIONS / 5)) "$WORK/sessions" > "$WORK/sessions.warmup"
  echo "Events: warming up ..."
  BENCH_SESSIONS="$WORK/sessions.warmup" BENCH_BATCH=$BATCH BENCH_PER_SESSION=$PER_SESSION BENCH_THREADS=$THREADS \
    timeout $((WARMUP + 60)) wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WARMUP}s" --timeout 10s \
    -s "$HERE/events.lua" "$BASE" > "$WORK/events-warmup.txt" || fail "wrk failed"
  # Until the warm-up's events are all written: the measured rows are the measured run's only.
  r0=$(rows); sleep 0.5
  while [[ $(rows) != "$r0" ]]; do r0=$(rows); sleep 0.5; done
  echo "Measuring ..."
  s0=$(process_ticks "$SERVER_PID"); t0=$EPOCHREALTIME
  BENCH_SESSIONS="$WORK/sessions.measured" BENCH_BATCH=$BATCH BENCH_PER_SESSION=$PER_SESSION BENCH_THREADS=$THREADS \
    timeout $((DURATION + 60)) wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s --latency \
    -s "$HERE/events.lua" "$BASE" > "$WORK/events.txt" || fail "wrk failed: $(cat "$WORK/events.txt")"
  t1=$EPOCHREALTIME
  accepted=$(( $(count_of "$WORK/events.txt" 202 203) * BATCH ))
  # 503: the queue of accepted events was full (the writer is the limit); the post is to be sent again.
  full=$(count_of "$WORK/events.txt" 503 504)
  refused=$(($(count_of "$WORK/events.txt" 0 202) + $(count_of "$WORK/events.txt" 203 1000) - full))
  errors=$(socket_errors "$WORK/events.txt")
  deadline=$((SECONDS + 60))
  while (( $(rows) - r0 < accepted && SECONDS < deadline )); do sleep 0.1; done
  t2=$EPOCHREALTIME; s1=$(process_ticks "$SERVER_PID")
  written=$(( $(rows) - r0 ))
  awk -v w="$written" -v n="$accepted" -v a="$t0" -v b="$t1" -v c="$t2" -v p50="$(value_of "$WORK/events.txt" p50)" \
    -v p99="$(value_of "$WORK/events.txt" p99)" -v s=$((s1 - s0)) -v hz="$CLK_TCK" -v k="$BATCH" 'BEGIN {
    printf "- Events (POST /v/{key}/{uuid}/events, %d a post): **%.0f events/s written** (%d rows in %.2f s from the" \
      " first post until the last row was written); accepted %.0f events/s while posting (%d in %.2f s); post" \
      " latency p50 %.2f ms, p99 %.2f ms; server CPU %.4f ms an event\n", k, w / (c - a), w, c - a, n / (b - a), n,
      b - a, p50, p99, s * 1000 / hz / (w > 0 ? w : 1) }'
  echo "  - posts answered 503 (queue of accepted events full, to be sent again): $full of" \
    "$(($(count_of "$WORK/events.txt" 0 1000))); Video:EventQueueCapacity ${Video__EventQueueCapacity:-200000}"
  echo "  - for this run (one load generator on one address reusing its sessions): Video:PostsPerAddressPerMinute" \
    "100000000 and Video:EventsPerSession 1000000; $(wc -l < "$WORK/sessions.measured") sessions' tokens in turn"
  if ((refused + errors > 0)); then
    echo "  - FAILURES: $refused posts refused, $errors socket errors" >&2; status=2
  fi
  if ((written < accepted)); then echo "  - NOT ALL WRITTEN: $written of $accepted" >&2; status=3; fi
fi
exit $status
