#!/usr/bin/env bash
# Runs the whole test suite: unit, in-process cluster, end-to-end (real silo and client processes)
# the dashboard in a real browser (Debian's Chromium, installed when missing) and the Aws-profile
# providers against the local emulators, which it starts (and stops again unless they were already running).
# Screenshots of the dashboard land in artifacts/screenshots/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! ./scripts/emulators.sh status | grep -q 'dynamodb: running' || ! ./scripts/emulators.sh status | grep -q 'fauxqs: running'; then
  ./scripts/emulators.sh start
  trap './scripts/emulators.sh stop' EXIT
fi
# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
if [[ ! -x /usr/bin/chromium ]]; then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
fi
# shellcheck disable=SC1091
source artifacts/emulators/env
dotnet test Plexus.sln --nologo "$@"
