#!/usr/bin/python3
"""Local HTTP servers for testing and benchmarking `moisson crawl`.

Two fixtures, both bound to 127.0.0.1 on a free port, both context managers
that stop cleanly (also when the test body raises):

* `Nginx` runs Debian's /usr/sbin/nginx over a directory: the fast, realistic
  static server for throughput benchmarks and politeness checks. Its access
  log records one line per request, read back with `Nginx.requests()`.

* `ScriptedServer` is a threaded HTTP/1.1 server (http.server) whose routes
  are a dict `path -> spec`, with the faults a polite crawler must survive:
  slow, hanging and endless responses, gzip bombs, redirect loops and chains,
  429/503 with Retry-After, dropped connections, login pages and paywalls.
  Every request is logged in memory and read back with `.requests()`.

Route specs (ScriptedServer)
----------------------------
A route value is one of:

* `str` or `bytes`: a 200 response with that body (text/html; UTF-8).
* `dict`: a response spec, keys (all optional):
    status        int, default 200 (302 when `redirect` is set)
    headers       dict or list of (name, value) pairs (repeat a name by
                  using the list form)
    body          str or bytes, default empty
    content_type  default "text/html; charset=utf-8" (unless `headers`
                  already sets Content-Type)
    delay         seconds to wait before sending anything (slow server)
    hang          True: read the request, never answer, until stop()
    drop          True: read the request, close the socket without answering
    redirect      Location value; "{base}" expands to this server's base URL
    gzip_bomb     decompressed size in bytes (True = 1 GiB): a gzip body of
                  zeros sent with Content-Encoding: gzip (~1 KiB per MiB)
    endless       "chunked" (or True) streams chunks forever;
                  "length" announces Content-Length 10**12 and streams forever
    trickle       seconds to sleep between 64-byte slices of the body
    truncate      True: announce twice the body length, send the body, close
* `list` of routes: served in turn, one per request, the last one repeating
  (e.g. `[status(503, retry_after=1), "<p>ok</p>"]`).
* callable `f(request) -> route`: computed per request; `request` is the
  same dict that `.requests()` returns.

A path with no route gets 404. Routes match the path with its query string
first, then the path alone. `server.routes` may be changed while it runs.

Helpers build common specs: `page`, `status`, `redirect`, `redirect_chain`,
`redirect_loop`, `robots`, `login_page`, `paywalled_page`, `gzip_bomb`,
`hang`, `delay`, `endless`, `drop`.

Run as a script for manual poking:
    servers.py nginx DIR [--extra 'location /x { return 429; }']
    servers.py scripted          # demo routes, printed at start
"""

import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from functools import lru_cache

__all__ = [
    "Nginx", "ScriptedServer", "free_port",
    "page", "status", "redirect", "redirect_chain", "redirect_loop", "robots",
    "login_page", "paywalled_page", "gzip_bomb", "hang", "delay", "endless",
    "drop", "gzip_bomb_body",
]

HOST = "127.0.0.1"
NGINX = "/usr/sbin/nginx"


def free_port():
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_listening(port, timeout, alive=lambda: True):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.02)
    return False


# --------------------------------------------------------------------------
# nginx
# --------------------------------------------------------------------------

LOG_FORMAT = '$msec $remote_addr "$request" $status $body_bytes_sent "$http_user_agent"'
_LOG_LINE = re.compile(
    r'^(?P<time>\d+\.\d+) (?P<addr>\S+) "(?P<request>.*)" (?P<status>\d{3}) '
    r'(?P<bytes>\d+) "(?P<ua>.*)"$')


class Nginx:
    """Debian's nginx serving `root` on 127.0.0.1:<free port>.

    Usage:
        with Nginx("/path/to/site") as ng:
            urllib.request.urlopen(ng.base + "/index.html")
            for r in ng.requests(): print(r["time"], r["path"], r["status"])

    `extra_config` is pasted into the `server {}` block, e.g.
        'location /private/ { add_header X-Robots-Tag "noai"; }'
        'location = /slow { return 429; }'
    `http_config` is pasted into the `http {}` block (e.g. limit_req_zone).

    Everything nginx writes (config, pid, error log, access log, temp dirs)
    lives in a private temp dir removed on exit. Runs in the foreground
    (`daemon off`) in its own process group, which stop() kills. As root
    the worker runs as root (`user root root;`) so any root directory is
    readable; as non-root the `user` directive is left out.
    """

    def __init__(self, root, extra_config="", http_config="", startup_timeout=5.0):
        self.root = os.path.abspath(root)
        self.extra_config = extra_config
        self.http_config = http_config
        self.startup_timeout = startup_timeout
        self.port = None
        self.proc = None
        self._tmp = None

    @property
    def base(self):
        """"http://127.0.0.1:PORT", no trailing slash."""
        return f"http://{HOST}:{self.port}"

    def url(self, path="/"):
        return self.base + path

    @property
    def access_log(self):
        return os.path.join(self._tmp.name, "access.log")

    def _config(self):
        t = self._tmp.name
        user = "user root root;\n" if os.geteuid() == 0 else ""
        mime = "include /etc/nginx/mime.types;" if os.path.exists("/etc/nginx/mime.types") else ""
        return f"""{user}daemon off;
worker_processes 1;
pid {t}/nginx.pid;
error_log {t}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    {mime}
    default_type application/octet-stream;
    client_body_temp_path {t}/body;
    proxy_temp_path {t}/proxy;
    fastcgi_temp_path {t}/fastcgi;
    uwsgi_temp_path {t}/uwsgi;
    scgi_temp_path {t}/scgi;
    log_format moisson '{LOG_FORMAT}';
    access_log {t}/access.log moisson;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    server_tokens off;
    {self.http_config}
    server {{
        listen {HOST}:{self.port};
        server_name localhost;
        root {self.root};
        index index.html;
        {self.extra_config}
    }}
}}
"""

    def start(self):
        if not os.path.isdir(self.root):
            raise FileNotFoundError(self.root)
        self._tmp = tempfile.TemporaryDirectory(prefix="moisson-nginx-")
        os.chmod(self._tmp.name, 0o755)
        conf = os.path.join(self._tmp.name, "nginx.conf")
        last_error = ""
        for _ in range(5):  # the free port may be taken between pick and bind
            self.port = free_port()
            with open(conf, "w") as f:
                f.write(self._config())
            open(self.access_log, "w").close()
            self.proc = subprocess.Popen(
                [NGINX, "-p", self._tmp.name, "-e", os.path.join(self._tmp.name, "error.log"),
                 "-c", conf],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, start_new_session=True)
            if _wait_listening(self.port, self.startup_timeout,
                               alive=lambda: self.proc.poll() is None):
                return self
            last_error = self._reap() + self.error_log()
            if "Address already in use" not in last_error:
                break
        self._tmp.cleanup()
        self._tmp = None
        raise RuntimeError("nginx did not start:\n" + last_error)

    def _reap(self):
        """Kill the process group, return what nginx wrote on stderr."""
        if self.proc is None:
            return ""
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            _, err = self.proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, err = self.proc.communicate()
        self.proc = None
        return (err or b"").decode(errors="replace")

    def stop(self):
        self._reap()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def error_log(self):
        """The nginx error log so far (for failure messages)."""
        try:
            with open(os.path.join(self._tmp.name, "error.log"), errors="replace") as f:
                return f.read()
        except (OSError, AttributeError):
            return ""

    def requests(self):
        """Parse the access log: list of dicts, in log order.

        Keys: time (float epoch seconds, nginx $msec = when the response
        finished), addr, method, path (with query string), protocol, status
        (int), bytes (body bytes sent), ua (User-Agent, "-" when absent),
        raw (the request line). A malformed request line gives method "" and
        path = the raw line. Lines appear once nginx finishes a request, a
        hair after the client has read it: use wait_requests() to sync.
        """
        out = []
        with open(self.access_log, errors="replace") as f:
            for line in f:
                m = _LOG_LINE.match(line.rstrip("\n"))
                if not m:
                    continue
                raw = m["request"]
                parts = raw.split(" ")
                if len(parts) == 3:
                    method, path, proto = parts
                else:
                    method, path, proto = "", raw, ""
                out.append({"time": float(m["time"]), "addr": m["addr"], "method": method,
                            "path": path, "protocol": proto, "status": int(m["status"]),
                            "bytes": int(m["bytes"]), "ua": m["ua"], "raw": raw})
        return out

    def wait_requests(self, count, timeout=5.0):
        """Wait until the log holds at least `count` requests; return them."""
        deadline = time.monotonic() + timeout
        while True:
            reqs = self.requests()
            if len(reqs) >= count or time.monotonic() > deadline:
                return reqs
            time.sleep(0.01)


# --------------------------------------------------------------------------
# Scripted server: route-spec helpers
# --------------------------------------------------------------------------

def page(body, status=200, headers=None, content_type=None):
    """A plain response spec."""
    spec = {"status": status, "body": body}
    if headers:
        spec["headers"] = headers
    if content_type:
        spec["content_type"] = content_type
    return spec


def status(code, body="", retry_after=None, headers=None):
    """An error/status response, e.g. status(429, retry_after=2)."""
    hdrs = list(_header_items(headers))
    if retry_after is not None:
        hdrs.append(("Retry-After", str(retry_after)))
    return {"status": code, "body": body or f"<h1>{code}</h1>", "headers": hdrs}


def redirect(location, code=302):
    """A redirect; "{base}" in `location` expands to the server's base URL.
    Redirect to another host/port with an absolute URL, e.g.
    redirect(other.base + "/x") or redirect("http://localhost:%d/" % port)."""
    return {"status": code, "redirect": location}


def redirect_chain(length, final, prefix="/hop", code=302):
    """Routes for a chain prefix0 -> prefix1 -> ... -> prefix{length-1} -> final.
    Returns a dict to merge into the routes; the chain starts at f"{prefix}0"."""
    routes = {}
    for i in range(length):
        nxt = f"{prefix}{i + 1}" if i + 1 < length else final
        routes[f"{prefix}{i}"] = redirect(nxt, code)
    return routes


def redirect_loop(a, b, code=301):
    """Routes for a two-step loop a -> b -> a."""
    return {a: redirect(b, code), b: redirect(a, code)}


def robots(text, **kw):
    """A robots.txt response (text/plain)."""
    return page(text, content_type="text/plain; charset=utf-8", **kw)


def login_page(title="Connexion"):
    """An HTML login page: a form with a password field."""
    return page(f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>{title}</title></head><body>
<h1>{title}</h1>
<form method="post" action="/login">
<label>Identifiant <input type="text" name="user"></label>
<label>Mot de passe <input type="password" name="password"></label>
<button type="submit">Se connecter</button>
</form></body></html>""")


def paywalled_page(title="Article réservé aux abonnés"):
    """A news article marked paywalled with schema.org JSON-LD
    (isAccessibleForFree: false, hasPart with cssSelector)."""
    return page(f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>{title}</title>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle",
  "headline": "{title}", "isAccessibleForFree": false,
  "hasPart": {{"@type": "WebPageElement", "isAccessibleForFree": false,
              "cssSelector": ".paywall"}}}}
</script></head><body>
<h1>{title}</h1><p>Le début de l'article est gratuit.</p>
<div class="paywall"><p>La suite est réservée aux abonnés.</p></div>
</body></html>""")


def gzip_bomb(size=1 << 30):
    """Content-Encoding: gzip body decompressing to `size` zero bytes."""
    return {"gzip_bomb": size}


def hang():
    """Accept and read the request, never answer (until the server stops)."""
    return {"hang": True}


def delay(seconds, route="<p>late</p>"):
    """`route` (any spec) answered after `seconds`."""
    spec = dict(_normalize(route))
    spec["delay"] = seconds
    return spec


def endless(mode="chunked"):
    """A body that never ends: mode "chunked" or "length" (Content-Length 10**12)."""
    return {"endless": mode}


def drop():
    """Read the request, close the connection without a response."""
    return {"drop": True}


@lru_cache(maxsize=8)
def gzip_bomb_body(size=1 << 30):
    """A gzip member whose content is `size` zero bytes (size a multiple of
    1 MiB is exact; other sizes are rounded up). About 1 KiB per MiB, built
    in ~0.2 s per GiB: deflate blocks of 1 MiB of zeros ended by a full
    flush are byte-identical, so one block is computed and repeated."""
    mib = 1 << 20
    n = max(1, -(-size // mib))
    zeros = bytes(mib)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = (crc & 0xFFFFFFFF).to_bytes(4, "little") + ((n * mib) & 0xFFFFFFFF).to_bytes(4, "little")
    return header + block * n + tail + trailer


def _header_items(headers):
    if not headers:
        return []
    if isinstance(headers, dict):
        return list(headers.items())
    return list(headers)


def _normalize(route):
    if isinstance(route, (str, bytes)):
        return {"status": 200, "body": route}
    if isinstance(route, dict):
        return route
    raise TypeError(f"bad route spec: {route!r}")


# --------------------------------------------------------------------------
# Scripted server
# --------------------------------------------------------------------------

class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "moisson-test"
    sys_version = ""
    timeout = 60  # idle keep-alive connections end eventually

    def log_message(self, *args):  # quiet
        pass

    # the owning ScriptedServer
    @property
    def owner(self):
        return self.server.owner

    def setup(self):
        super().setup()
        self.owner._track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.owner._track(self.connection, False)

    def do_GET(self):
        self._serve(body=True)

    def do_POST(self):
        self._serve(body=True)

    def do_HEAD(self):
        self._serve(body=False)

    def _serve(self, body):
        owner = self.owner
        length = int(self.headers.get("Content-Length") or 0)
        req_body = self.rfile.read(length) if length > 0 else b""
        path, _, query = self.path.partition("?")
        req = {"time": time.time(), "method": self.command, "path": self.path,
               "query": query, "headers": dict(self.headers.items()),
               "ua": self.headers.get("User-Agent", ""), "body": req_body,
               "client_port": self.client_address[1]}
        owner._log(req)
        owner._enter()
        try:
            route = owner._resolve(self.path, path, req)
            self._respond(route, body)
        except OSError:  # client went away, or stop() shut the socket
            self.close_connection = True
        finally:
            owner._leave()

    def _send_head(self, code, headers, content_type, length=None, chunked=False):
        self.send_response(code)
        names = {k.lower() for k, _ in headers}
        for k, v in headers:
            self.send_header(k, v)
        if content_type and "content-type" not in names:
            self.send_header("Content-Type", content_type)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None and "content-length" not in names:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _respond(self, route, with_body):
        stop = self.owner._stopping
        if route is None:
            route = status(404)
        spec = _normalize(route)
        if spec.get("delay"):
            if stop.wait(spec["delay"]):
                self.close_connection = True
                return
        if spec.get("hang"):
            stop.wait()
            self.close_connection = True
            return
        if spec.get("drop"):
            self.close_connection = True
            return
        headers = _header_items(spec.get("headers"))
        code = spec.get("status", 302 if "redirect" in spec else 200)
        ctype = spec.get("content_type", "text/html; charset=utf-8")
        if "redirect" in spec:
            loc = spec["redirect"].replace("{base}", self.owner.base)
            headers = headers + [("Location", loc)]
        if spec.get("gzip_bomb"):
            size = 1 << 30 if spec["gzip_bomb"] is True else int(spec["gzip_bomb"])
            data = gzip_bomb_body(size)
            self._send_head(code, headers + [("Content-Encoding", "gzip")], ctype, len(data))
            if with_body:
                self._write_slices(data, 1 << 16, 0)
            return
        mode = spec.get("endless")
        if mode:
            chunk = b"<p>" + b"encore " * 1000 + b"</p>\n"
            if mode == "length":
                self._send_head(code, headers, ctype, 10 ** 12)
                framed = chunk
            else:
                self._send_head(code, headers, ctype, chunked=True)
                framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
            self.close_connection = True
            if with_body:
                pause = spec.get("trickle", 0)
                while not stop.is_set():
                    self.wfile.write(framed)
                    if pause and stop.wait(pause):
                        break
            return
        data = spec.get("body", b"")
        if isinstance(data, str):
            data = data.encode("utf-8")
        if spec.get("truncate"):
            self._send_head(code, headers, ctype, 2 * len(data) + 1)
            if with_body:
                self.wfile.write(data)
            self.close_connection = True
            return
        self._send_head(code, headers, ctype, len(data))
        if with_body and data:
            self._write_slices(data, 64 if spec.get("trickle") else len(data), spec.get("trickle", 0))

    def _write_slices(self, data, size, pause):
        stop = self.owner._stopping
        for i in range(0, len(data), size):
            if i and pause and stop.wait(pause):
                self.close_connection = True
                return
            self.wfile.write(data[i:i + size])


class ScriptedServer:
    """A threaded HTTP/1.1 test server on 127.0.0.1:<free port>.

        routes = {
            "/robots.txt": robots("User-agent: *\\nDisallow: /private/\\n"),
            "/": "<a href='/a'>a</a>",
            "/a": redirect("/b", 301),
            "/b": [status(503, retry_after=1), "<p>ok</p>"],
            "/slow": delay(3),
            "/bomb": gzip_bomb(1 << 30),
        }
        with ScriptedServer(routes) as srv:
            urllib.request.urlopen(srv.base + "/")
            srv.requests()   # [{"time", "method", "path", "headers", "ua", ...}]

    The socket is bound in the constructor, so `.port`/`.base` are known
    before start (handy for routes that point at the server itself); routes
    can also be added to `.routes` at any time. See the module docstring for
    the route-spec format. stop() wakes hanging/slow/endless handlers and
    shuts down open connections.

    `.max_in_flight` is the largest number of requests handled at the same
    time (from parsed request to response sent) — a politeness check.
    """

    def __init__(self, routes=None):
        self.routes = dict(routes or {})
        self._lock = threading.Lock()
        self._log_list = []
        self._seq = {}
        self._conns = set()
        self._in_flight = 0
        self.max_in_flight = 0
        self._stopping = threading.Event()
        self._httpd = _Server((HOST, 0), _Handler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self._thread = None

    @property
    def base(self):
        """"http://127.0.0.1:PORT", no trailing slash."""
        return f"http://{HOST}:{self.port}"

    def url(self, path="/"):
        return self.base + path

    def start(self):
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"scripted-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(5)
            self._thread = None
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def requests(self):
        """Copy of the request log, in arrival order. Each entry: time (float
        epoch seconds when the request was parsed), method, path (with query),
        query, headers (dict), ua, body (bytes), client_port."""
        with self._lock:
            return list(self._log_list)

    def wait_requests(self, count, timeout=5.0):
        """Wait until at least `count` requests arrived; return the log."""
        deadline = time.monotonic() + timeout
        while True:
            reqs = self.requests()
            if len(reqs) >= count or time.monotonic() > deadline:
                return reqs
            time.sleep(0.01)

    def clear(self):
        """Forget logged requests, sequence positions and max_in_flight
        (call it while no request is being served)."""
        with self._lock:
            self._log_list.clear()
            self._seq.clear()
            self.max_in_flight = self._in_flight

    # -- internals used by the handler --
    def _log(self, req):
        with self._lock:
            self._log_list.append(req)

    def _track(self, conn, add):
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def _enter(self):
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave(self):
        with self._lock:
            self._in_flight -= 1

    def _resolve(self, full, path, req):
        key = full if full in self.routes else path
        route = self.routes.get(key)
        while True:
            if isinstance(route, list):
                with self._lock:
                    i = self._seq.get(key, 0)
                    self._seq[key] = i + 1
                route = route[min(i, len(route) - 1)] if route else None
            elif callable(route):
                route = route(req)
            else:
                return route


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------

def _demo_routes():
    return {
        "/": "<a href='/page'>page</a> <a href='/login'>login</a> <a href='/paywall'>paywall</a>",
        "/robots.txt": robots("User-agent: *\nDisallow: /private/\n"),
        "/page": page("<p>Bonjour</p>", headers={"X-Robots-Tag": "noai"}),
        "/login": login_page(),
        "/paywall": paywalled_page(),
        "/busy": status(429, retry_after=5),
        "/down": status(503, retry_after=30),
        "/slow": delay(5),
        "/hang": hang(),
        "/drop": drop(),
        "/endless": endless(),
        "/bomb": gzip_bomb(),
        "/loop1": redirect("/loop2"), "/loop2": redirect("/loop1"),
        **redirect_chain(5, "/page"),
    }


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    n = sub.add_parser("nginx", help="serve DIR with nginx")
    n.add_argument("root")
    n.add_argument("--extra", default="", help="text for the server {} block")
    sub.add_parser("scripted", help="run the scripted server with demo routes")
    args = ap.parse_args(argv)
    if args.cmd == "nginx":
        srv = Nginx(args.root, extra_config=args.extra)
    else:
        srv = ScriptedServer(_demo_routes())
    with srv:
        print(srv.base, flush=True)
        if args.cmd == "scripted":
            for p in sorted(srv.routes):
                print("  " + srv.base + p)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
