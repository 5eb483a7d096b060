#!/usr/bin/env bash
# Runs the whole test suite: the engines' unit tests (tests/Communique.Documents.Tests, tests/Communique.Nlu.Tests),
# then tests/Communique.Tests,
# the SQLite suite and, where a PostgreSQL server is available, the PostgreSQL suite.
# As root on Debian it installs and starts PostgreSQL itself (and installs chromium for the browser test, Dovecot for
# the bounce-mailbox test, Node.js for the Web Push checks); otherwise
# point COMMUNIQUE_TEST_POSTGRES at a server
# (an Npgsql connection string for a role that may create databases), or the PostgreSQL tests are skipped.
# The last line is always "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '%s\n' "$*" >&2; }

setup_postgres() {
  if [ -n "${COMMUNIQUE_TEST_POSTGRES:-}" ] || [ "$(id -u)" != 0 ]; then
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    log "installing PostgreSQL"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
  fi
  command -v pg_ctlcluster >/dev/null 2>&1 || return 0
  local version name
  read -r version name _ < <(pg_lsclusters -h | head -n 1)
  if [ -z "${version:-}" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    name=main
    pg_createcluster "$version" "$name" >/dev/null
  fi
  pg_ctlcluster "$version" "$name" start 2>/dev/null || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 && break
    sleep 1
  done
  runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'communique'" | grep -q 1 ||
    runuser -u postgres -- psql -qc "CREATE ROLE communique LOGIN SUPERUSER PASSWORD 'communique'" >/dev/null
}

# The unsubscribe page is tested in Debian's chromium, headless; the bounce mailbox is read from Dovecot's IMAP server.
install_for_tests() {
  local command=$1 package=$2
  if [ "$(id -u)" = 0 ] && ! command -v "$command" >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    log "installing $package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null ||
      { apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null; }
  fi
}

setup_postgres
install_for_tests chromium chromium
PATH="$PATH:/usr/sbin" install_for_tests dovecot dovecot-imapd
# Generated PDFs are read back by qpdf, poppler, mupdf, zbar, dmtx and pikepdf.
for tool in qpdf:qpdf pdftotext:poppler-utils mutool:mupdf-tools zbarimg:zbar-tools dmtxread:dmtx-utils; do
  install_for_tests "${tool%%:*}" "${tool#*:}"
done
python3 -c 'import pikepdf' 2>/dev/null || install_for_tests pikepdf-missing python3-pikepdf
# Video and audio uploads are probed by the server with ffprobe; the tests make their media with ffmpeg.
install_for_tests ffprobe ffmpeg
# An OpenType font with CFF outlines, uploaded as a customer's font would be.
[ -f /usr/share/fonts/opentype/cantarell/Cantarell-Regular.otf ] || install_for_tests cantarell-missing fonts-cantarell
# Web Push requests are decrypted and their tokens verified by Node.js packages (http_ece, jose), installed here from
# the lock file so that no test spends its time on it; the build copies them next to the tests.
install_for_tests node nodejs
install_for_tests npm npm
checker=tests/Communique.Tests/Push/Node
if command -v npm >/dev/null 2>&1 &&
  [ "$checker/package-lock.json" -nt "$checker/node_modules/.package-lock.json" ]; then
  log "installing the Web Push checker's Node.js packages"
  (cd "$checker" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || log "npm ci failed in $checker"
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
# Arguments go to both projects (e.g. -- --filter-class "*Name*"). A filter may match no test of one project, whose
# exit code is then 8 ("no test ran"): not a failure there, as the totals below must still count a passed test.
status=0
for project in tests/Communique.Documents.Tests tests/Communique.Nlu.Tests tests/Communique.Tests; do
  dotnet test --project "$project" --report-trx --report-trx-filename "${project#tests/}.trx" \
    --results-directory "$results" "$@"
  code=$?
  if [ "$code" -ne 0 ] && ! { [ "$code" -eq 8 ] && [ "$#" -gt 0 ]; }; then
    status=$code
  fi
done

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

# Figures some tests report as they pass (the crash and fault tests: delivered at the kill, duplicates, attempts).
grep -ho -e 'crash test: [^<&]*' -e 'fault test: [^<&]*' "$results"/*.trx 2>/dev/null | sort -u >&2

# The tests that failed, by name, just above the totals: a log's tail is often all that is read.
grep -ho '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' "$results"/*.trx 2>/dev/null |
  grep -o 'testName="[^"]*"' | sed 's/^testName="\(.*\)"$/failed: \1/' >&2

echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
