# shellcheck shell=bash
# Private PostgreSQL clusters from the system's binaries (Debian's postgresql package).
# PostgreSQL refuses to run as root, so as root the cluster runs as the postgres user.

run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DIR PORT [throwaway]: initialises DIR on first use, starts the server on
# 127.0.0.1:PORT with its socket in DIR unless it already runs, and waits until it accepts
# connections. A throwaway cluster trades durability for speed (tests only).
pg_start() {
  local dir=$1 port=$2 mode=${3:-}
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    run_pg "$PG_BIN/initdb" -D "$dir" --auth=trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null \
      || die "initdb failed for $dir"
  fi
  if run_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then return 0; fi
  local opts="-k $dir -p $port -c listen_addresses=127.0.0.1"
  [ "$mode" = throwaway ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  run_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "$opts" start >/dev/null \
    || die "PostgreSQL did not start; see $dir/server.log"
}

pg_stop() {
  local dir=$1
  run_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
}

# pg_create_db PORT NAME: creates the database unless it exists.
pg_create_db() {
  local port=$1 name=$2
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname = '$name'" postgres | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "create database \"$name\"" postgres >/dev/null
  fi
}
