#!/usr/bin/env bash
# Builds the benchmark and plexus-silo in Release, runs every scenario, prints the table and writes
# bench-report.md and bench-report.json under bench/results/ (or --out), with the peers' baselines from
# ../shared/bench when they are there (--no-peers skips them). Extra arguments go to plexus-bench,
# e.g. ./bench/run.sh --quick, ./bench/run.sh --only throughput,latency, ./bench/run.sh --profile aws.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet build bench/Plexus.Bench -c Release --nologo -v quiet

# The peers' baselines (Celery + Redis, Hangfire) run right after ours when their scripts are beside the project.
peers=()
if [[ -d ../shared/bench ]]; then
  peers=(--peers ../shared/bench)
else
  echo "bench: no ../shared/bench beside the project: the peers' baselines are not run" >&2
fi
exec artifacts/bin/Plexus.Bench/release/plexus-bench --out bench/results "${peers[@]}" "$@"
