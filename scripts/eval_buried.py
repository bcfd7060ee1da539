#!/usr/bin/python3
"""Detection on long pages: labelled snippets buried in real page text (stdlib only).

Builds, deterministically, one long page per snippet of a labelled set (the evaluator's format,
tests/detection/README.md): 3 to 5 KB of text cut from real web pages (the kept records of a
`moisson filter` output, e.g. over ../shared/corpus/warc), with the snippet inserted at a paragraph
boundary; plus as many pages of the same real text with no snippet. Writes them in the evaluator's
format, so that scripts/eval_detection.py measures recall on buried snippets (to compare with the
snippets alone) and how many snippet-free pages are flagged.

Usage:
  scripts/eval_buried.py --pages FILTER_OUTPUT.jsonl --out PAGES.jsonl SNIPPETS.jsonl...
No text is printed.
"""
import argparse
import hashlib
import json
import random
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("snippets", nargs="+")
    ap.add_argument("--pages", required=True, help="JSONL with a 'text' field: the real page text to cut from")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    paragraphs = []
    with open(args.pages, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text", "")
            paragraphs += [p for p in text.split("\n") if len(p) >= 40]
    if len(paragraphs) < 50:
        sys.exit("eval_buried: too little page text in %s" % args.pages)
    rng = random.Random(args.seed)
    snippets = []
    for path in args.snippets:
        with open(path, encoding="utf-8") as f:
            snippets += [json.loads(l) for l in f if l.strip()]

    def page(size):
        out, n = [], 0
        start = rng.randrange(len(paragraphs))
        while n < size:
            p = paragraphs[(start + len(out)) % len(paragraphs)]
            out.append(p)
            n += len(p) + 1
        return out

    written = 0
    with open(args.out, "w", encoding="utf-8") as f:
        for s in snippets:
            body = page(rng.randrange(3000, 5000))
            body.insert(rng.randrange(len(body) + 1), s["text"])
            f.write(json.dumps({"id": "buried-" + s["id"], "lang": s.get("lang", ""), "date": s.get("date", ""),
                                "text": "\n".join(body),
                                "labels": [l for l in s["labels"] if not l.get("span")]}, ensure_ascii=False) + "\n")
            written += 1
        for i in range(len(snippets)):
            body = page(rng.randrange(3000, 5000))
            f.write(json.dumps({"id": "plain-%05d" % i, "lang": "", "date": "", "text": "\n".join(body),
                                "labels": []}, ensure_ascii=False) + "\n")
            written += 1
    print("eval_buried: %d pages (%d with a buried snippet) written to %s" % (written, len(snippets), args.out))


if __name__ == "__main__":
    main()
