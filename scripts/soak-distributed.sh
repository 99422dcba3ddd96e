#!/usr/bin/env bash
# Soak for the distributed executor: the chaos test (100 tasks, one of two `concur worker`
# processes killed mid-run, each file run = 2 rounds) and the 10,000-task burst, repeated.
# Usage: scripts/soak-distributed.sh [repetitions, default 20]   (REDIS_URL as for the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
npm run build --silent
passed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  # The chaos file, then the burst test of the executor suite alone (by its name).
  if node scripts/run-tests.mjs packages/distributed/test/chaos >"/tmp/concur-soak-$i.log" 2>&1 &&
    CONCUR_TEST=1 node --import tsx --test --test-timeout=600000 --test-reporter=spec \
      --test-name-pattern="10,000 tiny tasks" packages/distributed/test/executor.test.ts >>"/tmp/concur-soak-$i.log" 2>&1; then
    passed=$((passed + 1))
    echo "run $i/$runs: ok in $(( $(date +%s) - start )) s; $(grep -o '[0-9]* job(s) ran twice' "/tmp/concur-soak-$i.log" | paste -sd, -); burst: $(grep -c '✔ 10,000 tiny tasks' "/tmp/concur-soak-$i.log") passed"
  else
    echo "run $i/$runs: FAILED, see /tmp/concur-soak-$i.log"
  fi
done
echo "soak: $passed of $runs runs passed"
[ "$passed" -eq "$runs" ]
