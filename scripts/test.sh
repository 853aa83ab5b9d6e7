#!/usr/bin/env bash
# Runs the whole test suite: unit, in-process cluster and end-to-end (real silo and client processes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet test Plexus.sln --nologo "$@"
