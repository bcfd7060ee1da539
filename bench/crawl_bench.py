#!/usr/bin/python3
"""crawl_bench: `moisson crawl` against Scrapy on the same generated site.

1. bench/gen_site.py writes a site of --pages pages (default 20,000; 4-8 KB
   each, linked so that a crawl from /index.html reaches every page, ~15 %
   with an e-mail address, ~10 % with a phone number).
2. Debian's nginx serves it on 127.0.0.1 (tests/crawl/servers.py).
3. moisson crawls it with policy and filters on (robots.txt, ai.txt and
   tdmrep.json read, site lists and the filter chain applied, a ledger row
   per URL, JSONL shards written); politeness is lifted for the benchmark
   only (--delay 0, --per-host = --concurrency), which needs --allow-private
   as the site is on loopback. One filter thread (--threads 1).
4. In the same run, bench/scrapy_crawl.py crawls the same site with the same
   concurrency, robots.txt obeyed, text extracted and searched for e-mails
   and phones (the equivalent work).
5. Then the frontier's memory: a seed file of --queued URLs (default
   1,000,000) on a host that never answers a page, so they stay queued; the
   RSS once a checkpoint has recorded them all, and the peak before that.

Prints a table and one JSON line. Figures go to docs/benchmarks.md.
Usage: /usr/bin/python3 bench/crawl_bench.py [--pages N] [--concurrency C] [--queued Q] [--moisson BIN]
"""

import argparse
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "crawl"))
import servers  # noqa: E402


def run_timed(cmd, **kw):
    """Runs cmd; returns (CompletedProcess, wall seconds, cpu seconds, peak RSS MB) of that child alone."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest of any child so far: run the biggest last or read it per run.
    return p, wall, cpu, after.ru_maxrss / 1024.0


def moisson_crawl(binary, base, tmp, concurrency):
    key = os.path.join(tmp, "bench.key")
    if not os.path.exists(key):
        subprocess.run([binary, "keygen", "--out", key], check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(tmp, "moisson-out")
    ledger = os.path.join(tmp, "moisson-ledger.sqlite")
    shutil.rmtree(out, ignore_errors=True)
    for f in (ledger, ledger + "-wal", ledger + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    stats = os.path.join(tmp, "moisson-stats.json")
    cmd = ["/usr/bin/time", "-f", "%M", binary, "crawl", base + "/index.html", "-o", out, "--allow-private",
           "--key", key, "--ledger", ledger, "--delay", "0", "--per-host", str(concurrency),
           "--concurrency", str(concurrency), "--threads", "1", "--max-depth", "100000", "--stats-json", stats,
           "-q"]
    p, wall, cpu, _ = run_timed(cmd, timeout=3600)
    if p.returncode != 0:
        raise SystemExit("moisson crawl failed: " + p.stderr[-2000:])
    rss_mb = int(p.stderr.strip().splitlines()[-1]) / 1024.0
    s = json.load(open(stats))
    return {"pages": s["fetched"], "kept": s["kept"], "modified": s["modified"], "dropped": s["dropped"],
            "seconds": wall, "crawl_seconds": s["seconds"], "cpu_seconds": cpu, "max_rss_mb": rss_mb}


def scrapy_crawl(base, tmp, concurrency):
    out = os.path.join(tmp, "scrapy-out.jsonl")
    if os.path.exists(out):
        os.remove(out)
    cmd = ["/usr/bin/time", "-f", "%M", "/usr/bin/python3", os.path.join(HERE, "scrapy_crawl.py"),
           base + "/index.html", "--out", out, "--concurrency", str(concurrency)]
    p, wall, cpu, _ = run_timed(cmd, timeout=7200)
    if p.returncode != 0:
        raise SystemExit("scrapy failed: " + p.stderr[-2000:])
    line = [l for l in p.stdout.splitlines() if l.startswith("{")][-1]
    s = json.loads(line)
    rss_mb = int(p.stderr.strip().splitlines()[-1]) / 1024.0
    return {"pages": s["pages"], "seconds": wall, "crawl_seconds": s["seconds"], "cpu_seconds": cpu,
            "max_rss_mb": rss_mb}


def queued_memory(binary, tmp, n):
    """Peak RSS with n URLs admitted and waiting: the host answers robots.txt, then every page slowly."""
    with servers.ScriptedServer({"/robots.txt": servers.robots("User-agent: *\nAllow: /\n")}) as srv:
        srv.routes["/"] = {"hang": True}
        seeds = os.path.join(tmp, "seeds.txt")
        with open(seeds, "w") as f:
            for i in range(n):
                f.write("%s/q/%07d/page.html?session=%d\n" % (srv.base, i, i * 7919))
        key = os.path.join(tmp, "bench.key")
        out = os.path.join(tmp, "queued-out")
        shutil.rmtree(out, ignore_errors=True)
        cmd = ["/usr/bin/time", "-f", "%M", binary, "crawl", "--seeds", seeds, "-o", out, "--allow-private",
               "--key", key, "--ledger", os.path.join(tmp, "queued-ledger.sqlite"), "--delay", "1",
               "--timeout", "600", "-q"]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Admission happens before the first request; wait until a checkpoint has recorded every
        # URL in the crawl state (then the frontier holds them all, waiting).
        state = os.path.join(out, "crawl-state.sqlite")
        deadline = time.time() + 900
        while time.time() < deadline:
            time.sleep(0.5)
            try:
                with sqlite3.connect("file:%s?mode=ro" % state, uri=True) as db:
                    if db.execute("SELECT count(*) FROM urls").fetchone()[0] >= n:
                        break
            except sqlite3.Error:
                pass
        time.sleep(1)
        # /usr/bin/time's child is moisson: read its RSS now, and its peak so far.
        child = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True).stdout.split()
        rss_now = peak = 0
        for pid in child:
            with open("/proc/%s/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss_now = int(line.split()[1]) / 1024.0
                    if line.startswith("VmHWM:"):
                        peak = int(line.split()[1]) / 1024.0
        for pid in child:
            os.kill(int(pid), signal.SIGKILL)
        p.communicate(timeout=60)
        return {"queued": n, "rss_mb": rss_now, "peak_rss_mb": peak}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--queued", type=int, default=1000000)
    ap.add_argument("--moisson", default=os.path.join(ROOT, "build/release/moisson"))
    ap.add_argument("--skip-scrapy", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        site = os.path.join(tmp, "site")
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen_site.py"), site, "--pages", str(a.pages)],
                       check=True, stdout=subprocess.DEVNULL)
        with servers.Nginx(site) as nginx:
            m = moisson_crawl(a.moisson, nginx.base, tmp, a.concurrency)
            s = None if a.skip_scrapy else scrapy_crawl(nginx.base, tmp, a.concurrency)
        q = queued_memory(a.moisson, tmp, a.queued) if a.queued > 0 else None
    rows = [("moisson crawl", m)] + ([("Scrapy", s)] if s else [])
    print("%-14s %8s %9s %10s %14s %12s %10s" % ("", "pages", "wall s", "pages/s", "CPU ms/page", "pages/CPU-s",
                                                   "peak MB"))
    for name, r in rows:
        print("%-14s %8d %9.2f %10.0f %14.3f %12.0f %10.0f" % (
            name, r["pages"], r["seconds"], r["pages"] / r["seconds"], 1000 * r["cpu_seconds"] / max(r["pages"], 1),
            r["pages"] / max(r["cpu_seconds"], 1e-9), r["max_rss_mb"]))
    result = {"pages": a.pages, "concurrency": a.concurrency, "moisson": m, "scrapy": s, "queued": q}
    if s:
        result["ratio_pages_per_second"] = (m["pages"] / m["seconds"]) / (s["pages"] / s["seconds"])
        result["ratio_cpu_per_page"] = (s["cpu_seconds"] / s["pages"]) / (m["cpu_seconds"] / m["pages"])
        print("moisson / Scrapy: %.1fx pages/s, %.1fx less CPU per page" % (result["ratio_pages_per_second"],
                                                                         result["ratio_cpu_per_page"]))
    if q:
        print("frontier: %d URLs queued, RSS %.0f MB (peak while admitting them: %.0f MB)" % (
            q["queued"], q["rss_mb"], q["peak_rss_mb"]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
