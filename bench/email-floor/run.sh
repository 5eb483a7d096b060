#!/usr/bin/env bash
# The floor of the email engine's CPU per email without a database (see Program.cs): starts the SMTP sink of
# bench/smtp-sink on loopback, runs the three cases, stops the sink. EMAILS= emails a round (default 5,000).
set -euo pipefail
cd "$(dirname "$0")/../.."
SINK_PORT=${SINK_PORT:-2528}
work=$(mktemp -d)
sink=""
cleanup() { [ -n "$sink" ] && kill "$sink" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release bench/smtp-sink -v q -nologo >/dev/null
dotnet build -c Release bench/email-floor -v q -nologo >/dev/null
bench/smtp-sink/bin/Release/net10.0/linux-x64/smtp-sink "$SINK_PORT" "$work/sink" 900 >"$work/sink.log" 2>&1 &
sink=$!
sleep 1
sink_cpu() { awk '{print $14 + $15}' "/proc/$sink/stat"; }
before=$(sink_cpu)
BENCH_CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  bench/email-floor/bin/Release/net10.0/linux-x64/email-floor "$SINK_PORT" "${EMAILS:-5000}"
printf 'sink: %.3f ms CPU per email received\n' \
  "$(echo "($(sink_cpu) - $before) * 1000 / $(getconf CLK_TCK) / $(cat "$work/sink/count")" | bc -l)"
