#!/usr/bin/env bash
# A schemathesis run against a real `onrecord serve` over the example corpus,
# with large and odd strings (NUL bytes allowed): every answer must be other
# than a 500. A benchmark, not a test (it runs for minutes); the shorter run
# in tests/test_api_schema.py is part of the suite.
#
#   bench/api_fuzz.sh [DB_URL] [MAX_EXAMPLES] [SEED]
#   (default: a SQLite file in out/, 150 examples per operation, seed 2026;
#    for PostgreSQL give an empty database's URL)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p out
DB=${1:-sqlite:///$PWD/out/api-fuzz.db}
EXAMPLES=${2:-150}
SEED=${3:-2026}
TOKEN=fuzz-token-$RANDOM$RANDOM
case "$DB" in sqlite:///*) rm -f "${DB#sqlite:///}"*;; esac
$PY -m onrecord ingest examples --db "$DB" --workers 1 -q
PORT=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
ONRECORD_API_TOKEN=$TOKEN timeout 3000 $PY -m onrecord serve --db "$DB" --host 127.0.0.1 --port "$PORT" \
  > out/api-fuzz-serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 120); do $PY -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/api/stats')" 2>/dev/null && break; sleep 0.5; done
status=0
timeout 2700 .venv/bin/st run "http://127.0.0.1:$PORT/openapi.json" --checks not_a_server_error \
  --header "Authorization: Bearer $TOKEN" --max-examples "$EXAMPLES" --seed "$SEED" \
  --phases examples,coverage,fuzzing --generation-allow-x00 true --request-timeout 180 --no-color || status=$?
if grep -q "Traceback" out/api-fuzz-serve.log; then echo "the server logged a traceback: out/api-fuzz-serve.log"; status=1; fi
exit $status
