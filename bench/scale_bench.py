#!/usr/bin/python3
"""`moisson filter` on one machine: one process against two ranks of one
run (--rank/--world-size, what a 2-task Slurm array does) and one process
with two worker threads, over the same generated dumps, measured in the same
run (docs/scaling.md). Prints wall time, MB/s of (uncompressed) JSONL and documents/s, and
each against the one-process, one-thread baseline. Asserts nothing.

    /usr/bin/python3 bench/scale_bench.py [--files 24] [--docs 4000] [--moisson build/release/moisson]

The dumps are sparse prose (one document in 37 holds an e-mail address),
written as gzip JSONL like a datatrove export, with an id, a URL and fields
carried on as metadata. The ledger is one SQLite file shared by the ranks.
"""

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORDS = ("le la les un une des chat chien maison jardin soleil pluie ville route travail ami famille livre "
         "musique film the a of house garden rain city road work friend history river market evening").split()


def make_dumps(folder, files, docs):
    rnd = random.Random(17)
    total = raw = 0
    for f in range(files):
        lines = []
        for i in range(docs):
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(80, 400)))
            if i % 37 == 0:
                text += f" Écrivez-moi : auteur{f}x{i}@example.org"
            lines.append(json.dumps({"id": f"b{f}-{i}", "text": text, "url": f"https://site{f % 50}.example/{i}",
                                     "dump": "BENCH", "metadata": {"i": i}}))
        path = os.path.join(folder, f"dump-{f:04d}.jsonl.gz")
        data = ("\n".join(lines) + "\n").encode()
        raw += len(data)
        with open(path, "wb") as o:
            o.write(gzip.compress(data, 6, mtime=0))
        total += os.path.getsize(path)
    return total, raw


def run(cmds):
    start = time.monotonic()
    procs = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for c in cmds]
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            sys.exit(f"failed: {err}")
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=24)
    ap.add_argument("--docs", type=int, default=4000)
    ap.add_argument("--moisson", default=os.path.join(REPO, "build", "release", "moisson"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="moisson-scale-bench-") as tmp:
        dumps = os.path.join(tmp, "dumps")
        os.makedirs(dumps)
        size, raw = make_dumps(dumps, a.files, a.docs)
        docs = a.files * a.docs
        cfg_dir = os.path.join(tmp, "cfg")
        os.makedirs(os.path.join(cfg_dir, "out"))
        with open(os.path.join(REPO, "examples", "moisson.toml")) as f:
            text = "\n".join(l for l in f.read().splitlines() if not l.startswith("optout_registry")) + "\n"
        config = os.path.join(cfg_dir, "moisson.toml")
        with open(config, "w") as f:
            f.write(text)
        subprocess.run([a.moisson, "keygen", "--out", os.path.join(cfg_dir, "out", "moisson.key")], check=True,
                       capture_output=True)

        def filt(out, ledger, *extra):
            return [a.moisson, "--config", config, "filter", dumps, "-o", out + "/", "--ledger", ledger, "-q", *extra]

        print(f"{a.files} gzip JSONL dumps, {docs} documents, {raw / 1e6:.1f} MB of JSONL, {size / 1e6:.1f} MB compressed "
              f"({os.cpu_count()} cores)")
        results = []
        base = run([filt(os.path.join(tmp, "o1"), os.path.join(tmp, "l1.sqlite"), "--threads", "1")])
        results.append(("1 process, 1 thread (baseline)", base))
        two = run([filt(os.path.join(tmp, "o2"), os.path.join(tmp, "l2.sqlite"), "--threads", "1", "--rank", str(r),
                        "--world-size", "2") for r in range(2)])
        results.append(("2 processes (ranks 0, 1 of 2), 1 thread each", two))
        threads = run([filt(os.path.join(tmp, "o3"), os.path.join(tmp, "l3.sqlite"), "--threads", "2")])
        results.append(("1 process, 2 threads", threads))
        for name, secs in results:
            print(f"{name:<48} {secs:7.2f} s  {raw / 1e6 / secs:6.1f} MB/s of JSONL  {docs / secs:8.0f} docs/s  "
                  f"{base / secs:4.2f}x the baseline")


if __name__ == "__main__":
    main()
