#!/usr/bin/python3
"""Stop and resume: `moisson crawl` killed with SIGKILL, or stopped with
SIGINT, then resumed with --resume, must end with exactly the records of an
uninterrupted crawl of the same site: the same set of URLs, none twice, and
finished URLs not fetched again.

Run: MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/crawl/test_resume.py
"""

import collections
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import servers  # noqa: E402

MOISSON = os.path.abspath(os.environ.get("MOISSON_BIN", os.path.join(ROOT, "build/release/moisson")))
PAGES = 240


def make_site(root, pages=PAGES):
    """A chain of pages (each links to the next and to two others), some with
    an e-mail address so that some records are modified, one disallowed."""
    os.makedirs(os.path.join(root, "p"), exist_ok=True)
    with open(os.path.join(root, "robots.txt"), "w") as f:
        f.write("User-agent: *\nDisallow: /p/7.html\n")
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write('<html><body><p>Accueil du site de test.</p><a href="/p/0.html">début</a></body></html>')
    for i in range(pages):
        links = [(i + 1) % pages, (i * 7 + 3) % pages, (i * 13 + 5) % pages]
        extra = " Écrire à personne%d@example.org pour en savoir plus." % i if i % 5 == 0 else ""
        body = "".join('<a href="/p/%d.html">page %d</a> ' % (j, j) for j in links)
        with open(os.path.join(root, "p", "%d.html" % i), "w") as f:
            f.write("<html><head><title>Page %d</title></head><body><p>Texte de la page %d, "
                    "sur les vendanges et le vin.%s</p>%s</body></html>" % (i, i, extra, body))


def records(out_dir):
    """Every output record (url -> list of ids), across all shards."""
    seen = collections.defaultdict(list)
    for name in sorted(os.listdir(out_dir)):
        if not name.startswith("pages-"):
            continue
        with open(os.path.join(out_dir, name), encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)  # a half-written line would fail here
                seen[rec["url"]].append(rec["id"])
    return seen


class ResumeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="moisson-resume-")
        cls.site = os.path.join(cls.tmp.name, "site")
        make_site(cls.site)
        cls.key = os.path.join(cls.tmp.name, "k.key")
        subprocess.run([MOISSON, "keygen", "--out", cls.key], check=True, stdout=subprocess.DEVNULL)
        cls.nginx = servers.Nginx(cls.site)
        cls.nginx.start()
        # The reference: one uninterrupted crawl.
        ref = os.path.join(cls.tmp.name, "ref")
        cls.run_crawl(ref, os.path.join(cls.tmp.name, "ref.sqlite"))
        cls.reference = records(ref)

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        cls.tmp.cleanup()

    @classmethod
    def args(cls, out, ledger):
        return [MOISSON, "crawl", cls.nginx.url("/index.html"), "-o", out, "--allow-private", "--key", cls.key,
                "--ledger", ledger, "--delay", "0.004", "--checkpoint-seconds", "0.2", "-q", "--threads", "1"]

    @classmethod
    def run_crawl(cls, out, ledger):
        p = subprocess.run(cls.args(out, ledger), capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        return p

    def resume(self, out, ledger):
        return subprocess.run([MOISSON, "crawl", "--resume", out, "--key", self.key, "--ledger", ledger, "-q"],
                              capture_output=True, text=True, timeout=120)

    def test_reference_is_complete(self):
        # index + every page but the disallowed one, each once.
        self.assertEqual(len(self.reference), PAGES)
        self.assertTrue(all(len(ids) == 1 for ids in self.reference.values()))
        self.assertNotIn(self.nginx.url("/p/7.html"), self.reference)

    def interrupted(self, sig, name):
        out = os.path.join(self.tmp.name, name)
        ledger = os.path.join(self.tmp.name, name + ".sqlite")
        before = len(self.nginx.requests())
        p = subprocess.Popen(self.args(out, ledger), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Wait until a checkpoint has recorded some progress, then interrupt mid-crawl.
        state = os.path.join(out, "crawl-state.sqlite")
        deadline = time.time() + 30
        while time.time() < deadline:
            time.sleep(0.1)
            try:
                with sqlite3.connect("file:%s?mode=ro" % state, uri=True) as db:
                    done = db.execute("SELECT count(*) FROM urls WHERE done = 1").fetchone()[0]
                if done >= 40:
                    break
            except sqlite3.Error:
                pass
        self.assertIsNone(p.poll(), "the crawl ended before it could be interrupted")
        p.send_signal(sig)
        _, err = p.communicate(timeout=30)
        first_requests = len(self.nginx.requests()) - before
        with sqlite3.connect(state) as db:
            done_urls = {r[0] for r in db.execute("SELECT url FROM urls WHERE done = 1")}
        self.assertLess(len(done_urls), PAGES)
        mark = len(self.nginx.requests())
        r = self.resume(out, ledger)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = records(out)
        dups = {u: ids for u, ids in got.items() if len(ids) > 1}
        self.assertEqual(dups, {}, "records written twice")
        self.assertEqual(set(got), set(self.reference))
        # Finished URLs are not fetched again by the resumed crawl.
        refetched = [q["path"] for q in self.nginx.requests()[mark:]
                     if self.nginx.url(q["path"]) in done_urls]
        self.assertEqual(refetched, [])
        # Every admitted URL has a ledger row.
        with sqlite3.connect(ledger) as db:
            urls = {r[0] for r in db.execute("SELECT url FROM documents")}
        self.assertTrue(set(self.reference) <= urls)
        return p.returncode, err, first_requests

    def test_sigkill_then_resume_gives_the_same_records(self):
        code, _, _ = self.interrupted(signal.SIGKILL, "killed")
        self.assertEqual(code, -signal.SIGKILL)

    def test_sigint_stops_gracefully_then_resume_gives_the_same_records(self):
        code, err, _ = self.interrupted(signal.SIGINT, "interrupted")
        self.assertEqual(code, 130, err)

    def test_resume_of_a_finished_crawl_fetches_nothing(self):
        out = os.path.join(self.tmp.name, "twice")
        ledger = os.path.join(self.tmp.name, "twice.sqlite")
        self.run_crawl(out, ledger)
        mark = len(self.nginx.requests())
        r = self.resume(out, ledger)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.nginx.requests()[mark:], [])
        self.assertEqual(records(out), self.reference)

    def test_a_second_crawl_into_the_same_folder_is_refused(self):
        out = os.path.join(self.tmp.name, "again")
        ledger = os.path.join(self.tmp.name, "again.sqlite")
        self.run_crawl(out, ledger)
        p = subprocess.run(self.args(out, ledger), capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("--resume", p.stderr)

    # A resume goes on with the crawl's own ledger and key: another ledger would split its rows in
    # two, another key pseudonymise the rest of its records with digests that match nothing.
    def test_resume_with_another_key_or_ledger_is_refused(self):
        out = os.path.join(self.tmp.name, "identity")
        ledger = os.path.join(self.tmp.name, "identity.sqlite")
        self.run_crawl(out, ledger)
        other_key = os.path.join(self.tmp.name, "other.key")
        subprocess.run([MOISSON, "keygen", "--out", other_key], check=True, stdout=subprocess.DEVNULL)
        with sqlite3.connect(ledger) as db:
            rows = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        r = subprocess.run([MOISSON, "crawl", "--resume", out, "--key", other_key, "--ledger", ledger, "-q"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("project key", r.stderr)
        other_ledger = os.path.join(self.tmp.name, "identity-other.sqlite")
        r = self.resume(out, other_ledger)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(ledger, r.stderr)
        self.assertFalse(os.path.exists(other_ledger), "the refused ledger was created")
        with sqlite3.connect(ledger) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM documents").fetchone()[0], rows)
        # The same ledger named another way (relative, from another folder) is the crawl's own.
        r = subprocess.run([MOISSON, "crawl", "--resume", out, "--key", self.key, "--ledger",
                            os.path.join(".", os.path.basename(ledger)), "-q"],
                           capture_output=True, text=True, timeout=60, cwd=self.tmp.name)
        self.assertEqual(r.returncode, 0, r.stderr)

    # The summary of a resumed crawl names the crawl's outputs, not the resume command's flags.
    def test_resume_summary_shows_the_stored_output_options(self):
        out = os.path.join(self.tmp.name, "zstd-warc")
        ledger = os.path.join(self.tmp.name, "zstd-warc.sqlite")
        p = subprocess.run(self.args(out, ledger) + ["--zstd", "--warc"], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = subprocess.run([MOISSON, "crawl", "--resume", out, "--key", self.key, "--ledger", ledger,
                            "--no-progress"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(pages-NNNNN.jsonl.zst, warc/)", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
