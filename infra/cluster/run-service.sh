#!/usr/bin/env bash
# Runs one service for PM2 and applies the restart policy PM2 cannot express by itself: at most
# TURNSTILE_RESTART_MAX restarts within TURNSTILE_RESTART_WINDOW seconds, each after an exponential backoff from
# TURNSTILE_BACKOFF_INITIAL up to TURNSTILE_BACKOFF_MAX seconds (defaults: 5 in 600 s, 5 s -> 120 s). PM2 restarts
# this script at once when the service exits; the script waits out the backoff, then replaces itself with the service
# (exec: PM2's pid is the service's). Past the threshold it records RESTART_THRESHOLD_EXCEEDED and exits with
# EXIT_RESTART_THRESHOLD (78), an exit code the ecosystem file lists in stop_exit_codes, so PM2 leaves it stopped and
# `bin/turnstile status` reports it failed. `bin/turnstile up` and `restart <service>` clear the history.
#
# Usage (from the generated ecosystem file): run-service.sh <service> <command> [args...]
set -euo pipefail

service="$1"
shift
run_dir="${TURNSTILE_RUN_DIR:?TURNSTILE_RUN_DIR must name the run directory}"
max_restarts="${TURNSTILE_RESTART_MAX:-5}"
window="${TURNSTILE_RESTART_WINDOW:-600}"
initial="${TURNSTILE_BACKOFF_INITIAL:-5}"
ceiling="${TURNSTILE_BACKOFF_MAX:-120}"
readonly EXIT_RESTART_THRESHOLD=78

mkdir -p "$run_dir"
starts="$run_dir/$service.starts"
backoff_file="$run_dir/$service.backoff"
failed_file="$run_dir/$service.failed"
now=$(date +%s)

# Starts within the window: each earlier one ended (PM2 runs this again only after the service exited).
recent=()
if [[ -f "$starts" ]]; then
  while read -r at; do
    [[ "$at" =~ ^[0-9]+$ ]] && (( now - at < window )) && recent+=("$at")
  done <"$starts"
fi
restarts=${#recent[@]}

if (( restarts > max_restarts )); then
  at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  printf '{"event":"RESTART_THRESHOLD_EXCEEDED","service":"%s","restarts":%d,"windowSeconds":%d,"at":"%s"}\n' \
    "$service" "$max_restarts" "$window" "$at" >"$failed_file"
  {
    echo "$at turnstile: RESTART_THRESHOLD_EXCEEDED: $service exited $restarts times within $window s (the policy allows $max_restarts restarts); it stays stopped."
    cat "$failed_file"
    echo "$at turnstile: remediation: read why it exited (bin/turnstile logs $service --tail 100), fix it, then run bin/turnstile restart $service."
  } >&2
  rm -f "$backoff_file"
  exit "$EXIT_RESTART_THRESHOLD"
fi

rm -f "$failed_file"
if (( restarts > 0 )); then
  delay=$initial
  for (( i = 1; i < restarts && delay < ceiling; i++ )); do delay=$(( delay * 2 )); done
  (( delay > ceiling )) && delay=$ceiling
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) turnstile: $service exited; restart $restarts of at most $max_restarts within $window s, in $delay s" >&2
  echo $(( now + delay )) >"$backoff_file"
  sleep "$delay"
  rm -f "$backoff_file"
fi
printf '%s\n' "${recent[@]}" "$(date +%s)" | grep -v '^$' >"$starts.tmp"
mv "$starts.tmp" "$starts"
exec "$@"
