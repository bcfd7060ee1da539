#!/usr/bin/python3
"""Self-test of tests/crawl/servers.py: proves each fixture behaves as
documented before the crawler tests rely on it.

Run: /usr/bin/python3 tests/crawl/test_servers.py   (exit 0 = all good, ~5 s)
Needs /usr/sbin/nginx (Debian nginx-light); the nginx tests are skipped
without it.
"""

import gzip
import http.client
import os
import socket
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from servers import (  # noqa: E402
    NGINX, Nginx, ScriptedServer, delay, drop, endless, gzip_bomb, gzip_bomb_body, hang,
    login_page, page, paywalled_page, redirect, redirect_chain, redirect_loop, robots, status)

UA = "moisson-selftest/1.0"


def get(url, timeout=5, method="GET", headers=None):
    """(status, headers, body) — HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, method=method, headers={"User-Agent": UA, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def port_closed(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return False
    except OSError:
        return True


@unittest.skipUnless(os.path.exists(NGINX), "nginx not installed")
class NginxTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()  # mode 0700: must still be served
        root = self.tmp.name
        os.makedirs(os.path.join(root, "private"))
        with open(os.path.join(root, "index.html"), "w") as f:
            f.write("<a href='/private/x.html'>x</a>")
        with open(os.path.join(root, "robots.txt"), "w") as f:
            f.write("User-agent: *\nAllow: /\n")
        with open(os.path.join(root, "private", "x.html"), "w") as f:
            f.write("<p>secret</p>")

    def tearDown(self):
        self.tmp.cleanup()

    def test_serves_logs_and_stops(self):
        extra = ('location /private/ { add_header X-Robots-Tag "noai"; }\n'
                 'location = /busy { add_header Retry-After 7 always; return 429; }')
        t0 = time.time()
        with Nginx(self.tmp.name, extra_config=extra) as ng:
            self.assertEqual(ng.base, f"http://127.0.0.1:{ng.port}")
            code, _, body = get(ng.base + "/index.html")
            self.assertEqual((code, body), (200, b"<a href='/private/x.html'>x</a>"))
            code, hdrs, _ = get(ng.base + "/private/x.html")
            self.assertEqual((code, hdrs["X-Robots-Tag"]), (200, "noai"))
            code, hdrs, _ = get(ng.base + "/busy")
            self.assertEqual((code, hdrs["Retry-After"]), (429, "7"))
            code, _, _ = get(ng.base + "/missing?q=1")
            self.assertEqual(code, 404)
            code, _, _ = get(ng.base + "/robots.txt", method="HEAD", headers={"User-Agent": 'a "q" b'})
            self.assertEqual(code, 200)
            reqs = ng.wait_requests(5)
            self.assertEqual([(r["method"], r["path"], r["status"]) for r in reqs],
                             [("GET", "/index.html", 200), ("GET", "/private/x.html", 200),
                              ("GET", "/busy", 429), ("GET", "/missing?q=1", 404),
                              ("HEAD", "/robots.txt", 200)])
            self.assertEqual({r["ua"] for r in reqs[:4]}, {UA})
            self.assertEqual(reqs[4]["ua"], r'a \x22q\x22 b')  # nginx escapes quotes
            for r in reqs:
                self.assertTrue(t0 - 1 <= r["time"] <= time.time() + 1)
            self.assertEqual(reqs[0]["bytes"], len("<a href='/private/x.html'>x</a>"))
            port, pid = ng.port, ng.proc.pid
        self.assertTrue(port_closed(port))
        with self.assertRaises(ProcessLookupError):
            os.killpg(pid, 0)

    def test_stops_on_exception(self):
        with self.assertRaises(KeyError):
            with Nginx(self.tmp.name) as ng:
                port = ng.port
                raise KeyError("boom")
        self.assertTrue(port_closed(port))

    def test_two_at_once(self):
        with Nginx(self.tmp.name) as a, Nginx(self.tmp.name) as b:
            self.assertNotEqual(a.port, b.port)
            self.assertEqual(get(a.base + "/")[0], 200)
            self.assertEqual(get(b.base + "/")[0], 200)
            self.assertEqual(len(a.wait_requests(1)), 1)
            self.assertEqual(len(b.wait_requests(1)), 1)


class ScriptedServerTest(unittest.TestCase):
    def setUp(self):
        self.srv = ScriptedServer()
        self.srv.start()
        self.addCleanup(self.srv.stop)

    def test_plain_routes_and_log(self):
        s = self.srv
        s.routes.update({
            "/": "<p>accueil</p>",
            "/h": page(b"x", headers=[("X-Robots-Tag", "noai"), ("X-Robots-Tag", "noimageai")]),
            "/q?a=1": "with query",
            "/fn": lambda req: f"hello {req['ua']}",
        })
        self.assertEqual(get(s.base + "/")[::2], (200, b"<p>accueil</p>"))
        code, hdrs, _ = get(s.base + "/h")
        self.assertEqual(hdrs.get_all("X-Robots-Tag"), ["noai", "noimageai"])
        self.assertEqual(get(s.base + "/q?a=1")[2], b"with query")
        self.assertEqual(get(s.base + "/fn")[2], f"hello {UA}".encode())
        self.assertEqual(get(s.base + "/nope")[0], 404)
        code, hdrs, body = get(s.base + "/", method="HEAD")
        self.assertEqual((code, hdrs["Content-Length"], body), (200, "14", b""))
        reqs = s.requests()
        self.assertEqual([(r["method"], r["path"]) for r in reqs],
                         [("GET", "/"), ("GET", "/h"), ("GET", "/q?a=1"), ("GET", "/fn"),
                          ("GET", "/nope"), ("HEAD", "/")])
        self.assertTrue(all(r["ua"] == UA and r["headers"]["User-Agent"] == UA for r in reqs))
        self.assertTrue(all(abs(r["time"] - time.time()) < 5 for r in reqs))

    def test_keep_alive(self):
        self.srv.routes["/k"] = "k"
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=5)
        for _ in range(3):
            conn.request("GET", "/k")
            self.assertEqual(conn.getresponse().read(), b"k")
        conn.close()
        self.assertEqual(len({r["client_port"] for r in self.srv.requests()}), 1)

    def test_redirects(self):
        s = self.srv
        with ScriptedServer({"/there": "other host"}) as other:
            s.routes.update(redirect_chain(3, "/end"))
            s.routes.update(redirect_loop("/a", "/b"))
            s.routes["/end"] = "end"
            s.routes["/self"] = redirect("{base}/end", 301)
            s.routes["/away"] = redirect(other.base + "/there", 307)
            self.assertEqual(get(s.base + "/hop0")[2], b"end")
            self.assertEqual(get(s.base + "/self")[2], b"end")
            self.assertEqual(get(s.base + "/away")[2], b"other host")
            self.assertEqual(len(other.requests()), 1)
            code, _, _ = get(s.base + "/a")  # urllib gives up on the loop
            self.assertEqual(code, 301)
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=5)
        conn.request("GET", "/self")
        r = conn.getresponse()
        self.assertEqual((r.status, r.getheader("Location")), (301, s.base + "/end"))
        conn.close()

    def test_status_retry_after_and_sequence(self):
        s = self.srv
        s.routes["/busy"] = status(429, retry_after=3)
        s.routes["/flaky"] = [status(503, retry_after=1), "up"]
        code, hdrs, _ = get(s.base + "/busy")
        self.assertEqual((code, hdrs["Retry-After"]), (429, "3"))
        self.assertEqual(get(s.base + "/flaky")[0], 503)
        self.assertEqual(get(s.base + "/flaky")[::2], (200, b"up"))
        self.assertEqual(get(s.base + "/flaky")[::2], (200, b"up"))

    def test_robots_variants(self):
        s = self.srv
        s.routes.update({
            "/r200/robots.txt": robots("User-agent: *\nDisallow: /x\n"),
            "/r500/robots.txt": status(500),
            "/r-hang/robots.txt": hang(),
        })
        s.routes.update(redirect_chain(4, "/r200/robots.txt", prefix="/r-redir/robots.txt"))
        code, hdrs, body = get(s.base + "/r200/robots.txt")
        self.assertEqual((code, hdrs["Content-Type"], body),
                         (200, "text/plain; charset=utf-8", b"User-agent: *\nDisallow: /x\n"))
        self.assertEqual(get(s.base + "/r404/robots.txt")[0], 404)
        self.assertEqual(get(s.base + "/r500/robots.txt")[0], 500)
        self.assertEqual(get(s.base + "/r-redir/robots.txt0")[2], b"User-agent: *\nDisallow: /x\n")
        with self.assertRaises((TimeoutError, socket.timeout, urllib.error.URLError)):
            get(s.base + "/r-hang/robots.txt", timeout=0.3)

    def test_delay_hang_drop(self):
        s = self.srv
        s.routes.update({"/slow": delay(0.4, "late"), "/hang": hang(), "/drop": drop()})
        t = time.monotonic()
        self.assertEqual(get(s.base + "/slow")[2], b"late")
        self.assertGreaterEqual(time.monotonic() - t, 0.39)
        with self.assertRaises((TimeoutError, socket.timeout, urllib.error.URLError)):
            get(s.base + "/hang", timeout=0.3)
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            get(s.base + "/drop")

    def test_stop_releases_hanging_client(self):
        srv = ScriptedServer({"/hang": hang(), "/endless": endless()})
        srv.start()
        errors = []

        def client(path):
            try:
                with urllib.request.urlopen(srv.base + path, timeout=30) as r:
                    while r.read(65536):
                        pass
            except Exception as e:  # noqa: BLE001 — any end is fine, hanging is not
                errors.append(e)

        threads = [threading.Thread(target=client, args=(p,)) for p in ("/hang", "/endless")]
        for th in threads:
            th.start()
        srv.wait_requests(2)
        t = time.monotonic()
        srv.stop()
        for th in threads:
            th.join(5)
            self.assertFalse(th.is_alive())
        self.assertLess(time.monotonic() - t, 3)
        self.assertTrue(port_closed(srv.port))

    def test_endless(self):
        s = self.srv
        s.routes.update({"/c": endless("chunked"), "/l": endless("length")})
        with urllib.request.urlopen(s.base + "/c", timeout=5) as r:
            self.assertEqual(r.headers["Transfer-Encoding"], "chunked")
            self.assertEqual(len(r.read(8 << 20)), 8 << 20)
        with urllib.request.urlopen(s.base + "/l", timeout=5) as r:
            self.assertEqual(r.headers["Content-Length"], str(10 ** 12))
            self.assertEqual(len(r.read(8 << 20)), 8 << 20)

    def test_gzip_bomb(self):
        small = gzip_bomb_body(64 << 20)
        self.assertEqual(gzip.decompress(small), bytes(64 << 20))  # CRC and size checked too
        t = time.monotonic()
        gzip_bomb_body.cache_clear()
        big = gzip_bomb_body(1 << 30)
        self.assertLess(time.monotonic() - t, 2)
        self.assertLess(len(big), 2 << 20)
        self.srv.routes["/bomb"] = gzip_bomb(1 << 30)
        code, hdrs, body = get(self.srv.base + "/bomb")
        self.assertEqual((code, hdrs["Content-Encoding"], int(hdrs["Content-Length"])),
                         (200, "gzip", len(big)))
        self.assertEqual(body, big)
        d = zlib.decompressobj(31)
        self.assertEqual(d.decompress(body, 32 << 20), bytes(32 << 20))
        self.assertEqual(int.from_bytes(body[-4:], "little"), (1 << 30) & 0xFFFFFFFF)

    def test_login_and_paywall(self):
        self.srv.routes.update({"/login": login_page(), "/article": paywalled_page()})
        body = get(self.srv.base + "/login")[2].decode()
        self.assertIn('<input type="password"', body)
        self.assertIn("<form", body)
        body = get(self.srv.base + "/article")[2].decode()
        self.assertIn('"isAccessibleForFree": false', body)
        self.assertIn("application/ld+json", body)

    def test_trickle_truncate_and_in_flight(self):
        s = self.srv
        s.routes.update({"/t": {"body": "x" * 256, "trickle": 0.05},
                         "/cut": {"body": "abc", "truncate": True},
                         "/d": delay(0.3, "d")})
        t = time.monotonic()
        self.assertEqual(get(s.base + "/t")[2], b"x" * 256)
        self.assertGreaterEqual(time.monotonic() - t, 0.15)
        with self.assertRaises(http.client.IncompleteRead):
            get(s.base + "/cut")
        s.clear()
        threads = [threading.Thread(target=get, args=(s.base + "/d",)) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(s.max_in_flight, 4)
        self.assertEqual(len(s.requests()), 4)


if __name__ == "__main__":
    unittest.main(verbosity=2)
