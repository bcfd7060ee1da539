#!/usr/bin/python3
"""Baseline for bench/robots_bench: Scrapy's robots.txt parser (protego).

Reads the workload robots_bench writes (one JSON object per robots.txt file:
{"file", "agents", "urls"}), then, like robots_bench, parses each file once and
checks every agent x URL, repeating the corpus until MIN_SECONDS have passed.
File reading is outside the timed part. Prints: seconds checks bytes disallowed.
"""
import json
import sys
import time

from protego import Protego


def main():
    workload, min_seconds = sys.argv[1], float(sys.argv[2])
    items = []
    with open(workload, encoding="utf-8") as f:
        for line in f:
            job = json.loads(line)
            with open(job["file"], "rb") as body:
                raw = body.read()
            items.append((raw.decode("utf-8", errors="replace"), len(raw), job["agents"], job["urls"]))
    checks = nbytes = disallowed = 0
    start = time.perf_counter()
    while True:
        for text, size, agents, urls in items:
            rp = Protego.parse(text)
            nbytes += size
            for url in urls:
                for agent in agents:
                    if not rp.can_fetch(url, agent):
                        disallowed += 1
                    checks += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
    print(f"{elapsed:.6f} {checks} {nbytes} {disallowed}")


if __name__ == "__main__":
    main()
