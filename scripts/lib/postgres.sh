# shellcheck shell=bash
#
# Throwaway PostgreSQL server for Kumppani's tests.
#
#   . scripts/lib/postgres.sh
#   pg_start      # initdb + start on 127.0.0.1:<free port>; exports PGDIR and
#                 # KUMPPANI_TEST_DATABASE_URL=postgres://kumppani@127.0.0.1:PORT/postgres
#   cargo nextest run -p db -p service -p web
#   pg_stop       # stops the server and deletes PGDIR (safe to call twice)
#
# Or just: scripts/pg-shell [COMMAND...]
#
# The server trusts every local connection (initdb --auth=trust), listens on
# loopback only, keeps its socket in PGDIR and runs with fsync off: it is for
# tests and nothing else. As root it runs as the `postgres` user (which the
# Debian postgresql package creates), because postgres refuses to run as root.
#
# Knobs: KUMPPANI_PG_BINDIR (default: newest /usr/lib/postgresql/*/bin),
#        KUMPPANI_PG_KEEP=1 (pg_stop leaves PGDIR and its log in place).
#
# This file is sourced, possibly into an interactive shell, so it sets no shell
# options and every function returns non-zero instead of exiting.

# Prints a TCP port on 127.0.0.1 that nothing listens on right now.
kumppani_free_port() {
    local port _
    for _ in $(seq 1 200); do
        # Below Linux's ephemeral range (32768-60999): a port there may be the local end of an
        # outgoing connection (the PostgreSQL tests make many), and binding it then fails even
        # though nothing listens on it.
        port=$((20000 + RANDOM % 12000))
        # Connecting to a closed loopback port fails at once (RST).
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "kumppani_free_port: no free port found" >&2
    return 1
}

# Prints the newest PostgreSQL server bin directory.
pg_bindir() {
    local dir
    if [ -n "${KUMPPANI_PG_BINDIR:-}" ]; then
        dir=$KUMPPANI_PG_BINDIR
    else
        # shellcheck disable=SC2012
        dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    fi
    if [ -z "$dir" ] || [ ! -x "$dir/postgres" ] || [ ! -x "$dir/initdb" ]; then
        echo "pg_bindir: no PostgreSQL server found (looked for /usr/lib/postgresql/*/bin/postgres);" \
            "install it with: apt-get install postgresql" >&2
        return 1
    fi
    echo "$dir"
}

# Runs a command as the user that owns the server (postgres when we are root).
_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pg_running() {
    [ -n "${PGDIR:-}" ] && [ -f "$PGDIR/data/postmaster.pid" ] &&
        _pg_as_owner "$(pg_bindir)/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1
}

pg_start() {
    if _pg_running; then
        echo "pg_start: already running in $PGDIR ($KUMPPANI_TEST_DATABASE_URL)" >&2
        return 0
    fi

    local bindir parent dir port attempt
    bindir=$(pg_bindir) || return 1

    parent=${TMPDIR:-/tmp}
    if [ "$(id -u)" -eq 0 ]; then
        if ! id postgres >/dev/null 2>&1; then
            echo "pg_start: running as root but there is no 'postgres' user to run the server as" \
                "(apt-get install postgresql creates it)" >&2
            return 1
        fi
        # The server user must be able to reach its directory.
        if ! runuser -u postgres -- test -w "$parent" 2>/dev/null; then
            parent=/tmp
        fi
    fi
    dir=$(mktemp -d "$parent/kumppani-pg.XXXXXX") || return 1
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir" || { rm -rf "$dir"; return 1; }
    fi
    chmod 700 "$dir" || { rm -rf "$dir"; return 1; }

    if ! _pg_as_owner "$bindir/initdb" -D "$dir/data" --auth=trust -U kumppani \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
        echo "pg_start: initdb failed:" >&2
        cat "$dir/initdb.log" >&2
        rm -rf "$dir"
        return 1
    fi

    # Retry with a new port if another process grabbed the one we picked.
    for attempt in 1 2 3 4 5; do
        port=$(kumppani_free_port) || { rm -rf "$dir"; return 1; }
        if _pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            start >/dev/null 2>&1; then
            break
        fi
        if [ "$attempt" -eq 5 ]; then
            echo "pg_start: the server did not start; its log ($dir/postgres.log):" >&2
            tail -n 40 "$dir/postgres.log" >&2
            _pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
            rm -rf "$dir"
            return 1
        fi
    done

    export PGDIR=$dir
    export KUMPPANI_PG_PORT=$port
    export KUMPPANI_TEST_DATABASE_URL="postgres://kumppani@127.0.0.1:$port/postgres"
    echo "pg_start: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $PGDIR" >&2
}

pg_stop() {
    if [ -z "${PGDIR:-}" ]; then
        return 0
    fi
    local dir=$PGDIR bindir pid
    if [ -f "$dir/data/postmaster.pid" ]; then
        bindir=$(pg_bindir) || bindir=
        if [ -z "$bindir" ] ||
            ! _pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
            pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null)
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                kill -QUIT "$pid" 2>/dev/null || true # immediate shutdown
                sleep 2
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
    fi
    if [ "${KUMPPANI_PG_KEEP:-0}" = 1 ]; then
        echo "pg_stop: kept $dir (log: $dir/postgres.log)" >&2
    else
        case $dir in
            */kumppani-pg.*) rm -rf "$dir" ;;
            *) echo "pg_stop: not deleting unexpected PGDIR $dir" >&2 ;;
        esac
    fi
    unset PGDIR KUMPPANI_PG_PORT KUMPPANI_TEST_DATABASE_URL
}
