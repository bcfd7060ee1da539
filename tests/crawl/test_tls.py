#!/usr/bin/python3
"""TLS verification is on: a site whose certificate no trusted authority
signed gets no page request (its robots.txt cannot be read, so the origin is
unreachable, hence refused); the same site is crawled once its certificate is
trusted with --ca-file.

Run: MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/crawl/test_tls.py
"""

import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import servers  # noqa: E402

MOISSON = os.environ.get("MOISSON_BIN", os.path.join(ROOT, "build/release/moisson"))


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="moisson-tls-")
        t = cls.tmp.name
        cls.cert, key = os.path.join(t, "cert.pem"), os.path.join(t, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cls.cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        site = os.path.join(t, "site")
        os.makedirs(site)
        with open(os.path.join(site, "robots.txt"), "w") as f:
            f.write("User-agent: *\nAllow: /\n")
        with open(os.path.join(site, "index.html"), "w") as f:
            f.write('<p>Page servie en HTTPS.</p><a href="/b.html">b</a>')
        with open(os.path.join(site, "b.html"), "w") as f:
            f.write("<p>Deuxième page.</p>")
        os.chmod(t, 0o755)
        cls.tls_port = servers.free_port()
        cls.nginx = servers.Nginx(site, extra_config=(
            "listen 127.0.0.1:%d ssl;\nssl_certificate %s;\nssl_certificate_key %s;\n" % (cls.tls_port, cls.cert, key)))
        cls.nginx.start()
        cls.base = "https://127.0.0.1:%d" % cls.tls_port
        cls.keyfile = os.path.join(t, "k.key")
        subprocess.run([MOISSON, "keygen", "--out", cls.keyfile], check=True, stdout=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        cls.tmp.cleanup()

    def crawl(self, name, *extra):
        out = os.path.join(self.tmp.name, name)
        before = len(self.nginx.requests())
        p = subprocess.run([MOISSON, "crawl", self.base + "/", "-o", out, "--allow-private", "--key", self.keyfile,
                            "--ledger", out + ".sqlite", "--delay", "0.01", "--max-retries", "0", "-q", *extra],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        with sqlite3.connect(out + ".sqlite") as db:
            rows = {r[0]: r[1:] for r in db.execute("SELECT url, decision, reasons, fetched FROM documents")}
        self.nginx.wait_requests(before, timeout=1)
        return [q["path"] for q in self.nginx.requests()[before:]], rows

    def test_untrusted_certificate_gets_no_page_request(self):
        paths, rows = self.crawl("untrusted")
        self.assertEqual([p for p in paths if p != "/robots.txt"], [])
        self.assertEqual(rows[self.base + "/"], ("drop", "policy.robots.unreachable", 0))

    def test_trusted_certificate_is_crawled(self):
        paths, rows = self.crawl("trusted", "--ca-file", self.cert)
        self.assertIn("/b.html", paths)
        self.assertEqual(rows[self.base + "/b.html"][0], "keep")


if __name__ == "__main__":
    unittest.main(verbosity=2)
