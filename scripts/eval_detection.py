#!/usr/bin/python3
"""Precision and recall of moisson's detectors on a labelled corpus (stdlib only).

Runs `moisson scan` over labelled corpus files (JSONL: id, lang, date, text, labels; format in
tests/detection/README.md), or reads a saved scan output, and prints a Markdown table per category:

- document level (the headline figure, every category): one decision per (snippet, category) —
  is the category among the snippet's detections (or reasons)?
- span level (pattern categories banking.*, geo.*, id.*): a predicted span matches a gold span of
  the same category when it covers at least 50 % of the gold span's bytes ("overlap"), or has
  exactly the same offsets ("exact"). Each gold span is matched at most once; an unmatched
  prediction is a false positive, an unmatched gold span a false negative.

Micro averages are given for the pattern categories and for sensitive.* + minor.

Usage:
  scripts/eval_detection.py [--moisson BIN | --scan-output FILE] [--errors] [--markdown-out FILE]
                            [--min-f1-pattern X] [--min-f1-personal Y] [--minimums FILE]
                            [--write-minimums FILE] [--self-test] CORPUS...

Exit status: 0, or 1 when a category with support >= 5 has a document-level F1 under its minimum
(--min-f1-pattern for banking./geo./id., --min-f1-personal for sensitive./minor), or when a
category is under its own minimum from --minimums (document F1 and, for pattern categories, span
F1; every category with support >= 5 must be listed there); 2 on bad input. --write-minimums
writes the measured figures rounded down to the next 0.05, in the --minimums format.
--errors lists false positives and negatives by snippet id and category only: the snippets are
written like personal data, so no text is ever printed.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

PATTERN_PREFIXES = ("banking.", "geo.", "id.")
PERSONAL_PREFIXES = ("sensitive.", "minor")
MIN_SUPPORT = 5
EPS = 1e-9  # F1 values such as 36/45 must compare equal to their decimal minimum (0.80)


def is_pattern(cat):
    return cat.startswith(PATTERN_PREFIXES)


def is_personal(cat):
    return cat.startswith(PERSONAL_PREFIXES)


class InputError(Exception):
    pass


def load_corpus(paths):
    """Returns [{id, gold_cats: set, gold_spans: [(cat, start, end)]}] in file order."""
    docs, seen = [], set()
    for path in paths:
        try:
            f = open(path, encoding="utf-8")
        except OSError as e:
            raise InputError("%s: %s" % (path, e.strerror))
        with f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                where = "%s:%d" % (path, n)
                try:
                    d = json.loads(line)
                    doc_id, text, labels = d["id"], d["text"], d.get("labels", [])
                except (ValueError, KeyError, TypeError) as e:
                    raise InputError("%s: not a corpus record (%s)" % (where, e.__class__.__name__))
                if doc_id in seen:
                    raise InputError("%s: duplicate id %s" % (where, doc_id))
                seen.add(doc_id)
                raw = text.encode("utf-8")
                cats, spans = set(), []
                for lab in labels:
                    cat = lab.get("category")
                    if not isinstance(cat, str):
                        raise InputError("%s: label without category" % where)
                    cats.add(cat)
                    span = lab.get("span")
                    if span is None or not is_pattern(cat):
                        continue
                    b = span.encode("utf-8")
                    start = -1
                    for _ in range(lab.get("occurrence", 0) + 1):
                        start = raw.find(b, start + 1)
                        if start < 0:
                            raise InputError("%s: %s span (occurrence %d) not found in the text"
                                             % (where, cat, lab.get("occurrence", 0)))
                    spans.append((cat, start, start + len(b)))
                docs.append({"id": str(doc_id), "gold_cats": cats, "gold_spans": spans, "where": where})
    return docs


def run_scan(binary, paths, config=None):
    """Runs moisson scan over the corpus files (as one input each, in order) into a temp file."""
    fd, out = tempfile.mkstemp(suffix=".jsonl", prefix="eval_detection_")
    os.close(fd)
    cmd = [binary] + (["--config", config] if config else []) + ["scan", "--id-field", "id", "--date-field", "date", "--lang-field", "lang",
           "--quiet", "-o", out] + list(paths)
    try:
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if r.returncode != 0:
            # stderr of moisson never holds document text (SPEC §6), so it may be shown.
            sys.stderr.write(r.stderr.decode("utf-8", "replace")[-2000:])
            raise InputError("%s scan exited with status %d" % (binary, r.returncode))
        with open(out, encoding="utf-8") as f:
            return f.read().splitlines()
    except OSError as e:
        raise InputError("%s: %s" % (binary, e.strerror))
    finally:
        os.unlink(out)


def load_scan(lines, docs, where):
    """Returns {id: (cats, spans)}; the output must have one line per document, in input order."""
    preds = {}
    lines = [l for l in lines if l.strip()]
    if len(lines) != len(docs):
        raise InputError("%s: %d scan lines for %d corpus snippets" % (where, len(lines), len(docs)))
    for n, (line, doc) in enumerate(zip(lines, docs), 1):
        try:
            v = json.loads(line)
            dets = v.get("detections", [])
            spans = [(d["category"], int(d["start"]), int(d["end"])) for d in dets]
            cats = {c for c, _, _ in spans} | set(v.get("reasons", []))
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise InputError("%s:%d: not a scan verdict (%s)" % (where, n, e.__class__.__name__))
        if str(v.get("id")) != doc["id"]:
            raise InputError("%s:%d: id %r where the corpus has %r (order must match)" % (where, n, v.get("id"),
                                                                                          doc["id"]))
        # optout.person is not labelled in the corpus (no registry is given to the scan).
        cats.discard("optout.person")
        preds[doc["id"]] = (cats, spans)
    return preds


class Counts:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def add(self, other):
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def prf(self):
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def match_spans(gold, pred, exact):
    """Greedy one-to-one matching of same-category spans; returns (tp, fp, fn)."""
    used = [False] * len(pred)
    tp = 0
    for gc, gs, ge in gold:
        best, best_ov = -1, -1
        for i, (pc, ps, pe) in enumerate(pred):
            if used[i] or pc != gc:
                continue
            if exact:
                ok, ov = (ps, pe) == (gs, ge), 1
            else:
                ov = min(ge, pe) - max(gs, ps)
                ok = ov * 2 >= (ge - gs) and ov > 0
            if ok and ov > best_ov:
                best, best_ov = i, ov
        if best >= 0:
            used[best] = True
            tp += 1
    return tp, len(pred) - tp, len(gold) - tp


def evaluate(docs, preds):
    cats = sorted({c for d in docs for c in d["gold_cats"]} | {c for p in preds.values() for c in p[0]})
    doc_level = {c: Counts() for c in cats}
    span_overlap = {c: Counts() for c in cats if is_pattern(c)}
    span_exact = {c: Counts() for c in cats if is_pattern(c)}
    support = {c: 0 for c in cats}
    errors = []  # (id, category, "FP"|"FN")
    for d in docs:
        pc, pspans = preds[d["id"]]
        for c in cats:
            g, p = c in d["gold_cats"], c in pc
            support[c] += g
            if g and p:
                doc_level[c].tp += 1
            elif p:
                doc_level[c].fp += 1
                errors.append((d["id"], c, "FP"))
            elif g:
                doc_level[c].fn += 1
                errors.append((d["id"], c, "FN"))
        for c in span_overlap:
            gold = [s for s in d["gold_spans"] if s[0] == c]
            pred = [s for s in pspans if s[0] == c]
            for counts, exact in ((span_overlap[c], False), (span_exact[c], True)):
                tp, fp, fn = match_spans(gold, pred, exact)
                counts.tp += tp
                counts.fp += fp
                counts.fn += fn
    return {"cats": cats, "doc": doc_level, "overlap": span_overlap, "exact": span_exact, "support": support,
            "errors": errors, "n_docs": len(docs)}


def fmt3(counts):
    return "%.3f | %.3f | %.3f" % counts.prf()


def table(res):
    rows = ["| category | support | P | R | F1 | span P | span R | span F1 | exact F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in res["cats"]:
        d = res["doc"][c]
        if c in res["overlap"]:
            span = "%s | %.3f" % (fmt3(res["overlap"][c]), res["exact"][c].prf()[2])
        else:
            span = "– | – | – | –"
        rows.append("| `%s` | %d | %s | %s |" % (c, res["support"][c], fmt3(d), span))
    for name, pred in (("micro, pattern categories", is_pattern), ("micro, sensitive.* + minor", is_personal)):
        total, ov, ex = Counts(), Counts(), Counts()
        sup = 0
        for c in res["cats"]:
            if pred(c):
                total.add(res["doc"][c])
                sup += res["support"][c]
                if c in res["overlap"]:
                    ov.add(res["overlap"][c])
                    ex.add(res["exact"][c])
        span = "%s | %.3f" % (fmt3(ov), ex.prf()[2]) if pred is is_pattern else "– | – | – | –"
        rows.append("| **%s** | %d | %s | %s |" % (name, sup, fmt3(total), span))
    return "\n".join(rows) + "\n"


def below_minimum(res, min_pattern, min_personal):
    failed = []
    for c in res["cats"]:
        if res["support"][c] < MIN_SUPPORT:
            continue
        f1 = res["doc"][c].prf()[2]
        if is_pattern(c) and min_pattern is not None and f1 + EPS < min_pattern:
            failed.append((c, f1, min_pattern))
        elif is_personal(c) and min_personal is not None and f1 + EPS < min_personal:
            failed.append((c, f1, min_personal))
    return failed


def read_minimums(path):
    """Per-category minimums: lines `category doc_f1 [span_f1|-]`, '#' comments. Returns
    {category: (doc_min, span_min or None)}."""
    mins = {}
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise InputError("%s: %s" % (path, e.strerror))
    with f:
        for n, line in enumerate(f, 1):
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            try:
                if len(fields) not in (2, 3) or fields[0] in mins:
                    raise ValueError
                doc_min = float(fields[1])
                span_min = float(fields[2]) if len(fields) == 3 and fields[2] != "-" else None
            except ValueError:
                raise InputError("%s:%d: want `category doc_f1 [span_f1|-]`, once per category" % (path, n))
            mins[fields[0]] = (doc_min, span_min)
    return mins


def below_category_minimums(res, mins):
    """Returns [(category, level, f1 or None, minimum)]; f1 None when the category is missing."""
    failed = []
    for c, (doc_min, span_min) in sorted(mins.items()):
        if c not in res["doc"] or res["support"][c] == 0:
            failed.append((c, "doc", None, doc_min))  # a renamed or dropped category must not pass silently
            continue
        f1 = res["doc"][c].prf()[2]
        if f1 + EPS < doc_min:
            failed.append((c, "doc", f1, doc_min))
        if span_min is not None and c in res["overlap"]:
            f1 = res["overlap"][c].prf()[2]
            if f1 + EPS < span_min:
                failed.append((c, "span", f1, span_min))
    for c in res["cats"]:
        if res["support"][c] >= MIN_SUPPORT and c not in mins:
            failed.append((c, "unlisted", None, None))
    return failed


def floor05(x):
    return math.floor(x * 20 + EPS) / 20


def minimums_text(res):
    rows = ["# category  doc_f1  span_f1 (measured F1 rounded down to the next 0.05; '-': no span level)"]
    for c in res["cats"]:
        if res["support"][c] < MIN_SUPPORT:
            continue
        span = "%.2f" % floor05(res["overlap"][c].prf()[2]) if c in res["overlap"] else "-"
        rows.append("%-30s %.2f  %s" % (c, floor05(res["doc"][c].prf()[2]), span))
    return "\n".join(rows) + "\n"


# ------------------------------------------------------------------------------------ self-test

SELF_CORPUS = [
    {"id": "t1", "lang": "fr", "date": "2024-05-01", "text": "Écrivez à zoé@example.fr ou zoé@example.fr.",
     "labels": [{"category": "id.email", "span": "zoé@example.fr"},
                {"category": "id.email", "span": "zoé@example.fr", "occurrence": 1}]},
    {"id": "t2", "lang": "fr", "date": "2024-05-01", "text": "Je suis diabétique.",
     "labels": [{"category": "sensitive.health"}]},
    {"id": "t3", "lang": "en", "date": "2024-05-01", "text": "Plain text.", "labels": []},
    {"id": "t4", "lang": "en", "date": "2024-05-01", "text": "Card 4111 1111 1111 1111 here.",
     "labels": [{"category": "banking.card", "span": "4111 1111 1111 1111"}]},
]
# "Écrivez à " is 12 bytes (É and à are 2 each), "zoé@example.fr" 15: first at 12..27, second at 31..46.
SELF_SCAN = [
    {"id": "t1", "decision": "modify", "reasons": ["id.email"],
     "detections": [{"category": "id.email", "start": 12, "end": 27}, {"category": "id.email", "start": 34, "end": 46}]},
    {"id": "t2", "decision": "keep", "reasons": [], "detections": []},
    {"id": "t3", "decision": "drop", "reasons": ["minor"], "detections": [{"category": "minor", "start": 0, "end": 5}]},
    {"id": "t4", "decision": "modify", "reasons": ["banking.card"],
     "detections": [{"category": "banking.card", "start": 5, "end": 12}]},
]


def self_test():
    """Checks the metric code on a hand-made corpus and scan output; returns 0 when all hold."""
    tmp = tempfile.mkdtemp(prefix="eval_detection_selftest_")
    corpus, scan = os.path.join(tmp, "c.jsonl"), os.path.join(tmp, "s.jsonl")
    with open(corpus, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in SELF_CORPUS)
    with open(scan, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(d) + "\n" for d in SELF_SCAN)
    docs = load_corpus([corpus])
    with open(scan, encoding="utf-8") as f:
        res = evaluate(docs, load_scan(f.read().splitlines(), docs, scan))
    failures = []

    def expect(what, got, want):
        if got != want:
            failures.append("%s: got %r, want %r" % (what, got, want))

    expect("gold span bytes of the second e-mail", docs[0]["gold_spans"][1], ("id.email", 31, 46))
    d = res["doc"]
    expect("email doc TP/FP/FN", (d["id.email"].tp, d["id.email"].fp, d["id.email"].fn), (1, 0, 0))
    expect("health doc FN", (d["sensitive.health"].tp, d["sensitive.health"].fn), (0, 1))
    expect("minor doc FP", (d["minor"].tp, d["minor"].fp), (0, 1))
    # second e-mail prediction 34..46 covers 12 of 15 bytes (>= 50 %): overlap match, not exact.
    o, e = res["overlap"]["id.email"], res["exact"]["id.email"]
    expect("email span overlap TP/FP/FN", (o.tp, o.fp, o.fn), (2, 0, 0))
    expect("email span exact TP/FP/FN", (e.tp, e.fp, e.fn), (1, 1, 1))
    # card prediction 5..12 covers 7 of 19 bytes (< 50 %): document hit, span miss.
    c = res["overlap"]["banking.card"]
    expect("card doc TP", d["banking.card"].tp, 1)
    expect("card span TP/FP/FN", (c.tp, c.fp, c.fn), (0, 1, 1))
    expect("errors", sorted(res["errors"]), [("t2", "sensitive.health", "FN"), ("t3", "minor", "FP")])
    expect("F1 of health", d["sensitive.health"].prf()[2], 0.0)
    expect("minimum check ignores support < 5", below_minimum(res, 0.99, 0.99), [])
    # Per-category minimums: email doc and span F1 are 1.0; health's doc F1 is 0.
    expect("per-category minimums met", below_category_minimums(res, {"id.email": (1.0, 1.0)}), [])
    expect("per-category doc minimum missed", below_category_minimums(res, {"sensitive.health": (0.05, None)}),
           [("sensitive.health", "doc", 0.0, 0.05)])
    expect("per-category span minimum missed", below_category_minimums(res, {"banking.card": (1.0, 0.5)}),
           [("banking.card", "span", 0.0, 0.5)])
    expect("a listed category absent from the corpus fails", below_category_minimums(res, {"id.nir": (0.5, None)}),
           [("id.nir", "doc", None, 0.5)])
    expect("an F1 of 36/45 meets 0.80", 2 * 18 / (19 + 26) + EPS >= 0.80, True)
    expect("rounded down to 0.05", (floor05(0.949), floor05(0.8), floor05(1.0), floor05(0.270)),
           (0.9, 0.8, 1.0, 0.25))
    md = table(res)
    expect("table has the micro rows", ("micro, pattern categories" in md, "micro, sensitive.* + minor" in md),
           (True, True))
    expect("no snippet text in the table", any(t["text"] in md for t in SELF_CORPUS), False)
    # A scan output in the wrong order is refused.
    try:
        load_scan([json.dumps(x) for x in reversed(SELF_SCAN)], docs, "reversed")
        failures.append("a reordered scan output was accepted")
    except InputError:
        pass
    # A span that is not in the text is refused, naming file and line.
    bad = os.path.join(tmp, "bad.jsonl")
    with open(bad, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "b", "text": "abc", "labels": [{"category": "id.ip", "span": "1.2.3.4"}]}) + "\n")
    try:
        load_corpus([bad])
        failures.append("a missing span was accepted")
    except InputError as err:
        expect("error names file and line", str(err).startswith(bad + ":1:"), True)
    for p in (corpus, scan, bad):
        os.unlink(p)
    os.rmdir(tmp)
    for msg in failures:
        print("self-test FAILED: " + msg)
    if not failures:
        print("self-test passed")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="*", help="labelled JSONL files (tests/detection/corpus_*.jsonl)")
    ap.add_argument("--moisson", default="build/release/moisson", help="moisson binary (default %(default)s)")
    ap.add_argument("--config", help="moisson configuration for the scan (e.g. [filters] learned = true)")
    ap.add_argument("--scan-output", help="read this saved `moisson scan` output instead of running it")
    ap.add_argument("--errors", action="store_true", help="list false positives/negatives (ids and categories)")
    ap.add_argument("--markdown-out", help="also write the table to this file")
    ap.add_argument("--min-f1-pattern", type=float, help="minimum document F1 for banking./geo./id. categories")
    ap.add_argument("--min-f1-personal", type=float, help="minimum document F1 for sensitive./minor categories")
    ap.add_argument("--minimums", help="per-category minimum document (and span) F1, one `category doc [span]` a line")
    ap.add_argument("--write-minimums", help="write the measured F1s rounded down to 0.05 to this file")
    ap.add_argument("--self-test", action="store_true", help="check this script on hand-made data and exit")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not args.corpus:
        ap.error("no corpus file given")
    try:
        docs = load_corpus(args.corpus)
        if args.scan_output:
            with open(args.scan_output, encoding="utf-8") as f:
                lines = f.read().splitlines()
            where = args.scan_output
        else:
            lines = run_scan(args.moisson, args.corpus, args.config)
            where = "scan output"
        res = evaluate(docs, load_scan(lines, docs, where))
        mins = read_minimums(args.minimums) if args.minimums else {}
    except (InputError, OSError, UnicodeDecodeError) as e:
        print("eval_detection: %s" % e, file=sys.stderr)
        return 2
    md = "%d snippets from %s.\n\n" % (res["n_docs"], ", ".join(os.path.basename(p) for p in args.corpus)) + table(res)
    print(md)
    if args.markdown_out:
        with open(args.markdown_out, "w", encoding="utf-8") as f:
            f.write(md)
    if args.errors:
        for doc_id, cat, kind in res["errors"]:
            print("%s %s %s" % (kind, doc_id, cat))
    failed = below_minimum(res, args.min_f1_pattern, args.min_f1_personal)
    for c, f1, minimum in failed:
        print("below minimum: %s F1 %.3f < %.2f" % (c, f1, minimum), file=sys.stderr)
    failed_cat = below_category_minimums(res, mins) if args.minimums else []
    for c, level, f1, minimum in failed_cat:
        if level == "unlisted":
            print("no minimum for %s in %s" % (c, args.minimums), file=sys.stderr)
        elif f1 is None:
            print("below minimum: %s is not in the corpus (minimum %.2f)" % (c, minimum), file=sys.stderr)
        else:
            print("below minimum: %s %s F1 %.3f < %.2f" % (c, level, f1, minimum), file=sys.stderr)
    if args.write_minimums:
        with open(args.write_minimums, "w", encoding="utf-8") as f:
            f.write(minimums_text(res))
    return 1 if failed or failed_cat else 0


if __name__ == "__main__":
    sys.exit(main())
