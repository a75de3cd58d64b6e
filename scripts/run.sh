#!/usr/bin/env bash
# `make run` (after migrate): an admin login, daphne on HOST:PORT and RQ worker(s);
# Ctrl-C stops them all; a worker that dies is restarted (scripts/supervise.sh). WORKERS=3 make run starts three workers.
set -euo pipefail
cd "$(dirname "$0")/.."
host="${1:-127.0.0.1}"
port="${2:-8000}"
workers="${WORKERS:-1}"
py=.venv/bin/python
# Development settings unless the caller says otherwise (DEBUG defaults to off).
export DEBUG="${DEBUG:-1}"

login="$($py manage.py ensure_admin)"

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping MedGen..."
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

$py -m daphne -b "$host" -p "$port" medgen_site.asgi:application &
daphne=$!
pids+=("$daphne")
# A worker that dies (killed, out of memory) is started again with a back-off, logged.
for i in $(seq "$workers"); do
  scripts/supervise.sh "worker $i" $py manage.py rqworker default &
  pids+=($!)
done

for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && break
  sleep 0.1
done
cat <<MSG

  MedGen is running at http://$host:$port/   (daphne + $workers worker(s))
  $login
  Press Ctrl-C to stop.

MSG
# Workers come back on their own; only Ctrl-C (or daphne itself stopping, e.g. the port
# is taken) stops everything.
wait "$daphne"
