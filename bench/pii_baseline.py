#!/usr/bin/python3
"""Baseline for bench/filter_bench: the Python PII pass a dataset team writes.

Reads a JSONL dump, and for every document finds e-mails, phone numbers
(python3-phonenumbers' PhoneNumberMatcher, regions FR and international),
card numbers (regex + Luhn), IBANs (regex + mod-97) and IPv4 addresses,
replaces each with an HMAC-SHA-256 token and writes the JSONL back out — the
pattern half of what moisson does, without HTML, sensitive/minor detection,
opt-outs or a ledger. Prints: documents, input bytes and seconds (parsing
included, interpreter start excluded).

Usage: bench/pii_baseline.py INPUT.jsonl OUTPUT.jsonl
"""
import hashlib
import hmac
import json
import re
import sys
import time

import phonenumbers

KEY = bytes(range(32))
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")


def luhn(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_ok(s):
    s = s.replace(" ", "")
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def token(category, value):
    return "[" + category + ":" + hmac.new(KEY, value.encode(), hashlib.sha256).hexdigest()[:8] + "]"


def scrub(text):
    spans = []
    for m in EMAIL.finditer(text):
        spans.append((m.start(), m.end(), "id.email"))
    for m in CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and luhn(digits):
            spans.append((m.start(), m.end(), "banking.card"))
    for m in IBAN.finditer(text):
        if iban_ok(m.group()):
            spans.append((m.start(), m.end(), "banking.iban"))
    for m in IPV4.finditer(text):
        spans.append((m.start(), m.end(), "id.ip"))
    for m in phonenumbers.PhoneNumberMatcher(text, "FR"):
        spans.append((m.start, m.end, "id.phone"))
    spans.sort()
    out, pos = [], 0
    for start, end, cat in spans:
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(token(cat, text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def main():
    start = time.perf_counter()
    docs = nbytes = 0
    with open(sys.argv[1], "rb") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
        for line in f:
            nbytes += len(line)
            doc = json.loads(line)
            doc["text"] = scrub(doc["text"])
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
            docs += 1
    print(docs, nbytes, time.perf_counter() - start)


if __name__ == "__main__":
    main()
