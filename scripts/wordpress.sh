#!/usr/bin/env bash
# scripts/wordpress.sh — a REAL WordPress (Debian's packages) on loopback, for igny8's
# end-to-end tests. MariaDB runs on its own datadir and unix socket (no TCP), WordPress is
# served by `php -S` with a router script; nothing is installed as a service.
#
# Usage:
#   scripts/wordpress.sh up [PORT]              bring up a fresh, seeded lab (default port 8089)
#   scripts/wordpress.sh down [--purge]         stop it (--purge also deletes the state dir)
#   scripts/wordpress.sh rest-mode on|strict|auth|off    prints WPLAB_REST_MODE=…
#   scripts/wordpress.sh permalinks pretty|plain         prints the new WP_REST_URL=…
#   scripts/wordpress.sh add-posts N            publish N more posts, print EXPECT_POSTS=…
#   scripts/wordpress.sh env                    print the running lab's wp.env
#   scripts/wordpress.sh status                 exit 0 if the lab is running, 1 if not
#   scripts/wordpress.sh install                install the Debian packages only (as root)
#
#   eval "$(scripts/wordpress.sh up)"           # stdout carries KEY=value lines only;
#                                               # progress and errors go to stderr
# `up` prints WP_URL, WP_REST_URL, WP_VERSION, WP_ADMIN_USER, WP_ADMIN_PASSWORD (login
# password: Basic auth does not accept it), WP_APP_PASSWORD, WP_SUBSCRIBER_USER,
# WP_SUBSCRIBER_APP_PASSWORD, the EXPECT_* counts, WPLAB_DIR and WPLAB_PORT, and writes them
# to $WPLAB_DIR/wp.env (kept up to date by `permalinks` and `add-posts`).
#
# REST modes (option wplab_rest_mode, read by the must-use plugin on every request):
#   on      stock WordPress (bad Basic credentials silently run as anonymous)
#   strict  current user resolved early, like WooCommerce: bad credentials give 401
#   auth    every anonymous REST request gets 401 rest_not_logged_in
#   off     REST routing and discovery removed: /wp-json/ answers HTML (200 or 301)
#
# Settings (environment, all optional):
#   WPLAB_DIR          state dir (default /tmp/igny8-wp; keep it short: it holds the
#                      MariaDB unix socket, whose path must stay under ~100 bytes)
#   WPLAB_PERMALINKS   pretty (default) | plain
#   WPLAB_ENV_TYPE     local (default) | development | staging | production
#                      (application passwords only work over http with `local`)
#   WPLAB_PHP_WORKERS  PHP_CLI_SERVER_WORKERS for php -S (default 4)
#   WPLAB_ADMIN_USER   admin login (default admin)
#   WPLAB_ADMIN_PASS   admin login password (default random; alphanumeric only)
#   WPLAB_SKIP_APT=1   never run apt-get (fail if packages are missing)
#   Seed counts: WPLAB_POSTS (123 published), WPLAB_DRAFTS (7), WPLAB_PRIVATE_POSTS (2),
#     WPLAB_PAGES (12), WPLAB_PRODUCTS (45), WPLAB_PRIVATE_THINGS (5),
#     WPLAB_CATEGORIES (24, besides "Uncategorized"), WPLAB_TAGS (102),
#     WPLAB_PRODUCT_CATS (15), WPLAB_INTERNAL_LABELS (4).
#   The EXPECT_* values printed by `up` are read back from the database after seeding.
#
# State dir layout: .wplab (marker), db/ (MariaDB datadir), run/ (mysqld.sock, *.pid),
# www/ (WordPress root), logs/, router.php, port, wp.env.
#
# Note for maintainers: with `set -o pipefail`, never test output with `cmd | grep -q`
# (grep exits early, cmd dies of SIGPIPE, the pipeline "fails"): capture into a variable.

set -euo pipefail

PROG=wordpress.sh
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PHP_DIR=$SCRIPT_DIR/wordpress
PKGS=(wordpress wordpress-theme-twentytwentythree php-cli php-mysql mariadb-server mariadb-client)
WP_SRC=/usr/share/wordpress
DEFAULT_PORT=8089

LAB=${WPLAB_DIR:-/tmp/igny8-wp}
[[ $LAB == /* ]] || LAB=$PWD/$LAB
while [[ $LAB == */ && $LAB != / ]]; do LAB=${LAB%/}; done
SOCK=$LAB/run/mysqld.sock

T0=${EPOCHREALTIME//[.,]/}
IN_UP=0          # 1 while `up` runs: failures are reported by on_up_exit
UP_OK=0
LAB_OWNED=0      # 1 once `up` owns $LAB (marker written): failures stop what was started
STEP="starting"
STEP_LOG=""
FAIL_MSG=""
POLICY_RC_CREATED=0

# ---------------------------------------------------------------------------- helpers

elapsed() {
	local ms=$(( (${EPOCHREALTIME//[.,]/} - T0) / 1000 ))
	printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10))
}
log() { printf '[wplab %6ss] %s\n' "$(elapsed)" "$*" >&2; }

die() {
	FAIL_MSG=$*
	if (( IN_UP )); then exit 1; fi
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

usage() {
	sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# Random lowercase hex (alphanumeric, safe unquoted). No SIGPIPE: head is the first stage.
rand_hex() { head -c "$1" /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }

# State letter of a process (R, S, D, Z, …), empty if it does not exist.
proc_state() {
	local s
	{ read -r s <"/proc/$1/stat"; } 2>/dev/null || return 0
	s=${s##*) }
	printf '%s' "${s%% *}"
}

# Running = exists and is not a zombie (killed children of PID 1 can linger as Z;
# `kill -0` succeeds on zombies, so it cannot be used to wait for them).
alive() {
	local st
	[[ $1 =~ ^[0-9]+$ ]] || return 1
	st=$(proc_state "$1")
	[[ -n $st && $st != Z && $st != X ]]
}

proc_comm() { { cat "/proc/$1/comm"; } 2>/dev/null || true; }

# Any live (non-zombie) process in process group $1?
group_alive() {
	local pgid=$1 f s st ppid pg
	[[ $pgid =~ ^[0-9]+$ ]] || return 1
	for f in /proc/[0-9]*/stat; do
		{ read -r s <"$f"; } 2>/dev/null || continue
		s=${s##*) }
		read -r st ppid pg _ <<<"$s"
		if [[ $pg == "$pgid" && $st != Z && $st != X ]]; then return 0; fi
	done
	return 1
}

# wait_gone pid|group ID SECONDS
wait_gone() {
	local kind=$1 id=$2 tenths=$(( $3 * 10 )) i
	for ((i = 0; i < tenths; i++)); do
		if [[ $kind == group ]]; then group_alive "$id" || return 0
		else alive "$id" || return 0; fi
		sleep 0.1
	done
	return 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

read_pid() { local p=""; [[ -f $1 ]] && p=$(<"$1"); [[ $p =~ ^[0-9]+$ ]] && printf '%s' "$p"; return 0; }

# Stop exactly the processes this script recorded in $LAB/run (never by name).
stop_lab() {
	local pid pids=() p
	pid=$(read_pid "$LAB/run/php.pid")
	if [[ -n $pid ]] && group_alive "$pid"; then
		# The group is ours if its leader is (or was) our php -S: setsid made PGID == PID,
		# and a PGID cannot be reused while any member of the group is alive.
		if alive "$pid" && [[ $(proc_comm "$pid") != php* ]]; then
			log "not stopping process group $pid: its leader is '$(proc_comm "$pid")', not php"
		else
			log "stopping php -S (process group $pid)"
			kill -TERM -- "-$pid" 2>/dev/null || true
			if ! wait_gone group "$pid" 5; then
				kill -KILL -- "-$pid" 2>/dev/null || true
				wait_gone group "$pid" 3 || log "warning: process group $pid still alive"
			fi
		fi
	fi
	rm -f "$LAB/run/php.pid"

	for p in "$(read_pid "$LAB/run/mariadbd.pid")" "$(read_pid "$LAB/run/mariadb.pid")"; do
		if [[ -n $p && " ${pids[*]} " != *" $p "* ]]; then pids+=("$p"); fi
	done
	for pid in "${pids[@]}"; do
		alive "$pid" || continue
		if [[ $(proc_comm "$pid") != mariadbd ]]; then
			log "not stopping PID $pid: it is '$(proc_comm "$pid")', not mariadbd"
			continue
		fi
		log "stopping mariadbd (PID $pid)"
		kill -TERM "$pid" 2>/dev/null || true
		if ! wait_gone pid "$pid" 30; then
			kill -KILL "$pid" 2>/dev/null || true
			wait_gone pid "$pid" 3 || log "warning: mariadbd $pid still alive"
		fi
	done
	rm -f "$LAB/run/mariadbd.pid" "$LAB/run/mariadb.pid"
}

lab_running() {
	[[ -f $LAB/.wplab ]] || return 1
	local php mdb
	php=$(read_pid "$LAB/run/php.pid")
	mdb=$(read_pid "$LAB/run/mariadbd.pid")
	[[ -n $mdb ]] || mdb=$(read_pid "$LAB/run/mariadb.pid")
	[[ -n $php && -n $mdb ]] && group_alive "$php" && alive "$mdb" && [[ -f $LAB/wp.env && -f $LAB/port ]]
}

require_running() {
	[[ -f $LAB/.wplab ]] || die "no lab in $LAB (start one with: $PROG up)"
	lab_running || die "the lab in $LAB is not running (start it with: $PROG up)"
	PORT=$(<"$LAB/port")
}

# Replace (or append) KEY=value in wp.env, atomically.
set_env_key() {
	local f=$LAB/wp.env
	awk -v k="$1" -v v="$2" 'index($0, k "=") == 1 { print k "=" v; done = 1; next }
		{ print } END { if (!done) print k "=" v }' "$f" >"$f.tmp"
	chmod 600 "$f.tmp"
	mv -f "$f.tmp" "$f"
}

rest_url_for() { # PORT PERMALINKS
	if [[ $2 == plain ]]; then printf 'http://127.0.0.1:%s/?rest_route=/' "$1"
	else printf 'http://127.0.0.1:%s/wp-json/' "$1"; fi
}

# REST URL of a route for the given base (pretty: /wp-json/ROUTE?Q, plain: ?rest_route=/ROUTE&Q).
rest_route_url() { # BASE ROUTE [QUERY]
	local base=$1 route=$2 query=${3:-}
	if [[ $base == *'?rest_route=/' ]]; then
		printf '%s%s%s' "$base" "$route" "${query:+&$query}"
	else
		printf '%s%s%s' "$base" "$route" "${query:+?$query}"
	fi
}

# Split probe.php's output into the caller's status/total/ctype/body variables.
parse_probe() {
	local rest=$1
	status=${rest%%$'\n'*}; rest=${rest#"$status"}; rest=${rest#$'\n'}
	total=${rest%%$'\n'*}; rest=${rest#"$total"}; rest=${rest#$'\n'}
	ctype=${rest%%$'\n'*}; rest=${rest#"$ctype"}; rest=${rest#$'\n'}
	body=$rest
}

# Start a daemon: own session (setsid, so PID == PGID), stdin from /dev/null, stdout and stderr
# to LOG, and no other inherited descriptors (a caller's pipe or IPC channel held open by the
# daemon would keep `$(wordpress.sh up)` or a Node child_process waiting). Sets DAEMON_PID.
daemonize() { # LOG CMD [ARG...]
	local log=$1
	shift
	(
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			if [[ $fd =~ ^[0-9]+$ ]] && (( fd > 2 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
		done
		exec setsid "$@" </dev/null >>"$log" 2>&1
	) &
	DAEMON_PID=$!
}

run_php() { php -d display_errors=stderr -d log_errors=0 -d memory_limit=512M "$@"; }

run_ctl() { # COMMAND [ARG] — runs ctl.php against the running lab; stdout = its output
	run_php "$PHP_DIR/ctl.php" "$LAB/www" "$PORT" "$@"
}

# ---------------------------------------------------------------------------- packages

remove_policy_rc() {
	if (( POLICY_RC_CREATED )); then
		rm -f /usr/sbin/policy-rc.d
		POLICY_RC_CREATED=0
	fi
}

ensure_packages() {
	local p st missing=()
	# One dpkg call (it exits 1 if any package is unknown: capture, don't pipe into grep).
	st=$(dpkg -s "${PKGS[@]}" 2>/dev/null || true)
	for p in "${PKGS[@]}"; do
		[[ $st == *"Package: $p"$'\n'"Status: install ok installed"* ]] || missing+=("$p")
	done
	if (( ${#missing[@]} == 0 )); then
		log "packages: all installed"
		return 0
	fi
	[[ ${WPLAB_SKIP_APT:-0} != 1 ]] || die "missing packages (${missing[*]}) and WPLAB_SKIP_APT=1"
	(( EUID == 0 )) || die "missing packages (${missing[*]}); run as root to let $PROG install them"
	STEP_LOG=${APT_LOG:-$LAB/logs/apt.log}
	log "installing ${missing[*]} (log: $STEP_LOG)"
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		# Keep apache2 (pulled in by `wordpress`) and mariadb from being started as services.
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		POLICY_RC_CREATED=1
	fi
	local apt=(apt-get -y -q -o DPkg::Lock::Timeout=600 install --no-install-recommends "${missing[@]}")
	if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >>"$STEP_LOG" 2>&1; then
		log "apt-get install failed; running apt-get update, then retrying"
		DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 update >>"$STEP_LOG" 2>&1
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" >>"$STEP_LOG" 2>&1
	fi
	remove_policy_rc
	log "packages installed"
}

# ---------------------------------------------------------------------------- up

on_up_exit() {
	local rc=$?
	(( UP_OK )) && return 0
	(( rc != 0 )) || rc=1
	set +e
	trap - EXIT
	remove_policy_rc
	if (( LAB_OWNED )); then
		stop_lab >/dev/null 2>&1
	fi
	local msg=$FAIL_MSG last=""
	if [[ -z $msg ]]; then
		msg="$STEP failed (exit $rc)"
		# Quote the step log's last line: usually the actual error.
		if [[ -n $STEP_LOG && -s $STEP_LOG ]]; then
			last=$(tail -n 1 -- "$STEP_LOG" 2>/dev/null | tr -d '\r')
			last=${last#\[wplab-php\] }
			[[ -z $last ]] || msg+=": ${last:0:200}"
		fi
	fi
	if (( LAB_OWNED )) && [[ $msg != *"$LAB/logs"* ]]; then
		msg+="; logs kept in ${STEP_LOG:-$LAB/logs}"
	fi
	printf '%s: up failed: %s\n' "$PROG" "$msg" >&2
	exit "$rc"
}

cmd_up() {
	local port=${1:-$DEFAULT_PORT}
	local perma=${WPLAB_PERMALINKS:-pretty}
	local envtype=${WPLAB_ENV_TYPE:-local}
	local workers=${WPLAB_PHP_WORKERS:-4}
	local admin_user=${WPLAB_ADMIN_USER:-admin}
	local admin_pass=${WPLAB_ADMIN_PASS:-$(rand_hex 8)}
	local t_step

	IN_UP=1
	trap on_up_exit EXIT
	trap 'FAIL_MSG="interrupted"; exit 130' INT
	trap 'FAIL_MSG="terminated"; exit 143' TERM

	STEP="checking settings"
	[[ $port =~ ^[0-9]+$ ]] && (( port >= 1 && port <= 65535 )) || die "PORT must be 1-65535 (got '$port')"
	[[ $perma == pretty || $perma == plain ]] || die "WPLAB_PERMALINKS must be pretty or plain (got '$perma')"
	[[ $envtype =~ ^(local|development|staging|production)$ ]] \
		|| die "WPLAB_ENV_TYPE must be local, development, staging or production (got '$envtype')"
	[[ $workers =~ ^[0-9]+$ ]] && (( workers >= 1 && workers <= 64 )) || die "WPLAB_PHP_WORKERS must be 1-64 (got '$workers')"
	[[ $admin_user =~ ^[A-Za-z0-9._-]+$ ]] || die "WPLAB_ADMIN_USER may only hold letters, digits, '.', '_' and '-'"
	[[ $admin_pass =~ ^[A-Za-z0-9]{8,}$ ]] || die "WPLAB_ADMIN_PASS must be alphanumeric, 8 characters or more"
	[[ $LAB =~ ^/[A-Za-z0-9._/-]+$ && $LAB != / ]] || die "WPLAB_DIR must be an absolute path of [A-Za-z0-9._/-] (got '$LAB')"
	(( ${#SOCK} <= 100 )) || die "WPLAB_DIR is too long: the socket path $SOCK exceeds 100 bytes"
	[[ -f $PHP_DIR/setup.php && -f $PHP_DIR/wplab-fixtures.php && -f $PHP_DIR/router.php ]] \
		|| die "PHP pieces missing in $PHP_DIR"

	STEP="preparing the state dir"
	local previous=0
	if [[ -e $LAB || -L $LAB ]]; then
		[[ -d $LAB && ! -L $LAB ]] || die "$LAB exists and is not a directory"
		if [[ -f $LAB/.wplab ]]; then
			previous=1
			log "stopping the previous lab in $LAB"
			stop_lab
		else
			local entries
			entries=$(ls -A -- "$LAB")
			[[ -z $entries ]] || die "refusing to use $LAB: not empty and not a lab (no .wplab marker)"
		fi
	fi

	STEP="checking port $port"
	# After stopping our previous lab (it may have held the port), before touching anything.
	if port_in_use "$port"; then die "port $port on 127.0.0.1 is already in use"; fi

	STEP="preparing the state dir"
	if (( previous )); then
		log "wiping $LAB"
		rm -rf -- "$LAB"
	fi
	mkdir -p "$LAB"
	printf 'igny8 WordPress lab, created by scripts/wordpress.sh\n' >"$LAB/.wplab"
	LAB_OWNED=1
	mkdir -p "$LAB/db" "$LAB/run" "$LAB/www" "$LAB/logs"
	chmod 700 "$LAB"

	STEP="installing packages"
	ensure_packages
	STEP_LOG=""
	local mariadbd=/usr/sbin/mariadbd p
	for p in php mariadb-install-db mariadb mariadb-admin; do
		command -v "$p" >/dev/null || die "$p not found after installing packages"
	done
	[[ -x $mariadbd ]] || mariadbd=$(command -v mariadbd) || die "mariadbd not found"
	[[ -f $WP_SRC/wp-settings.php ]] || die "$WP_SRC/wp-settings.php not found"

	# --- MariaDB --------------------------------------------------------------
	STEP="initialising MariaDB"
	STEP_LOG=$LAB/logs/mariadb-install-db.log
	t_step=$(elapsed)
	# Small InnoDB files (the default redo log alone is 96 MB); same sizes for bootstrap and server.
	local innodb_opts=(--innodb-log-file-size=16M --innodb-buffer-pool-size=64M)
	mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$LAB/db" --skip-test-db \
		--skip-name-resolve --auth-root-authentication-method=socket "${innodb_opts[@]}" >"$STEP_LOG" 2>&1
	log "mariadb-install-db done (started at ${t_step}s)"

	STEP="starting mariadbd"
	STEP_LOG=$LAB/logs/mariadb.err
	# --no-defaults: /etc/mysql points at /run/mysqld, which only the service creates.
	# --user: mariadbd refuses to run as root otherwise. Socket only: no clash with port 3306.
	daemonize "$LAB/logs/mariadbd.out" "$mariadbd" --no-defaults --user="$(id -un)" --datadir="$LAB/db" \
		--socket="$SOCK" --pid-file="$LAB/run/mariadbd.pid" --log-error="$LAB/logs/mariadb.err" \
		--skip-networking --skip-name-resolve --skip-log-bin --skip-slave-start \
		--innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 "${innodb_opts[@]}" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
	local mpid=$DAEMON_PID
	echo "$mpid" >"$LAB/run/mariadb.pid"
	local i ok=0
	for ((i = 0; i < 300; i++)); do
		if mariadb-admin --no-defaults --socket="$SOCK" -u root ping >/dev/null 2>&1; then ok=1; break; fi
		alive "$mpid" || die "mariadbd exited during start-up; see $LAB/logs/mariadb.err"
		sleep 0.1
	done
	(( ok )) || die "mariadbd did not answer within 30 s; see $LAB/logs/mariadb.err"

	STEP="creating the database"
	local db_pass
	db_pass=$(rand_hex 16)
	mariadb --no-defaults --socket="$SOCK" -u root <<-SQL
		CREATE DATABASE wordpress DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER 'wordpress'@'localhost' IDENTIFIED BY '$db_pass';
		GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'localhost';
	SQL
	log "mariadbd up (PID $mpid, socket $SOCK), database created"

	# --- WordPress tree ---------------------------------------------------------
	STEP="copying WordPress"
	STEP_LOG=""
	# Dereference symlinks (-h): the tree has relative links (ID3, underscore, crop) that
	# would dangle in a copy. A symlinked tree does not work either (ABSPATH follows __FILE__).
	tar -C "$WP_SRC" -chf - --exclude=./wp-content/languages --exclude=./wp-config.php \
		--exclude=./.htaccess . | tar -C "$LAB/www" -xf -
	mkdir -p "$LAB/www/wp-content/mu-plugins" "$LAB/www/wp-content/uploads"
	cp "$PHP_DIR/wplab-fixtures.php" "$LAB/www/wp-content/mu-plugins/wplab-fixtures.php"
	cp "$PHP_DIR/router.php" "$LAB/router.php"

	local url="http://127.0.0.1:$port" salts="" k
	for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
		salts+="define( '$k', '$(rand_hex 32)' );"$'\n'
	done
	cat >"$LAB/www/wp-config.php" <<-PHP
		<?php
		// Written by scripts/wordpress.sh for the igny8 WordPress lab (not Debian's wp-config.php,
		// which loads /etc/wordpress/config-<Host>.php and fails under PHP CLI).
		define( 'DB_NAME', 'wordpress' );
		define( 'DB_USER', 'wordpress' );
		define( 'DB_PASSWORD', '$db_pass' );
		define( 'DB_HOST', 'localhost:$SOCK' );
		define( 'DB_CHARSET', 'utf8mb4' );
		define( 'DB_COLLATE', '' );
		$salts
		\$table_prefix = 'wp_';

		define( 'WP_HOME', '$url' );
		define( 'WP_SITEURL', '$url' );
		define( 'WP_ENVIRONMENT_TYPE', '$envtype' );
		define( 'DISABLE_WP_CRON', true );
		define( 'AUTOMATIC_UPDATER_DISABLED', true );
		define( 'WP_AUTO_UPDATE_CORE', false );
		define( 'WP_HTTP_BLOCK_EXTERNAL', true ); // offline: no update or version checks
		define( 'WP_DEBUG', false );
		define( 'FS_METHOD', 'direct' );

		if ( ! defined( 'ABSPATH' ) ) {
			define( 'ABSPATH', __DIR__ . '/' );
		}
		require_once ABSPATH . 'wp-settings.php';
	PHP
	chmod 600 "$LAB/www/wp-config.php"
	log "WordPress copied to $LAB/www, wp-config.php written"

	# --- install + seed -----------------------------------------------------------
	STEP="installing and seeding WordPress"
	STEP_LOG=$LAB/logs/setup.log
	WPLAB_ADMIN_USER=$admin_user WPLAB_ADMIN_PASS=$admin_pass WPLAB_PERMALINKS=$perma \
		run_php "$PHP_DIR/setup.php" "$LAB/www" "$port" "$LAB/run/setup.out" >>"$STEP_LOG" 2>&1
	local line
	while IFS= read -r line; do log "  ${line#\[wplab-php\] }"; done <"$STEP_LOG"

	# --- web server -------------------------------------------------------------
	STEP="starting php -S"
	STEP_LOG=$LAB/logs/php-server.log
	if port_in_use "$port"; then die "port $port on 127.0.0.1 was taken while the lab was being set up"; fi
	# setsid: the server's PID is its process group ID; workers share the group, so `down`
	# stops them all with kill -- -PGID. Without PHP_CLI_SERVER_WORKERS, php -S is serial.
	PHP_CLI_SERVER_WORKERS=$workers daemonize "$STEP_LOG" php -d display_errors=0 -d log_errors=1 \
		-d error_log="$LAB/logs/php-errors.log" -d memory_limit=256M \
		-S "127.0.0.1:$port" -t "$LAB/www" "$LAB/router.php"
	local ppid=$DAEMON_PID
	echo "$ppid" >"$LAB/run/php.pid"
	echo "$port" >"$LAB/port"

	STEP="waiting for the REST API"
	local rest_url probe status total ctype body
	rest_url=$(rest_url_for "$port" "$perma")
	ok=0
	local deadline=$(( ${EPOCHREALTIME//[.,]/} + 20000000 ))
	while (( ${EPOCHREALTIME//[.,]/} < deadline )); do
		alive "$ppid" || die "php -S exited during start-up; see $STEP_LOG"
		probe=$(run_php "$PHP_DIR/probe.php" "$(rest_route_url "$rest_url" "" "_fields=name,namespaces")" 2>/dev/null || true)
		parse_probe "$probe"
		if [[ $status == 200 && $ctype == application/json && $body == *'"namespaces"'* ]]; then ok=1; break; fi
		sleep 0.1
	done
	(( ok )) || die "the REST API did not answer with JSON at $rest_url within 20 s; see $STEP_LOG"
	log "php -S up (PGID $ppid, $workers workers), REST answers at $rest_url"

	# --- results ------------------------------------------------------------------
	STEP="self-check"
	STEP_LOG=""
	local expect_posts app_pass
	expect_posts=$(sed -n 's/^EXPECT_POSTS=//p' "$LAB/run/setup.out")
	app_pass=$(sed -n 's/^WP_APP_PASSWORD=//p' "$LAB/run/setup.out")
	probe=$(run_php "$PHP_DIR/probe.php" "$(rest_route_url "$rest_url" wp/v2/posts "per_page=1&_fields=id")")
	parse_probe "$probe"
	[[ $status == 200 && $total == "$expect_posts" ]] \
		|| die "self-check: posts?per_page=1 gave HTTP $status, X-WP-Total '$total' (expected $expect_posts)"
	if [[ $envtype == local ]]; then
		probe=$(run_php "$PHP_DIR/probe.php" "$(rest_route_url "$rest_url" wp/v2/users/me "_fields=id,slug")" "$admin_user:$app_pass")
		parse_probe "$probe"
		[[ $status == 200 && $body == *"\"slug\":\"$admin_user\""* ]] \
			|| die "self-check: users/me with the admin application password gave HTTP $status: $body"
	fi
	log "self-check passed (posts X-WP-Total=$expect_posts$([[ $envtype == local ]] && echo "; admin application password accepted"))"

	{
		printf 'WP_URL=%s\n' "$url"
		printf 'WP_REST_URL=%s\n' "$rest_url"
		cat "$LAB/run/setup.out"
		printf 'WPLAB_DIR=%s\n' "$LAB"
		printf 'WPLAB_PORT=%s\n' "$port"
	} >"$LAB/wp.env.tmp"
	chmod 600 "$LAB/wp.env.tmp"
	mv -f "$LAB/wp.env.tmp" "$LAB/wp.env"
	rm -f "$LAB/run/setup.out"
	printf 'permalinks=%s\nenv_type=%s\nworkers=%s\n' "$perma" "$envtype" "$workers" >"$LAB/settings"

	UP_OK=1
	trap - EXIT INT TERM
	log "lab up in $(elapsed)s: $url (state: $LAB)"
	cat "$LAB/wp.env"
}

# ---------------------------------------------------------------------------- other commands

cmd_down() {
	local purge=0
	case ${1:-} in
		"") ;;
		--purge) purge=1 ;;
		*) die "usage: $PROG down [--purge]" ;;
	esac
	if [[ ! -e $LAB ]]; then
		log "no lab in $LAB: nothing to stop"
		return 0
	fi
	[[ -f $LAB/.wplab ]] || die "refusing to touch $LAB: it has no .wplab marker"
	stop_lab
	if (( purge )); then
		rm -rf -- "$LAB"
		log "lab stopped, $LAB deleted"
	else
		log "lab stopped (state kept in $LAB; delete it with: $PROG down --purge)"
	fi
}

cmd_rest_mode() {
	local mode=${1:-}
	[[ $mode =~ ^(on|strict|auth|off)$ ]] || die "usage: $PROG rest-mode on|strict|auth|off"
	require_running
	run_ctl rest-mode "$mode" >&2
	log "REST mode is now '$mode'"
	printf 'WPLAB_REST_MODE=%s\n' "$mode"
}

cmd_permalinks() {
	local perma=${1:-} rest_url
	[[ $perma == pretty || $perma == plain ]] || die "usage: $PROG permalinks pretty|plain"
	require_running
	run_ctl permalinks "$perma" >&2
	rest_url=$(rest_url_for "$PORT" "$perma")
	set_env_key WP_REST_URL "$rest_url"
	if [[ -f $LAB/settings ]]; then
		sed -i "s/^permalinks=.*/permalinks=$perma/" "$LAB/settings"
	fi
	log "permalinks are now '$perma'"
	printf 'WP_REST_URL=%s\n' "$rest_url"
}

cmd_add_posts() {
	local n=${1:-} out line
	[[ $n =~ ^[1-9][0-9]{0,3}$ ]] || die "usage: $PROG add-posts N (1-9999)"
	require_running
	out=$(run_ctl add-posts "$n")
	while IFS= read -r line; do
		[[ $line =~ ^EXPECT_[A-Z_]+=[0-9]+$ ]] || die "unexpected output from ctl.php: $line"
		set_env_key "${line%%=*}" "${line#*=}"
	done <<<"$out"
	log "published $n more posts"
	sed -n '/^EXPECT_POSTS=/p' "$LAB/wp.env"
}

cmd_install() {
	# Only the Debian packages (CI installs them before the test run, outside any test timeout).
	APT_LOG=$(mktemp "${TMPDIR:-/tmp}/wplab-apt.XXXXXX.log")
	ensure_packages
	rm -f "$APT_LOG"
}

cmd_env() {
	require_running
	cat "$LAB/wp.env"
}

cmd_status() {
	if lab_running; then
		log "lab running in $LAB on port $(<"$LAB/port")"
		return 0
	fi
	log "no running lab in $LAB"
	return 1
}

main() {
	local cmd=${1:-}
	(( $# )) && shift
	case $cmd in
		up) (( $# <= 1 )) || die "usage: $PROG up [PORT]"; cmd_up "$@" ;;
		down) cmd_down "$@" ;;
		rest-mode) cmd_rest_mode "$@" ;;
		permalinks) cmd_permalinks "$@" ;;
		add-posts) cmd_add_posts "$@" ;;
		install) cmd_install ;;
		env) cmd_env ;;
		status) cmd_status ;;
		-h | --help | help) usage ;;
		*) usage >&2; exit 2 ;;
	esac
}

main "$@"
