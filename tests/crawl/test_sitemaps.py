#!/usr/bin/python3
"""`moisson crawl --sitemaps`: the sitemaps robots.txt lists (an index, a
gzip-compressed urlset) lead to pages no link reaches; robots.txt still
decides for each of them; without --sitemaps they are never requested.

Run: MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/crawl/test_sitemaps.py
"""

import gzip
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


class SitemapTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="moisson-sitemap-")
        self.key = os.path.join(self.tmp.name, "k.key")
        subprocess.run([MOISSON, "keygen", "--out", self.key], check=True, stdout=subprocess.DEVNULL)
        self.srv = servers.ScriptedServer()
        b = self.srv.base
        urlset = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                  "<url><loc>%s/hidden/one.html</loc></url><url><loc>%s/hidden/two.html?a=1&amp;b=2</loc></url>"
                  "<url><loc>%s/private/three.html</loc></url>"
                  "<url><loc>https://elsewhere.example/x.html</loc></url></urlset>") % (b, b, b)
        self.srv.routes.update({
            "/robots.txt": servers.robots("User-agent: *\nDisallow: /private/\n\nSitemap: %s/sitemap_index.xml\n" % b),
            "/": "<p>Accueil sans lien.</p>",
            "/sitemap_index.xml": {"body": "<sitemapindex><sitemap><loc>%s/s1.xml.gz</loc></sitemap></sitemapindex>" % b,
                                   "content_type": "application/xml"},
            "/s1.xml.gz": {"body": gzip.compress(urlset.encode()), "content_type": "application/x-gzip"},
            "/hidden/one.html": "<p>Première page cachée.</p>",
            "/hidden/two.html?a=1&b=2": "<p>Deuxième page cachée.</p>",
            "/private/three.html": "<p>Interdite.</p>",
        })
        self.srv.start()

    def tearDown(self):
        self.srv.stop()
        self.tmp.cleanup()

    def crawl(self, *extra):
        out = os.path.join(self.tmp.name, "out")
        ledger = os.path.join(self.tmp.name, "ledger.sqlite")
        p = subprocess.run([MOISSON, "crawl", self.srv.url("/"), "-o", out, "--allow-private", "--key", self.key,
                            "--ledger", ledger, "--delay", "0.01", "-q", *extra],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        with sqlite3.connect(ledger) as db:
            rows = {r[0]: r[1:] for r in db.execute("SELECT url, decision, reasons, fetched, signal FROM documents")}
        return [q["path"] for q in self.srv.requests()], rows

    def test_sitemaps_lead_to_unlinked_pages(self):
        paths, rows = self.crawl("--sitemaps")
        self.assertIn("/hidden/one.html", paths)
        self.assertIn("/hidden/two.html?a=1&b=2", paths)
        self.assertNotIn("/private/three.html", paths)  # robots.txt still decides
        self.assertEqual(rows[self.srv.url("/private/three.html")][1], "policy.robots.disallow")
        self.assertEqual(rows[self.srv.url("/sitemap_index.xml")][1], "sitemap.index")
        self.assertEqual(rows[self.srv.url("/s1.xml.gz")][1], "sitemap")
        self.assertTrue(rows[self.srv.url("/s1.xml.gz")][3].startswith("4 locations"))
        self.assertEqual(rows[self.srv.url("/hidden/one.html")][0], "keep")
        self.assertNotIn("https://elsewhere.example/x.html", rows)  # out of scope

    def test_without_the_flag_sitemaps_are_not_read(self):
        paths, rows = self.crawl()
        self.assertNotIn("/sitemap_index.xml", paths)
        self.assertFalse(any(p.startswith("/hidden/") for p in paths))


if __name__ == "__main__":
    unittest.main(verbosity=2)
