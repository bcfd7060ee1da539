#!/usr/bin/python3
"""Baseline for `moisson crawl`: the Scrapy crawler a data team would write.

Crawls from URL, follows every <a href> on the same host:port, obeys
robots.txt (ROBOTSTXT_OBEY, Protego), no politeness delay
(DOWNLOAD_DELAY=0, AutoThrottle off), cookies off, CONCURRENT_REQUESTS
and CONCURRENT_REQUESTS_PER_DOMAIN = --concurrency (default 64). To do
the work a crawler with a filter chain does, each HTML page's body text
is extracted (all text nodes under <body> except <script>/<style>),
searched for e-mail addresses and phone numbers (regexes, no validation),
and written as one JSON line {url, status, title, lang, text, emails,
phones} through Scrapy's feed exporter (FEEDS, jsonlines) to --out.

Prints one JSON line at the end:
  {"pages": parsed HTML pages, "items": items written, "seconds": wall time
   of the crawl (reactor start to stop, interpreter start excluded),
   "pages_per_second", "cpu_seconds" (getrusage self + children, user +
   sys, whole process), "max_rss_mb", "concurrency",
   "requests": downloader requests incl. robots.txt, "errors"}

Usage: /usr/bin/python3 bench/scrapy_crawl.py URL --out FILE [--concurrency N]
Needs Debian's python3-scrapy (import scrapy from /usr/bin/python3).
"""

import argparse
import json
import re
import resource
import sys
import time
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?:\+33[ .]?|\b0)[1-9](?:[ .-]?\d{2}){4}\b")
SPACE = re.compile(r"\s+")


class SiteSpider(scrapy.Spider):
    """Follow same-host links from start_url; one item per HTML page."""

    name = "moisson-baseline"

    def __init__(self, start_url, **kw):
        super().__init__(**kw)
        self.start_urls = [start_url]
        self.netloc = urlsplit(start_url).netloc
        self.pages = 0

    def start_requests(self):
        # Through the dupefilter (Scrapy's default bypasses it), so a page
        # linking back to the start URL does not fetch it a second time.
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        if not isinstance(response, scrapy.http.TextResponse):
            return
        self.pages += 1
        text = " ".join(response.xpath(
            "//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
        text = SPACE.sub(" ", text).strip()
        yield {
            "url": response.url,
            "status": response.status,
            "title": response.xpath("normalize-space(//title)").get(),
            "lang": response.xpath("/html/@lang").get(),
            "text": text,
            "emails": EMAIL.findall(text),
            "phones": PHONE.findall(text),
        }
        for href in response.xpath("//a/@href").getall():
            url = response.urljoin(href.strip())
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc == self.netloc:
                yield scrapy.Request(url.split("#", 1)[0], callback=self.parse)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("url")
    ap.add_argument("--out", required=True, help="JSONL output file (overwritten)")
    ap.add_argument("--concurrency", type=int, default=64)
    args = ap.parse_args(argv)

    settings = {
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "COOKIES_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "USER_AGENT": "moisson-bench-scrapy (+https://example.org/bot)",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "FEEDS": {args.out: {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, start_url=args.url)
    t0 = time.monotonic()
    process.start()
    seconds = time.monotonic() - t0

    stats = crawler.stats.get_stats()
    pages = crawler.spider.pages if crawler.spider else 0
    ru_self = resource.getrusage(resource.RUSAGE_SELF)
    ru_kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru_self.ru_utime + ru_self.ru_stime + ru_kids.ru_utime + ru_kids.ru_stime
    print(json.dumps({
        "pages": pages,
        "items": stats.get("item_scraped_count", 0),
        "seconds": round(seconds, 3),
        "pages_per_second": round(pages / seconds, 1) if seconds > 0 else None,
        "cpu_seconds": round(cpu, 3),
        "max_rss_mb": round(max(ru_self.ru_maxrss, ru_kids.ru_maxrss) / 1024, 1),
        "concurrency": args.concurrency,
        "requests": stats.get("downloader/request_count", 0),
        "errors": stats.get("log_count/ERROR", 0),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
