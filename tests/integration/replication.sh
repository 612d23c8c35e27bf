# replication.sh — PostgreSQL's own streaming replication for a test's
# stack (stack.sh): a primary cluster in $S/pa (socket folder $S/ra, port
# 5441) and a hot standby of it made with `pg_basebackup -R` in $S/pb
# (socket folder $S/rb, port 5442), Unix sockets only, the PostgreSQL 15
# binaries sh_pg_bindir finds. Source after lib.sh and stack.sh; the
# clusters are stopped when the stack is.
REPL_BIN=$(sh_pg_bindir)
REPL_PORT_A=5441 REPL_PORT_B=5442

# repl_psql A|B ARGS…: psql on the primary (A) or the standby (B), database
# "postgres" unless ARGS name one.
repl_psql() {
  local which=$1; shift
  if [ "$which" = A ]; then
    psql -X -q -tA -v ON_ERROR_STOP=1 -h "$S/ra" -p $REPL_PORT_A -U postgres "$@"
  else
    psql -X -q -tA -v ON_ERROR_STOP=1 -h "$S/rb" -p $REPL_PORT_B -U postgres "$@"
  fi
}

# repl_ctl DIR ARGS…: pg_ctl on $S/DIR as the clusters' owner.
repl_ctl() { local d=$1; shift; sh_as_user "$REPL_BIN/pg_ctl" -D "$S/$d" "$@"; }

# repl_start: the primary (wal_level replica; fsync off and initdb,
# pg_basebackup --no-sync: nothing here crashes the machine, only
# PostgreSQL), then the standby, streaming.
repl_start() {
  mkdir -p "$S/ra" "$S/rb"
  chown "$SELFHOST_USER:" "$S/ra" "$S/rb" "$S/log"
  sh_as_user "$REPL_BIN/initdb" -D "$S/pa" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null ||
    return 1
  repl_ctl pa -l "$S/log/pg-a.log" -w -t 60 -o "-c listen_addresses='' -k $S/ra \
    -c port=$REPL_PORT_A -c wal_level=replica -c max_wal_senders=4 -c fsync=off" start >/dev/null ||
    return 1
  sh_as_user "$REPL_BIN/pg_basebackup" -h "$S/ra" -p $REPL_PORT_A -U postgres -D "$S/pb" -R \
    -X stream -c fast --no-sync || return 1
  repl_ctl pb -l "$S/log/pg-b.log" -w -t 60 -o "-c listen_addresses='' -k $S/rb \
    -c port=$REPL_PORT_B -c hot_standby=on -c fsync=off" start >/dev/null || return 1
  wait_for 20 repl_streaming
}

repl_streaming() {
  [ "$(repl_psql A -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ]
}

# repl_caught_up: the standby has replayed all the primary has written.
repl_caught_up() {
  local lsn; lsn=$(repl_psql A -c "SELECT pg_current_wal_lsn()") || return 1
  [ "$(repl_psql B -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ]
}

repl_stop() {
  [ -d "$S/pa" ] && repl_ctl pa -m immediate -w stop >/dev/null 2>&1
  [ -d "$S/pb" ] && repl_ctl pb -m immediate -w stop >/dev/null 2>&1
  return 0
}
