#!/usr/bin/env bash
# Sourced by the project's launchers (bin/turnstile, bin/bench, bin/claimctl): they never run a jar from target/,
# which the next `mvnw package` (bin/test, bin/bench, an IDE) rewrites under a running JVM — every thread then dies of
# NoClassDefFoundError while the process keeps listening. Each build's jars are copied once into a versioned directory,
# .turnstile/dist/<name>-<key>/ (the key from each jar's size, modification and change times, so that a build that
# restores a jar's modification time cannot pass for the previous one), and run from there; a rebuild makes a new directory beside it. Old versions are pruned, except those a
# running process still uses.

turnstile_dist_root() {
  echo "${TURNSTILE_DIST_ROOT:-$root/.turnstile/dist}"
}

# turnstile_dist_copy <name> <jar>...: prints a directory holding a stable copy of each jar (as <basename>), made once
# per build. A jar rewritten while it is being copied (a build running meanwhile) is copied again.
turnstile_dist_copy() {
  local name="$1"
  shift
  local stamp="" jar
  for jar in "$@"; do
    [[ -f "$jar" ]] || { echo "turnstile: $jar is missing; build it first (./mvnw -q package -DskipTests)" >&2; return 1; }
    stamp+="$(stat -c '%s-%Y-%Z' "$jar")-"
  done
  local key
  key=$(printf '%s' "$stamp" | cksum | cut -d' ' -f1)
  local dist_root
  dist_root=$(turnstile_dist_root)
  local dir="$dist_root/$name-$key"
  if [[ ! -f "$dir/.complete" ]]; then
    mkdir -p "$dist_root"
    local tmp attempt
    for attempt in 1 2 3; do
      tmp=$(mktemp -d "$dist_root/.copying-$name.XXXXXX")
      local again=""
      for jar in "$@"; do
        local before
        before=$(stat -c '%s-%Y-%Z' "$jar")
        cp "$jar" "$tmp/$(basename "$jar")"
        [[ "$(stat -c '%s-%Y-%Z' "$jar")" == "$before" && "$(stat -c '%s' "$tmp/$(basename "$jar")")" == "${before%%-*}" ]] || again=1
      done
      if [[ -z "$again" ]]; then
        touch "$tmp/.complete"
        mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
        break
      fi
      rm -rf "$tmp"
      echo "turnstile: $* changed while being copied (a build is running?); copying again..." >&2
      sleep 5
    done
    [[ -f "$dir/.complete" ]] || { echo "turnstile: could not take a stable copy of $*; wait for the build to end" >&2; return 1; }
    turnstile_dist_prune "$name"
  fi
  echo "$dir"
}

# Keeps the newest three versions of <name>, and any version a running process refers to.
turnstile_dist_prune() {
  local name="$1" dist_root old
  dist_root=$(turnstile_dist_root)
  # shellcheck disable=SC2012 # names are ours: no spaces
  for old in $(ls -1dt "$dist_root/$name"-* 2>/dev/null | tail -n +4); do
    if ! grep -qlsF "$old" /proc/[0-9]*/cmdline 2>/dev/null; then
      rm -rf "$old"
    fi
  done
}
