#!/usr/bin/env bash
# scripts/demo.sh — `npm run demo`: the whole igny8 story on this machine, against real servers.
#
# Brings up the project's real WordPress (scripts/wordpress.sh, on a free port, in its own state dir)
# and `igny8 sandbox serve` (a local IGNY8-compatible backend) pointed at it, then runs
#   connect → structure gather → structure push → content-types show → integration check
# with a throw-away profile folder, printing each step under a heading, and tears both servers down on
# the way out — after success, failure or Ctrl-C. Exits non-zero when a step fails.
#
# Settings (environment, all optional):
#   IGNY8_DEMO_WPLAB_DIR  WordPress state dir (default /tmp/igny8-demo-wp; deleted afterwards)
#   IGNY8_DEMO_WP_PORT    WordPress port (default: a free one)
#   IGNY8_DEMO_AUTH       api-key (default: the site API key, on stdin) | password (email + password)
#   IGNY8_DEMO_KEEP=1     leave both servers running and print how to reach them

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WPLAB=${IGNY8_DEMO_WPLAB_DIR:-/tmp/igny8-demo-wp}
AUTH=${IGNY8_DEMO_AUTH:-api-key}
WP_PORT=${IGNY8_DEMO_WP_PORT:-}
KEEP=${IGNY8_DEMO_KEEP:-}
STEPS=7
STEP=0

# Nothing from the caller's igny8 setup may leak into the demo (a profile, credentials, an API URL).
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^IGNY8_' || true)
[[ $AUTH == api-key || $AUTH == password ]] || { printf 'demo: IGNY8_DEMO_AUTH must be api-key or password (got %s)\n' "$AUTH" >&2; exit 2; }
export OCLIF_SKIP_NEW_VERSION_CHECK=true NO_COLOR=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/igny8-demo.XXXXXX")
export IGNY8_CONFIG_DIR=$WORK/config

SANDBOX_PID=""
WP_STARTED=0

igny8() { node "$ROOT/bin/run.js" "$@"; }

heading() {
	STEP=$((STEP + 1))
	printf '\n━━ %d/%d  %s\n\n' "$STEP" "$STEPS" "$*"
}

fail() { # called as `command || fail WHAT`: $? is still the command's status
	local status=$?
	if (( status == 130 )); then
		printf '\ndemo: interrupted at step %d (%s)\n' "$STEP" "$*" >&2
		exit 130
	fi
	printf '\ndemo: step %d failed: %s\n' "$STEP" "$*" >&2
	exit 1
}

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	if [[ $KEEP == 1 && $status == 0 ]]; then
		printf '\nKept running: WordPress %s (stop: WPLAB_DIR=%s scripts/wordpress.sh down --purge), sandbox pid %s.\n' "${WP_URL:-}" "$WPLAB" "$SANDBOX_PID"
		return "$status"
	fi
	printf '\n━━ Tearing down\n' >&2
	if [[ -n $SANDBOX_PID ]] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
		kill -TERM "$SANDBOX_PID" 2>/dev/null || true
		wait "$SANDBOX_PID" 2>/dev/null || true
	fi
	if (( WP_STARTED )); then
		WPLAB_DIR=$WPLAB bash "$ROOT/scripts/wordpress.sh" down --purge >&2 || true
	fi
	rm -rf -- "$WORK"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })'
}

if [[ ! -f $ROOT/dist/commands/integration/check.js ]]; then
	printf 'Building igny8 (dist/ is missing)…\n'
	(cd "$ROOT" && npm run build --silent) || fail "npm run build"
fi

# ------------------------------------------------------------------------------------------------

heading "WordPress: scripts/wordpress.sh up (a real, seeded WordPress on 127.0.0.1)"
port=${WP_PORT:-$(free_port)}
WP_STARTED=1
WPLAB_DIR=$WPLAB bash "$ROOT/scripts/wordpress.sh" up "$port" >"$WORK/wp.env" || fail "scripts/wordpress.sh up $port"
WP_URL=$(sed -n 's/^WP_URL=//p' "$WORK/wp.env")
[[ -n $WP_URL ]] || fail "scripts/wordpress.sh printed no WP_URL"
printf 'WordPress is up at %s\n' "$WP_URL"

heading "IGNY8 backend: igny8 sandbox serve --port 0 --wp-url $WP_URL"
# node itself in the background (not the igny8 function, whose subshell would hide node's pid from the teardown)
node "$ROOT/bin/run.js" sandbox serve --port 0 --sites 1 --wp-url "$WP_URL" >"$WORK/sandbox.env" 2>"$WORK/sandbox.log" &
SANDBOX_PID=$!
for _ in $(seq 1 300); do
	grep -qx 'IGNY8_SANDBOX_READY=1' "$WORK/sandbox.env" 2>/dev/null && break
	kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$WORK/sandbox.log" >&2; fail "igny8 sandbox serve exited before it was ready"; }
	sleep 0.1
done
grep -qx 'IGNY8_SANDBOX_READY=1' "$WORK/sandbox.env" || fail "igny8 sandbox serve was not ready within 30 s"
# `export KEY=value` lines, single-quoted shell style. Sourced here without `export`: the steps below
# must use the profile that connect stores (IGNY8_EMAIL/IGNY8_PASSWORD in the environment would win over
# it), and secrets go through stdin.
# shellcheck disable=SC1090
. <(sed 's/^export //' "$WORK/sandbox.env")
printf 'Sandbox backend at %s (site %s "%s", integration %s)\n' "$IGNY8_API_URL" "$SITE_1_ID" "$SITE_1_NAME" "$SITE_1_INTEGRATION_ID"

if [[ $AUTH == password ]]; then
	heading "igny8 connect --email $IGNY8_EMAIL --password-stdin"
	printf '%s' "$IGNY8_PASSWORD" | igny8 connect --api-url "$IGNY8_API_URL" --email "$IGNY8_EMAIL" --password-stdin --site "$SITE_1_ID" --wp-url "$WP_URL" \
		|| fail "igny8 connect"
else
	heading "igny8 connect --api-key-stdin"
	printf '%s' "$SITE_1_API_KEY" | igny8 connect --api-url "$IGNY8_API_URL" --api-key-stdin --wp-url "$WP_URL" || fail "igny8 connect"
fi

heading "igny8 structure gather"
igny8 structure gather || fail "igny8 structure gather"

heading "igny8 structure push"
igny8 structure push || fail "igny8 structure push"

heading "igny8 content-types show"
igny8 content-types show || fail "igny8 content-types show"

heading "igny8 integration check --round-trip"
igny8 integration check --round-trip || fail "igny8 integration check"

printf '\nDemo complete: every step passed.\n'
