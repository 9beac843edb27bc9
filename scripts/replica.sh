#!/usr/bin/env bash
# A real streaming read replica of the local PostgreSQL 15 cluster (docs/scaling.md), to try
# the archive's read replicas and to test them (tests/test_replica.py).
#
#   scripts/replica.sh start  [DIRECTORY] [PORT]   # default var/replica and 5433
#   scripts/replica.sh stop   [DIRECTORY]          # stops it and removes its copy
#   scripts/replica.sh status [DIRECTORY]
#
# `start` copies the whole cluster on 127.0.0.1:$PRIMARY_PORT (default 5432) with
# pg_basebackup -R into DIRECTORY and starts it as a hot standby on 127.0.0.1:PORT, streaming
# from the primary. A start while that replica runs on that port does nothing; otherwise
# whatever copy DIRECTORY holds is replaced by a fresh one: a stopped copy may need WAL the
# primary no longer keeps (no replication slot holds it, so that a forgotten replica can
# never fill the primary's disk).
#
# The primary must accept replication connections from 127.0.0.1 (wal_level replica or
# logical, max_wal_senders above 0: PostgreSQL's defaults). When its pg_hba.conf has no
# entry for them, `start` adds `host replication postgres 127.0.0.1/32 trust` at its end and
# reloads the primary (never restarts it). Settings that would need a restart are reported,
# not changed.
#
# Runs as root (the servers run as the postgres user, through runuser) or as postgres.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
HOST=127.0.0.1
USER_NAME=postgres
HBA_LINE="host replication $USER_NAME $HOST/32 trust"

die() {
  echo "replica: $*" >&2
  exit 1
}

say() { echo "replica: $*"; }

as_postgres() {
  if [ "$(id -un)" = "$USER_NAME" ]; then
    "$@"
  elif [ "$(id -u)" = 0 ]; then
    runuser -u "$USER_NAME" -- "$@"
  else
    die "run as root or as $USER_NAME: the replica's server runs as $USER_NAME."
  fi
}

primary_sql() {
  "$PG_BIN/psql" -h "$HOST" -p "$PRIMARY_PORT" -U "$USER_NAME" -d postgres -XAtq -c "$1"
}

replica_sql() {
  "$PG_BIN/psql" -h "$HOST" -p "$1" -U "$USER_NAME" -d postgres -XAtq -c "$2" 2>/dev/null
}

answers() { "$PG_BIN/pg_isready" -q -h "$HOST" -p "$1" -t 2; }

replication_allowed() {
  "$PG_BIN/psql" "host=$HOST port=$PRIMARY_PORT user=$USER_NAME dbname=postgres replication=true" \
    -XAtq -c "IDENTIFY_SYSTEM" >/dev/null 2>&1
}

running() { [ -f "$1/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }

# The port the server running in a directory listens on, from its postmaster.pid.
running_port() { sed -n 4p "$1/postmaster.pid" 2>/dev/null; }

# Only an empty directory or a PostgreSQL data directory is ever removed.
removable() { [ -z "$(ls -A "$1" 2>/dev/null)" ] || [ -f "$1/PG_VERSION" ]; }

primary_checked() {
  answers "$PRIMARY_PORT" || die "no PostgreSQL answers on $HOST:$PRIMARY_PORT."
  local wal_level senders
  wal_level=$(primary_sql "SHOW wal_level")
  senders=$(primary_sql "SHOW max_wal_senders")
  if [ "$wal_level" = minimal ] || [ "$senders" -lt 1 ]; then
    die "the primary has wal_level=$wal_level and max_wal_senders=$senders; a replica needs" \
      "wal_level=replica and max_wal_senders of 1 or more, which take a restart of the" \
      "primary: set them in its postgresql.conf and restart it (this script only reloads)."
  fi
  if replication_allowed; then
    return
  fi
  local hba
  hba=$(primary_sql "SHOW hba_file")
  if ! grep -qxF "$HBA_LINE" "$hba"; then
    say "allowing replication connections from $HOST in $hba, and reloading the primary."
    printf '# Added by the archive'"'"'s scripts/replica.sh: a local streaming replica.\n%s\n' \
      "$HBA_LINE" >>"$hba"
  fi
  primary_sql "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 50); do
    replication_allowed && return
    sleep 0.2
  done
  die "the primary still refuses replication connections from $HOST: an earlier line of" \
    "$hba must match them; allow them there (method trust) and run this again."
}

start() {
  local dir=$1 port=$2
  primary_checked
  if running "$dir"; then
    if [ "$(running_port "$dir")" = "$port" ] && [ "$(replica_sql "$port" "SELECT pg_is_in_recovery()")" = t ]; then
      say "already running on $HOST:$port (data in $dir)."
      return
    fi
    say "the replica in $dir is not a standby on port $port: stopping it for a fresh copy."
    as_postgres "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
  fi
  if answers "$port" || [ $? = 1 ]; then
    die "something else answers on $HOST:$port; give another port."
  fi
  if [ -e "$dir" ]; then
    removable "$dir" || die "$dir holds something other than a PostgreSQL copy; not removing it."
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  chown "$USER_NAME:" "$dir" 2>/dev/null || true
  chmod 700 "$dir"
  as_postgres test -w "$dir" ||
    die "$USER_NAME cannot write in $dir: every folder above it must be open to others (o+x)."

  say "copying the cluster on $HOST:$PRIMARY_PORT into $dir."
  # A fast checkpoint: the copy starts at once instead of at the primary's next checkpoint.
  # Not flushed to disk file by file (which took most of the time): after a crash of the
  # machine the next start takes a fresh copy anyway.
  as_postgres "$PG_BIN/pg_basebackup" -h "$HOST" -p "$PRIMARY_PORT" -U "$USER_NAME" -D "$dir" \
    -R -X stream -c fast --no-sync
  # A hot standby needs these no lower than the primary's, or it refuses to start.
  local name settings=""
  for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
    max_locks_per_transaction; do
    settings+="$name = $(primary_sql "SHOW $name")"$'\n'
  done
  # Debian keeps the configuration outside the data directory, so the copy has none of its
  # own: written here, for TCP on 127.0.0.1 only (no Unix socket, which another cluster on
  # the same port could hold), trusting local connections as the primary does.
  as_postgres tee "$dir/postgresql.conf" >/dev/null <<EOF
# Written by scripts/replica.sh: a hot standby of $HOST:$PRIMARY_PORT (see postgresql.auto.conf).
port = $port
listen_addresses = '$HOST'
unix_socket_directories = ''
hot_standby = on
# The copy is flushed once, as a whole file system, before recovery begins, not file by file.
recovery_init_sync_method = syncfs
hba_file = '$dir/pg_hba.conf'
ident_file = '$dir/pg_ident.conf'
$settings
EOF
  as_postgres tee "$dir/pg_hba.conf" >/dev/null <<EOF
host all all $HOST/32 trust
EOF
  as_postgres touch "$dir/pg_ident.conf"

  as_postgres "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 120 start >/dev/null ||
    die "the replica did not start; see $dir/server.log."
  local status=""
  for _ in $(seq 300); do
    status=$(replica_sql "$port" "SELECT status FROM pg_stat_wal_receiver" || true)
    [ "$status" = streaming ] && break
    sleep 0.2
  done
  [ "$status" = streaming ] || die "the replica does not stream from the primary; see $dir/server.log."
  say "streaming from $HOST:$PRIMARY_PORT on $HOST:$port (data in $dir); stop it with" \
    "scripts/replica.sh stop $dir (make replica-stop)."
}

stop() {
  local dir=$1
  if [ ! -e "$dir" ]; then
    say "no replica in $dir."
    return
  fi
  if running "$dir"; then
    as_postgres "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    say "stopped the replica in $dir."
  fi
  removable "$dir" || die "$dir holds something other than a PostgreSQL copy; not removing it."
  rm -rf "$dir"
  say "removed $dir."
}

status() {
  local dir=$1 port
  if ! running "$dir"; then
    say "not running (no server in $dir)."
    return 3
  fi
  port=$(running_port "$dir")
  say "running on $HOST:$port (data in $dir): $(replica_sql "$port" \
    "SELECT 'receiver ' || COALESCE((SELECT status FROM pg_stat_wal_receiver), 'absent') ||
            ', replay ' || CASE WHEN pg_is_wal_replay_paused() THEN 'paused' ELSE 'on' END ||
            ', last transaction replayed ' ||
            COALESCE(pg_last_xact_replay_timestamp()::text, 'none yet')")."
}

command=${1:-}
dir=${2:-var/replica}
dir=$(realpath -m "$dir")
case "$command" in
  start) start "$dir" "${3:-5433}" ;;
  stop) stop "$dir" ;;
  status) status "$dir" ;;
  *) die "usage: $0 start|stop|status [DIRECTORY] [PORT]" ;;
esac
