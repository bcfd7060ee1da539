#!/usr/bin/env bash
# README.md's example job: the filter chain over the bundled example dumps
# (examples/dumps: a JSONL forum export and a WARC capture, fictitious people).
#
#  1. a project key, created once (examples/out/moisson.key, mode 0600);
#  2. one person's opt-out in the registry (a fictitious e-mail address);
#  3. moisson filter: kept and modified documents to examples/out/dataset.jsonl.zst,
#     id/URL/reasons of dropped ones to examples/out/rejects.jsonl, one ledger
#     row per document in examples/out/ledger.sqlite; prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
moisson=${MOISSON:-build/release/moisson}
config=examples/moisson.toml
mkdir -p examples/out
[[ -f examples/out/moisson.key ]] || "$moisson" keygen --out examples/out/moisson.key
"$moisson" --config "$config" optout add --email bertrand.lefort@example.org --ref EXAMPLE-2024-001 >/dev/null
"$moisson" --config "$config" filter examples/dumps/forum.jsonl examples/dumps/pages.warc.gz \
  --dedup -o examples/out/dataset.jsonl.zst --rejects examples/out/rejects.jsonl
