#!/usr/bin/env bash
# Video render benchmark (issue 22): renders of a personalised 15-second 720p30 video by the real server (Release,
# SQLite in a temporary directory, jobs run in the same process: Communique:Role=Both), through the HTTP API.
#
#   bench/video/run.sh                 MODE=render: one record's render at a time, RUNS (5) records; the video-render
#                                      job's start to Ready (the job's startedAt to completedAt), its median, the
#                                      render's own time (RenderMilliseconds) and the CPU seconds of the server and
#                                      its ffmpeg runs per render
#   MODE=campaign bench/video/run.sh   RECORDS (100) records rendered ahead of time by one batch job (POST
#                                      /video/communications/{id}/renders with the data source): renders/s from the
#                                      request until every render is ready, CPU seconds per render
#
# The video: scene 1 a colour (7.5 s), scene 2 a 1920x1080 JPEG covering the frame and zooming to 1.2 (7.5 s); three
# text layers with the record's fields (fades and a slide), a PNG image layer and a CTA button. Setup (Release build,
# account, assets, data source, a warm-up render of a record not measured) is outside every figure.
# Tunables: MODE RUNS=5 RECORDS=100 PORT=5192 Video__MaxConcurrentRenders (1) Video__Preset (veryfast) SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${MODE:-render}
case $MODE in render | campaign) ;; *) echo "run.sh: MODE is render or campaign" >&2; exit 1 ;; esac
export MODE RUNS=${RUNS:-5} RECORDS=${RECORDS:-100}
PORT=${PORT:-5192}
for tool in dotnet curl python3 ffmpeg; do
  command -v "$tool" > /dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
work=$(mktemp -d -t communique-bench-video.XXXXXX)
export WORK=$work
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2> /dev/null
  wait 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build -c Release src/Communique -v q -nologo > "$work/build.log" 2>&1 \
    || { tail -30 "$work/build.log"; exit 1; }
fi
bin=$PWD/src/Communique/bin/Release/net10.0/linux-x64/communique
export Storage__DataDirectory="$work/data" Logging__LogLevel__Default=Warning ASPNETCORE_ENVIRONMENT=Production \
  Auth__TeamRequestsPerWindow=100000000 Communique__Role=Both Jobs__PollSeconds=0.2
eval "$("$bin" admin create-account --name 'Bench Corp' --admin-email admin@bench.example --format env)"
"$bin" --urls "http://127.0.0.1:$PORT" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/health/ready" > /dev/null && break; sleep 0.2; done
export API=http://127.0.0.1:$PORT SERVER_PID=$server
login="{\"client_id\":\"$COMMUNIQUE_CLIENT_ID\",\"secret\":\"$COMMUNIQUE_CLIENT_SECRET\","
login+="\"customer_id\":\"$COMMUNIQUE_CUSTOMER_ID\"}"
TOKEN=$(curl -sf -X POST "$API/authenticate" -H 'Content-Type: application/json' -d "$login" | tr -d '"')
export TOKEN COMMUNIQUE_CUSTOMER_ID

ffmpeg -v error -f lavfi -i testsrc2=s=1920x1080 -frames:v 1 -q:v 3 "$work/background.jpg"
ffmpeg -v error -f lavfi -i "color=c=0x3366cc:s=200x200" -frames:v 1 "$work/logo.png"

commit=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)
[ -z "$(git status --porcelain -- src 2> /dev/null)" ] || commit="$commit + uncommitted changes in src/"
echo "## Communique video render benchmark ($MODE)"
echo
echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit $commit; Release build; SQLite; $(ffmpeg -version | head -1)"
echo "- Machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r);" \
  "load average before the run $(cut -d' ' -f1 /proc/loadavg)"
echo "- Video:MaxConcurrentRenders ${Video__MaxConcurrentRenders:-1}; x264 preset ${Video__Preset:-veryfast}; job" \
  "workers 2, polling every 0.2 s"
python3 bench/video/bench.py || { tail -30 "$work/server.log" >&2; exit 1; }
