#!/bin/sh
# Bundles the scale bench (driver + cluster process) and runs it; extra args go to node.
# Usage: sh test/bench/scale/build-and-run.sh   (env as documented in scale-bench.ts)
set -eu
out=.cache/scale-bench
npx esbuild test/bench/scale/scale-bench.ts test/bench/scale/cluster-process.ts --bundle \
  --platform=node --format=esm --packages=external --outdir="$out" --log-level=warning
exec node --expose-gc "$@" "$out/scale-bench.js"
