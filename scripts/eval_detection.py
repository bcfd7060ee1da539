#!/usr/bin/python3
"""Precision and recall of moisson's detectors on a labelled corpus.

Runs `moisson scan` over corpus files (JSONL: id, lang, date, text, labels;
tests/detection/README.md) — or reads a saved scan output — and prints, per
category, document-level precision/recall/F1 (is the category found in the
snippet?) and, for pattern categories, span-level figures (a predicted span
matches a gold span of the same category when it covers at least half of it;
"exact" requires identical offsets).

  scripts/eval_detection.py [--moisson BIN] [--scan-output FILE] [--errors]
      [--markdown-out FILE] [--min-f1-pattern X] [--min-f1-personal Y] CORPUS...

Exit 1 when a category with support >= 5 is under its minimum. --errors lists
false positives/negatives by snippet id and category only: snippets are
written like personal data and are not printed.
"""
import argparse
import json
import subprocess
import sys

PERSONAL_PREFIXES = ("sensitive.", "minor")


def is_personal(cat):
    return cat.startswith(PERSONAL_PREFIXES)


def load_corpus(paths):
    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                d = json.loads(line)
                gold = []
                text = d["text"]
                raw = text.encode("utf-8")
                seen = {}
                for lab in d.get("labels", []):
                    span = lab.get("span")
                    if span is None:
                        gold.append((lab["category"], None))
                        continue
                    occ = lab.get("occurrence", 0)
                    b = span.encode("utf-8")
                    start = -1
                    for _ in range(occ + 1):
                        start = raw.find(b, start + 1)
                    if start < 0:
                        sys.exit(f"{path}:{n}: span not found in the text")
                    gold.append((lab["category"], (start, start + len(b))))
                docs.append({"id": d["id"], "gold": gold, "path": path})
    return docs


def run_scan(binary, paths):
    cmd = [binary, "scan", "--no-progress", "--threads", "2", "--id-field", "id", "--date-field", "date",
           "--lang-field", "lang", *paths]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"moisson scan failed ({out.returncode}): {out.stderr.strip()}")
    return out.stdout.splitlines()


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moisson", default="build/release/moisson")
    ap.add_argument("--scan-output")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--markdown-out")
    ap.add_argument("--min-f1-pattern", type=float)
    ap.add_argument("--min-f1-personal", type=float)
    ap.add_argument("corpus", nargs="+")
    a = ap.parse_args()

    docs = load_corpus(a.corpus)
    lines = open(a.scan_output).read().splitlines() if a.scan_output else run_scan(a.moisson, a.corpus)
    pred = {}
    for line in lines:
        d = json.loads(line)
        pred[d["id"]] = [(x["category"], (x["start"], x["end"])) for x in d["detections"]]
    missing = [d["id"] for d in docs if d["id"] not in pred]
    if missing:
        sys.exit(f"no verdict for {len(missing)} snippets (first: {missing[0]})")

    cats = sorted({c for d in docs for c, _ in d["gold"]} | {c for p in pred.values() for c, _ in p})
    doc_counts = {c: [0, 0, 0] for c in cats}  # tp, fp, fn
    span_counts = {c: [0, 0, 0] for c in cats}
    exact_counts = {c: [0, 0, 0] for c in cats}
    support = {c: 0 for c in cats}
    errors = []
    for d in docs:
        g_cats = {c for c, _ in d["gold"]}
        p_cats = {c for c, _ in pred[d["id"]]}
        for c in g_cats:
            support[c] += 1
        for c in cats:
            if c in g_cats and c in p_cats:
                doc_counts[c][0] += 1
            elif c in p_cats:
                doc_counts[c][1] += 1
                errors.append((d["id"], c, "false positive"))
            elif c in g_cats:
                doc_counts[c][2] += 1
                errors.append((d["id"], c, "false negative"))
        # Span level, pattern categories only.
        for c in cats:
            if is_personal(c):
                continue
            gs = [s for cc, s in d["gold"] if cc == c and s]
            ps = [s for cc, s in pred[d["id"]] if cc == c and s[1] > s[0]]
            used = set()
            for g in gs:
                hit = None
                for i, p in enumerate(ps):
                    if i in used:
                        continue
                    overlap = min(g[1], p[1]) - max(g[0], p[0])
                    if overlap >= (g[1] - g[0]) / 2:
                        hit = i
                        break
                if hit is None:
                    span_counts[c][2] += 1
                    exact_counts[c][2] += 1
                else:
                    used.add(hit)
                    span_counts[c][0] += 1
                    if ps[hit] == g:
                        exact_counts[c][0] += 1
                    else:
                        exact_counts[c][1] += 1
                        exact_counts[c][2] += 1
            span_counts[c][1] += len(ps) - len(used)
            exact_counts[c][1] += len(ps) - len(used)

    rows = ["| category | support | precision | recall | F1 | span P | span R | span F1 | exact-span F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    failed = []
    micro = {"pattern": [0, 0, 0], "personal": [0, 0, 0]}
    for c in cats:
        p, r, f = prf(*doc_counts[c])
        group = "personal" if is_personal(c) else "pattern"
        for k in range(3):
            micro[group][k] += doc_counts[c][k]
        if is_personal(c):
            span = " | | | "
        else:
            sp, sr, sf = prf(*span_counts[c])
            ef = prf(*exact_counts[c])[2]
            span = f" {sp:.3f} | {sr:.3f} | {sf:.3f} | {ef:.3f}"
        rows.append(f"| `{c}` | {support[c]} | {p:.3f} | {r:.3f} | {f:.3f} |{span} |")
        limit = a.min_f1_personal if is_personal(c) else a.min_f1_pattern
        if limit is not None and support[c] >= 5 and f < limit:
            failed.append(f"{c}: F1 {f:.3f} < {limit}")
    for g, label in (("pattern", "pattern categories (micro)"), ("personal", "sensitive.* and minor (micro)")):
        p, r, f = prf(*micro[g])
        rows.append(f"| **{label}** | | {p:.3f} | {r:.3f} | {f:.3f} | | | | |")
    negatives = sum(1 for d in docs if not d["gold"])
    head = f"{len(docs)} snippets ({negatives} without any label) from {', '.join(a.corpus)}"
    table = "\n".join(rows)
    print(head)
    print(table)
    if a.markdown_out:
        with open(a.markdown_out, "w") as f:
            f.write(head + "\n\n" + table + "\n")
    if a.errors:
        for i, c, kind in errors:
            print(f"{i}\t{c}\t{kind}")
    if failed:
        print("below the minimum: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
