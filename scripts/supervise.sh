#!/usr/bin/env bash
# supervise.sh LABEL COMMAND...: run COMMAND, and whenever it dies, log a line and start it
# again after a back-off (1 s, doubling to 30 s; back to 1 s after a minute of running).
# TERM or INT stops the command and this loop. `make run` runs each worker under it, so a
# worker killed or out of memory comes back while daphne and the other workers go on.
set -uo pipefail
label="$1"; shift
delay="${SUPERVISE_FIRST_DELAY:-1}"
max_delay="${SUPERVISE_MAX_DELAY:-30}"
child=""
stop() {
  trap - INT TERM
  [[ -n "$child" ]] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
  exit 0
}
trap stop INT TERM
while true; do
  started=$SECONDS
  "$@" &
  child=$!
  wait "$child"
  status=$?
  child=""
  if (( SECONDS - started >= 60 )); then delay="${SUPERVISE_FIRST_DELAY:-1}"; fi
  echo "[make run] $(date '+%H:%M:%S') $label stopped (exit status $status); restarting in ${delay} s" >&2
  sleep "$delay" & wait $!
  delay=$(awk -v d="$delay" -v m="$max_delay" 'BEGIN { d *= 2; print (d > m ? m : d) }')
done
