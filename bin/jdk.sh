#!/usr/bin/env bash
# Sourced by the project's scripts: selects a JDK 21+ into JAVA_HOME and PATH.
# Order: $JAVA_HOME if it is 21+, then `java` on PATH if 21+, then the newest JDK 21+ under /usr/lib/jvm.

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

turnstile_select_jdk() {
  local candidate
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && (( $(java_major "$JAVA_HOME/bin/java") >= 21 )); then
    return 0
  fi
  if command -v java >/dev/null 2>&1 && (( $(java_major "$(command -v java)") >= 21 )); then
    export JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    return 0
  fi
  local best="" best_major=0 major
  for candidate in /usr/lib/jvm/*/bin/java /opt/java/*/bin/java; do
    [[ -x "$candidate" ]] || continue
    major=$(java_major "$candidate")
    if [[ -n "$major" ]] && (( major >= 21 && major > best_major )); then
      best="$candidate"; best_major=$major
    fi
  done
  if [[ -z "$best" ]]; then
    echo "turnstile: no JDK 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm)." >&2
    echo "turnstile: install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21/25) or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$(dirname "$(dirname "$best")")"
}

turnstile_select_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
