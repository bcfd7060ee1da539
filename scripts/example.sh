#!/usr/bin/env bash
# README.md's example job: the filter chain over the bundled example dumps
# (examples/dumps: a JSONL forum export and a WARC capture, fictitious people).
#
#  1. a project key, created once (examples/out/moisson.key, mode 0600);
#  2. one person's opt-out in the registry (a fictitious e-mail address);
#  3. the sites' robots.txt as captured (examples/dumps/robots.warc.gz, the shape
#     of Common Crawl's robots.txt subset) into a site-policy store,
#     examples/out/sites.sqlite (docs/sites.md);
#  4. moisson filter --sites: kept and modified documents to
#     examples/out/dataset.jsonl.zst, id/URL/reasons of dropped ones to
#     examples/out/rejects.jsonl, one ledger row per document in
#     examples/out/ledger.sqlite; prints the summary;
#  5. moisson crawl of the example site served on 127.0.0.1 (below).
set -euo pipefail
cd "$(dirname "$0")/.."
moisson=${MOISSON:-build/release/moisson}
config=examples/moisson.toml
mkdir -p examples/out
[[ -f examples/out/moisson.key ]] || "$moisson" keygen --out examples/out/moisson.key
"$moisson" --config "$config" optout add --email bertrand.lefort@example.org --ref EXAMPLE-2024-001 >/dev/null
"$moisson" sites import --store examples/out/sites.sqlite examples/dumps/robots.warc.gz
"$moisson" --config "$config" filter examples/dumps/forum.jsonl examples/dumps/pages.warc.gz \
  --sites examples/out/sites.sqlite --dedup -o examples/out/dataset.jsonl.zst --rejects examples/out/rejects.jsonl

# 5. moisson crawl: the example site (examples/site) served on 127.0.0.1 by
#    Python's http.server, crawled from its home page (--allow-private: the
#    crawler refuses loopback addresses otherwise). Pages go to
#    examples/out/crawl/pages-00000.jsonl, one ledger row per URL considered.
port_file=$(mktemp)
/usr/bin/python3 -c '
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
open(sys.argv[2], "w").write(str(server.server_address[1]))
server.serve_forever()' examples/site "$port_file" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [[ -s "$port_file" ]] && break; sleep 0.1; done
rm -rf examples/out/crawl
echo
"$moisson" --config "$config" crawl "http://127.0.0.1:$(cat "$port_file")/" -o examples/out/crawl \
  --allow-private --delay 0.1 --no-progress
