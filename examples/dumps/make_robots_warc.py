#!/usr/bin/python3
"""Writes robots.warc.gz: robots.txt captures of the example dumps' sites.

The shape of Common Crawl's robots.txt subset: one WARC response record per
fetch of /robots.txt, whatever its status, dated by WARC-Date. Fictitious
sites. Deterministic: the same bytes every run.
Usage: examples/dumps/make_robots_warc.py [OUT]

What `moisson filter --sites` makes of them (README.md, docs/sites.md):
  * blog.photo-nature.example refuses its /2024/ pages to every crawler;
  * forum.velo-club.example allowed everything in August 2024 and refused
    AI crawlers (moisson among them) from November 2024: its September pages
    are dropped, since an opt-out published later still counts;
  * domaine-des-coteaux.example allows everything but /panier;
  * rando-amis.example has no robots.txt (404: everything allowed);
  * community.hiking-trails.example allows everything but /admin/;
  * shop.outdoor-gear.example answered 503 (unreachable: refused whole);
  * www.cuisine-entre-amis.example redirects to a capture the store holds.
Every other site of the dumps has no capture: flagged "sites.unknown".
"""
import gzip
import io
import sys
import uuid

n = [0]


def record(uri, date, http):
    n[0] += 1
    rid = uuid.uuid5(uuid.NAMESPACE_URL, f"moisson-example-robots-{n[0]}")
    block = http.encode("utf-8")
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\nWARC-Date: {date}\r\n"
            f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(block)}\r\n\r\n")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(head.encode() + block + b"\r\n\r\n")
    return buf.getvalue()


def ok(body):
    return (f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {len(body.encode())}\r\n\r\n" + body)


def status(code, reason, extra=""):
    return f"HTTP/1.1 {code} {reason}\r\n{extra}Content-Length: 0\r\n\r\n"


out = [
    record("https://blog.photo-nature.example/robots.txt", "2024-10-20T06:00:00Z",
           ok("User-agent: *\nDisallow: /2024/\nAllow: /\n")),
    record("https://forum.velo-club.example/robots.txt", "2024-08-01T06:00:00Z",
           ok("User-agent: *\nAllow: /\n")),
    record("https://forum.velo-club.example/robots.txt", "2024-11-15T06:00:00Z",
           ok("User-agent: GPTBot\nUser-agent: CCBot\nUser-agent: moisson\nDisallow: /\n\nUser-agent: *\nAllow: /\n")),
    record("https://domaine-des-coteaux.example/robots.txt", "2024-10-30T06:00:00Z",
           ok("User-agent: *\nDisallow: /panier\n")),
    record("https://rando-amis.example/robots.txt", "2024-10-30T06:00:00Z", status(404, "Not Found")),
    record("https://community.hiking-trails.example/robots.txt", "2024-10-30T06:00:00Z",
           ok("User-agent: *\nDisallow: /admin/\n")),
    record("https://shop.outdoor-gear.example/robots.txt", "2024-10-30T06:00:00Z",
           status(503, "Service Unavailable")),
    record("https://www.cuisine-entre-amis.example/robots.txt", "2024-10-01T06:00:00Z",
           status(301, "Moved Permanently", "Location: https://cuisine-entre-amis.example/robots.txt\r\n")),
    record("https://cuisine-entre-amis.example/robots.txt", "2024-10-01T06:00:01Z",
           ok("User-agent: *\nDisallow: /admin/\n")),
]
path = sys.argv[1] if len(sys.argv) > 1 else "robots.warc.gz"
with open(path, "wb") as f:
    f.write(b"".join(out))
