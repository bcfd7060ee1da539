#!/usr/bin/python3
"""`moisson report` as a browser shows it: a ledger made by `moisson filter`
over the example dumps and a generated dump of 25 sites, the report rendered
by headless Chromium with a test-only script (added to a copy, never to the
report) that measures every chart with getBoundingClientRect; the numbers are
checked against the ledger read directly with SQLite. Then a screenshot whose
pixels must show the charts' colours. An empty ledger's report is laid out
too ("no data" in every chart).

Run: /usr/bin/python3 tests/report/test_report.py build/release/moisson .
(or MOISSON_BIN=... with no arguments).
"""

import html
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MOISSON = os.environ.get("MOISSON_BIN", os.path.join(ROOT, "build/release/moisson"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TOP = 10
WINDOW = (1000, 2800)  # tall enough for the four charts: the screenshot is checked where the DOM put them
# The fills of kept, modified and dropped segments (report/html.cc).
FILLS = {"keep": (0x2A, 0x9D, 0x8F), "modify": (0xE9, 0xB9, 0x49), "drop": (0xC8, 0x55, 0x3D)}

MEASURE = """<script>
(function () {
  function box(e) { var r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; }
  var out = [];
  document.querySelectorAll('svg').forEach(function (svg) {
    var c = box(svg);
    c.id = svg.id;
    c.cls = svg.getAttribute('class');
    c.title = svg.querySelector(':scope > title') ? svg.querySelector(':scope > title').textContent : null;
    c.desc = svg.querySelector(':scope > desc') ? svg.querySelector(':scope > desc').textContent : null;
    c.rects = svg.querySelectorAll('rect').length;
    c.texts = svg.querySelectorAll('text').length;
    c.text_boxes = Array.prototype.map.call(svg.querySelectorAll('text'), function (t) {
      var b = box(t); b.text = t.textContent; return b;
    });
    c.nodata = svg.querySelector('text.nodata') ? box(svg.querySelector('text.nodata')) : null;
    c.bars = [];
    svg.querySelectorAll('g.bar').forEach(function (g) {
      var b = box(g);
      var label = g.querySelector('text.label'), value = g.querySelector('text.value');
      b.label = label ? label.textContent : null;
      b.label_box = label ? box(label) : null;
      b.value = value ? value.textContent : null;
      b.tip = g.querySelector('title') ? g.querySelector('title').textContent : null;
      b.segs = [];
      g.querySelectorAll('rect.seg').forEach(function (s) {
        var q = box(s);
        q.cls = s.getAttribute('class');
        q.fill = getComputedStyle(s).fill;
        b.segs.push(q);
      });
      c.bars.push(b);
    });
    out.push(c);
  });
  var pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify({charts: out, scripts: document.scripts.length,
                                    width: document.documentElement.scrollWidth});
  document.body.appendChild(pre);
})();
</script>"""


def run(*args, check=True):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def chromium(tmp, *args):
    profile = tempfile.mkdtemp(dir=tmp, prefix="chromium-")
    return run(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
               "--no-first-run", "--hide-scrollbars", *args)


def measure(tmp, report):
    """The report laid out in Chromium: what MEASURE found, as a dict."""
    with open(report, encoding="utf-8") as f:
        page = f.read()
    assert page.count("</body>") == 1, "the report has no single </body>"
    probe = os.path.join(tmp, "probe.html")
    with open(probe, "w", encoding="utf-8") as f:
        f.write(page.replace("</body>", MEASURE + "</body>"))
    dom = chromium(tmp, "--window-size=%d,%d" % WINDOW, "--virtual-time-budget=5000", "--dump-dom",
                   "file://" + probe).stdout
    m = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.S)
    assert m, "the measuring script did not run: " + dom[-500:]
    return json.loads(html.unescape(m.group(1)))


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG, decoded with zlib."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), "unexpected PNG format %d/%d" % (depth, color)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def write_many_sites(path):
    """25 fictitious sites with 1 to 6 documents each; every third site has an
    e-mail address in one document (modified)."""
    with open(path, "w", encoding="utf-8") as f:
        n = 0
        for s in range(25):
            for d in range(1 + (s * 7) % 6):
                n += 1
                text = ("Compte rendu numéro %d de la sortie du club %d : quarante kilomètres sous le soleil, "
                        "ravitaillement au col et retour par la vallée." % (n, s))
                if s % 3 == 0 and d == 0:
                    text += " Inscriptions : contact%d@club%d.example" % (s, s)
                f.write(json.dumps({"id": "m-%d" % n, "url": "https://www.club%d.example/sortie/%d" % (s, d),
                                    "text": text}) + "\n")


class ReportInChromium(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="moisson_report_")
        key = os.path.join(cls.tmp, "k.key")
        run(MOISSON, "keygen", "--out", key)
        many = os.path.join(cls.tmp, "many.jsonl")
        write_many_sites(many)
        # One person's opt-out, so that the three families of signals are met.
        registry = os.path.join(cls.tmp, "optout.db")
        run(MOISSON, "optout", "add", "--registry", registry, "--key", key, "--email", "contact0@club0.example")
        cls.ledger = os.path.join(cls.tmp, "l.db")
        dumps = os.path.join(ROOT, "examples", "dumps")
        run(MOISSON, "filter", "--no-progress", "--key", key, "--registry", registry, "--ledger", cls.ledger, "--dedup",
            os.path.join(dumps, "forum.jsonl"), os.path.join(dumps, "pages.warc.gz"), many,
            "-o", os.path.join(cls.tmp, "out.jsonl"))
        cls.report = os.path.join(cls.tmp, "report.html")
        run(MOISSON, "report", "--ledger", cls.ledger, "-o", cls.report, "--top", str(TOP))
        cls.m = measure(cls.tmp, cls.report)
        cls.charts = {c["id"]: c for c in cls.m["charts"]}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def expected(self):
        """What the ledger holds, read with SQLite rather than moisson."""
        db = sqlite3.connect(self.ledger)
        sites = db.execute("SELECT site, count(*), sum(decision = 'keep'), sum(decision = 'modify'), "
                           "sum(decision = 'drop') FROM documents GROUP BY site").fetchall()
        reasons = dict(db.execute("SELECT reason, count(*) FROM document_reasons GROUP BY reason").fetchall())
        minutes = [r[0] for r in db.execute("SELECT DISTINCT substr(considered_at, 1, 16) FROM documents "
                                            "ORDER BY 1")]
        db.close()
        return sites, reasons, minutes

    def test_four_charts_laid_out(self):
        self.assertEqual(self.m["scripts"], 1, "the report itself must hold no script")
        self.assertEqual(sorted(self.charts), ["chart-decisions", "chart-signals", "chart-sites", "chart-timeline"])
        for c in self.m["charts"]:
            self.assertEqual(c["cls"], "chart")
            self.assertGreater(c["w"], 300, c["id"])
            self.assertGreater(c["h"], 60, c["id"])
            self.assertTrue(c["title"] and c["desc"], c["id"] + " has no title or description")
            self.assertIsNone(c["nodata"], c["id"] + " says no data")
            self.assertGreater(c["texts"], len(c["bars"]), c["id"] + ": axis and labels are missing")
            for t in c["text_boxes"]:  # no label, value or legend cut by the chart's edge
                self.assertGreater(t["w"], 0, t)
                self.assertGreaterEqual(t["x"], c["x"] - 1, "%s: %r sticks out left" % (c["id"], t["text"]))
                self.assertLessEqual(t["x"] + t["w"], c["x"] + c["w"] + 1,
                                     "%s: %r sticks out right" % (c["id"], t["text"]))
            for b in c["bars"]:
                self.assertGreater(b["w"], 0, b)
                self.assertGreater(b["h"], 0, b)
                self.assertTrue(b["segs"], "a bar without a segment: %s" % b)
                for s in b["segs"]:
                    self.assertGreater(s["w"], 0, s)
                    self.assertGreater(s["h"], 0, s)
                    # Inside its chart.
                    self.assertGreaterEqual(s["x"], c["x"] - 0.5)
                    self.assertLessEqual(s["x"] + s["w"], c["x"] + c["w"] + 0.5)
                    self.assertGreaterEqual(s["y"], c["y"] - 0.5)
                    self.assertLessEqual(s["y"] + s["h"], c["y"] + c["h"] + 0.5)
        # Nothing wider than the window: the page reflows.
        self.assertLessEqual(self.m["width"], WINDOW[0])

    def test_decisions_chart(self):
        sites, reasons, _ = self.expected()
        bars = self.charts["chart-decisions"]["bars"]
        self.assertEqual(len(bars), 1 + min(len(reasons), 30) + (1 if len(reasons) > 30 else 0))
        total = bars[0]
        self.assertEqual(total["label"], "all documents")
        self.assertEqual(int(total["value"].replace(",", "")), sum(s[1] for s in sites))
        kinds = [s["cls"].split()[1] for s in total["segs"]]
        self.assertEqual(kinds, ["keep", "modify", "drop"], "the example data has all three decisions")
        want = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:30]
        self.assertEqual([(b["label"], int(b["value"])) for b in bars[1:len(want) + 1]], want)
        by_label = {b["label"]: b for b in bars}
        self.assertIn("drop", by_label["sensitive.health"]["segs"][0]["cls"])
        self.assertIn("modify", by_label["id.email"]["segs"][0]["cls"])

    def test_sites_chart(self):
        sites, _, _ = self.expected()
        bars = self.charts["chart-sites"]["bars"]
        self.assertGreater(len(sites), TOP, "the test data must have more sites than --top")
        self.assertEqual(len(bars), TOP + 1)
        ranked = sorted(sites, key=lambda s: (-s[1], s[0]))
        for bar, s in zip(bars, ranked[:TOP]):
            self.assertEqual(bar["label"], s[0] or "(no URL)")
            self.assertEqual(int(bar["value"]), s[1])
        others = bars[-1]
        self.assertEqual(others["label"], "others (%d sites)" % (len(sites) - TOP))
        self.assertEqual(int(others["value"]), sum(s[1] for s in ranked[TOP:]))
        # Bars drawn to one scale: width per document is the same for every bar.
        per_doc = [sum(g["w"] for g in b["segs"]) / int(b["value"]) for b in bars]
        self.assertLess(max(per_doc) / min(per_doc), 1.05, per_doc)
        # Rows do not overlap, labels are drawn left of their bars.
        ys = [b["segs"][0]["y"] for b in bars]
        self.assertEqual(ys, sorted(ys))
        self.assertTrue(all(b2 - b1 >= b["segs"][0]["h"] for b1, b2, b in zip(ys, ys[1:], bars)))
        for b in bars:
            self.assertGreater(b["label_box"]["w"], 0)
            self.assertLessEqual(b["label_box"]["x"] + b["label_box"]["w"], b["segs"][0]["x"] + 1)

    def test_signals_chart(self):
        _, reasons, _ = self.expected()
        signals = {r: n for r, n in reasons.items() if r.split(".")[0] in ("policy", "blocklist", "optout")}
        self.assertEqual({r.split(".")[0] for r in signals}, {"policy", "blocklist", "optout"})
        bars = self.charts["chart-signals"]["bars"]
        self.assertEqual({b["label"]: int(b["value"]) for b in bars}, signals)

    def test_timeline_chart(self):
        sites, _, minutes = self.expected()
        self.assertLess(len(minutes), 60, "the test's run spans minutes, not hours")
        bars = self.charts["chart-timeline"]["bars"]
        self.assertEqual(len(bars), len(minutes))
        self.assertIn("per minute", self.charts["chart-timeline"]["title"])
        self.assertEqual(sum(int(b["value"]) for b in bars), sum(s[1] for s in sites))
        for b in bars:  # stacked upwards from one baseline
            bottoms = [s["y"] + s["h"] for s in b["segs"]]
            self.assertAlmostEqual(max(bottoms), max(s["y"] + s["h"] for s in bars[0]["segs"]), delta=0.6)

    def test_screenshot_shows_the_charts(self):
        """Every bar segment the DOM laid out is painted, in its colour, where
        the DOM says, and the page is not blank."""
        shot = os.path.join(self.tmp, "shot.png")
        chromium(self.tmp, "--window-size=%d,%d" % WINDOW, "--screenshot=" + shot, "file://" + self.report)
        self.assertGreater(os.path.getsize(shot), 20000, "a blank page compresses to almost nothing")
        width, height, bpp, rows = png_pixels(shot)
        self.assertEqual((width, height), WINDOW)
        checked = {k: 0 for k in FILLS}
        for c in self.m["charts"]:
            self.assertLessEqual(c["y"] + c["h"], height, c["id"] + " is below the screenshot: enlarge WINDOW")
            for b in c["bars"]:
                for s in b["segs"]:
                    kind = s["cls"].split()[1]
                    if kind not in FILLS or s["w"] < 3 or s["h"] < 3:
                        continue
                    # Off the centre, where a segment may hold its number in white.
                    x = int(s["x"] + max(1.5, s["w"] / 4))
                    y = int(s["y"] + max(1.5, min(3.0, s["h"] / 2)))
                    px = tuple(rows[y][x * bpp:x * bpp + 3])
                    self.assertTrue(all(abs(px[i] - FILLS[kind][i]) <= 3 for i in range(3)),
                                    "%s: a %s segment at (%d, %d) is painted %s" % (c["id"], kind, x, y, px))
                    checked[kind] += 1
        for k, n in checked.items():
            self.assertGreater(n, 2, "too few %s segments checked" % k)
        colours = set()
        for line in rows[::4]:
            for x in range(0, width * bpp, bpp * 4):
                colours.add(bytes(line[x:x + 3]))
        self.assertGreater(len(colours), 50, "too few colours: text was not drawn")


class EmptyLedgerInChromium(unittest.TestCase):
    def test_no_data(self):
        tmp = tempfile.mkdtemp(prefix="moisson_report_empty_")
        try:
            key = os.path.join(tmp, "k.key")
            run(MOISSON, "keygen", "--out", key)
            empty = os.path.join(tmp, "empty.jsonl")
            open(empty, "w").close()
            ledger = os.path.join(tmp, "l.db")
            run(MOISSON, "filter", "--no-progress", "--allow-empty", "--key", key, "--ledger", ledger, empty,
                "-o", os.path.join(tmp, "out.jsonl"))
            report = os.path.join(tmp, "report.html")
            run(MOISSON, "report", "--ledger", ledger, "-o", report)
            m = measure(tmp, report)
            self.assertEqual(len(m["charts"]), 4)
            for c in m["charts"]:
                self.assertEqual(c["bars"], [], c["id"])
                self.assertIsNotNone(c["nodata"], c["id"] + " does not say no data")
                self.assertGreater(c["nodata"]["w"], 0)
                self.assertGreater(c["w"], 300)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and not sys.argv[1].startswith("-"):
        MOISSON = os.path.abspath(sys.argv.pop(1))
    if len(sys.argv) >= 2 and not sys.argv[1].startswith("-"):
        ROOT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
