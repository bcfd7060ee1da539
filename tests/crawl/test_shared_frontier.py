#!/usr/bin/python3
"""Three crawler processes on one frontier in PostgreSQL (issue 17 §3):
`crawl --frontier postgresql://... --rank I --world-size 3`.

Six generated sites, each served by its own Debian nginx on its own port,
named s0.test ... s5.test (resolved to 127.0.0.1 by tests/crawl/dns_shim.c,
so that each is a registrable domain of its own); their pages link to each
other across sites. The frontier lives in a throwaway PostgreSQL
(tests/pg/with_postgres.sh sets MOISSON_TEST_PG).

  * Three processes together fetch every page exactly once (the nginx access
    logs), keep the records one process alone keeps, and hold the per-host
    delay; each site is crawled by one process.
  * One of three killed with kill -9 mid-crawl: the two others take its sites
    over once its lease runs out and finish the crawl; every page is fetched,
    more than once only if the killed process had fetched it.

Run:  tests/pg/with_postgres.sh env MOISSON_BIN=build/release/moisson \\
        MOISSON_DNS_SHIM=build/release/tests/libmoisson_test_dns.so /usr/bin/python3 tests/crawl/test_shared_frontier.py
"""

import collections
import hashlib
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from servers import Nginx  # noqa: E402

BIN = os.path.abspath(os.environ.get("MOISSON_BIN") or os.path.join(REPO, "build", "release", "moisson"))
DNS_SHIM = os.environ.get("MOISSON_DNS_SHIM") or os.path.join(os.path.dirname(BIN), "tests",
                                                             "libmoisson_test_dns.so")
PG = os.environ.get("MOISSON_TEST_PG")
SITES = 6
PAGES = 8
DELAY = 0.1


def share_of(site, world):
    """crawler/shared_frontier.h ShareOfSite."""
    return int.from_bytes(hashlib.sha256(site.encode()).digest()[:8], "big") % world


def psql(sql):
    return subprocess.run(["psql", PG, "-Atc", sql], capture_output=True, text=True, check=True).stdout.strip()


class SharedFrontier(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PG:
            raise AssertionError("run under tests/pg/with_postgres.sh (MOISSON_TEST_PG)")
        if not os.path.exists(DNS_SHIM):
            raise AssertionError(f"resolver shim not built: {DNS_SHIM}")
        cls.tmp = tempfile.TemporaryDirectory(prefix="moisson-shared-frontier-")
        os.chmod(cls.tmp.name, 0o755)
        cls.key = os.path.join(cls.tmp.name, "k.key")
        subprocess.run([BIN, "keygen", "--out", cls.key], check=True, capture_output=True)
        cls.roots = [os.path.join(cls.tmp.name, f"site{i}") for i in range(SITES)]
        for r in cls.roots:
            os.makedirs(r)
            with open(os.path.join(r, "robots.txt"), "w") as f:
                f.write("User-agent: *\nAllow: /\n")
        cls.nginx = [Nginx(r).start() for r in cls.roots]
        # Names chosen so that every rank's share holds two of them (ShareOfSite: SHA-256, mod 3).
        by_share = collections.defaultdict(list)
        for k in range(100):
            name = f"s{k}.test"
            by_share[share_of(name, 3)].append(name)
        cls.names = [n for r in range(3) for n in by_share[r][:2]]
        base = [f"http://{n}:{ng.port}" for n, ng in zip(cls.names, cls.nginx)]
        cls.base = base
        for i, r in enumerate(cls.roots):
            # Each page links to the next pages of its site and to a page of the next two sites.
            for p in range(PAGES):
                links = [f"/p{q}.html" for q in range(PAGES) if q != p][:3]
                links += [f"{base[(i + 1) % SITES]}/p{p}.html", f"{base[(i + 2) % SITES]}/p{(p + 3) % PAGES}.html"]
                body = "".join(f'<a href="{l}">lien</a> ' for l in links)
                text = f"Page {p} du site {i}. " + "Le jardin partagé ouvre ses portes samedi matin. " * 20
                with open(os.path.join(r, f"p{p}.html"), "w") as f:
                    f.write(f"<html><head><title>Site {i} page {p}</title></head><body><p>{text}</p>{body}</body></html>")
            with open(os.path.join(r, "index.html"), "w") as f:
                f.write("<html><body>" + "".join(f'<a href="/p{p}.html">p</a>' for p in range(PAGES)) + "</body></html>")
        cls.env = dict(os.environ, LD_PRELOAD=DNS_SHIM, MOISSON_TEST_DNS_LOOPBACK=",".join(cls.names))
        allow = []
        for n in cls.names:
            allow += ["--allow-domain", n]
        cls.common = [base[0] + "/", "--allow-private", "--key", cls.key, "-q",
                      "--checkpoint-seconds", "0.5", *allow]
        cls.pages = {(i, f"/p{p}.html") for i in range(SITES) for p in range(PAGES)}

    @classmethod
    def tearDownClass(cls):
        for ng in cls.nginx:
            ng.stop()
        cls.tmp.cleanup()

    def reset(self):
        psql("DROP TABLE IF EXISTS moisson_frontier_urls; DROP TABLE IF EXISTS moisson_frontier_sites;")
        return [len(ng.requests()) for ng in self.nginx]

    def fetched(self, marks):
        """(site index, path) -> requests, and per site the request times, since `marks`."""
        counts = collections.Counter()
        times = collections.defaultdict(list)
        for i, (ng, m) in enumerate(zip(self.nginx, marks)):
            for r in ng.requests()[m:]:
                counts[(i, r["path"])] += 1
                times[i].append(r["time"])
        return counts, times

    def records(self, out):
        urls = []
        for path in sorted(glob.glob(os.path.join(out, "pages-*.jsonl*"))):
            with open(path) as f:
                urls += [json.loads(l)["url"] for l in f if l.strip()]
        return urls

    def crawl(self, name, *extra):
        out = os.path.join(self.tmp.name, name)
        return out, subprocess.Popen([BIN, "crawl", *self.common, "-o", out, "--ledger", out + ".sqlite", *extra],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=self.env)

    def test_1_three_processes_fetch_each_page_once(self):
        marks = self.reset()
        out, p = self.crawl("alone", "--delay", str(DELAY))
        _, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 0, err)
        alone = sorted(self.records(out))
        counts, _ = self.fetched(marks)
        self.assertEqual({k for k in counts if k[1].startswith("/p")}, self.pages)

        marks = self.reset()
        runs = [self.crawl(f"shared{r}", "--frontier", PG, "--rank", str(r), "--world-size", "3", "--delay", str(DELAY))
                for r in range(3)]
        outs = []
        for out, p in runs:
            _, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
            outs.append(out)
        counts, times = self.fetched(marks)
        pages = {k: n for k, n in counts.items() if k[1].startswith("/p")}
        self.assertEqual(set(pages), self.pages)
        self.assertEqual([k for k, n in pages.items() if n != 1], [], "pages fetched more than once")
        # Each site by one process: its robots.txt asked once.
        self.assertEqual([counts[(i, "/robots.txt")] for i in range(SITES)], [1] * SITES)
        # The union of the three outputs is the one process's output, each record once.
        union = sorted(u for o in outs for u in self.records(o))
        self.assertEqual(union, alone)
        # Each process crawled the sites of its share (nobody stopped, so no site changed hands).
        for r, o in enumerate(outs):
            sites = {u.split("/")[2].split(":")[0] for u in self.records(o)}
            self.assertEqual(sites, {n for n in self.names if share_of(n, 3) == r}, f"rank {r}")
        # Per-host delay held (nginx logs when each response finished: a little slack).
        for i, ts in times.items():
            ts.sort()
            gaps = [b - a for a, b in zip(ts, ts[1:])]
            self.assertGreaterEqual(min(gaps), DELAY * 0.8, f"site {i}: {gaps}")
        self.assertEqual(psql("SELECT count(*) FROM moisson_frontier_urls WHERE state <> 'done'"), "0")

    def test_2_a_killed_process_is_taken_over(self):
        marks = self.reset()
        runs = [self.crawl(f"kill{r}", "--frontier", PG, "--rank", str(r), "--world-size", "3",
                           "--frontier-lease", "2", "--delay", "0.4") for r in range(3)]
        victim_out, victim = runs[1]
        # Kill it once it owns sites and has fetched something.
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                owned = int(psql("SELECT count(*) FROM moisson_frontier_urls u JOIN moisson_frontier_sites s "
                                 "ON s.site = u.site WHERE s.owner LIKE '%:" + str(victim.pid) + ":%' "
                                 "AND u.state <> 'queued'"))
            except subprocess.CalledProcessError:
                owned = 0
            if owned >= 2:
                break
            time.sleep(0.05)
        self.assertIsNone(victim.poll(), "the process ended before it could be killed")
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        for r in (0, 2):
            out, p = runs[r]
            _, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
        counts, _ = self.fetched(marks)
        pages = {k: n for k, n in counts.items() if k[1].startswith("/p")}
        self.assertEqual(set(pages), self.pages, "a page was never fetched")
        self.assertEqual(psql("SELECT count(*) FROM moisson_frontier_urls WHERE state <> 'done'"), "0")
        # Survivors' records cover every page the victim had not made durable.
        survivors = {u for r in (0, 2) for u in self.records(runs[r][0])}
        victim_durable = set()
        for path in glob.glob(os.path.join(victim_out, "pages-*.jsonl*")):
            with open(path) as f:
                victim_durable |= {json.loads(l)["url"] for l in f if l.strip()}
        expected = {f"{self.base[i]}{p}" for i, p in self.pages}
        self.assertEqual(expected - survivors - victim_durable, set())


if __name__ == "__main__":
    unittest.main(verbosity=2)
