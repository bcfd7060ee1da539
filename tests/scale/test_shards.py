#!/usr/bin/python3
"""Many files, many ranks (issue 17 §1): `filter`/`scan` over folders, lists
and http(s) URLs; shards with a manifest; --rank/--world-size and Slurm's
array variables; --resume after kill -9 and Ctrl-C; the inputs' other fields
carried into `metadata`; `merge-summary`.

The dumps are generated here (JSONL with ids, URLs, a `metadata` object and
top-level fields the reader does not map) plus the bundled example dumps.
Downloads are served by Debian's nginx on loopback, behind a small proxy of
this file's own that cuts chosen connections mid-body.

Run:  MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/scale/test_shards.py
"""

import glob
import gzip
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "crawl"))

from servers import Nginx, free_port  # noqa: E402

BIN = os.path.abspath(os.environ.get("MOISSON_BIN") or os.path.join(REPO, "build", "release", "moisson"))
EXAMPLES = os.path.join(REPO, "examples", "dumps")
WORDS = ("le la les un une des chat chien maison jardin soleil pluie ville route travail ami "
         "famille livre musique film the a of house garden rain city road work friend").split()


def make_dumps(folder, files, docs, seed=7):
    """`files` JSONL dumps of `docs` documents each (gzip for odd ones)."""
    rnd = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    paths = []
    for f in range(files):
        name = os.path.join(folder, f"dump-{f:03d}.jsonl" + (".gz" if f % 2 else ""))
        lines = []
        for i in range(docs):
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(40, 160)))
            if i % 37 == 0:
                text += f" Écrivez-moi : auteur{f}x{i}@example.org"
            lines.append(json.dumps({"id": f"s{seed}d{f}-{i}", "text": text, "url": f"https://site{f % 4}.example/p/{i}",
                                     "license": "cc-by-4.0", "dump": "CC-MAIN-TEST",
                                     "metadata": {"position": i, "tags": ["a", {"b": None}]}}))
        data = ("\n".join(lines) + "\n").encode()
        if name.endswith(".gz"):
            data = gzip.compress(data, mtime=0)
        with open(name, "wb") as o:
            o.write(data)
        paths.append(name)
    return paths


def read_records(folder, prefix="part-"):
    """Every record of the final shards of `folder` whose name starts with `prefix`, in file then line order."""
    out = []
    for path in sorted(glob.glob(os.path.join(folder, prefix + "*.jsonl.zst"))):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
        out.extend(json.loads(line) for line in data.decode().splitlines() if line.strip())
    return out


def key(r):
    return (r["id"], r["text"], json.dumps(r.get("metadata"), sort_keys=True))


class CuttingProxy:
    """A TCP proxy in front of `port` that closes the first `cuts` responses
    after `after` body-and-head bytes, then passes everything through."""

    def __init__(self, port, cuts, after):
        self.port, self.cuts, self.after = port, cuts, after
        self.cut_done = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                cut = self.cut_done < self.cuts
                if cut:
                    self.cut_done += 1
            threading.Thread(target=self._serve, args=(client, cut), daemon=True).start()

    def _serve(self, client, cut):
        upstream = socket.create_connection(("127.0.0.1", self.port))

        def up():
            try:
                while data := client.recv(65536):
                    upstream.sendall(data)
            except OSError:
                pass

        threading.Thread(target=up, daemon=True).start()
        sent = 0
        try:
            while data := upstream.recv(65536):
                if cut and sent + len(data) >= self.after:
                    client.sendall(data[: max(0, self.after - sent)])
                    break
                client.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (client, upstream):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.sock.close()


def make_config(folder):
    """The example configuration with a key of its own (made here) and no opt-out registry."""
    os.makedirs(os.path.join(folder, "out"), exist_ok=True)
    with open(os.path.join(REPO, "examples", "moisson.toml")) as f:
        text = f.read()
    text = "\n".join(l for l in text.splitlines() if not l.startswith("optout_registry")) + "\n"
    config = os.path.join(folder, "moisson.toml")
    with open(config, "w") as f:
        f.write(text)
    subprocess.run([BIN, "keygen", "--out", os.path.join(folder, "out", "moisson.key")], check=True,
                   capture_output=True)
    return config


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="moisson-scale-")
        self.dir = self.tmp.name
        self.ledger = os.path.join(self.dir, "ledger.sqlite")
        self.config = make_config(os.path.join(self.dir, "config"))

    def tearDown(self):
        self.tmp.cleanup()

    def moisson(self, *args, env=None, check=None, ledger=True, stdin=None):
        cmd = [BIN, "--config", self.config, *args]
        if ledger and args and args[0] == "filter" and "--ledger" not in args:
            cmd += ["--ledger", self.ledger]
        e = dict(os.environ)
        for k in list(e):
            if k.startswith("SLURM_"):
                del e[k]
        e.update(env or {})
        p = subprocess.run(cmd, capture_output=True, text=True, env=e, input=stdin, timeout=240)
        if check is not None:
            self.assertEqual(p.returncode, check, f"{' '.join(args)}\nstderr: {p.stderr}")
        return p


class Inputs(Base):
    def test_folder_list_and_glob(self):
        dumps = os.path.join(self.dir, "dumps")
        make_dumps(os.path.join(dumps, "a"), 2, 20)
        make_dumps(os.path.join(dumps, "b", "c"), 2, 20, seed=8)
        os.makedirs(os.path.join(dumps, ".hidden"))
        with open(os.path.join(dumps, ".hidden", "x.jsonl"), "w") as f:
            f.write('{"id":"hidden","text":"never read"}\n')
        with open(os.path.join(dumps, "notes.txt"), "w") as f:
            f.write("not a dump\n")
        os.symlink(os.path.join(dumps, "a"), os.path.join(dumps, "b", "loop"))  # a link to a folder: not entered
        p = self.moisson("scan", dumps, check=0)
        ids = [json.loads(l)["id"] for l in p.stdout.splitlines()]
        self.assertEqual(len(ids), 80)
        self.assertNotIn("hidden", ids)
        # Files in byte order of their path: a/ before b/c/.
        self.assertEqual((ids[0], ids[20], ids[40], ids[-1]), ("s7d0-0", "s7d1-0", "s8d0-0", "s8d1-19"))
        p = self.moisson("scan", dumps, "--glob", "*.gz", check=0)
        self.assertEqual(len(p.stdout.splitlines()), 40)
        p = self.moisson("scan", dumps, "--glob", "*.parquet", check=2)
        self.assertIn("no input file in this folder matching '*.parquet'", p.stderr)
        empty = os.path.join(self.dir, "empty")
        os.makedirs(empty)
        p = self.moisson("scan", empty, check=2)
        self.assertIn("empty: no input file in this folder", p.stderr)

        # A list, plain, gzip-compressed and on standard input; comments and blank lines.
        files = sorted(glob.glob(os.path.join(dumps, "**", "*.jsonl*"), recursive=True))
        files = [f for f in files if "/." not in f and "/loop/" not in f]
        lst = os.path.join(self.dir, "inputs.txt")
        with open(lst, "w") as f:
            f.write("# the dumps\n\n" + "\n".join(files) + "\n")
        with gzip.open(lst + ".gz", "wt") as f:
            f.write("\n".join(files) + "\n")
        for args, stdin in ((["--inputs-from", lst], None), (["--inputs-from", lst + ".gz"], None),
                            (["--inputs-from", "-"], "\n".join(files) + "\n")):
            p = self.moisson("scan", *args, stdin=stdin, check=0)
            self.assertEqual(len(p.stdout.splitlines()), 80, args)
        p = self.moisson("scan", "--inputs-from", dumps, check=2)
        self.assertIn("is a folder, not a list of inputs", p.stderr)
        with open(lst, "w") as f:
            f.write("# nothing\n")
        p = self.moisson("scan", "--inputs-from", lst, check=2)
        self.assertIn("the list names no input", p.stderr)
        p = self.moisson("scan", "--inputs-from", "-", "-", stdin="x\n", check=2)
        self.assertIn("both an input and --inputs-from", p.stderr)
        # The same file twice, once through a folder: refused before anything is read.
        p = self.moisson("scan", dumps, files[0], check=2)
        self.assertIn("given twice", p.stderr)
        p = self.moisson("scan", check=2)
        self.assertIn("no input", p.stderr)
        p = self.moisson("scan", "--inputs-fro", lst, check=2)
        self.assertIn("--inputs-from", p.stderr)

    def test_misuse_is_named(self):
        dumps = os.path.join(self.dir, "d")
        make_dumps(dumps, 1, 3)
        lst = os.path.join(self.dir, "list.txt")
        with open(lst, "w") as f:
            f.write("dump-000.jsonl\n")
        out = os.path.join(self.dir, "o")
        cases = [
            (["filter", dumps, "-o", out + "/", "--base-url", "https://x.example/"],
             "--base-url: it applies to --inputs-from's lines; give the list"),
            (["filter", "--inputs-from", lst, "--base-url", "ftp://x.example/", "-o", out + "/"],
             "--base-url ftp://x.example/: not an http:// or https:// URL"),
            (["filter", dumps, "-o", os.path.join(self.dir, "x.jsonl"), "--attributes", out + "-a"],
             "--attributes: give -o DIR/"),
            (["filter", dumps, "-o", out + "/", "--attributes", out],
             "--attributes: give a folder of its own"),
            (["scan", dumps, "-o", out + "/", "--resume"], "unknown option --resume"),
            (["merge-summary", os.path.join(self.dir, "missing")], "missing: not a folder"),
            (["merge-summary", dumps], "no manifest-*.json"),
            (["crawl", "http://127.0.0.1:9/", "-o", out + "-c", "--rank", "0", "--world-size", "2"],
             "--rank and --world-size share a --frontier"),
            (["crawl", "http://127.0.0.1:9/", "-o", out + "-c", "--frontier", "postgresql://127.0.0.1:9/x",
              "--rank", "2", "--world-size", "2"], "--rank 2 is not below --world-size 2 (ranks count from 0)"),
            (["crawl", "http://127.0.0.1:9/", "-o", out + "-c", "--frontier", "postgresql://127.0.0.1:9/x",
              "--rank", "1"], "--rank and --world-size go together"),
            (["crawl", "http://127.0.0.1:9/", "-o", out + "-c", "--frontier", "mysql://x/y"],
             "not a postgresql:// connection string"),
            (["crawl", "--resume", dumps, "--frontier", "postgresql://127.0.0.1:9/x"],
             "not resumed with --resume"),
        ]
        for args, message in cases:
            p = self.moisson(*args)
            self.assertIn(p.returncode, (1, 2), args)
            self.assertIn(message, p.stderr, args)

    def test_metadata_carried_on(self):
        make_dumps(os.path.join(self.dir, "d"), 1, 5)
        out = os.path.join(self.dir, "out.jsonl")
        self.moisson("filter", os.path.join(self.dir, "d"), "-o", out, check=0)
        recs = {r["id"]: r for r in map(json.loads, open(out))}
        self.assertIn("s7d0-1", recs)
        # Unmapped top-level fields and the input's metadata members, values as written.
        self.assertEqual(recs["s7d0-1"]["metadata"], {"license": "cc-by-4.0", "dump": "CC-MAIN-TEST", "position": 1,
                                               "tags": ["a", {"b": None}]})
        self.assertNotIn("url", recs["s7d0-1"]["metadata"])
        self.moisson("filter", os.path.join(self.dir, "d"), "-o", out, "--metadata-fields", "dump,position", check=0)
        self.assertEqual({r["id"]: r for r in map(json.loads, open(out))}["s7d0-1"]["metadata"],
                         {"dump": "CC-MAIN-TEST", "position": 1})
        self.moisson("filter", os.path.join(self.dir, "d"), "-o", out, "--no-metadata", check=0)
        self.assertNotIn("metadata", json.loads(open(out).readline()))
        # A field holding what the detectors find is withheld whole; a value that is not JSON withholds
        # the object (the reader checks structure, not every token); nothing of them reaches the output.
        odd = os.path.join(self.dir, "odd.jsonl")
        with open(odd, "w") as f:
            f.write(json.dumps({"id": "a", "text": "Le marché ouvre samedi matin sur la place.", "source": "forum",
                                "author": {"mail": "jeanne.martin@example.fr"}, "bio": "Je suis diabétique depuis 2019 et je me soigne."}) + "\n")
            f.write('{"id": "b", "text": "Le marché ouvre dimanche.", "x": 12abc, "y": [1, tru]}\n')
        p = self.moisson("filter", odd, "-o", out, check=0)
        recs = {r["id"]: r for r in map(json.loads, open(out))}
        self.assertEqual(recs["a"]["metadata"], {"source": "forum"})
        self.assertNotIn("metadata", recs["b"])
        self.assertFalse("jeanne.martin" in open(out).read(), "the e-mail of a withheld field reached the output")
        self.assertRegex(p.stderr, r"metadata fields withheld \(a finding\)\s+3")


class Shards(Base):
    def full_run(self, dumps, out, extra=()):
        return self.moisson("filter", dumps, "-o", out + "/", "--shard-mib", "0.05", "--rejects", out,
                            "--attributes", out + "-attributes", *extra, check=0)

    def check_attributes(self, out):
        """dolma attribute files: one per shard, same name, same rows; spans on the output text."""
        shards = sorted(os.path.basename(f) for f in glob.glob(os.path.join(out, "part-*.jsonl.zst")))
        attrs = sorted(os.path.basename(f) for f in glob.glob(os.path.join(out + "-attributes", "part-*.jsonl.zst")))
        self.assertEqual(attrs, shards)
        emails = 0
        for name in shards:
            stem = name[: -len(".jsonl.zst")]
            docs = read_records(out, stem)
            rows = read_records(out + "-attributes", stem)
            self.assertTrue(docs)
            self.assertEqual([d["id"] for d in docs], [r["id"] for r in rows], name)
            for d, r in zip(docs, rows):
                for k, spans in r["attributes"].items():
                    for start, end, score in spans:
                        self.assertEqual(score, 1)
                        if k == "moisson__moisson__id.email":
                            emails += 1
                            self.assertRegex(d["text"][start:end], r"^\[id\.email:[0-9a-f]+\]$")
        self.assertGreater(emails, 0)

    def test_ranks_union_is_one_run(self):
        dumps = os.path.join(self.dir, "dumps")
        make_dumps(dumps, 7, 400)
        for f in ("forum.jsonl", "pages.warc.gz"):
            os.symlink(os.path.join(EXAMPLES, f), os.path.join(dumps, f))
        one = os.path.join(self.dir, "one")
        self.full_run(dumps, one)
        self.check_attributes(one)
        base = read_records(one)
        self.assertGreater(len(glob.glob(os.path.join(one, "part-00000-*.jsonl.zst"))), 2)
        manifest = json.load(open(os.path.join(one, "manifest-00000.json")))
        self.assertEqual(manifest["totals"]["records"], len(base))
        self.assertEqual(manifest["totals"]["inputs"], 9)
        self.assertEqual(manifest["totals"]["documents"], 7 * 400 + 12 + 7)
        self.assertEqual(sum(s["records"] for s in manifest["shards"]), len(base))
        drops = len(read_records(one, "rejects-"))
        self.assertEqual(manifest["totals"]["counts"]["dropped"], drops)
        self.assertGreater(drops, 0)

        four = os.path.join(self.dir, "four")
        for r in range(3):  # ranks 0..2 by flags, rank 3 from Slurm's array variables
            self.full_run(dumps, four, ("--rank", str(r), "--world-size", "4"))
        p = self.moisson("merge-summary", four, check=1)
        self.assertIn("no manifest for rank 3 of 4", p.stderr)
        p = self.moisson("filter", dumps, "-o", four + "/", "--shard-mib", "0.05", "--rejects", four,
                         env={"SLURM_ARRAY_TASK_ID": "13", "SLURM_ARRAY_TASK_MIN": "10",
                              "SLURM_ARRAY_TASK_COUNT": "4"}, check=0)
        self.assertIn("rank 3 of 4 (from Slurm)", p.stderr)
        ranks = read_records(four)
        self.assertEqual(sorted(map(key, ranks)), sorted(map(key, base)))
        self.assertEqual(len(ranks), len(set(r["id"] for r in ranks)))
        p = self.moisson("merge-summary", four, "--verify", check=0)
        merged = json.loads(p.stdout)
        self.assertEqual(merged["records"], len(base))
        self.assertEqual(merged["counts"], manifest["totals"]["counts"])
        self.assertEqual(merged["inputs"], 9)
        self.assertEqual(json.load(open(os.path.join(four, "summary.json"))), merged)
        # A shard changed after its manifest was written is found.
        victim = sorted(glob.glob(os.path.join(four, "part-00002-*.jsonl.zst")))[0]
        with open(victim, "r+b") as f:
            f.seek(20)
            b = f.read(1)
            f.seek(20)
            f.write(bytes([b[0] ^ 0xFF]))
        p = self.moisson("merge-summary", four, "--verify", check=1)
        self.assertIn("does not match its manifest", p.stderr)
        # The ledger holds one chain for every rank.
        p = self.moisson("audit", "verify", "--ledger", self.ledger)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_bad_rank_arguments(self):
        dumps = os.path.join(self.dir, "dumps")
        make_dumps(dumps, 2, 5)
        out = os.path.join(self.dir, "o")
        p = self.moisson("filter", dumps, "-o", out + "/", "--rank", "2", "--world-size", "2", check=2)
        self.assertIn("--rank 2 is not below --world-size 2", p.stderr)
        p = self.moisson("filter", dumps, "-o", os.path.join(self.dir, "x.jsonl"), "--rank", "0", "--world-size", "2",
                         check=2)
        self.assertIn("give -o DIR/", p.stderr)
        p = self.moisson("filter", dumps, "-o", out + "/", env={"SLURM_ARRAY_TASK_ID": "5",
                                                                  "SLURM_ARRAY_TASK_COUNT": "2"}, check=2)
        self.assertIn("SLURM_ARRAY_TASK_ID", p.stderr)
        p = self.moisson("filter", dumps, "-o", os.path.join(self.dir, "x.jsonl"), "--resume", check=2)
        self.assertIn("--resume: give -o DIR/", p.stderr)
        # A second run into the same folder without --resume: refused, nothing changed.
        self.moisson("filter", dumps, "-o", out + "/", check=0)
        before = {f: open(os.path.join(out, f), "rb").read() for f in os.listdir(out)}
        p = self.moisson("filter", dumps, "-o", out + "/", check=1)
        self.assertIn("--resume goes on with it", p.stderr)
        self.assertEqual({f: open(os.path.join(out, f), "rb").read() for f in os.listdir(out)}, before)
        # --resume with a ledger that knows nothing of the folder: refused, nothing cut.
        p = self.moisson("filter", dumps, "-o", out + "/", "--resume", "--ledger",
                         os.path.join(self.dir, "other.sqlite"), check=2)
        self.assertIn("records no input finished there", p.stderr)
        self.assertEqual({f: open(os.path.join(out, f), "rb").read() for f in os.listdir(out)}, before)
        # --resume asking for outputs the run did not write: refused (rows would not align).
        p = self.moisson("filter", dumps, "-o", out + "/", "--resume", "--attributes", out + "-attr", check=2)
        self.assertIn("resume with the same outputs", p.stderr)
        # A folder input inside the output folder.
        p = self.moisson("filter", out, "-o", out + "/", "--resume", check=2)
        self.assertIn("inside the output folder", p.stderr)
        # Resumed with another world size: refused.
        p = self.moisson("filter", dumps, "-o", out + "/", "--rank", "0", "--world-size", "3", "--resume", check=2)
        self.assertIn("resume with the same world size", p.stderr)
        # A second --resume of a finished rank: nothing read, same shards.
        p = self.moisson("filter", dumps, "-o", out + "/", "--resume", check=0)
        self.assertIn("2 already finished", p.stderr)
        after = {f: open(os.path.join(out, f), "rb").read() for f in os.listdir(out)}
        self.assertEqual({f: b for f, b in after.items() if f != "manifest-00000.json"},
                         {f: b for f, b in before.items() if f != "manifest-00000.json"})

    def test_max_skipped_rate_counts_the_whole_rank(self):
        dumps = os.path.join(self.dir, "dumps")
        paths = make_dumps(dumps, 2, 200)
        for path in paths:  # one unreadable line in each
            data = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
            data += b"{not json\n"
            if path.endswith(".gz"):
                data = gzip.compress(data, mtime=0)
            with open(path, "wb") as f:
                f.write(data)
        one = os.path.join(self.dir, "one.jsonl")
        self.moisson("filter", dumps, "-o", one, "--max-skipped", "0.6%", check=0)
        self.moisson("filter", dumps, "-o", os.path.join(self.dir, "o") + "/", "--max-skipped", "0.6%", check=0)
        p = self.moisson("filter", dumps, "-o", os.path.join(self.dir, "o2") + "/", "--max-skipped", "1", check=1)
        self.assertIn("2 of 402 records could not be read", p.stderr)

    def test_erase_keeps_the_manifest_true(self):
        dumps = os.path.join(self.dir, "dumps")
        make_dumps(dumps, 2, 100)
        out = os.path.join(self.dir, "out")
        self.full_run(dumps, out)
        before = json.loads(self.moisson("merge-summary", out, "--verify", check=0).stdout)
        holder = [os.path.basename(f) for f in sorted(glob.glob(os.path.join(out, "part-*.jsonl.zst")))
                  if any(json.loads(l)["id"] == "s7d1-37" for l in subprocess.run(
                      ["zstd", "-dc", f], check=True, capture_output=True, text=True).stdout.splitlines())]
        self.assertEqual(len(holder), 1)
        registry = os.path.join(self.dir, "registry.sqlite")
        self.moisson("optout", "init", "--registry", registry, check=0)
        p = self.moisson("rights", "erase", "--email", "auteur1x37@example.org", "--ledger", self.ledger,
                         "--registry", registry, "--root", self.dir, check=0)
        self.assertIn("1 output record from 1 file", p.stderr + p.stdout)
        after = json.loads(self.moisson("merge-summary", out, "--verify", check=0).stdout)
        self.assertEqual(after["records"], before["records"] - 1)
        manifest = json.load(open(os.path.join(out, "manifest-00000.json")))
        self.assertEqual([r["file"] for r in manifest["rewritten"]], holder)
        # The dolma attribute file of that shard lost the same row: still row for row, and listed as it is now.
        self.check_attributes(out)
        attr = {a["file"]: a for a in manifest["attributes"]}[holder[0]]
        self.assertEqual(attr["records"], len(read_records(out + "-attributes", holder[0][: -len(".jsonl.zst")])))
        self.assertNotIn("s7d1-37", [r["id"] for r in read_records(out)])

    def interrupted_then_resumed(self, sig):
        dumps = os.path.join(self.dir, "dumps")
        make_dumps(dumps, 16, 1500)
        whole = os.path.join(self.dir, "whole")
        self.full_run(dumps, whole, ("--ledger", os.path.join(self.dir, "whole.sqlite")))
        expected = read_records(whole)
        out = os.path.join(self.dir, "cut")
        cmd = [BIN, "--config", self.config, "filter", dumps, "-o", out + "/", "--shard-mib", "0.05", "--rejects", out,
               "--attributes", out + "-attributes", "--ledger", self.ledger, "--threads", "1", "-q"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # Stop it once two inputs are finished (the ledger says so) and well before the last.
        deadline = time.time() + 120
        finished = 0
        while time.time() < deadline and proc.poll() is None:
            try:
                with sqlite3.connect(f"file:{self.ledger}?mode=ro", uri=True, timeout=5) as db:
                    finished = db.execute("SELECT count(*) FROM inputs").fetchone()[0]
            except sqlite3.Error:
                finished = 0
            if finished >= 2:
                break
            time.sleep(0.01)
        self.assertIsNone(proc.poll(), "the run ended before it could be stopped: make the dumps larger")
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        if sig == signal.SIGKILL:
            self.assertEqual(proc.returncode, -signal.SIGKILL)
            self.assertTrue(glob.glob(os.path.join(out, "*.partial")), os.listdir(out))
        else:
            self.assertEqual(proc.returncode, 130, err)
            self.assertIn("run again with --resume", err)
        self.assertFalse(os.path.exists(os.path.join(out, "manifest-00000.json")))
        p = self.moisson("filter", dumps, "-o", out + "/", "--shard-mib", "0.05", "--rejects", out, "--resume",
                         "--attributes", out + "-attributes", check=0)
        self.assertRegex(p.stderr, r"1[0-9]? already finished|[2-9] already finished")
        self.assertFalse(glob.glob(os.path.join(out, "*.partial")))
        got = read_records(out)
        self.assertEqual(len(got), len(expected))
        self.assertTrue(got == expected, "the resumed run's records differ from an uninterrupted run's")
        self.assertEqual(read_records(out, "rejects-"), read_records(whole, "rejects-"))
        # The shards themselves: same names, same bytes.
        names = lambda d: sorted(os.path.basename(f) for f in glob.glob(os.path.join(d, "*.jsonl.zst")))
        self.assertEqual(names(out), names(whole))
        attr = lambda d: {os.path.basename(f): open(f, "rb").read()
                          for f in glob.glob(os.path.join(d + "-attributes", "*.jsonl.zst"))}
        self.assertEqual(attr(out), attr(whole))
        self.check_attributes(out)
        m_out = json.load(open(os.path.join(out, "manifest-00000.json")))
        m_whole = json.load(open(os.path.join(whole, "manifest-00000.json")))
        self.assertEqual(m_out["totals"], m_whole["totals"])
        self.assertEqual(m_out["shards"], m_whole["shards"])
        self.assertEqual(self.moisson("audit", "verify", "--ledger", self.ledger).returncode, 0)

    def test_resume_after_kill_9(self):
        self.interrupted_then_resumed(signal.SIGKILL)

    def test_resume_after_ctrl_c(self):
        self.interrupted_then_resumed(signal.SIGINT)


class Http(Base):
    def test_downloads_with_a_cut_connection(self):
        site = os.path.join(self.dir, "site")
        paths = make_dumps(site, 3, 300)
        local = os.path.join(self.dir, "local.jsonl")
        self.moisson("filter", *paths, "-o", local, check=0)
        expected = [json.loads(l) for l in open(local)]
        for r in expected:  # the source differs: the file name in position ids stays the same
            r["moisson"].pop("source")
        with Nginx(site) as ng:
            size = os.path.getsize(paths[0])
            proxy = CuttingProxy(ng.port, cuts=2, after=size // 3)
            try:
                lst = os.path.join(self.dir, "list.txt")
                with open(lst, "w") as f:
                    f.write("\n".join(os.path.basename(p) + "?token=SECRET" for p in paths) + "\n")
                out = os.path.join(self.dir, "http.jsonl")
                p = self.moisson("filter", "--inputs-from", lst, "--base-url", proxy.base + "/", "-o", out, check=0)
                self.assertEqual(proxy.cut_done, 2)
                got = [json.loads(l) for l in open(out)]
                for r in got:
                    self.assertTrue(r["moisson"].pop("source")["file"].startswith(proxy.base))
                self.assertEqual(got, expected)
                ranges = [r for r in ng.requests() if r["status"] == 206]
                self.assertGreaterEqual(len(ranges), 1, ng.requests())
                db = sqlite3.connect(self.ledger)
                files = {r[0] for r in db.execute("SELECT DISTINCT source_file FROM documents "
                                                  "WHERE run = (SELECT max(id) FROM runs)")}
                self.assertTrue(files and all("SECRET" not in f and f.startswith(proxy.base) for f in files), files)
                self.assertNotIn("SECRET", p.stderr)
            finally:
                proxy.close()
            # A 404 fails the run, naming the URL without its credentials and query.
            authority = ng.base.replace("http://", "http://alice:PASSW0RD@")
            p = self.moisson("filter", authority + "/missing.jsonl?token=SECRET", "-o", out, check=1)
            self.assertIn(ng.base + "/missing.jsonl: HTTP 404", p.stderr)
            self.assertNotIn("SECRET", p.stderr)
            self.assertNotIn("PASSW0RD", p.stderr)
            # Two URLs that differ by their query are two inputs, in the ledger and the manifest alike.
            name = os.path.basename(paths[0])
            sharded = os.path.join(self.dir, "by-query")
            self.moisson("filter", f"{ng.base}/{name}?part=1", f"{ng.base}/{name}?part=2", "-o", sharded + "/",
                         check=0)
            manifest = json.load(open(os.path.join(sharded, "manifest-00000.json")))
            names = [i["input"] for i in manifest["inputs"]]
            self.assertEqual(len(set(names)), 2, names)
            self.assertTrue(all(n.startswith(f"{ng.base}/{name}#q") and "part" not in n for n in names), names)
            self.moisson("merge-summary", sharded, "--verify", check=0)
            # Every attempt cut: the run gives up after --http-retries and writes nothing.
            proxy = CuttingProxy(ng.port, cuts=100, after=size // 2)
            try:
                os.remove(out)
                p = self.moisson("filter", proxy.base + "/" + os.path.basename(paths[0]), "-o", out,
                                 "--http-retries", "1", check=1)
                self.assertIn("gave up after 2 attempts", p.stderr)
                self.assertFalse(os.path.exists(out))
            finally:
                proxy.close()
        # Ctrl-C while a server stalls mid-body: the run stops at once, not after the stall timeout.
        stall = socket.socket()
        stall.bind(("127.0.0.1", 0))
        stall.listen(4)
        held = []

        def serve():
            try:
                c, _ = stall.accept()
                held.append(c)
                c.recv(65536)
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b'{"text": "a"}\n' * 10)
            except OSError:
                pass

        threading.Thread(target=serve, daemon=True).start()
        proc = subprocess.Popen([BIN, "--config", self.config, "filter", "--ledger", self.ledger, "-o", out,
                                 f"http://127.0.0.1:{stall.getsockname()[1]}/stall.jsonl"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 10
        while not held and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        started = time.time()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 130, err)
        self.assertLess(time.time() - started, 5)
        self.assertFalse(os.path.exists(out))
        stall.close()
        for c in held:
            c.close()
        # Nothing listens: a clear failure, not a hang.
        p = self.moisson("filter", f"http://127.0.0.1:{free_port()}/x.jsonl", "-o", out, "--http-retries", "0",
                         check=1)
        self.assertIn("gave up after 1 attempts", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
