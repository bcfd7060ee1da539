#!/usr/bin/env bash
# Longer fuzz runs than the test suite's 10 seconds (kept out of CI).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Needs build/sanitize from scripts/test.sh. New inputs go to fuzz-out/<name>;
# crashes to fuzz-out/<name>/crash-*. Seeds stay in fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(robots tdmrep structured_field headers config lists snapshot optout jsonl warc html_text detect chain url_norm crawl_text sitemap)
for t in "${targets[@]}"; do
  mkdir -p "fuzz-out/$t"
  echo "== fuzz_$t for ${seconds}s"
  ASAN_OPTIONS=suppressions=$PWD/fuzz/asan.supp build/sanitize/fuzz/fuzz_"$t" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="fuzz-out/$t/" -print_final_stats=1 "fuzz-out/$t" "fuzz/corpus/$t" 2>&1 | tail -12
done
