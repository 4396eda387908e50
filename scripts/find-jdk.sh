# Sourced by ./multiproc, ./verify and .ci/run: finds a JDK 25 or newer and exports
# JAVA_HOME (and puts its bin first on PATH), or says what is missing and exits.
# Looks at $JAVA_HOME, then `java` on PATH, then the JDKs in the standard JVM directory.

multiproc_java_major() {
    # The feature version of the java at $1 ("17", "25"), or nothing if it does not run.
    "$1" -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p'
}

multiproc_find_jdk() {
    local candidates=() tried=() java home major
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
    java=$(command -v java 2>/dev/null) && candidates+=("$(readlink -f "$java")")
    for java in $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
        candidates+=("$java")
    done
    for java in "${candidates[@]}"; do
        [ -x "$java" ] || { tried+=("$java (missing)"); continue; }
        major=$(multiproc_java_major "$java")
        home=$(dirname "$(dirname "$java")")
        if [ -n "$major" ] && [ "$major" -ge 25 ] && [ -x "$home/bin/javac" ]; then
            export JAVA_HOME="$home"
            export PATH="$JAVA_HOME/bin:$PATH"
            return 0
        fi
        if [ -n "$major" ] && [ "$major" -ge 25 ]; then
            tried+=("$java (Java $major, but a runtime only: no javac)")
        else
            tried+=("$java (Java ${major:-?})")
        fi
    done
    {
        echo "multiproc needs a JDK 25 or newer, and found none."
        echo "Looked at JAVA_HOME, java on PATH and /usr/lib/jvm:"
        for java in "${tried[@]}"; do echo "  - $java"; done
        [ ${#tried[@]} -eq 0 ] && echo "  (no java at all)"
        echo "Install a JDK 25 (for example Eclipse Temurin 25) and set JAVA_HOME to it."
    } >&2
    exit 1
}

multiproc_require_maven() {
    command -v mvn >/dev/null 2>&1 && return 0
    echo "multiproc needs Apache Maven (mvn) on PATH to build; install it (3.8 or newer)." >&2
    exit 1
}

multiproc_find_jdk
