#!/usr/bin/env bash
# Builds the benchmark and plexus-silo in Release, runs every scenario, prints the table and writes
# bench-report.md and bench-report.json under bench/results/ (or --out). Extra arguments go to plexus-bench,
# e.g. ./bench/run.sh --quick, ./bench/run.sh --only throughput,latency, ./bench/run.sh --profile aws.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet build bench/Plexus.Bench -c Release --nologo -v quiet
exec artifacts/bin/Plexus.Bench/release/plexus-bench --out bench/results "$@"
