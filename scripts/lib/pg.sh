# shellcheck shell=bash
# Private PostgreSQL clusters from the system's binaries (Debian's postgresql package), with
# password (scram) authentication and the three roles of scripts/db/roles.sql.
# PostgreSQL refuses to run as root, so as root the cluster runs as the postgres user.
# The passwords of a cluster in DIR are in DIR.passwords (mode 0600), one `role=password` a line.

run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

new_password() { od -An -N18 -tx1 /dev/urandom | tr -d ' \n'; }

# pg_password DIR ROLE: the password of postgres (the superuser), anrufe_owner or anrufe_app.
pg_password() {
  sed -n "s/^$2=//p" "$1.passwords"
}

# pg_url DIR PORT ROLE DATABASE: a connection URL for the role.
pg_url() {
  printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$3" "$(pg_password "$1" "$3")" "$2" "$4"
}

# pg_start DIR PORT [throwaway]: initialises DIR on first use, starts the server on
# 127.0.0.1:PORT with its socket in DIR unless it already runs, waits until it accepts
# connections and makes sure the roles exist. A throwaway cluster trades durability for speed
# (tests only). A cluster from before password authentication is moved aside, not deleted.
pg_start() {
  local dir=$1 port=$2 mode=${3:-}
  if [ -f "$dir/PG_VERSION" ] && [ ! -f "$dir.passwords" ]; then
    local aside
    aside="$dir.trust-$(date +%Y%m%d%H%M%S)"
    run_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    mv "$dir" "$aside"
    log "the cluster in $dir allowed logins without a password; moved it to $aside and made a new one"
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    (umask 077 && printf 'postgres=%s\nanrufe_owner=%s\nanrufe_app=%s\n' \
      "$(new_password)" "$(new_password)" "$(new_password)" >"$dir.passwords")
    local pwfile
    pwfile=$(mktemp)
    pg_password "$dir" postgres >"$pwfile"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$pwfile"; fi
    run_pg "$PG_BIN/initdb" -D "$dir" --auth=scram-sha-256 --pwfile="$pwfile" -U postgres \
      -E UTF8 --locale=C.UTF-8 >/dev/null || { rm -f "$pwfile"; die "initdb failed for $dir"; }
    rm -f "$pwfile"
  fi
  if ! run_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    local opts="-k $dir -p $port -c listen_addresses=127.0.0.1"
    [ "$mode" = throwaway ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    run_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "$opts" start >/dev/null \
      || die "PostgreSQL did not start; see $dir/server.log"
  fi
  psql "$(pg_url "$dir" "$port" postgres postgres)" -q \
    -v owner_password="$(pg_password "$dir" anrufe_owner)" \
    -v app_password="$(pg_password "$dir" anrufe_app)" \
    -f "$(dirname "${BASH_SOURCE[0]}")/../db/roles.sql" >/dev/null \
    || die "could not make the database roles in $dir"
}

pg_stop() {
  local dir=$1
  run_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
}

# pg_create_db DIR PORT NAME: creates the database, owned by anrufe_owner, unless it exists.
pg_create_db() {
  local dir=$1 port=$2 name=$3 admin
  admin=$(pg_url "$dir" "$port" postgres postgres)
  if ! psql "$admin" -tAc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
    psql "$admin" -qc "create database \"$name\" owner anrufe_owner" >/dev/null
  fi
}
