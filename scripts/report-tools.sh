#!/usr/bin/env bash
# scripts/report-tools.sh — installs the programs that read igny8's reports in the test suite:
# headless Chromium (renders the --html report) and promtool (checks the --metrics file), from
# Debian's packages, without starting any service (prometheus ships one). Run as root; idempotent.
set -euo pipefail

PKGS=(chromium prometheus)
missing=()
for p in "${PKGS[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
	echo "report tools: all installed" >&2
	exit 0
fi
(( EUID == 0 )) || { echo "report-tools.sh: missing ${missing[*]}; run as root to install them" >&2; exit 1; }

created_policy=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
	# Installed as a tool, not a service: keep the prometheus daemon from being started.
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	created_policy=1
fi
trap '(( created_policy )) && rm -f /usr/sbin/policy-rc.d' EXIT

apt=(apt-get -y -q -o DPkg::Lock::Timeout=600 install --no-install-recommends "${missing[@]}")
echo "report tools: installing ${missing[*]}" >&2
if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 update >/dev/null
	DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null
fi
echo "report tools: $(chromium --version 2>/dev/null | head -n 1); $(promtool --version 2>&1 | head -n 1)" >&2
