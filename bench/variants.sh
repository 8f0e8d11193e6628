#!/usr/bin/env bash
# Measures Turnstile's claim path under each tuning variant, one after the other, on the same machine:
# starts the all-in-one with the variant's settings on fresh data, drives it with bin/bench (1 and 64 agents),
# and prints one table. Usage: bench/variants.sh [--duration 15s] [--agents 1,64] [--system-warmup 60s]
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/jdk.sh

duration=15s
agents=1,64
system_warmup=60s
while (($#)); do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --agents) agents="$2"; shift 2 ;;
    --system-warmup) system_warmup="$2"; shift 2 ;;
    *) echo "variants: unknown option $1 (use --duration, --agents, --system-warmup)" >&2; exit 2 ;;
  esac
done

./bin/bench --help >/dev/null   # builds the jars when needed

variants=(
  "default (exactly-once, commit 100ms, linger 0)|"
  "at-least-once|--turnstile.processor.processing-guarantee=at_least_once"
  "exactly-once, commit 250ms|--turnstile.processor.commit-interval=250ms"
  "exactly-once, commit 50ms|--turnstile.processor.commit-interval=50ms"
  "gateway producer linger 2ms|--spring.kafka.producer.properties.linger.ms=2"
  "read model and dashboard off|--turnstile.projections.enabled=false"
)

# A port nothing listens on (bash's /dev/tcp connects when something does).
port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
results=()
for variant in "${variants[@]}"; do
  label="${variant%%|*}"
  args="${variant#*|}"
  data=$(mktemp -d)
  http=$(port); kafka=$(port); controller=$(port)
  # shellcheck disable=SC2086
  java --enable-native-access=ALL-UNNAMED -jar infra/all-in-one/target/turnstile.jar \
    --http-port="$http" --kafka-port="$kafka" --controller-port="$controller" --data-dir="$data" $args \
    >"$data/turnstile.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$http/api/health" >/dev/null && break; sleep 1; done
  echo "== $label" >&2
  out=$(java -jar bench/target/bench.jar --url "http://127.0.0.1:$http" --peers turnstile --agents "$agents" \
        --duration "$duration" --warmup 5s --system-warmup "$system_warmup" --out "$data/results" 2>/dev/null | grep -E '^turnstile +[0-9]+ agents')
  echo "$out" >&2
  while read -r line; do results+=("$(printf '%-48s %s' "$label" "$line")"); done <<<"$out"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
done

printf '\n%-48s %s\n' "variant" "result"
printf '%s\n' "${results[@]}"
