#!/usr/bin/python3
"""`filter`/`scan --sites` judge a URL as `crawl` does (issue 16 §1).

Sites with every kind of site file are served on 127.0.0.1: robots.txt groups
for our token and for AI crawlers, Content-Signal and Content-Usage lines,
ai.txt, tdmrep.json, a 503 and a 404 robots.txt, a robots.txt redirected to
another path, and an ai.txt refused by robots.txt itself. The crawler crawls
them. The test then fetches the same files itself, writes them as a WARC of
captures (Common Crawl's robots.txt subset has this shape: one response
record per fetch, any status, dated by WARC-Date), imports it with `sites
import`, and scans a JSONL of every URL the crawler considered with `scan
--sites`. For every URL, the site-file reasons must be the crawler's: the
same refusals with the same reason codes, and no refusal where the crawler
fetched the page.

Run:  MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/crawl/test_sites.py
"""

import http.client
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from servers import ScriptedServer, hang, page, redirect, robots, status  # noqa: E402

BIN = os.environ.get("MOISSON_BIN") or os.path.join(REPO, "build", "release", "moisson")
POLICY_PATHS = ["/robots.txt", "/ai.txt", "/.well-known/tdmrep.json"]
SITE_SIGNALS = ("policy.robots.", "policy.ai_agent.", "policy.ai_txt.", "policy.tdm.",
                "policy.content_usage.", "policy.content_signal.")
PAGES = ["/a", "/private/p", "/private/open", "/gpt/p", "/notrain/p", "/reserved/p", "/x?q=1", "/p%C3%A9"]


def html(title, body=""):
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><p>Texte ordinaire de la page {title}.</p>{body}</body></html>')


def routes(robots_route, extra=None):
    r = {"/": html("Accueil", "".join(f'<a href="{p}">{p}</a> ' for p in PAGES))}
    for p in PAGES:
        r[p] = html(p)
    if robots_route is not None:
        r["/robots.txt"] = robots_route
    r.update(extra or {})
    return r


def sites():
    tdm = page(json.dumps([{"location": "/reserved/*", "tdm-reservation": 1}, {"location": "/*", "tdm-reservation": 0}]),
               content_type="application/json")
    return {
        "groups": routes(robots("User-agent: moisson\nDisallow: /private/\nAllow: /private/open\n\n"
                                "User-agent: GPTBot\nDisallow: /gpt/\n\nUser-agent: *\nAllow: /\n")),
        "files": routes(robots("User-agent: *\nAllow: /\n"),
                        {"/ai.txt": robots("User-Agent: *\nDisallow: /notrain/\n"),
                         "/.well-known/tdmrep.json": tdm}),
        "aitxt_refused": routes(robots("User-agent: moisson\nDisallow: /ai.txt\n"),
                                {"/ai.txt": robots("User-Agent: *\nDisallow: /\n")}),
        "signal": routes(robots("User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n")),
        "usage": routes(robots("User-agent: *\nContent-Usage: train-ai=n\nAllow: /\n")),
        "down": routes(status(503)),
        "none": routes(None),
        "moved": routes(redirect("/real-robots.txt", 301),
                        {"/real-robots.txt": robots("User-agent: *\nDisallow: /a\n")}),
    }


def fetch(base, path):
    """(status, headers, body) of one GET, redirects not followed."""
    host, port = base.split("//")[1].split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.getheaders(), r.read()
    finally:
        c.close()


def warc_record(uri, date, st, headers, body):
    http_head = f"HTTP/1.1 {st} X\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers if k.lower() not in ("transfer-encoding", "content-length"))
    block = http_head.encode("latin-1") + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Date: {date}\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def site_reasons(reasons):
    return sorted(r for r in reasons if r.startswith(SITE_SIGNALS))


class SitesMatchCrawlTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="moisson-sites-test-")
        d = cls.tmp.name
        key = os.path.join(d, "project.key")
        subprocess.run([BIN, "keygen", "--out", key], check=True, capture_output=True)
        servers = {name: ScriptedServer(r) for name, r in sites().items()}
        for s in servers.values():
            s.__enter__()
        try:
            ledger = os.path.join(d, "crawl.sqlite")
            p = subprocess.run([BIN, "crawl", *[s.base + "/" for s in servers.values()], "-o", os.path.join(d, "out"),
                                "--key", key, "--ledger", ledger, "--delay", "0.02", "--timeout", "2",
                                "--allow-private", "--no-progress"], capture_output=True, timeout=120)
            cls.crawl_rc, cls.crawl_err = p.returncode, p.stderr.decode(errors="replace")
            # The captures: what each site serves at its three paths, fetched
            # once, any status, and a redirect's target after it.
            warc = b""
            for s in servers.values():
                todo = list(POLICY_PATHS)
                while todo:
                    path = todo.pop(0)
                    st, headers, body = fetch(s.base, path)
                    warc += warc_record(s.base + path, "2026-12-01T00:00:00Z", st, headers, body)
                    location = dict((k.lower(), v) for k, v in headers).get("location")
                    if 300 <= st < 400 and location and location.startswith("/"):
                        todo.insert(0, location)
        finally:
            for s in servers.values():
                s.__exit__(None, None, None)
        cls.warc = os.path.join(d, "captures.warc")
        with open(cls.warc, "wb") as f:
            f.write(warc)
        con = sqlite3.connect(ledger)
        cls.crawl_rows = {u: r.split(",") if r else [] for u, r in
                          con.execute("SELECT url, reasons FROM documents")}
        con.close()
        cls.bases = {n: s.base for n, s in servers.items()}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_moisson(self, *args):
        p = subprocess.run([BIN, *args], capture_output=True, timeout=120)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def test_same_decisions_as_the_crawler(self):
        self.assertEqual(self.crawl_rc, 0, self.crawl_err[-2000:])
        d = self.tmp.name
        store = os.path.join(d, "sites.sqlite")
        rc, out, err = self.run_moisson("sites", "import", "--store", store, self.warc)
        self.assertEqual(rc, 0, err)
        self.assertIn(" 0 unreadable", out)
        dump = os.path.join(d, "urls.jsonl")
        urls = sorted(self.crawl_rows)
        with open(dump, "w") as f:
            for i, u in enumerate(urls):
                f.write(json.dumps({"id": str(i), "url": u, "text": "Une page ordinaire."}) + "\n")
        rc, out, err = self.run_moisson("scan", "--sites", store, dump)
        self.assertEqual(rc, 0, err)
        scanned = {urls[int(j["id"])]: j for j in map(json.loads, out.splitlines())}
        self.assertEqual(set(scanned), set(urls))
        refused = 0
        for u in urls:
            crawl = site_reasons(self.crawl_rows[u])
            scan = site_reasons(scanned[u]["reasons"])
            self.assertEqual(scan, crawl, f"{u}: crawl {self.crawl_rows[u]}, scan {scanned[u]['reasons']}")
            self.assertNotIn("sites.unknown", scanned[u]["reasons"], u)
            refused += bool(crawl)
        # Every kind of refusal was met, and pages were allowed too.
        met = {r for u in urls for r in site_reasons(self.crawl_rows[u])}
        for reason in ("policy.robots.disallow", "policy.ai_agent.disallow", "policy.ai_txt.disallow",
                       "policy.tdm.reservation", "policy.content_signal.ai-train=no",
                       "policy.content_usage.train-ai=n", "policy.robots.unreachable"):
            self.assertIn(reason, met)
        self.assertGreater(refused, 6)
        self.assertGreater(len(urls) - refused, 10)

    def test_the_store_follows_the_redirect_and_skips_the_refused_ai_txt(self):
        moved = self.bases["moved"]
        self.assertEqual(site_reasons(self.crawl_rows[moved + "/a"]), ["policy.robots.disallow"])
        self.assertEqual(site_reasons(self.crawl_rows[moved + "/private/p"]), [])
        # robots.txt refuses /ai.txt to moisson: the crawler never read it,
        # so its "Disallow: /" refuses nothing.
        self.assertEqual(site_reasons(self.crawl_rows[self.bases["aitxt_refused"] + "/a"]), [])
        self.assertEqual(site_reasons(self.crawl_rows[self.bases["files"] + "/notrain/p"]), ["policy.ai_txt.disallow"])


class SitesFetchTest(unittest.TestCase):
    """`sites fetch` reads each host's files with the crawler's machinery:
    a 5xx, a redirect to a listed host and a timeout make robots.txt
    unreachable (the site refused whole), a listed host is never asked, no
    page is requested, and `scan --sites` then judges as the crawler."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="moisson-sites-fetch-")
        d = cls.tmp.name
        tdm = page(json.dumps([{"location": "/reserved/*", "tdm-reservation": 1}]), content_type="application/json")
        routes = {
            "ok": {"/robots.txt": robots("User-agent: *\nDisallow: /private/\n"),
                   "/ai.txt": robots("User-Agent: *\nDisallow: /notrain/\n"),
                   "/.well-known/tdmrep.json": tdm, "/": html("Accueil")},
            "down": {"/robots.txt": status(503), "/": html("Accueil")},
            "to_listed": {"/robots.txt": redirect("http://www.pornhub.com/robots.txt", 301), "/": html("Accueil")},
            "slow": {"/robots.txt": hang(), "/": html("Accueil")},
            "none": {"/": html("Accueil")},
        }
        servers = {n: ScriptedServer(r) for n, r in routes.items()}
        for s in servers.values():
            s.__enter__()
        try:
            cls.bases = {n: s.base for n, s in servers.items()}
            hosts = os.path.join(d, "hosts.txt")
            with open(hosts, "w") as f:
                f.write("# the hosts of a dump\n")
                for b in cls.bases.values():
                    f.write(b.split("//")[1] + "\n")
                f.write("www.youporn.com\n")
            cls.store = os.path.join(d, "sites.sqlite")
            p = subprocess.run([BIN, "sites", "fetch", "--store", cls.store, "--hosts", hosts, "--scheme", "http",
                                "--allow-private", "--timeout", "1", "--delay", "0"],
                               capture_output=True, timeout=120)
            cls.rc, cls.out, cls.err = p.returncode, p.stdout.decode(), p.stderr.decode()
            cls.requests = {n: [r["path"] for r in s.requests()] for n, s in servers.items()}
        finally:
            for s in servers.values():
                s.__exit__(None, None, None)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_fetch_reports_what_it_read(self):
        self.assertEqual(self.rc, 0, self.err)
        self.assertIn("6 origins: 5 read (3 with robots.txt unreachable: refused whole), 1 not asked", self.out)
        # Working files go with the run.
        self.assertEqual([n for n in os.listdir(self.tmp.name) if n.startswith(".sites-fetch")], [])

    def test_only_the_site_files_were_requested(self):
        for name, paths in self.requests.items():
            self.assertTrue(set(paths) <= set(POLICY_PATHS), f"{name}: {paths}")
        self.assertEqual(self.requests["ok"], POLICY_PATHS)
        # robots.txt unreachable: nothing else is asked of the site.
        self.assertEqual(set(self.requests["down"]), {"/robots.txt"})
        self.assertEqual(self.requests["to_listed"], ["/robots.txt"])
        self.assertEqual(self.requests["slow"][:1], ["/robots.txt"])

    def test_scan_judges_with_what_was_fetched(self):
        dump = os.path.join(self.tmp.name, "dump.jsonl")
        urls = [self.bases["ok"] + p for p in ("/a", "/private/x", "/notrain/x", "/reserved/x")] + \
               [self.bases[n] + "/a" for n in ("down", "to_listed", "slow", "none")]
        with open(dump, "w") as f:
            for i, u in enumerate(urls):
                f.write(json.dumps({"id": str(i), "url": u, "text": "Une page ordinaire."}) + "\n")
        p = subprocess.run([BIN, "scan", "--no-progress", "--sites", self.store, dump], capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        got = [site_reasons(json.loads(l)["reasons"]) for l in p.stdout.decode().splitlines()]
        self.assertEqual(got, [[], ["policy.robots.disallow"], ["policy.ai_txt.disallow"], ["policy.tdm.reservation"],
                               ["policy.robots.unreachable"], ["policy.robots.unreachable"],
                               ["policy.robots.unreachable"], []])


if __name__ == "__main__":
    unittest.main(verbosity=2)
