"""moisson as one step of a dataset pipeline over JSONL shards (docs/python.md).

    /usr/bin/python3 examples/python/dataset_step.py --config examples/moisson.toml \
        --out OUTDIR examples/dumps/forum.jsonl [more shards...]

Reads every shard (JSONL, .gz or .zst, or WARC/WET) with moisson's readers,
runs the documents through the same chain as `moisson filter`, and writes one
JSONL shard per input with the kept records in `moisson filter`'s output
schema, written aside and renamed into place when complete. With --ledger,
every document judged gets its provenance row, pointing at its shard, so that
`moisson rights find` and `rights erase` work on these shards as on
`moisson filter`'s outputs (plain JSONL: erase rewrites it in place). Prints counts
only: never a document's text or identifiers.
"""
import argparse
import json
import os
import pathlib
import sys

import moisson


def documents(chain, shards):
    """Generator in: the records of each shard, as moisson reads them."""
    for shard in shards:
        reader = chain.read(shard)
        yield from reader
        if reader.skipped:
            print(f"{shard}: {reader.skipped} unreadable records skipped", file=sys.stderr)


def dataset_records(chain, docs, threads, ledger=None, output=None):
    """Generator out: the kept documents as output records (dicts). With a
    ledger, every document judged gets its provenance row, pointing at `output`."""
    for doc in chain.filter(docs, threads=threads, ledger=ledger, output=output):
        yield json.loads(doc.json())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--key", help="project key (default: [project] key)")
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--ledger", help="provenance ledger (SQLite file or postgresql:// URI)")
    ap.add_argument("shards", nargs="+")
    args = ap.parse_args()

    try:
        chain = moisson.Chain(config=args.config, key=args.key, threads=args.threads)
    except moisson.Error as e:
        sys.exit(f"dataset_step: {e}")
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for shard in args.shards:
        target = args.out / (pathlib.Path(shard).name.split(".")[0] + ".jsonl")
        tmp = target.with_name(target.name + ".tmp")
        kept = 0
        with open(tmp, "w", encoding="utf-8") as f:
            for record in dataset_records(chain, documents(chain, [shard]), args.threads, args.ledger, target):
                f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
                kept += 1
        os.replace(tmp, target)
        print(f"{shard}: {kept} records kept -> {target}")
        total += kept
    print(f"{total} records kept in all")


if __name__ == "__main__":
    main()
