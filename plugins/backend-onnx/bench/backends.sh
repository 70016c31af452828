#!/usr/bin/env bash
# Backend benchmark: Loupe's ONNX graph backend against DJL TorchScript (same network, same
# libtorch) and ONNX Runtime, forward and forward+backward per batch; a native-memory check over
# 10,000 gradient passes; a per-op profile where the graph forward is above 1.3x TorchScript's.
#
#   plugins/backend-onnx/bench/backends.sh [--sections rss,table,profile] [--passes N] [--budget S]
#
# Needs a JDK 17 and Maven with the module's dependencies in ~/.m2 (it runs Maven offline; set
# MVN_OFFLINE= to let it download), the shared folder (LOUPE_SHARED_DIR, default the checkout's
# ../shared) and, only to generate the ResNet-18 files when target/bench-models lacks them,
# python3 with torch and onnx (Debian: apt-get install python3-torch python3-onnx).
set -euo pipefail
module=$(cd "$(dirname "$0")/.." && pwd)
cd "$module"
shared=${LOUPE_SHARED_DIR:-$(cd ../.. && pwd)/../shared}
shared=$(cd "$shared" && pwd)
offline=${MVN_OFFLINE--o}
models=target/bench-models

echo "== building backend-onnx and its tests"
mvn -B -q $offline test-compile
mvn -B -q $offline dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt

if [ ! -f "$models/resnet18.onnx" ] || [ ! -f "$models/resnet18.pt" ]; then
  echo "== generating the ResNet-18 bench models into $models (needs python3-torch and python3-onnx)"
  if ! python3 -c 'import torch, onnx' 2>/dev/null; then
    echo "python3 cannot import torch and onnx: install python3-torch and python3-onnx" \
      "(apt-get install python3-torch python3-onnx), or put resnet18.onnx and resnet18.pt into $models" >&2
    exit 1
  fi
  python3 src/test/python/make_bench_models.py "$models"
fi

echo "== running"
# the Java heap is fixed and touched up front, so RSS growth in the memory check is native memory
OPT_OUT_TRACKING=true exec java -Xms512m -Xmx512m -XX:+AlwaysPreTouch \
  -Dai.djl.offline=true -Dlogback.configurationFile="$module/bench/logback.xml" \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.loupe.backend.onnx.bench.BackendBenchmark --shared "$shared" --models "$models" "$@"
