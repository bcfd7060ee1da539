#!/usr/bin/env bash
# Installs every Debian package moisson needs, then configures and builds a
# Release tree in build/release. Idempotent: a second run only rebuilds what
# changed. Runs as root, or through sudo when it is available.
#
#   scripts/setup.sh            install + build
#   MOISSON_SKIP_APT=1 scripts/setup.sh   build only (packages already there)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # toolchain
  build-essential cmake pkg-config clang libclang-rt-dev
  # libraries moisson links
  catch2 libcli11-dev libtomlplusplus-dev libsimdjson-dev libssl-dev
  libgumbo-dev libmodest-dev libre2-dev libcurl4-openssl-dev libarchive-dev libboost-dev libboost-system-dev
  libpsl-dev publicsuffix libidn2-dev libunistring-dev libsqlite3-dev libpq-dev libpqxx-dev
  zlib1g-dev libzstd-dev libbrotli-dev libphonenumber-dev libvectorscan-dev
  # the learned stage of the sensitive/minor detectors (filters/learned.h) and its
  # training script (scripts/train_detection_model.py)
  # (liblinear-tools trains the model; fasttext only for the script's --compare-fasttext)
  liblinear-tools fasttext
  # language identification (filters/language.h)
  libcld2-dev
  # baselines for bench/ (Scrapy's robots.txt parser; a Python PII pass)
  python3 python3-protego python3-phonenumbers python3-scrapy time
  # servers for the crawler's integration tests
  nginx-light openssl
  # the PostgreSQL ledger's tests (a server started on loopback) and the HTML
  # report's test (headless Chromium)
  postgresql chromium
  # Slurm array jobs (scripts/slurm/, docs/scaling.md): the test starts a
  # single-node Slurm (slurmctld, slurmd, munged) on loopback
  slurm-wlm munge
  # the rights tests read zstd outputs with the zstd tool
  zstd
  # the Python module (python/, docs/python.md) and its tests
  python3-dev pybind11-dev python3-pytest
)

if [[ "${MOISSON_SKIP_APT:-0}" != 1 ]]; then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DMOISSON_BUILD_TESTS=ON -DMOISSON_BUILD_BENCH=ON
cmake --build build/release -j2

# `import moisson` for /usr/bin/python3 (docs/python.md): a .pth file in its
# folder for locally installed packages names build/release/python.
module_dir="$PWD/build/release/python"
site_dir=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
if [[ "$(cat "$site_dir/moisson.pth" 2>/dev/null)" != "$module_dir" ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    mkdir -p "$site_dir" && echo "$module_dir" > "$site_dir/moisson.pth"
  elif [[ "${MOISSON_SKIP_APT:-0}" != 1 ]] && command -v sudo >/dev/null; then
    sudo mkdir -p "$site_dir" && echo "$module_dir" | sudo tee "$site_dir/moisson.pth" >/dev/null
  else
    echo "setup.sh: to import moisson from Python, add $module_dir to PYTHONPATH" >&2
  fi
fi
