#!/usr/bin/python3
"""The frontier across hosts: --concurrency caps requests in flight over all
hosts, --per-host within one, and every host's pages are fetched (a slot
freed by one host is used by the others: no stall).

Run: MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/crawl/test_frontier.py
"""

import os
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import servers  # noqa: E402

MOISSON = os.environ.get("MOISSON_BIN", os.path.join(ROOT, "build/release/moisson"))
HOSTS = 4
PAGES = 5
SERVE = 0.15  # seconds each page takes to answer


class FrontierTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="moisson-frontier-")
        cls.key = os.path.join(cls.tmp.name, "k.key")
        subprocess.run([MOISSON, "keygen", "--out", cls.key], check=True, stdout=subprocess.DEVNULL)
        cls.srv = [servers.ScriptedServer() for _ in range(HOSTS)]
        for s in cls.srv:
            s.routes["/robots.txt"] = servers.robots("User-agent: *\nAllow: /\n")
            links = "".join('<a href="/p%d">p</a>' % i for i in range(PAGES))
            # The home page of each host links to its pages and to the other hosts.
            others = "".join('<a href="%s/">h</a>' % o.base for o in cls.srv if o is not s)
            s.routes["/"] = "<p>home</p>" + links + others
            for i in range(PAGES):
                s.routes["/p%d" % i] = {"body": "<p>page %d</p>" % i, "delay": SERVE}
            s.start()

    @classmethod
    def tearDownClass(cls):
        for s in cls.srv:
            s.stop()
        cls.tmp.cleanup()

    def crawl(self, name, *extra):
        out = os.path.join(self.tmp.name, name)
        marks = [len(s.requests()) for s in self.srv]
        p = subprocess.run([MOISSON, "crawl", self.srv[0].url("/"), "-o", out, "--allow-private", "--key", self.key,
                            "--ledger", out + ".sqlite", "--delay", "0", "-q", *extra],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        reqs = []
        for s, m in zip(self.srv, marks):
            reqs += [(q["time"], s.port, q["path"]) for q in s.requests()[m:]]
        return reqs

    def overlap(self, reqs):
        """Largest number of page requests served at once (each takes SERVE seconds)."""
        events = []
        for t, _, path in reqs:
            if path.startswith("/p"):
                events += [(t, 1), (t + SERVE - 0.01, -1)]
        best = cur = 0
        for _, d in sorted(events):
            cur += d
            best = max(best, cur)
        return best

    def test_global_concurrency_caps_all_hosts(self):
        reqs = self.crawl("global", "--concurrency", "2", "--per-host", "4")
        pages = [r for r in reqs if r[2].startswith("/p")]
        self.assertEqual(len(pages), HOSTS * PAGES, "every page of every host")
        self.assertLessEqual(self.overlap(reqs), 2)
        self.assertGreaterEqual(self.overlap(reqs), 2, "the cap is used, not just respected")

    def test_per_host_limit_with_many_slots(self):
        reqs = self.crawl("perhost", "--concurrency", "64", "--per-host", "1")
        for s in self.srv:
            mine = [r for r in reqs if r[1] == s.port and r[2].startswith("/p")]
            self.assertEqual(len(mine), PAGES)
            self.assertLessEqual(self.overlap(mine), 1, "one request at a time per host")
        # Hosts are crawled in parallel: more than one in flight overall.
        self.assertGreater(self.overlap(reqs), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
