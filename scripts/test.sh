#!/usr/bin/env bash
# Runs the whole test suite: unit, in-process cluster, end-to-end (real silo and client processes)
# and the Aws-profile providers against the local emulators, which it starts (and stops again
# unless they were already running).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! ./scripts/emulators.sh status | grep -q 'dynamodb: running' || ! ./scripts/emulators.sh status | grep -q 'fauxqs: running'; then
  ./scripts/emulators.sh start
  trap './scripts/emulators.sh stop' EXIT
fi
# shellcheck disable=SC1091
source artifacts/emulators/env
dotnet test Plexus.sln --nologo "$@"
