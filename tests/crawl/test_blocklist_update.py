#!/usr/bin/python3
"""`moisson blocklist update` against a loopback server (issue 16 §2).

The server serves a UT1 archive built here from the lists the repository
ships (blocklists/data/ut1, in UT1's published layout: blacklists.tar.gz
holding blacklists/<category>/domains, urls, ...), then the same archive cut
short, with corrupt bytes, without a configured category, a 404, a redirect
and an endless body. A good update compiles a snapshot that blocks what the
lists name; every bad one fails with a message naming the problem and
leaves the previous snapshot and its lists exactly as they were, with no
working file left behind.

Run:  MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/crawl/test_blocklist_update.py
"""

import gzip
import hashlib
import io
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from servers import ScriptedServer, endless, redirect, status  # noqa: E402

BIN = os.environ.get("MOISSON_BIN") or os.path.join(REPO, "build", "release", "moisson")
UT1 = os.path.join(REPO, "blocklists", "data", "ut1")


def ut1_archive(skip=()):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for cat in sorted(os.listdir(UT1)):
            d = os.path.join(UT1, cat)
            if not os.path.isdir(d) or cat in skip:
                continue
            for f in sorted(os.listdir(d)):
                p = os.path.join(d, f)
                data = gzip.open(p).read() if f.endswith(".gz") else open(p, "rb").read()
                ti = tarfile.TarInfo(f"blacklists/{cat}/{f[:-3] if f.endswith('.gz') else f}")
                ti.size, ti.mtime = len(data), 0
                t.addfile(ti, io.BytesIO(data))
        # UT1's aliases are links (porn -> adult): not lists of their own.
        ti = tarfile.TarInfo("blacklists/porn")
        ti.type, ti.linkname = tarfile.SYMTYPE, "adult"
        t.addfile(ti)
    return buf.getvalue()


def digest_tree(path):
    h = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(path)):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            h.update(p[len(path):].encode())
            with open(p, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


class BlocklistUpdateTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        good = ut1_archive()
        corrupt = bytearray(good)
        for i in range(len(good) // 2, len(good) // 2 + 64):
            corrupt[i] ^= 0x5A
        cls.server = ScriptedServer({
            "/blacklists.tar.gz": {"body": good, "content_type": "application/gzip"},
            "/cut.tar.gz": {"body": good[: len(good) // 2], "content_type": "application/gzip"},
            "/corrupt.tar.gz": {"body": bytes(corrupt), "content_type": "application/gzip"},
            "/nodating.tar.gz": {"body": ut1_archive(skip=("dating",)), "content_type": "application/gzip"},
            "/html": {"body": "<html>not an archive</html>"},
            "/gone.tar.gz": status(404),
            "/moved.tar.gz": redirect("/blacklists.tar.gz", 302),
            "/endless.tar.gz": endless("chunked"),
        })
        cls.server.__enter__()
        cls.tmp = tempfile.TemporaryDirectory(prefix="moisson-blocklist-update-")
        cls.snap = os.path.join(cls.tmp.name, "lists.snap")
        cls.config = os.path.join(cls.tmp.name, "moisson.toml")
        with open(cls.config, "w") as f:
            f.write('[blocklists]\ncategories = ["adult", "dating", "health_forums"]\nsnapshot = "lists.snap"\n')

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.tmp.cleanup()

    def update(self, path, *extra):
        p = subprocess.run([BIN, "--config", self.config, "blocklist", "update", "--source",
                            self.server.base + path, *extra], capture_output=True, timeout=120)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def check(self, url):
        p = subprocess.run([BIN, "--config", self.config, "blocklist", "check", url], capture_output=True, timeout=60)
        return p.returncode, p.stdout.decode()

    def state(self):
        return (hashlib.sha256(open(self.snap, "rb").read()).hexdigest(), digest_tree(self.snap + ".data"),
                sorted(os.listdir(self.tmp.name)))

    def test_1_a_good_archive_becomes_the_snapshot(self):
        rc, out, err = self.update("/blacklists.tar.gz")
        self.assertEqual(rc, 0, err)
        self.assertIn("snapshot: " + self.snap, out)
        self.assertRegex(out, r"sha256 [0-9a-f]{64}")
        self.assertEqual(self.check("https://www.meetic.fr/")[0], 1)       # UT1 dating, from the archive
        self.assertEqual(self.check("https://pornhub.com/")[0], 1)         # Sinfonietta, kept beside it
        self.assertEqual(self.check("https://forum.doctissimo.fr/x")[0], 1)  # curated, kept beside it
        self.assertEqual(self.check("https://www.example.org/")[0], 0)
        self.assertTrue(os.path.exists(os.path.join(self.snap + ".data", "ut1", "MANIFEST.md")))
        with open(os.path.join(self.snap + ".data", "ut1", "MANIFEST.md")) as f:
            self.assertIn("Source: " + self.server.base + "/blacklists.tar.gz (sha256 ", f.read())
        self.assertEqual(sorted(os.listdir(self.tmp.name)), ["lists.snap", "lists.snap.data", "moisson.toml"])

    def test_2_a_bad_archive_changes_nothing(self):
        rc, _, err = self.update("/moved.tar.gz")  # a redirect to the good archive
        self.assertEqual(rc, 0, err)
        before = self.state()
        cases = {
            "/cut.tar.gz": "not a complete UT1 archive",
            "/corrupt.tar.gz": "not a complete UT1 archive",
            "/html": "not a complete UT1 archive",
            "/nodating.tar.gz": "the archive holds no list for dating",
            "/gone.tar.gz": "download failed",
        }
        for path, message in cases.items():
            with self.subTest(path=path):
                rc, out, err = self.update(path)
                self.assertEqual(rc, 1, err)
                self.assertIn(message, err)
                self.assertIn("nothing changed", err)
                self.assertEqual(out, "")
                self.assertEqual(self.state(), before)
        rc, _, err = self.update("/endless.tar.gz", "--max-mib", "1")
        self.assertEqual(rc, 1)
        self.assertIn("larger than 1048576 bytes", err)
        self.assertEqual(self.state(), before)
        self.assertEqual(self.check("https://www.meetic.fr/")[0], 1)

    def test_2b_ctrl_c_during_the_download_changes_nothing(self):
        rc, _, err = self.update("/blacklists.tar.gz")
        self.assertEqual(rc, 0, err)
        before = self.state()
        p = subprocess.Popen([BIN, "--config", self.config, "blocklist", "update", "--source",
                              self.server.base + "/endless.tar.gz"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Wait until the working folder exists: the download has begun.
        for _ in range(100):
            if any(n.startswith(".blocklist-update.") for n in os.listdir(self.tmp.name)):
                break
            time.sleep(0.05)
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, err)
        self.assertIn(b"stopped; nothing changed", err)
        self.assertEqual(self.state(), before)

    def test_3_usage_errors(self):
        p = subprocess.run([BIN, "--config", self.config, "blocklist", "update", "--source",
                            os.path.join(self.tmp.name, "nosuch.tar.gz")], capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no such archive", p.stderr.decode())
        p = subprocess.run([BIN, "blocklist", "update", "--source", self.server.base + "/blacklists.tar.gz"],
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("give --snapshot FILE or set [blocklists] snapshot", p.stderr.decode())


if __name__ == "__main__":
    unittest.main(verbosity=2)
