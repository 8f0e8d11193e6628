#!/usr/bin/env bash
# Measures Turnstile under each tuning variant, one after the other, on the same machine: bin/bench starts the
# all-in-one with the variant's settings on fresh data, pinned like any benchmark run, and this script prints one
# table. Each variant is warmed up until its throughput is steady (at least --system-warmup, at most
# --system-warmup-max), as in any bin/bench run.
# A variant that fails to start is reported as such and the others still run.
# Usage: bench/variants.sh [--duration 15s] [--agents 1,8,64] [--system-warmup 45s] [--system-warmup-max 4m]
#                          [--only <regex>]   (the variants whose label matches, e.g. --only 'G1|ZGC')
set -euo pipefail
cd "$(dirname "$0")/.."

duration=15s
agents=1,8,64
system_warmup=45s
system_warmup_max=4m
only=
while (($#)); do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --agents) agents="$2"; shift 2 ;;
    --system-warmup) system_warmup="$2"; shift 2 ;;
    --system-warmup-max) system_warmup_max="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "variants: unknown option $1 (use --duration, --agents, --system-warmup, --system-warmup-max, --only)" >&2; exit 2 ;;
  esac
done

# label|bench options (each variant differs from the default in one setting)
variants=(
  "default|"
  "exactly-once, commit 100ms|--turnstile-arg=--turnstile.processor.commit-interval=100ms"
  "at-least-once|--turnstile-arg=--turnstile.processor.processing-guarantee=at_least_once"
  "gateway producer linger 2ms|--turnstile-arg=--spring.kafka.producer.properties.linger.ms=2"
  "read model and dashboard off|--turnstile-arg=--turnstile.projections.enabled=false"
  "gateway tracing off|--turnstile-arg=--management.tracing.enabled=false"
  "G1 collector|--jvm-options=-XX:+UseG1GC"
  "generational ZGC|--jvm-options=-XX:+UseZGC"
)

out=$(mktemp -d)
results=()
for variant in "${variants[@]}"; do
  label="${variant%%|*}"
  options="${variant#*|}"
  if [[ -n "$only" && ! "$label" =~ $only ]]; then
    continue
  fi
  echo "== $label" >&2
  # shellcheck disable=SC2086
  if ! report=$(./bin/bench --peers turnstile --agents "$agents" --duration "$duration" --warmup 5s \
            --system-warmup "$system_warmup" --system-warmup-max "$system_warmup_max" --hops-duration 0s \
            --out "$out/${label// /-}" $options 2>&1); then
    echo "$report" | grep -v '^\s*at ' | tail -5 >&2
    results+=("$(printf '%-32s %s' "$label" "FAILED: see $out/${label// /-}/logs")")
    continue
  fi
  lines=$(grep -E '^turnstile +([0-9]+ agents|warm-up)' <<<"$report")
  echo "$lines" >&2
  while read -r line; do results+=("$(printf '%-32s %s' "$label" "$line")"); done <<<"$lines"
done

printf '\n%-32s %s\n' "variant" "result"
printf '%s\n' "${results[@]}"
echo "Each variant's report, JSON and charts: $out" >&2
