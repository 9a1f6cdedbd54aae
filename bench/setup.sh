#!/usr/bin/env bash
# Installs the benchmark peers (onnxruntime-node, onnxruntime-web, tfjs, tfjs-wasm)
# into bench/node_modules. bert-ts itself does not depend on any of them.
#
#   bash bench/setup.sh            # peers only
#   bash bench/setup.sh --models   # also make the random checkpoints + ONNX exports
#
# onnxruntime-node's postinstall would download CUDA binaries from outside the
# npm registry; ONNXRUNTIME_NODE_INSTALL=skip keeps the CPU binaries that ship
# inside the package.
set -euo pipefail
cd "$(dirname "$0")"
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund
if [[ "${1:-}" == "--models" ]]; then
  PY=/usr/bin/python3
  for shape in minilm-l6 bert-base; do
    if [[ ! -f "models/$shape/model.safetensors" ]]; then
      (cd .. && "$PY" -m tools.make_checkpoint --shape "$shape" --out "bench/models/$shape" --onnx) || \
        echo "make_checkpoint.py failed for $shape (PyTorch missing?); the onnxruntime rows will be skipped"
    fi
  done
fi
