#!/usr/bin/env bash
# Method benchmark (not a test). On the shapes demo model (8 inputs, 64x64) and on ResNet-18 at
# 224x224 (1 and 4 random inputs) it times the gradient methods (saliency, gradient,
# input-x-gradient, IG-50, SmoothGrad-50, GradientSHAP-50), the CAMs, the modified-backward
# methods (guided backprop ... contrastive Excitation Backprop; target <= 1.5, and it prints what
# each conserves) and the perturbation methods (occlusion, RISE-4000, KernelSHAP-2000, ...; their
# evaluations per second against plain batched forwards, target >= 0.9) next to the same passes done
# plainly: each method's
# passes (batch sizes, gradient or forward-only, objectives) are recorded from a warm-up run and
# replayed as bare model.pass calls in the same batches; the ratio is what the method adds (target
# <= 1.15 for IG-50 and SmoothGrad-50). First, the peak RSS (VmHWM) of IG at 224x224 with 10, 50
# and 200 steps, each in fresh JVMs, which should follow the batch plan, not the step count.
# Methods run directly on the ONNX backend with a SerialComputeService, no OSGi host. The default
# run takes 6 to 8 minutes on 2 idle cores.
#
#   distribution/bench/methods.sh [--sections table,memory] [--cases shapes,resnet18]
#       [--methods saliency,gradient,input-x-gradient,integrated-gradients,smoothgrad,gradient-shap]
#       [--batch 32] [--steps 50] [--resnet-inputs 1,4] [--reps 5] [--budget 20] [--warmup 0]
#       [--memory-steps 10,50,200] [--memory-inputs 1] [--memory-runs 2] [--verbose true]
#
#   --batch: the SerialComputeService's batch; --steps: IG steps and SmoothGrad/GradientSHAP
#   samples; --reps: timed repetitions per row at most (method and plain alternate, medians and
#   best reported); --budget: seconds per row after which no further repetition starts once 3 are
#   done; --warmup: untimed runs of each body after the recording run (which warms both up);
#   --memory-runs: fresh JVMs per step count (the allocator's retention varies from JVM to JVM; the
#   verdict takes each step count's smallest rise); --verbose: every repetition's times.
#   A quick check: --reps 1 --resnet-inputs 1 --memory-steps 10,50 --memory-runs 1
#   libtorch's OpenMP threads slow down badly when other processes take a core; on a shared
#   machine the best-of columns are steadier than the medians (or set OMP_NUM_THREADS=1).
#
# Needs a JDK 17 and Maven with the reactor installed in ~/.m2: the methods and the backend are
# taken from there, so re-install a module after changing it (it runs Maven offline on the
# distribution module only; set MVN_OFFLINE= to let it download; to install what it needs:
#   mvn -B -o install -DskipTests, or -pl with the changed modules),
# the shared folder (LOUPE_SHARED_DIR, default the checkout's ../shared) and, only to generate
# plugins/backend-onnx/target/bench-models/resnet18.onnx when it is absent, python3 with torch and
# onnx (Debian: apt-get install python3-torch python3-onnx).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
shared=${LOUPE_SHARED_DIR:-$root/../shared}
shared=$(cd "$shared" && pwd)
offline=${MVN_OFFLINE--o}
models=$root/plugins/backend-onnx/target/bench-models

echo "== building the distribution module's tests"
mvn -B -q $offline -pl distribution test-compile
mvn -B -q $offline -pl distribution dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt

if [ ! -f "$models/resnet18.onnx" ]; then
  echo "== generating the ResNet-18 bench model into $models (needs python3-torch and python3-onnx)"
  if ! python3 -c 'import torch, onnx' 2>/dev/null; then
    echo "python3 cannot import torch and onnx: install python3-torch and python3-onnx" \
      "(apt-get install python3-torch python3-onnx), or put resnet18.onnx into $models" >&2
    exit 1
  fi
  python3 plugins/backend-onnx/src/test/python/make_bench_models.py "$models"
fi

echo "== running"
# the Java heap is fixed and touched up front, so RSS growth in the memory section is native memory
cd distribution
OPT_OUT_TRACKING=true exec java -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
  -Dai.djl.offline=true -Dlogback.configurationFile="$root/plugins/backend-onnx/bench/logback.xml" \
  -cp "target/test-classes:$(cat target/bench-classpath.txt)" \
  dev.loupe.distribution.bench.MethodBenchmark --shared "$shared" --models "$models" "$@"
