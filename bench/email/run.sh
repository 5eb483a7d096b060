#!/usr/bin/env bash
# Email campaign benchmark: a Release server sends one campaign of ROWS recipients (default 100,000) — a
# ≈3 KB personalised HTML email with 10 fields, CSS inlined, click tracking and open pixel on, DKIM RSA-2048 — to an
# SMTP sink running as a separate process on loopback. Timed from the send request to the send's completion; the
# server's CPU time (user + sys, from /proc) over the same interval gives the CPU per email. Loopback only; both
# processes are stopped on exit. BENCH_POSTGRES=<Npgsql connection string> runs it on PostgreSQL. An OPENSSL_ia32cap in
# the environment reaches the server (docs/configuration.md, "RSA signing speed") and is printed with the results.
# DOCUMENT=1 attaches to each email a one-page PDF letter made from the recipient's record (bench/email/letter.xml:
# an address box, three paragraphs in two fonts, a ten-row table, a QR code, page X of Y).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROWS=${ROWS:-100000}
PORT=${PORT:-5183}
SINK_PORT=${SINK_PORT:-2526}
work=$(mktemp -d)
server=""
sink=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  [ -n "$sink" ] && kill "$sink" 2>/dev/null
  wait 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release src/Communique -v q -nologo >/dev/null
dotnet build -c Release bench/smtp-sink -v q -nologo >/dev/null
bin=$PWD/src/Communique/bin/Release/net10.0/linux-x64/communique
sinkbin=$PWD/bench/smtp-sink/bin/Release/net10.0/linux-x64/smtp-sink

"$sinkbin" "$SINK_PORT" "$work/sink" 3600 >"$work/sink.log" 2>&1 &
sink=$!

echo "generating $ROWS recipients" >&2
awk -v n="$ROWS" 'BEGIN {
  print "email,first_name,last_name,city,plan,balance,renewal,points,agent,order_no";
  for (i = 1; i <= n; i++)
    printf "reader%d@example.org,First%d,Last%d,City%d,Plan %d,%d.%02d,2026-%02d-%02d,%d,Agent %d,ORD-%07d\n",
      i, i, i, i % 500, i % 4, i % 5000, i % 100, 1 + i % 12, 1 + i % 28, i % 10000, i % 50, i
}' > "$work/people.csv"

export Storage__DataDirectory="$work/data" Logging__LogLevel__Default=Warning Auth__TeamRequestsPerWindow=100000000
export DataSources__MaxBytes=$((1024 * 1024 * 1024)) Communique__Role=Both \
  Mail__PublicBaseUrl="https://mail.bench.example"
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
html=$(python3 - <<'PY'
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
document=""
if [ -n "${DOCUMENT:-}" ]; then
  document=$(python3 -c 'import json,sys; print(json.dumps({"name":"Letter","channel":"document",
    "content":{"markup":open(sys.argv[1]).read(),"fileName":"statement-{{ order_no }}.pdf"}}))' \
    bench/email/letter.xml | curl -sf "${auth[@]}" "${json[@]}" -d @- "$api/projects/$project/communications" |
    field id)
fi
body=$(python3 -c 'import json,sys
content={"subject":"Your statement, {{ first_name }}","html":sys.argv[1]}
if sys.argv[2]: content["documents"]=[sys.argv[2]]
print(json.dumps({"name":"Statement","channel":"email","content":content}))' "$html" "$document")
communication=$(curl -sf "${auth[@]}" "${json[@]}" -d "$body" "$api/projects/$project/communications" | field id)

import=$(curl -sf "${auth[@]}" -F name=Readers -F async=true -F "file=@$work/people.csv;type=text/csv" "$api/data")
source=$(echo "$import" | field Id)
job=$(echo "$import" | field importJobId)
for _ in $(seq 1 600); do
  state=$(curl -sf "${auth[@]}" "$api/jobs/$job" | field state)
  [ "$state" = succeeded ] && break
  case "$state" in dead|cancelled) echo "import ended $state" >&2; exit 1 ;; esac
  sleep 0.2
done

curl -sf "${auth[@]}" "${json[@]}" -d '{"address":"news@bench.example"}' "$api/senders" >/dev/null
for _ in $(seq 1 100); do ls "$work/sink/"*.eml >/dev/null 2>&1 && break; sleep 0.2; done
verify=$(grep -ho 'token=[A-Za-z0-9_-]*' "$work/sink/"*.eml | head -1 | cut -d= -f2)
curl -sf -X POST --data-urlencode "token=$verify" "$api/public/senders/verify" >/dev/null
curl -sf "${auth[@]}" "${json[@]}" -d '{"domain":"bench.example","selector":"s1"}' "$api/dkim-keys" >/dev/null
campaign=$(curl -sf "${auth[@]}" "${json[@]}" -d "{\"projectId\":\"$project\",\"name\":\"Statements\"}" \
  "$api/campaigns" | field id)

cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
ticks=$(getconf CLK_TCK)
before_count=$(cat "$work/sink/count")
cpu_start=$(cpu)
sink_cpu_start=$(awk '{print $14 + $15}' "/proc/$sink/stat")
# PostgreSQL's processes share the two cores: their CPU over the send is reported beside the server's.
pg_cpu() {
  local t=0 p
  for p in $(pgrep -u postgres); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
pg_cpu_start=$(pg_cpu)
start=$(date +%s.%N)
send_request="{\"communicationId\":\"$communication\",\"dataSourceId\":\"$source\",\"addressField\":\"email\","
send_request+="\"sender\":\"news@bench.example\",\"senderName\":\"Bench News\"}"
send=$(curl -sf "${auth[@]}" "${json[@]}" -d "$send_request" "$api/campaigns/$campaign/sends" | field id)
deadline=$(( $(date +%s) + 1800 ))
state=sending
first_cpu=""
polls=0
while [ "$(date +%s)" -lt "$deadline" ]; do
  # The send's state once a second, or at once when the sink has every message (a status read counts the send's
  # messages: part of the measured CPU).
  if [ $((polls++ % 5)) -eq 0 ] || [ $(( $(cat "$work/sink/count") - before_count )) -ge "$ROWS" ]; then
    state=$(curl -sf "${auth[@]}" "$api/campaigns/sends/$send" | field state)
    [ "$state" = sending ] || break
  fi
  # The messages are written before the first is delivered: the CPU up to then is that of writing them.
  if [ -z "$first_cpu" ] && [ "$(cat "$work/sink/count")" -gt "$before_count" ]; then
    first_cpu=$(cpu)
    first_at=$(date +%s.%N)
  fi
  sleep 0.2
done
end=$(date +%s.%N)
cpu_end=$(cpu)
[ "$state" = completed ] \
  || { echo "send ended $state" >&2; curl -sf "${auth[@]}" "$api/campaigns/sends/$send" >&2; exit 1; }
# The sink writes its count every 200 ms: wait until it has settled.
last=-1
for _ in $(seq 1 50); do
  now=$(cat "$work/sink/count")
  [ "$now" = "$last" ] && break
  last=$now
  sleep 0.5
done
received=$(( last - before_count ))
sink_cpu_ms=$(echo "($(awk '{print $14 + $15}' "/proc/$sink/stat") - sink_cpu_start) * 1000 / $ticks" | bc -l)
seconds=$(echo "$end - $start" | bc -l)
cpu_ms=$(echo "($cpu_end - $cpu_start) * 1000 / $ticks" | bc -l)
echo "campaign of $ROWS recipients, $(printf %s "$html" | wc -c)-byte HTML template, 10 fields, CSS inlined," \
  "tracking on, DKIM RSA-2048${document:+, a one-page PDF letter attached per recipient}"
echo "database: ${Database__Provider:-Sqlite}; machine: $(nproc) cores," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); dotnet $(dotnet --version);" \
  "OPENSSL_ia32cap: ${OPENSSL_ia32cap:-unset}"
echo "sink received: $received; the send's counts:" \
  "$(curl -sf "${auth[@]}" "$api/campaigns/sends/$send" | grep -o '"counts":{[^}]*}')"
printf 'wall: %.1f s; emails/s: %.0f; server CPU: %.0f ms in all, %.3f ms per email; server peak memory %d MB\n' \
  "$seconds" "$(echo "$received / $seconds" | bc -l)" "$cpu_ms" "$(echo "$cpu_ms / $received" | bc -l)" \
  "$(( $(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024 ))"
printf 'until the first delivery (writing the message rows, within 0.2 s): %.1f s, %.0f ms of server CPU\n' \
  "$(echo "${first_at:-$end} - $start" | bc -l)" \
  "$(echo "(${first_cpu:-$cpu_end} - $cpu_start) * 1000 / $ticks" | bc -l)"
printf 'sink CPU (the other process on the same two cores): %.3f ms per email\n' \
  "$(echo "$sink_cpu_ms / $received" | bc -l)"
if [ -n "${BENCH_POSTGRES:-}" ]; then
  printf 'PostgreSQL CPU (its processes on the same cores, whatever they did meanwhile): %.3f ms per email\n' \
    "$(echo "($(pg_cpu) - $pg_cpu_start) * 1000 / $ticks / $received" | bc -l)"
fi
# What the archive keeps per message (SQLite): its pack and dictionary blobs, and its rows with their indexes (the
# entries, the log's nodes, the full-text index), read from the database once the server is done with it.
if [ -z "${BENCH_POSTGRES:-}" ]; then
  python3 - "$work/data" <<'PY'
import os, sqlite3, sys
data = sys.argv[1]
db = sqlite3.connect(f"file:{data}/communique.db?mode=ro", uri=True)
entries = db.execute("SELECT COUNT(*) FROM ArchiveEntries").fetchone()[0]
if entries == 0:
    print("archive: off (no entries)")
    sys.exit(0)
hashes = [h for (h,) in db.execute("SELECT DISTINCT Hash FROM BlobReferences WHERE Holder = 'Archive'")]
blobs = sum(os.path.getsize(os.path.join(data, "blobs", h[:2], h[2:4], h)) for h in hashes)
rows = db.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'Archive%' OR name LIKE 'IX_Archive%'"
                  " OR name LIKE 'sqlite_autoindex_Archive%'").fetchone()[0]
size = db.execute("SELECT AVG(Size) FROM ArchiveEntries").fetchone()[0]
print(f"archive: {entries} entries of {size:.0f} bytes on average; {len(hashes)} blobs of {blobs / entries:.0f} bytes"
      f" an entry; rows and indexes {rows / entries:.0f} bytes an entry; {(blobs + rows) / entries:.0f} bytes in all")
largest = db.execute("SELECT name, SUM(pgsize) AS size FROM dbstat WHERE name LIKE '%Archive%' GROUP BY name"
                     " ORDER BY size DESC LIMIT 12").fetchall()
print("  bytes an entry: " + ", ".join(f"{name} {size / entries:.0f}" for name, size in largest))
PY
fi
if [ "$received" -ne "$ROWS" ]; then
  echo "the sink received $received messages for $ROWS recipients; the send's failed messages:" >&2
  curl -sf "${auth[@]}" "$api/campaigns/sends/$send/messages?state=failed" >&2
  echo >&2
  exit 2
fi
