#!/usr/bin/python3
"""Integration tests of `moisson crawl` against real HTTP servers on 127.0.0.1.

Every test reads the SERVER's own request log (nginx's access log or the
scripted server's in-memory log) to prove what the crawler did and did not
request, then checks the ledger rows and the outputs. What is proved:

  robots.txt outcomes (200 / 404 / 5xx / 429 / timeout / redirect chains),
  ai.txt, tdmrep.json, Content-Signal, Content-Usage, X-Robots-Tag and meta
  robots; 429/503 back-off with Retry-After; timeouts, endless bodies and
  gzip bombs; redirect loops, chains and blocked targets; the SSRF guard
  (no --allow-private); login walls, paywalls, 401/403; politeness (delay,
  Crawl-delay, one request in flight per host); WARC output; no personal
  data in the crawler's own logs.

Run:  MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/crawl/test_crawl.py
      (MOISSON_BIN defaults to build/release/moisson under the repository root;
      needs /usr/sbin/nginx for the nginx-based classes, skipped without it.)

A test marked @unittest.expectedFailure asserts the correct behaviour of a
crawler bug that is still open (see the `# BUG:` comment above it).
"""

import base64
import contextlib
import gzip
import hashlib
import http.client
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

sys.dont_write_bytecode = True  # no __pycache__ next to servers.py in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from servers import (  # noqa: E402
    NGINX, Nginx, ScriptedServer, delay, drop, endless, gzip_bomb, hang, login_page, page,
    paywalled_page, redirect, redirect_chain, robots, status)

import servers as _servers  # noqa: E402


def _quiet_resets(self, request, client_address, _orig=_servers._Server.handle_error):
    """The crawler closing a connection (a cut body, an idle keep-alive) is not a server error
    worth a traceback on stderr."""
    if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
        return
    _orig(self, request, client_address)


_servers._Server.handle_error = _quiet_resets

BIN = os.environ.get("MOISSON_BIN") or os.path.join(REPO, "build", "release", "moisson")
if not os.path.isabs(BIN):
    BIN = os.path.abspath(BIN)

POLICY_PATHS = {"/robots.txt", "/ai.txt", "/.well-known/tdmrep.json"}
EMAIL = "jeanne.martin-secret@exemple-perso.fr"

_TMP = None   # tempfile.TemporaryDirectory for the whole module
_KEY = None   # project key, made once


def setUpModule():
    global _TMP, _KEY
    if not os.access(BIN, os.X_OK):
        raise unittest.SkipTest(f"moisson binary not found at {BIN} (set MOISSON_BIN)")
    _TMP = tempfile.TemporaryDirectory(prefix="moisson-crawl-test-")
    _KEY = os.path.join(_TMP.name, "project.key")
    subprocess.run([BIN, "keygen", "--out", _KEY], check=True, capture_output=True)


def tearDownModule():
    if _TMP is not None:
        _TMP.cleanup()


def html(title, body="", head=""):
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
            f'{head}</head><body><h1>{title}</h1><p>Texte ordinaire de la page {title}, '
            f'sans rien de particulier.</p>{body}</body></html>')


def links(*paths):
    return "".join(f'<a href="{p}">{p}</a> ' for p in paths)


# A product page with a login box in its header, as most shops have: content
# anyone can read, not a login wall.
SHOP_PAGE = ('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Cave du village</title></head>'
             '<body><header><form action="/login"><input name="user"><input type="password" name="pw">'
             '<button>OK</button></form></header><h1>Bordeaux rouge 2019</h1>'
             + "".join(f"<p>Note de dégustation {i} : robe grenat, nez de fruits noirs, bouche ronde et "
                       f"tanins fondus ; à servir à 17 degrés avec une viande rouge.</p>" for i in range(16))
             + '</body></html>')


class Crawl:
    """One `moisson crawl` run and everything it left: exit code, stdout,
    stderr, duration, the ledger rows, the output pages, the stats."""

    def __init__(self, seeds, *extra, allow_private=True, delay=0.05, timeout=2.0,
                 max_retries=None, progress=False, name="crawl", env=None):
        self.dir = tempfile.mkdtemp(prefix=name + "-", dir=_TMP.name)
        self.out = os.path.join(self.dir, "out")
        self.ledger_path = os.path.join(self.dir, "ledger.sqlite")
        self.stats_path = os.path.join(self.dir, "stats.json")
        cmd = [BIN, "crawl", *seeds, "-o", self.out, "--key", _KEY, "--ledger", self.ledger_path,
               "--delay", str(delay), "--timeout", str(timeout), "--stats-json", self.stats_path,
               "--threads", "2"]
        if allow_private:
            cmd.append("--allow-private")
        if max_retries is not None:
            cmd += ["--max-retries", str(max_retries)]
        cmd.append("--progress" if progress else "--no-progress")
        cmd += list(extra)
        self.cmd = cmd
        t0 = time.monotonic()
        p = subprocess.run(cmd, capture_output=True, timeout=60,
                           env=None if env is None else {**os.environ, **env})
        self.seconds = time.monotonic() - t0
        self.rc = p.returncode
        self.stdout = p.stdout
        self.stderr = p.stderr
        self.rows = self._ledger_rows()
        self.by_url = {}
        for r in self.rows:
            self.by_url.setdefault(r["url"], r)
        self.pages = self._pages()
        try:
            with open(self.stats_path) as f:
                self.stats = json.load(f)
        except (OSError, ValueError):
            self.stats = None

    def _ledger_rows(self):
        if not os.path.exists(self.ledger_path):
            return []
        con = sqlite3.connect(self.ledger_path)
        try:
            cur = con.execute("SELECT url, site, decision, reasons, http_status, fetched, signal, "
                              "output_file, output_id FROM documents ORDER BY id")
            cols = [d[0] for d in cur.description]
            rows = []
            for t in cur.fetchall():
                r = dict(zip(cols, t))
                r["reasons"] = [x for x in r["reasons"].split(",") if x]
                rows.append(r)
            return rows
        finally:
            con.close()

    def _pages(self):
        pages = []
        if not os.path.isdir(self.out):
            return pages
        for name in sorted(os.listdir(self.out)):
            if name.startswith("pages-") and name.endswith(".jsonl"):
                with open(os.path.join(self.out, name), encoding="utf-8") as f:
                    pages += [json.loads(line) for line in f if line.strip()]
        return pages

    def page(self, url):
        for p in self.pages:
            if p["url"] == url:
                return p
        return None

    def describe(self):
        rows = "\n".join(f"  {r['url']} {r['decision']} {','.join(r['reasons'])} "
                         f"status={r['http_status']} fetched={r['fetched']} signal={r['signal']!r}"
                         for r in self.rows)
        return (f"command: {' '.join(self.cmd)}\nexit {self.rc} in {self.seconds:.2f} s\n"
                f"stderr: {self.stderr.decode(errors='replace')[-2000:]}\nledger:\n{rows}")


class Served:
    """A server's request log, read after the crawl (nginx's log file goes
    away with the server): `paths` in order, `count(path)`."""

    def __init__(self, server):
        self.base = server.base
        if isinstance(server, Nginx):
            time.sleep(0.1)  # nginx logs a hair after the client read the response
        self.requests = server.requests()
        self.paths = [r["path"] for r in self.requests]
        self.max_in_flight = getattr(server, "max_in_flight", None)

    def count(self, path):
        return self.paths.count(path)

    def page_paths(self):
        return [p for p in self.paths if p not in POLICY_PATHS]


class CrawlCase:
    """Mixin for unittest.TestCase: subclasses define make_servers() ->
    {name: server} and run_crawl(servers) -> Crawl; the crawl runs once in
    setUpClass; `cls.srv[name]` is that server's Served log, `cls.urls[name]`
    its base URL. NOT_PAGES[name]: paths of that server that are not pages
    (robots.txt redirect hops), left out of the ledger cross-check."""

    crawl = None
    srv = None
    urls = None
    NOT_PAGES = {}

    @classmethod
    def make_servers(cls):
        raise NotImplementedError

    @classmethod
    def run_crawl(cls, servers):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        with contextlib.ExitStack() as stack:
            servers = cls.make_servers()
            for s in servers.values():
                stack.enter_context(s)
            cls.urls = {n: s.base for n, s in servers.items()}
            cls.crawl = cls.run_crawl(servers)
            cls.srv = {n: Served(s) for n, s in servers.items()}

    # -- helpers -------------------------------------------------------------

    def row(self, url):
        r = self.crawl.by_url.get(url)
        self.assertIsNotNone(r, f"no ledger row for {url}\n{self.crawl.describe()}")
        return r

    def assertNotRequested(self, name, path):
        s = self.srv[name]
        self.assertNotIn(path, s.paths, f"{s.base}{path} was requested: {s.paths}")

    def assertRequestedTimes(self, name, path, n):
        s = self.srv[name]
        self.assertEqual(s.count(path), n, f"{s.base}{path} requested {s.count(path)} times, "
                                           f"expected {n}: {s.paths}")

    def assertBlocked(self, name, path, reason, signal_has=()):
        """Not requested; a ledger row, drop, fetched=0, status 0, `reason`."""
        self.assertNotRequested(name, path)
        r = self.row(self.urls[name] + path)
        self.assertEqual(r["decision"], "drop", r)
        self.assertIn(reason, r["reasons"], r)
        self.assertEqual(r["fetched"], 0, r)
        self.assertEqual(r["http_status"], 0, r)
        for s in signal_has:
            self.assertIn(s, r["signal"], r)
        self.assertIsNone(self.crawl.page(self.urls[name] + path))
        return r

    def assertDroppedAfterFetch(self, name, path, reason, times=1):
        """Requested `times` times, a drop row with fetched=1, not in the output."""
        self.assertRequestedTimes(name, path, times)
        url = self.urls[name] + path
        r = self.row(url)
        self.assertEqual(r["decision"], "drop", r)
        self.assertIn(reason, r["reasons"], r)
        self.assertEqual(r["fetched"], 1, r)
        self.assertIsNone(self.crawl.page(url), f"{url} was written to the output")
        self.assertEqual(r["output_file"], "", r)
        return r

    def assertKept(self, name, path, decision="keep"):
        self.assertRequestedTimes(name, path, 1)
        url = self.urls[name] + path
        r = self.row(url)
        self.assertEqual(r["decision"], decision, r)
        self.assertEqual(r["fetched"], 1, r)
        self.assertEqual(r["http_status"], 200, r)
        p = self.crawl.page(url)
        self.assertIsNotNone(p, f"{url} missing from the output")
        self.assertEqual(p["moisson"]["decision"], decision)
        self.assertEqual(r["output_id"], p["id"])
        return r

    # -- invariants every crawl must satisfy ---------------------------------

    def test_invariants(self):
        c = self.crawl
        self.assertEqual(c.rc, 0, c.describe())
        # Every URL admitted gets exactly one row.
        urls = [r["url"] for r in c.rows]
        self.assertEqual(len(urls), len(set(urls)), "a URL has two ledger rows\n" + c.describe())
        self.assertIsNotNone(c.stats, "no --stats-json written")
        self.assertTrue(c.stats["finished"])
        self.assertEqual(c.stats["admitted"], len(c.rows), c.describe())
        self.assertEqual(c.stats["queued"], 0)
        # Outputs are exactly the keep/modify rows.
        out = {p["url"]: p for p in c.pages}
        self.assertEqual(len(out), len(c.pages), "a page was written twice")
        kept = {r["url"] for r in c.rows if r["decision"] in ("keep", "modify")}
        self.assertEqual(set(out), kept)
        for r in c.rows:
            if r["decision"] == "drop":
                self.assertEqual(r["output_file"], "", r)
        # From each server's log: no request for a URL the ledger says was not fetched, and a
        # fetched=1 row for every page request; every request made with moisson's User-Agent.
        for name, s in self.srv.items():
            for path in s.page_paths():
                if path in self.NOT_PAGES.get(name, ()):
                    continue
                r = c.by_url.get(s.base + path)
                self.assertIsNotNone(r, f"{s.base}{path} was requested but has no ledger row\n"
                                        + c.describe())
                self.assertEqual(r["fetched"], 1, f"{s.base}{path} requested but fetched=0: {r}")
            for r in c.rows:
                if r["url"].startswith(s.base + "/") and not r["fetched"]:
                    path = r["url"][len(s.base):]
                    self.assertNotIn(path, s.paths, f"{r['url']} has fetched=0 but was requested")
            for q in s.requests:
                self.assertTrue(q["ua"].startswith("moisson"), f"User-Agent {q['ua']!r}")
            # robots.txt first, and no page before the origin's policy files were asked for.
            if s.paths:
                self.assertEqual(s.paths[0], "/robots.txt", s.paths)
            pages = [i for i, p in enumerate(s.paths)
                     if p not in POLICY_PATHS and p not in self.NOT_PAGES.get(name, ())]
            if pages:
                self.assertIn("/.well-known/tdmrep.json", s.paths[:pages[0]], s.paths)


# ============================================================================
# 1-2. robots.txt
# ============================================================================

SITE_PAGES = {
    "/": html("Accueil", links("/public", "/private/secret", "/mine/x", "/gpt/x")),
    "/public": html("Public"),
    "/private/secret": html("Secret"),
    "/mine/x": html("Mine"),
    "/gpt/x": html("GPT"),
}


def site(robots_route, extra=None):
    routes = dict(SITE_PAGES)
    if robots_route is not None:
        routes["/robots.txt"] = robots_route
    routes.update(extra or {})
    return ScriptedServer(routes)


class RobotsTest(CrawlCase, unittest.TestCase):
    """One crawl, one origin per robots.txt outcome (all 127.0.0.1, other ports)."""

    HOPS = {"/r0", "/r1", "/r2", "/r3", "/r4", "/robots-final.txt"}
    NOT_PAGES = {"chain5": HOPS, "chain6": HOPS}

    @classmethod
    def make_servers(cls):
        chain5 = {"/robots.txt": redirect("/r0"),
                  **redirect_chain(4, "/robots-final.txt", prefix="/r"),
                  "/robots-final.txt": robots("User-agent: *\nDisallow: /private/\n")}
        chain6 = {"/robots.txt": redirect("/r0"),
                  **redirect_chain(5, "/robots-final.txt", prefix="/r"),
                  "/robots-final.txt": robots("User-agent: *\nAllow: /\n")}
        return {
            "disallow": site(robots("# test\nUser-agent: *\nDisallow: /private/\n"
                                    "\nUser-agent: moisson\nDisallow: /mine/\nDisallow: /private/\n"
                                    "\nUser-agent: GPTBot\nDisallow: /gpt/\n")),
            "r404": site(None),
            "all": site(robots("User-agent: *\nDisallow: /\n")),
            "r500": site(status(500)),
            "r503": site(status(503, retry_after=1)),
            "r429": site(status(429)),
            "hang": site(hang()),
            "chain5": site(None, chain5),
            "chain6": site(None, chain6),
            "loop": site(redirect("/robots.txt")),
        }

    @classmethod
    def run_crawl(cls, servers):
        return Crawl([s.base + "/" for s in servers.values()], timeout=1.0, max_retries=1,
                     name="robots")

    # 1. Disallow
    def test_disallow_never_requested(self):
        r = self.assertBlocked("disallow", "/private/secret", "policy.robots.disallow",
                               signal_has=("robots.txt", "Disallow: /private/"))
        # The signal names the line of the rule that matched, in moisson's own group (line 7).
        self.assertRegex(r["signal"], r"robots\.txt:7 Disallow: /private/")

    def test_disallow_own_group(self):
        r = self.assertBlocked("disallow", "/mine/x", "policy.robots.disallow",
                               signal_has=("robots.txt:6", "Disallow: /mine/"))
        self.assertEqual(r["site"], "127.0.0.1")

    def test_disallow_for_ai_crawler_is_an_objection(self):
        self.assertBlocked("disallow", "/gpt/x", "policy.ai_agent.disallow",
                           signal_has=("robots.txt:10", "GPTBot"))

    def test_allowed_pages_fetched(self):
        self.assertKept("disallow", "/")
        self.assertKept("disallow", "/public")
        s = self.srv["disallow"]
        self.assertEqual(s.paths[:3], ["/robots.txt", "/ai.txt", "/.well-known/tdmrep.json"],
                         "robots.txt, ai.txt and tdmrep.json come first, in that order")
        self.assertEqual(s.count("/robots.txt"), 1, "robots.txt is cached for the crawl")

    # 2. fetch outcomes
    def test_robots_404_allows_everything(self):
        for p in SITE_PAGES:
            self.assertKept("r404", p)

    def assertNothingButPolicy(self, name, reason="policy.robots.unreachable"):
        s = self.srv[name]
        self.assertEqual(s.page_paths(), [], f"{name}: pages requested: {s.paths}")
        self.assertGreaterEqual(s.count("/robots.txt"), 1)
        r = self.assertBlocked(name, "/", reason)
        self.assertIn("robots.txt", r["signal"], r)

    def assertOnlyRobotsRequested(self, name):
        s = self.srv[name]
        others = [p for p in s.paths if p != "/robots.txt" and not p.startswith("/r")]
        self.assertEqual(others, [], f"{name}: robots.txt disallows everything, yet requested "
                                     f"{s.paths}")

    def test_robots_500_disallows_all_pages(self):
        self.assertNothingButPolicy("r500")
        self.assertEqual(self.srv["r500"].count("/robots.txt"), 1)

    def test_robots_503_disallows_all_pages(self):
        self.assertNothingButPolicy("r503")

    def test_robots_429_disallows_all_pages(self):
        self.assertNothingButPolicy("r429")

    def test_robots_timeout_disallows_all_pages(self):
        self.assertNothingButPolicy("hang")
        self.assertLess(self.crawl.seconds, 15, "a hanging robots.txt must not stall the crawl")

    def test_robots_redirect_chain_of_5_is_followed_and_obeyed(self):
        s = self.srv["chain5"]
        for p in ["/robots.txt", "/r0", "/r1", "/r2", "/r3", "/robots-final.txt"]:
            self.assertEqual(s.count(p), 1, f"{p}: {s.paths}")
        self.assertBlocked("chain5", "/private/secret", "policy.robots.disallow")
        self.assertKept("chain5", "/")
        self.assertKept("chain5", "/public")

    def test_robots_redirect_chain_of_6_disallows_all(self):
        s = self.srv["chain6"]
        self.assertNotIn("/robots-final.txt", s.paths, "the 6th redirect must not be followed")
        self.assertEqual(s.page_paths(), [p for p in s.page_paths() if p.startswith("/r")])
        self.assertBlocked("chain6", "/", "policy.robots.unreachable")

    def test_robots_redirect_loop_disallows_all(self):
        s = self.srv["loop"]
        self.assertLessEqual(s.count("/robots.txt"), 6, s.paths)
        self.assertBlocked("loop", "/", "policy.robots.unreachable")

    def test_disallow_all(self):
        self.assertNothingButPolicy("all", "policy.robots.disallow")

    # robots.txt "Disallow: /" disallows /ai.txt and /.well-known/tdmrep.json too (only
    # /robots.txt is implicitly allowed, RFC 9309 2.2.2): they are not requested.
    def test_disallow_all_requests_nothing_else(self):
        self.assertOnlyRobotsRequested("all")

    # An unreachable robots.txt (5xx, 429, timeout, too many redirects) means complete disallow:
    # no further request to that origin (until robots.txt is asked again).
    def test_robots_unreachable_requests_nothing_else(self):
        for name in ("r500", "r503", "r429", "hang", "chain6", "loop"):
            with self.subTest(name):
                self.assertOnlyRobotsRequested(name)


# ============================================================================
# 3. ai.txt, tdmrep.json, Content-Signal, Content-Usage, X-Robots-Tag, meta
# ============================================================================

class PolicyFilesTest(CrawlCase, unittest.TestCase):

    @classmethod
    def make_servers(cls):
        pages = ["/free", "/notrain/p", "/reserved/p", "/hdr-noai", "/meta-noai", "/meta-noindex",
                 "/hdr-noindex", "/hdr-tdm", "/meta-tdm", "/hdr-content-usage",
                 "/meta-moisson-noai", "/meta-nofollow", "/hdr-nofollow"]
        main = ScriptedServer({
            "/robots.txt": robots("User-agent: *\nAllow: /\n"),
            "/ai.txt": robots("# Spawning ai.txt\nUser-Agent: *\nDisallow: /notrain/\n"),
            "/.well-known/tdmrep.json": page(
                json.dumps([{"location": "/reserved/*", "tdm-reservation": 1},
                            {"location": "/*", "tdm-reservation": 0}]),
                content_type="application/json"),
            "/": html("Accueil", links(*pages)),
            "/free": html("Libre"),
            "/notrain/p": html("NoTrain"),
            "/reserved/p": html("Reserved"),
            "/hdr-noai": page(html("HdrNoai"), headers={"X-Robots-Tag": "noai"}),
            "/meta-noai": html("MetaNoai", head='<meta name="robots" content="noai">'),
            "/meta-noindex": html("MetaNoindex", head="<meta name=robots content=noindex>"),
            "/hdr-noindex": page(html("HdrNoindex"), headers={"X-Robots-Tag": "noindex"}),
            "/hdr-tdm": page(html("HdrTdm"), headers={"tdm-reservation": "1"}),
            "/meta-tdm": html("MetaTdm", head='<meta name="tdm-reservation" content="1">'),
            "/hdr-content-usage": page(html("HdrCU"), headers={"Content-Usage": "train-ai=n"}),
            "/meta-moisson-noai": html("MetaMoisson", head='<meta name="moisson" content="noai">'),
            "/meta-nofollow": html("MetaNofollow", links("/via-meta-nofollow"),
                                   head='<meta name="robots" content="nofollow">'),
            "/hdr-nofollow": page(html("HdrNofollow", links("/via-hdr-nofollow")),
                                  headers={"X-Robots-Tag": "nofollow"}),
            "/via-meta-nofollow": html("ViaMeta"),
            "/via-hdr-nofollow": html("ViaHdr"),
        })
        signal = site(robots("User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n"))
        usage = site(robots("User-agent: *\nContent-Usage: train-ai=n\nAllow: /\n"))
        aitxt_all = site(robots("User-agent: *\nAllow: /\n"),
                         {"/ai.txt": robots("User-agent: *\nDisallow: /\n")})
        return {"main": main, "signal": signal, "usage": usage, "aitxt_all": aitxt_all}

    @classmethod
    def run_crawl(cls, servers):
        return Crawl([s.base + "/" for s in servers.values()], name="policy")

    def test_free_page_kept(self):
        self.assertKept("main", "/")
        self.assertKept("main", "/free")

    def test_ai_txt_disallow_not_fetched(self):
        self.assertBlocked("main", "/notrain/p", "policy.ai_txt.disallow", signal_has=("ai.txt",))

    def test_ai_txt_disallow_all_not_fetched(self):
        self.assertEqual(self.srv["aitxt_all"].page_paths(), [])
        self.assertBlocked("aitxt_all", "/", "policy.ai_txt.disallow")

    def test_tdmrep_json_reservation_not_fetched(self):
        self.assertBlocked("main", "/reserved/p", "policy.tdm.reservation",
                           signal_has=("tdmrep.json",))

    def test_content_signal_ai_train_no_not_fetched(self):
        self.assertEqual(self.srv["signal"].page_paths(), [])
        self.assertBlocked("signal", "/", "policy.content_signal.ai-train=no",
                           signal_has=("robots.txt:2",))

    def test_content_usage_train_ai_n_not_fetched(self):
        self.assertEqual(self.srv["usage"].page_paths(), [])
        self.assertBlocked("usage", "/", "policy.content_usage.train-ai=n")

    def test_x_robots_tag_noai_dropped(self):
        self.assertDroppedAfterFetch("main", "/hdr-noai", "policy.noai")

    def test_meta_robots_noai_dropped(self):
        self.assertDroppedAfterFetch("main", "/meta-noai", "policy.noai")

    def test_meta_moisson_noai_dropped(self):
        self.assertDroppedAfterFetch("main", "/meta-moisson-noai", "policy.noai")

    def test_meta_robots_noindex_dropped(self):
        self.assertDroppedAfterFetch("main", "/meta-noindex", "policy.noindex")

    def test_x_robots_tag_noindex_dropped(self):
        self.assertDroppedAfterFetch("main", "/hdr-noindex", "policy.noindex")

    def test_tdm_reservation_header_dropped(self):
        self.assertDroppedAfterFetch("main", "/hdr-tdm", "policy.tdm.reservation")

    def test_tdm_reservation_meta_dropped(self):
        self.assertDroppedAfterFetch("main", "/meta-tdm", "policy.tdm.reservation")

    def test_content_usage_header_dropped(self):
        self.assertDroppedAfterFetch("main", "/hdr-content-usage", "policy.content_usage.train-ai=n")

    def test_nofollow_links_not_followed(self):
        self.assertKept("main", "/meta-nofollow")
        self.assertKept("main", "/hdr-nofollow")
        for p in ("/via-meta-nofollow", "/via-hdr-nofollow"):
            self.assertNotRequested("main", p)
            self.assertNotIn(self.urls["main"] + p, self.crawl.by_url)

    def test_page_objection_names_its_signal(self):
        r = self.row(self.urls["main"] + "/hdr-noai")
        self.assertIn("noai", r["signal"], r)


# ============================================================================
# 4 + 7. statuses: 429/503 back-off, 4xx/5xx, access refused (login, paywall)
# ============================================================================

class StatusTest(CrawlCase, unittest.TestCase):
    """429/503 back-off on their own origins (a 429 or 503 doubles that host's delay for the
    rest of the crawl, by design), refusals and errors on another."""
    MAX_RETRIES = 2

    @classmethod
    def make_servers(cls):
        def one(path, route):
            return ScriptedServer({"/robots.txt": robots("User-agent: *\nAllow: /\n"),
                                   "/": html("Accueil", links(path, "/after")),
                                   path: route, "/after": html("After")})
        pages = ["/login", "/paywall", "/shop", "/e401", "/e403", "/e407", "/e451", "/e500", "/e404"]
        return {
            "busy": one("/busy-once", [status(429, retry_after=1), html("BusyOnce")]),
            "down": one("/down-once", [status(503, retry_after=1), html("DownOnce")]),
            "busy_forever": one("/busy-forever", status(429, retry_after=0)),
            "down_forever": one("/down-forever", status(503)),
            "main": ScriptedServer({
                "/robots.txt": robots("User-agent: *\nAllow: /\n"),
                "/": html("Accueil", links(*pages)),
                "/login": login_page(),
                "/paywall": paywalled_page(),
                "/shop": page(SHOP_PAGE),
                "/e401": status(401, headers={"WWW-Authenticate": 'Basic realm="x"'}),
                "/e403": status(403),
                "/e407": status(407),
                "/e451": status(451),
                "/e500": status(500),
                # /e404: no route
            }),
        }

    @classmethod
    def run_crawl(cls, servers):
        return Crawl([s.base + "/" for s in servers.values()], max_retries=cls.MAX_RETRIES,
                     name="status")

    def times(self, name, path):
        return [q["time"] for q in self.srv[name].requests if q["path"] == path]

    def assertRetriedAfter(self, name, path, seconds):
        t = self.times(name, path)
        self.assertEqual(len(t), 2, self.srv[name].paths)
        self.assertGreaterEqual(t[1] - t[0], seconds, "Retry-After not honoured")
        r = self.row(self.urls[name] + path)
        self.assertEqual((r["decision"], r["http_status"], r["fetched"]), ("keep", 200, 1), r)
        self.assertIsNotNone(self.crawl.page(self.urls[name] + path))
        # The host asked to slow down: its delay doubled (0.05 -> 0.1 s) for the next page.
        after = self.times(name, "/after")
        self.assertEqual(len(after), 1)
        self.assertGreater(after[0] - t[1], 0.1 - 0.02)

    def test_429_retry_after_honoured_then_success(self):
        self.assertRetriedAfter("busy", "/busy-once", 1.0)

    def test_503_retry_after_honoured_then_success(self):
        self.assertRetriedAfter("down", "/down-once", 1.0)

    def test_429_forever_gives_up(self):
        r = self.assertDroppedAfterFetch("busy_forever", "/busy-forever", "http.429",
                                         times=self.MAX_RETRIES + 1)
        self.assertEqual(r["http_status"], 429)
        t = self.times("busy_forever", "/busy-forever")
        gaps = [b - a for a, b in zip(t, t[1:])]
        # Exponential back-off from the 0.05 s delay: 0.1 s, then 0.2 s.
        self.assertGreaterEqual(gaps[0], 0.1 - 0.02, gaps)
        self.assertGreaterEqual(gaps[1], 0.2 - 0.02, gaps)

    def test_503_forever_gives_up(self):
        r = self.assertDroppedAfterFetch("down_forever", "/down-forever", "http.503",
                                         times=self.MAX_RETRIES + 1)
        self.assertEqual(r["http_status"], 503)

    def test_login_wall(self):
        r = self.assertDroppedAfterFetch("main", "/login", "access.login_wall")
        self.assertEqual(r["http_status"], 200)

    def test_paywall(self):
        self.assertDroppedAfterFetch("main", "/paywall", "access.paywall")

    def test_login_box_beside_content_is_kept(self):
        self.assertKept("main", "/shop")

    def test_filter_judges_access_as_the_crawl_does(self):
        """The same bytes through `moisson filter` (a dump of these pages)
        get the crawl's decisions and reasons: access is a step of the one
        chain, not the crawler's own rule."""
        routes = {"/login": login_page()["body"], "/paywall": paywalled_page()["body"], "/shop": SHOP_PAGE}
        d = tempfile.mkdtemp(dir=_TMP.name)
        dump = os.path.join(d, "pages.jsonl")
        with open(dump, "w", encoding="utf-8") as f:
            for path, body in routes.items():
                f.write(json.dumps({"id": path, "url": self.urls["main"] + path, "html": body}) + "\n")
        out, rejects = os.path.join(d, "out.jsonl"), os.path.join(d, "rejects.jsonl")
        p = subprocess.run([BIN, "filter", dump, "--html-field", "html", "--key", _KEY, "-o", out,
                            "--rejects", rejects, "--ledger", os.path.join(d, "l.sqlite"), "--no-progress"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        judged = {}
        for name in (out, rejects):
            with open(name, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    judged[r["id"]] = ("drop", sorted(r["reasons"])) if name == rejects else (
                        r["moisson"]["decision"], [])
        for path in routes:
            row = self.row(self.urls["main"] + path)
            crawl = (row["decision"], sorted(row["reasons"]) if row["decision"] == "drop" else [])
            self.assertEqual(judged[path], crawl, path)
        self.assertEqual(judged["/login"], ("drop", ["access.login_wall"]))
        self.assertEqual(judged["/shop"], ("keep", []))

    def test_access_denied_never_retried(self):
        for code in (401, 403, 407, 451):
            with self.subTest(code):
                r = self.assertDroppedAfterFetch("main", f"/e{code}", "access.denied", times=1)
                self.assertEqual(r["http_status"], code)

    def test_other_errors(self):
        r = self.assertDroppedAfterFetch("main", "/e500", "http.500", times=1)
        self.assertEqual(r["http_status"], 500)
        r = self.assertDroppedAfterFetch("main", "/e404", "http.404", times=1)
        self.assertEqual(r["http_status"], 404)


# ============================================================================
# 5. timeouts, endless bodies, gzip bombs, dropped connections, content types
# ============================================================================

class FaultTest(CrawlCase, unittest.TestCase):

    @classmethod
    def make_servers(cls):
        def site_with(routes):
            return ScriptedServer({"/robots.txt": robots("User-agent: *\nAllow: /\n"),
                                   "/": html("Accueil", links(*routes)), **routes})
        return {
            "slow": site_with({"/slow": delay(3, html("Slow"))}),
            "endless": site_with({"/endless": endless("chunked")}),
            "endless_len": site_with({"/endless": endless("length")}),
            "bomb": site_with({"/bomb": gzip_bomb(1 << 30)}),
            "misc": site_with({"/drop": drop(), "/pdf": page(b"%PDF-1.4 ...",
                                                            content_type="application/pdf"),
                               "/big": page("<p>" + "x" * (3 << 20) + "</p>")}),
        }

    @classmethod
    def run_crawl(cls, servers):
        # 2 MiB: the bomb (1 GiB of zeros, ~1 MiB on the wire) passes the size check at the
        # headers and must be stopped by the decoding ratio.
        c = Crawl([s.base + "/" for s in servers.values()], "--max-body-mib", "2",
                  timeout=1.0, max_retries=1, name="faults")
        # Connections the crawler cut: the servers' handlers must be done writing.
        cls.still_writing = {}
        for n in ("endless", "endless_len", "bomb"):
            deadline = time.monotonic() + 3
            while servers[n]._in_flight and time.monotonic() < deadline:
                time.sleep(0.02)
            cls.still_writing[n] = servers[n]._in_flight
        return c

    def test_slow_server_times_out(self):
        s = self.srv["slow"]
        self.assertEqual(s.count("/slow"), 2, "a timeout is retried --max-retries (1) times")
        r = self.row(self.urls["slow"] + "/slow")
        self.assertEqual(r["decision"], "drop")
        self.assertIn("fetch.timeout", r["reasons"])
        self.assertEqual(r["http_status"], 0)
        self.assertIsNone(self.crawl.page(self.urls["slow"] + "/slow"))

    def test_endless_body_cut(self):
        for n in ("endless", "endless_len"):
            with self.subTest(n):
                r = self.row(self.urls[n] + "/endless")
                self.assertEqual(r["decision"], "drop")
                self.assertIn("fetch.too_large", r["reasons"], r)
                self.assertIsNone(self.crawl.page(self.urls[n] + "/endless"))
                self.assertEqual(self.still_writing[n], 0,
                                 "the server is still writing: the connection was not cut")
        self.assertLess(self.crawl.seconds, 20, self.crawl.describe())

    def test_big_page_too_large(self):
        r = self.row(self.urls["misc"] + "/big")
        self.assertIn("fetch.too_large", r["reasons"], r)
        self.assertEqual(self.srv["misc"].count("/big"), 1, "a too-large page is not retried")

    def test_gzip_bomb_refused(self):
        r = self.row(self.urls["bomb"] + "/bomb")
        self.assertEqual(r["decision"], "drop")
        self.assertTrue({"fetch.decode_ratio", "fetch.too_large"} & set(r["reasons"]), r)
        self.assertEqual(self.srv["bomb"].count("/bomb"), 1, "a gzip bomb is not retried")
        self.assertIsNone(self.crawl.page(self.urls["bomb"] + "/bomb"))
        self.assertEqual(self.still_writing["bomb"], 0)
        size = sum(os.path.getsize(os.path.join(self.crawl.out, f))
                   for f in os.listdir(self.crawl.out))
        self.assertLess(size, 1 << 20, "the bomb's content reached the output folder")

    def test_dropped_connection(self):
        r = self.row(self.urls["misc"] + "/drop")
        self.assertEqual(r["reasons"], ["fetch.network"], r)
        self.assertEqual((r["http_status"], r["fetched"]), (0, 1), r)
        self.assertGreaterEqual(self.srv["misc"].count("/drop"), 2, "network errors are retried")

    # A connection closed without an answer is retried by the crawler (--max-retries 1) after the
    # host delay. libcurl itself re-sends a request at once, once, when it went out on a reused
    # keep-alive connection (docs/crawling.md, "Known limits"), so each crawler attempt may reach
    # the server twice; the total stays bounded and the crawler's retry waits.
    def test_dropped_connection_retries_bounded_and_polite(self):
        s = self.srv["misc"]
        t = [q["time"] for q in s.requests if q["path"] == "/drop"]
        self.assertGreaterEqual(len(t), 2, "1 + --max-retries requests")
        self.assertLessEqual(len(t), 2 * 2, "at most one libcurl re-send per attempt")
        self.assertGreaterEqual(t[-1] - t[0], 0.05 - 0.02, "retried without the host delay")

    def test_content_type_refused(self):
        r = self.row(self.urls["misc"] + "/pdf")
        self.assertIn("fetch.content_type", r["reasons"], r)
        self.assertEqual(self.srv["misc"].count("/pdf"), 1)


# ============================================================================
# 6. redirects
# ============================================================================

BLOCKED_HOST = "007angels.com"   # on the default adult list (sinfonietta), see setUpClass


class RedirectTest(CrawlCase, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        out = subprocess.run([BIN, "blocklist", "check", f"http://{BLOCKED_HOST}/x"],
                             capture_output=True, text=True)
        if out.returncode != 1 or not out.stdout.startswith("blocked"):
            raise AssertionError(f"{BLOCKED_HOST} is no longer on a default list: {out.stdout}")
        cls.blocked_category = out.stdout.split("\t")[2]
        super().setUpClass()

    @classmethod
    def make_servers(cls):
        other = ScriptedServer({"/robots.txt": robots("User-agent: *\nDisallow: /closed/\n"),
                                "/open": html("OtherOpen"), "/closed/x": html("OtherClosed")})
        pages = ["/loop1", "/self", "/hop0", "/long0", "/to-blocked", "/to-outside",
                 "/to-private", "/to-other-open", "/to-other-closed", "/to-file", "/to-empty",
                 "http://moisson-test.invalid/linked", "http://example.com/linked"]
        main = ScriptedServer({
            "/robots.txt": robots("User-agent: *\nDisallow: /private/\n"),
            "/": html("Accueil", links(*pages)),
            "/loop1": redirect("/loop2", 301), "/loop2": redirect("{base}/loop1", 302),
            "/self": redirect("/self", 307),
            **redirect_chain(5, "/chain-end", prefix="/hop"),
            "/chain-end": html("ChainEnd"),
            **redirect_chain(7, "/long-end", prefix="/long"),
            "/long-end": html("LongEnd"),
            "/to-blocked": redirect(f"http://{BLOCKED_HOST}/page"),
            "/to-outside": redirect("http://moisson-test.invalid/page"),
            "/to-private": redirect("/private/x"),
            "/private/x": html("Private"),
            "/to-other-open": redirect(other.base + "/open"),
            "/to-other-closed": redirect(other.base + "/closed/x"),
            "/to-file": redirect("file:///etc/passwd"),
            "/to-empty": {"status": 302, "body": ""},
        })
        return {"main": main, "other": other}

    @classmethod
    def run_crawl(cls, servers):
        return Crawl([servers["main"].base + "/"], "--allow-domain", BLOCKED_HOST,
                     name="redirects")

    def test_loop_ends(self):
        self.assertRequestedTimes("main", "/loop1", 1)
        self.assertRequestedTimes("main", "/loop2", 1)
        self.assertEqual(self.row(self.urls["main"] + "/loop1")["reasons"], ["redirect"])
        r = self.row(self.urls["main"] + "/loop2")
        self.assertEqual(r["reasons"], ["redirect.seen"], r)
        self.assertEqual((r["fetched"], r["http_status"]), (1, 302))

    def test_self_redirect_ends(self):
        self.assertRequestedTimes("main", "/self", 1)
        self.assertEqual(self.row(self.urls["main"] + "/self")["reasons"], ["redirect.seen"])

    def test_chain_of_5_followed(self):
        for i in range(5):
            self.assertEqual(self.row(self.urls["main"] + f"/hop{i}")["reasons"], ["redirect"])
        self.assertKept("main", "/chain-end")

    def test_chain_of_7_stops_after_5_hops(self):
        for i in range(5):
            self.assertRequestedTimes("main", f"/long{i}", 1)
        r = self.row(self.urls["main"] + "/long5")
        self.assertEqual(r["reasons"], ["redirect.too_many"], r)
        self.assertNotRequested("main", "/long6")
        self.assertNotRequested("main", "/long-end")

    def test_redirect_to_blocklisted_host(self):
        r = self.row(self.urls["main"] + "/to-blocked")
        self.assertEqual(r["reasons"], ["redirect.blocked"], r)
        t = self.row(f"http://{BLOCKED_HOST}/page")
        self.assertEqual(t["reasons"], ["blocklist." + self.blocked_category], t)
        self.assertEqual((t["fetched"], t["http_status"], t["decision"]), (0, 0, "drop"))
        self.assertIn(BLOCKED_HOST, t["signal"])
        # Never resolved nor requested: nothing in the stats says a fetch was tried.
        self.assertNotIn("fetch.network", self.crawl.stats["by_reason"])

    def test_redirect_out_of_scope(self):
        r = self.row(self.urls["main"] + "/to-outside")
        self.assertEqual(r["reasons"], ["redirect.out_of_scope"], r)
        self.assertNotIn("http://moisson-test.invalid/page", self.crawl.by_url)

    def test_links_out_of_scope_not_admitted(self):
        for u in ("http://moisson-test.invalid/linked", "http://example.com/linked"):
            self.assertNotIn(u, self.crawl.by_url)

    def test_redirect_to_disallowed_path(self):
        self.assertEqual(self.row(self.urls["main"] + "/to-private")["reasons"], ["redirect"])
        self.assertBlocked("main", "/private/x", "policy.robots.disallow")

    def test_redirect_to_other_origin_obeys_its_robots(self):
        o = self.srv["other"]
        self.assertEqual(o.paths[0], "/robots.txt", o.paths)
        self.assertKept("other", "/open")
        self.assertBlocked("other", "/closed/x", "policy.robots.disallow")

    def test_redirect_to_other_scheme_or_nowhere(self):
        for p in ("/to-file", "/to-empty"):
            with self.subTest(p):
                r = self.row(self.urls["main"] + p)
                self.assertEqual(r["decision"], "drop")
                self.assertEqual(len(r["reasons"]), 1)
                self.assertTrue(r["reasons"][0].startswith("redirect."), r)
        self.assertNotIn("file:///etc/passwd", self.crawl.by_url)
        # The target of a redirect.invalid is in its row's signal.
        r = self.row(self.urls["main"] + "/to-file")
        self.assertEqual(r["reasons"], ["redirect.invalid"], r)
        self.assertEqual(r["signal"], "Location: file:///etc/passwd", r)


# ============================================================================
# 6a. Redirects of robots.txt, ai.txt and tdmrep.json: the checks of a page redirect, before any
#     DNS lookup, seen through a resolver the test observes (tests/crawl/dns_shim.c, LD_PRELOAD)
# ============================================================================

DNS_SHIM = os.environ.get("MOISSON_DNS_SHIM") or os.path.join(
    os.path.dirname(BIN), "tests", "libmoisson_test_dns.so")
NAMED_HOST = "moisson-dns.test"        # in scope (--allow-domain), resolved by the shim to 127.0.0.1
OUTSIDE_HOST = "moisson-outside.test"  # out of scope, also resolvable through the shim


class PolicyRedirectTest(CrawlCase, unittest.TestCase):
    """Every origin is 127.0.0.1 on its own port. `target` answers any policy file; the others
    redirect theirs to it under a blocked name, an out-of-scope name, or (the control) a name in
    scope. The shim logs every getaddrinfo() and resolves the test names to 127.0.0.1, so a
    lookup of a refused host would be seen, and a request for it would reach `target`."""

    NOT_PAGES = {"aifollow": {"/real-ai.txt"}}
    SECRET = "r0b0ts-pw"

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(DNS_SHIM):
            raise AssertionError(f"resolver shim not built: {DNS_SHIM} (target moisson_test_dns)")
        cls.dns_log = os.path.join(_TMP.name, "dns-policy-redirects.log")
        super().setUpClass()
        with open(cls.dns_log) as f:
            cls.lookups = [line.strip() for line in f if line.strip()]

    @classmethod
    def make_servers(cls):
        any_file = {"/robots.txt": robots("User-agent: *\nAllow: /\n"),
                    "/ai.txt": robots("User-agent: *\nDisallow: /\n"),
                    "/.well-known/tdmrep.json": page('[{"location": "/*", "tdm-reservation": 1}]',
                                                     content_type="application/json")}
        target = ScriptedServer(dict(any_file))
        named = ScriptedServer({"/robots.txt": robots("User-agent: *\nDisallow: /private/\n")})
        t = target.port

        def origin(**routes):
            r = {"/": html("Accueil", links("/a", "/private/b")), "/a": html("A"),
                 "/private/b": html("B"), "/robots.txt": robots("User-agent: *\nAllow: /\n")}
            r.update(routes)
            return ScriptedServer(r)

        return {
            "target": target, "named": named,
            "robots": origin(**{"/robots.txt": redirect(f"http://{BLOCKED_HOST}:{t}/robots.txt", 301)}),
            "outside": origin(**{"/robots.txt": redirect(f"http://{OUTSIDE_HOST}:{t}/robots.txt")}),
            "aitxt": origin(**{"/ai.txt": redirect(f"http://{BLOCKED_HOST}:{t}/ai.txt")}),
            "tdmrep": origin(**{"/.well-known/tdmrep.json":
                                redirect(f"http://{BLOCKED_HOST}:{t}/.well-known/tdmrep.json")}),
            "control": origin(**{"/robots.txt": redirect(f"http://{NAMED_HOST}:{named.port}/robots.txt")}),
            "aifollow": origin(**{"/ai.txt": redirect("/real-ai.txt"),
                                  "/real-ai.txt": robots("User-agent: *\nDisallow: /a\n")}),
            # A Location with user:password@ is refused; its password never reaches the ledger.
            "creds": origin(**{"/robots.txt": redirect(f"http://jeanne:{cls.SECRET}@127.0.0.1:{t}/robots.txt")}),
        }

    @classmethod
    def run_crawl(cls, servers):
        seeds = [servers[n].base + "/" for n in
                 ("robots", "outside", "aitxt", "tdmrep", "control", "aifollow", "creds")]
        env = {"LD_PRELOAD": DNS_SHIM, "MOISSON_TEST_DNS_LOG": cls.dns_log,
               "MOISSON_TEST_DNS_LOOPBACK": ",".join((BLOCKED_HOST, NAMED_HOST, OUTSIDE_HOST))}
        return Crawl(seeds, "--allow-domain", BLOCKED_HOST, "--allow-domain", NAMED_HOST,
                     name="policy-redirects", env=env)

    def test_resolver_is_observed(self):
        # The control: a robots.txt redirect in scope is followed, so its host is looked up.
        self.assertIn(NAMED_HOST, self.lookups)
        self.assertEqual(self.srv["named"].paths, ["/robots.txt"])
        self.assertKept("control", "/a")
        self.assertBlocked("control", "/private/b", "policy.robots.disallow")

    def test_refused_targets_never_looked_up_nor_requested(self):
        self.assertNotIn(BLOCKED_HOST, self.lookups)
        self.assertNotIn(OUTSIDE_HOST, self.lookups)
        self.assertEqual(self.srv["target"].paths, [])

    def test_robots_redirect_to_blocked_host_refuses_the_origin(self):
        r = self.assertBlocked("robots", "/", "policy.robots.unreachable",
                               ("redirect.blocked", BLOCKED_HOST, "blocklist."))
        self.assertNotIn("network error", r["signal"], r)
        self.assertEqual(self.srv["robots"].paths, ["/robots.txt"])

    def test_robots_redirect_out_of_scope_refuses_the_origin(self):
        self.assertBlocked("outside", "/", "policy.robots.unreachable",
                           ("redirect.out_of_scope", OUTSIDE_HOST))

    def test_ai_txt_and_tdmrep_redirects_to_blocked_host_not_followed(self):
        # Not read, so not published: the origin's own robots.txt allows its pages.
        for name in ("aitxt", "tdmrep"):
            with self.subTest(name):
                self.assertKept(name, "/a")

    def test_robots_redirect_with_credentials_refused_without_them(self):
        r = self.assertBlocked("creds", "/", "policy.robots.unreachable",
                               ("redirect.invalid", self.srv["target"].base + "/robots.txt"))
        self.assertNotIn(self.SECRET, r["signal"], "the redirect's password reached the ledger")
        self.assertNotIn(self.SECRET, self.crawl.describe())

    def test_ai_txt_redirect_in_scope_followed_and_obeyed(self):
        self.assertRequestedTimes("aifollow", "/real-ai.txt", 1)
        self.assertBlocked("aifollow", "/a", "policy.ai_txt.disallow")


# ============================================================================
# 6a'. What the ledger says of links: past the per-page cap, with credentials
# ============================================================================

class LinkSignalsTest(CrawlCase, unittest.TestCase):
    """/many has 10,003 links (the cap is 10,000 per page); / links to /many and, with
    user:password@, to /cred; /to-cred redirects to a Location with credentials. The page
    budget (--max-pages 5) keeps the crawl small: the links under the cap are admitted until
    it runs out, the others are refused by the budget, which gives no row."""

    SECRET = "s3cr3t-pw"

    @classmethod
    def make_servers(cls):
        main = ScriptedServer()
        cred = f"http://jeanne:{cls.SECRET}@127.0.0.1:{main.port}"
        main.routes.update({
            "/robots.txt": robots("User-agent: *\nAllow: /\n"),
            "/": html("Accueil", links("/many", "/to-cred", f"{cred}/cred")),
            "/many": html("Many", links(*(f"/l{i}" for i in range(10003)))),
            "/to-cred": redirect(f"{cred}/target"),
            "/cred": html("Cred"), "/target": html("Target"), "/l0": html("L0"),
        })
        return {"main": main}

    @classmethod
    def run_crawl(cls, servers):
        return Crawl([servers["main"].base + "/"], "--max-pages", "5", name="links")

    def test_links_past_the_cap_counted(self):
        r = self.assertKept("main", "/many")
        self.assertIn("3 links past the cap of 10000 per page not followed", r["signal"], r)
        self.assertEqual(self.crawl.stats["links_over_cap"], 3, self.crawl.stats)
        self.assertIn(b"links past the 10,000 per page", self.crawl.stdout)
        self.assertEqual(self.row(self.urls["main"] + "/")["signal"], "")

    def test_link_with_credentials_has_a_row_without_them(self):
        r = self.assertBlocked("main", "/cred", "link.credentials")
        self.assertEqual(r["reasons"], ["link.credentials"], r)
        with open(self.crawl.ledger_path, "rb") as f:
            self.assertNotIn(self.SECRET.encode(), f.read())
        with open(os.path.join(self.crawl.out, "crawl-state.sqlite"), "rb") as f:
            self.assertNotIn(self.SECRET.encode(), f.read())

    def test_redirect_with_credentials_names_its_target_without_them(self):
        r = self.row(self.urls["main"] + "/to-cred")
        self.assertEqual(r["reasons"], ["redirect.invalid"], r)
        self.assertEqual(r["signal"], "Location: " + self.urls["main"] + "/target", r)
        self.assertNotRequested("main", "/target")


class AdultSiteVerdictTest(CrawlCase, unittest.TestCase):
    """A page judged pornographic by its content (content.adult, no list names
    the site) is dropped, and the site is not crawled further: the URLs queued
    after it are refused before any request, with the page that decided it as
    their signal, as a listed site's would be (issue 16 §3)."""

    ADULT = ('<!doctype html><html><head><meta charset="utf-8"><title>Free Porn Videos - XXX HD Sex Videos'
             '</title></head><body><nav>Home | Categories | Pornstars | Live Cams</nav><h1>Hot porn videos</h1>'
             '<p>Milf | Hentai | Creampie | Gangbang | Blowjob | Amateur | Camgirls | Bukkake</p>'
             '<p>Free porn videos updated daily, xxx sex videos in HD. 18+ only.</p>'
             + links("/after1", "/after2") + '</body></html>')

    @classmethod
    def make_servers(cls):
        main = ScriptedServer({
            "/robots.txt": robots("User-agent: *\nAllow: /\n"),
            "/": html("Accueil", links("/clean", "/videos", "/later1", "/later2")),
            "/clean": html("Propre"),
            "/videos": cls.ADULT,
            "/later1": html("Plus tard"), "/later2": html("Encore plus tard"),
            "/after1": html("Après"), "/after2": html("Après encore"),
        })
        return {"main": main}

    @classmethod
    def run_crawl(cls, servers):
        # The delay (0.5 s between two requests) leaves the worker pool time
        # to judge /videos before the next URL of the host is due.
        return Crawl([servers["main"].base + "/"], name="adult", delay=0.5)

    def test_the_adult_page_is_dropped_with_its_evidence(self):
        r = self.row(self.urls["main"] + "/videos")
        self.assertEqual(r["decision"], "drop", r)
        self.assertEqual(r["reasons"], ["content.adult"], r)
        self.assertEqual(r["fetched"], 1, r)
        self.assertTrue(r["signal"].startswith("content.adult title: "), r)
        self.assertIsNone(self.crawl.page(self.urls["main"] + "/videos"))

    def test_the_site_is_not_crawled_further(self):
        self.assertKept("main", "/clean")
        for path in ("/later1", "/later2", "/after1", "/after2"):
            r = self.assertBlocked("main", path, "content.adult_site",
                                   signal_has=("site judged pornographic from " + self.urls["main"] + "/videos",))
            self.assertEqual(r["reasons"], ["content.adult_site"], r)
        self.assertEqual(self.crawl.rc, 0, self.crawl.describe())


# ============================================================================
# 6b. SSRF guard: 127.0.0.1 without --allow-private
# ============================================================================

class PrivateAddressTest(CrawlCase, unittest.TestCase):

    @classmethod
    def make_servers(cls):
        return {"main": site(robots("User-agent: *\nAllow: /\n"))}

    @classmethod
    def run_crawl(cls, servers):
        p = servers["main"].port
        cls.seeds = [f"http://127.0.0.1:{p}/", f"http://localhost:{p}/a",
                     f"http://2130706433:{p}/b", f"http://0x7f.1:{p}/c",
                     f"http://[::ffff:127.0.0.1]:{p}/d", f"http://127.000.000.001:{p}/e"]
        return Crawl(cls.seeds, allow_private=False, name="ssrf")

    def test_no_request_reaches_the_server(self):
        self.assertEqual(self.srv["main"].paths, [])

    def test_each_seed_refused(self):
        self.assertEqual(self.crawl.rc, 0, self.crawl.describe())
        self.assertGreaterEqual(len(self.crawl.rows), 1)
        for r in self.crawl.rows:
            self.assertEqual((r["decision"], r["fetched"], r["http_status"]), ("drop", 0, 0), r)
            self.assertTrue({"fetch.address_refused", "policy.robots.unreachable"} & set(r["reasons"]),
                            r)
        self.assertEqual(self.crawl.pages, [])

    def test_robots_refused_by_the_address_check_says_so(self):
        # robots.txt was refused by our own check, not lost on the network: the rows say which.
        refused = [r for r in self.crawl.rows if "policy.robots.unreachable" in r["reasons"]]
        self.assertTrue(refused, self.crawl.describe())
        for r in refused:
            self.assertIn("robots.txt fetch.address_refused", r["signal"], r)
            self.assertIn("loopback", r["signal"], r)
            self.assertNotIn("network error", r["signal"], r)


# ============================================================================
# 8. politeness
# ============================================================================

def write_site(root, n, extra=None):
    """n linked pages: index.html -> p1 .. p{n-1}, each also linking the next."""
    os.makedirs(root, exist_ok=True)
    names = ["/"] + [f"/p{i}.html" for i in range(1, n)]
    for i, name in enumerate(names):
        nxt = names[(i + 1) % n]
        body = html(f"Page {i}", links(nxt, *(names[1:] if i == 0 else [])))
        if extra and name in extra:
            body = extra[name]
        path = os.path.join(root, "index.html" if name == "/" else name.lstrip("/"))
        with open(path, "w", encoding="utf-8") as f:
            f.write(body)
    with open(os.path.join(root, "robots.txt"), "w") as f:
        f.write("User-agent: *\nAllow: /\n")
    return names


@unittest.skipUnless(os.path.exists(NGINX), "nginx not installed")
class PolitenessTest(CrawlCase, unittest.TestCase):
    DELAY = 0.3
    CRAWL_DELAY = 0.5

    @classmethod
    def make_servers(cls):
        cls.root = tempfile.mkdtemp(prefix="site-", dir=_TMP.name)
        cls.names = write_site(cls.root, 8)
        cls.timing_log = os.path.join(cls.root + "-timing.log")
        # A second access log with the request duration: start = $msec - $request_time.
        timing = ("log_format timing '$msec $request_time \"$request\"';\n"
                  f"access_log {cls.timing_log} timing;")
        ng = Nginx(cls.root, http_config=timing)
        routes = {"/robots.txt": robots(f"User-agent: *\nCrawl-delay: {cls.CRAWL_DELAY}\n"),
                  "/": html("Accueil", links("/a", "/b", "/c", "/d"))}
        for p in "abcd":
            routes["/" + p] = delay(0.05, html(p.upper(), links("/a", "/b", "/c", "/d")))
        return {"nginx": ng, "scripted": ScriptedServer(routes)}

    @classmethod
    def run_crawl(cls, servers):
        return Crawl([s.base + "/" for s in servers.values()], "--concurrency", "16",
                     delay=cls.DELAY, name="polite")

    def test_all_pages_fetched_once(self):
        s = self.srv["nginx"]
        for n in self.names:
            self.assertRequestedTimes("nginx", n, 1)
        self.assertEqual(len(s.paths), len(self.names) + 3, s.paths)

    def test_delay_between_requests(self):
        reqs = []
        with open(self.timing_log) as f:
            for line in f:
                msec, rt, req = line.rstrip("\n").split(" ", 2)
                reqs.append((float(msec) - float(rt), float(msec), req))
        reqs.sort()
        self.assertEqual(len(reqs), len(self.srv["nginx"].requests))
        for (s0, e0, r0), (s1, e1, r1) in zip(reqs, reqs[1:]):
            self.assertGreaterEqual(s1, e0 - 0.001, f"{r1} started before {r0} ended")
            self.assertGreaterEqual(s1 - e0, self.DELAY - 0.02,
                                    f"{r1} only {s1 - e0:.3f} s after {r0}")
        # Same from the standard access log ($msec = end of each response).
        t = [q["time"] for q in self.srv["nginx"].requests]
        gaps = [b - a for a, b in zip(t, t[1:])]
        self.assertGreaterEqual(min(gaps), self.DELAY - 0.02, gaps)

    def test_one_request_in_flight_per_host(self):
        self.assertEqual(self.srv["scripted"].max_in_flight, 1)

    def test_crawl_delay_honoured(self):
        t = [q["time"] for q in self.srv["scripted"].requests]
        self.assertEqual(len(t), 3 + 5, self.srv["scripted"].paths)
        # Pages only: the Crawl-delay applies once robots.txt is read. Start-to-start gap =
        # 0.05 s of server delay (pages) + at least the Crawl-delay.
        page_t = t[3:]
        gaps = [b - a for a, b in zip(page_t, page_t[1:])]
        self.assertGreaterEqual(min(gaps), self.CRAWL_DELAY - 0.02, gaps)


# ============================================================================
# 9. WARC
# ============================================================================

def warc_records(path):
    """Every gzip member of a .warc.gz, decompressed on its own, parsed into
    (headers dict, block bytes). Fails on a member that does not decompress."""
    with open(path, "rb") as f:
        data = f.read()
    records = []
    while data:
        d = zlib.decompressobj(31)
        raw = d.decompress(data) + d.flush()
        if not d.eof:
            raise AssertionError("truncated gzip member in " + path)
        data = d.unused_data
        head, sep, rest = raw.partition(b"\r\n\r\n")
        if not sep:
            raise AssertionError("a WARC record without a header end")
        lines = head.decode("utf-8").split("\r\n")
        if lines[0] != "WARC/1.1":
            raise AssertionError(f"bad WARC version line {lines[0]!r}")
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = int(hdrs["content-length"])
        block, trailer = rest[:n], rest[n:]
        if trailer != b"\r\n\r\n":
            raise AssertionError(f"record trailer {trailer[:20]!r}, expected CRLF CRLF")
        records.append((hdrs, block))
    return records


def sha1_b32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


class _FakeSock:
    def __init__(self, data):
        self._f = io.BytesIO(data)

    def makefile(self, *a, **k):
        return self._f


def replay(block):
    """What a WARC replay tool makes of a response block: (status, headers, entity body)."""
    resp = http.client.HTTPResponse(_FakeSock(block))
    resp.begin()
    body = resp.read()
    if (resp.getheader("Content-Encoding") or "").lower() == "gzip":
        body = gzip.decompress(body)
    return resp.status, resp, body


@unittest.skipUnless(os.path.exists(NGINX), "nginx not installed")
class WarcTest(CrawlCase, unittest.TestCase):

    @classmethod
    def make_servers(cls):
        cls.root = tempfile.mkdtemp(prefix="warc-site-", dir=_TMP.name)
        extra = {"/p3.html": html("Contact", f"<p>Écrire à {EMAIL}</p>"),
                 "/p4.html": html("NoAI", head='<meta name="robots" content="noai">')}
        cls.names = write_site(cls.root, 6, extra)
        cls.gz_root = tempfile.mkdtemp(prefix="warc-gz-", dir=_TMP.name)
        cls.gz_names = write_site(cls.gz_root, 3)
        gz = ("gzip on; gzip_min_length 0; gzip_types text/html text/plain;")
        return {"plain": Nginx(cls.root), "gzip": Nginx(cls.gz_root, extra_config=gz)}

    @classmethod
    def run_crawl(cls, servers):
        c = Crawl([s.base + "/" for s in servers.values()], "--warc", name="warc")
        wdir = os.path.join(c.out, "warc")
        cls.warc_files = sorted(os.path.join(wdir, f) for f in os.listdir(wdir)) \
            if os.path.isdir(wdir) else []
        cls.records = []
        for f in cls.warc_files:
            cls.records += warc_records(f)
        return c

    def responses(self, base):
        return {h["warc-target-uri"]: (h, b) for h, b in self.records
                if h.get("warc-type") == "response" and h["warc-target-uri"].startswith(base)}

    def file_bytes(self, root, path):
        name = "index.html" if path == "/" else path.lstrip("/")
        with open(os.path.join(root, name), "rb") as f:
            return f.read()

    def test_warc_file_and_members(self):
        self.assertEqual([os.path.basename(f) for f in self.warc_files], ["crawl-00000.warc.gz"])
        self.assertEqual(self.records[0][0]["warc-type"], "warcinfo")
        for h, b in self.records:
            self.assertEqual(h["warc-block-digest"], sha1_b32(b), h)

    def test_response_for_each_kept_page(self):
        kept = {r["url"] for r in self.crawl.rows if r["decision"] == "keep"}
        others = {r["url"] for r in self.crawl.rows if r["decision"] != "keep"}
        got = {h["warc-target-uri"] for h, _ in self.records if h.get("warc-type") == "response"}
        self.assertEqual(got, kept)
        self.assertFalse(got & others)
        self.assertIn(self.urls["plain"] + "/p3.html", others)  # modified: personal data
        self.assertIn(self.urls["plain"] + "/p4.html", others)  # dropped: noai
        reqs = [h for h, _ in self.records if h.get("warc-type") == "request"]
        self.assertEqual(len(reqs), len(got))
        ids = {h["warc-record-id"]: h for h, _ in self.records}
        for h, _ in self.records:
            if h.get("warc-type") in ("request", "response"):
                other = ids.get(h["warc-concurrent-to"])
                self.assertIsNotNone(other, h)
                self.assertEqual(other["warc-target-uri"], h["warc-target-uri"])

    def test_payload_digest_and_content(self):
        for url, (h, block) in self.responses(self.urls["plain"]).items():
            with self.subTest(url):
                head, _, payload = block.partition(b"\r\n\r\n")
                self.assertTrue(head.startswith(b"HTTP/1.1 200"), head[:40])
                self.assertEqual(h["warc-payload-digest"], sha1_b32(payload))
                path = url[len(self.urls["plain"]):]
                self.assertEqual(payload, self.file_bytes(self.root, path))
                code, _, body = replay(block)
                self.assertEqual((code, body), (200, payload))

    def test_no_personal_data_in_warc(self):
        for f in self.warc_files:
            with gzip.open(f) as g:
                self.assertNotIn(EMAIL.encode(), g.read())

    def test_encoded_responses_replay(self):
        # nginx with gzip on answers Content-Encoding: gzip + Transfer-Encoding: chunked; the
        # record stores the decoded payload, so its head must say so (a replay tool reads it).
        gz = self.responses(self.urls["gzip"])
        self.assertEqual(len(gz), len(self.gz_names))
        for url, (h, block) in gz.items():
            path = url[len(self.urls["gzip"]):]
            want = self.file_bytes(self.gz_root, path)
            code, _, body = replay(block)
            self.assertEqual((code, body), (200, want), url)


# ============================================================================
# 10. no personal data in the crawler's logs
# ============================================================================

class PersonalDataTest(CrawlCase, unittest.TestCase):

    @classmethod
    def make_servers(cls):
        return {"main": ScriptedServer({
            "/robots.txt": robots("User-agent: *\nAllow: /\n"),
            "/": html("Accueil", links("/contact", "/gone", "/noai", "/titled", "/title-only",
                                       "/later")),
            # keeps the crawl running past 1 s, so the --progress status line is drawn
            "/later": delay(1.2, html("Plus tard")),
            "/contact": html("Contact", f"<p>Écrivez à {EMAIL} pour toute question.</p>"),
            "/titled": html(f"Contact {EMAIL}", f"<p>Écrivez à {EMAIL} pour toute question.</p>"),
            "/title-only": (f'<!doctype html><html lang="fr"><head><title>Contact {EMAIL}</title>'
                            '</head><body><p>Une page ordinaire dont seul le titre porte une '
                            'adresse.</p></body></html>'),
            "/gone": status(404, body=f"<p>Plus de page pour {EMAIL}</p>"),
            "/noai": page(html("NoAI", f"<p>{EMAIL}</p>"), headers={"X-Robots-Tag": "noai"}),
        })}

    @classmethod
    def run_crawl(cls, servers):
        c = Crawl([servers["main"].base + "/"], "--warc", progress=True, name="pii")
        cls.warc = b""
        wdir = os.path.join(c.out, "warc")
        for f in sorted(os.listdir(wdir)) if os.path.isdir(wdir) else []:
            with gzip.open(os.path.join(wdir, f)) as g:
                cls.warc += g.read()
        return c

    def test_logs_hold_no_address(self):
        self.assertIn(b"crawl:", self.crawl.stdout)  # the summary was printed
        self.assertIn(b"fetched", self.crawl.stderr)  # and the status line
        self.assertNotIn(EMAIL.encode(), self.crawl.stdout)
        self.assertNotIn(EMAIL.encode(), self.crawl.stderr)
        self.assertNotIn(b"@exemple-perso.fr", self.crawl.stdout + self.crawl.stderr)

    def test_output_holds_a_pseudonym(self):
        p = self.crawl.page(self.urls["main"] + "/contact")
        self.assertIsNotNone(p, self.crawl.describe())
        self.assertEqual(p["moisson"]["decision"], "modify")
        self.assertIn("[id.email:", p["text"])
        line = json.dumps(p, ensure_ascii=False)
        self.assertNotIn(EMAIL, line)

    def test_warc_holds_no_address_in_body(self):
        self.assertIn(b"WARC-Type: response", self.warc)
        self.assertNotIn("Écrivez à".encode() + b" " + EMAIL.encode(), self.warc)

    # The <title> goes through the detectors and actions like the text (it was once written raw):
    # a page whose only address is in its title is modified, so it is not in the WARC either.
    def test_title_holds_no_address(self):
        p = self.crawl.page(self.urls["main"] + "/titled")
        self.assertIsNotNone(p, self.crawl.describe())
        self.assertIn("[id.email:", p["text"])
        self.assertNotIn(EMAIL, p.get("title", ""))
        q = self.crawl.page(self.urls["main"] + "/title-only")
        if q is not None:
            self.assertNotEqual(q["moisson"]["decision"], "keep", q)
            self.assertNotIn(EMAIL, q.get("title", ""))
        for name in os.listdir(self.crawl.out):
            if name.startswith("pages-"):
                with open(os.path.join(self.crawl.out, name), "rb") as f:
                    self.assertNotIn(EMAIL.encode(), f.read())
        self.assertNotIn(EMAIL.encode(), self.warc)

    def test_ledger_and_state_hold_no_address(self):
        for f in (self.crawl.ledger_path, os.path.join(self.crawl.out, "crawl-state.sqlite")):
            with open(f, "rb") as fh:
                self.assertNotIn(EMAIL.encode(), fh.read(), f)


if __name__ == "__main__":
    unittest.main(verbosity=2)
