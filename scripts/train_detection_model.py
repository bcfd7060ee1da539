#!/usr/bin/python3
"""Trains the learned stage of the sensitive/minor detectors (logistic regression, Debian's liblinear-tools).

Reads the labelled training snippets (training/detection/*.jsonl: {lang, genre, text, labels[, date]}),
checks them, splits them deterministically into train and development sets (by a hash of the text:
the same snippet always falls on the same side), gets each snippet's features from the stage's own
code (moisson_learned_tool features: filters/learned.h), trains one L2-regularised logistic
regression per category with liblinear-train, quantises the weights to 16 bits, and chooses for each
category the threshold at which the precision stays at least --precision on "out-of-writer" scores:
every snippet scored by a model trained without that snippet's file (each file is one writer's or one
brief's), which estimates what text from a new writer gets (scores from moisson_learned_tool scores,
i.e. the stage as it runs, gates included; a category that never reaches it is disabled). It reports
the chain's precision and recall (rules + model, the rules' findings from the built moisson) on the
development split (a hash of the text keeps 15 % of the snippets out of training) and out of writer.
Two other threshold rules can be asked for: --calibrate split (choose on the development split, the
rule of the models before 2026-12-08) and --aim added (the precision of what the model adds to the
rules, not of the model alone); docs/detection.md gives the figures of each. --sweep-cost C,C,...
trains nothing and prints, per value of liblinear's C, the out-of-writer figures. Writes:

  OUT/sensitive.lin        the model (format: filters/learned.cc, LearnedDetector::Load)
  OUT/thresholds.tsv       category <TAB> threshold (1.01 = disabled) <TAB> dev precision <TAB> dev recall
  OUT/MODEL.md             how it was made: data, parameters, SHA-256, development figures

--compare-fasttext also trains Debian's fastText on the same split (the trial of issue 14: ova loss,
character 3-5-grams, word bigrams) and prints both stages' development figures side by side.

The held-out corpora (tests/detection/corpus_*.jsonl, heldout_*.jsonl, fresh_*.jsonl) are read for one thing only:
to refuse training snippets that overlap them (same text, or a near duplicate). No figure is ever
computed on them here. Snippet text is never printed.

Deterministic: liblinear's primal solver has no randomness; sorted inputs. Usage:
  scripts/train_detection_model.py [--tool build/release/filters/moisson_learned_tool]
      [--moisson build/release/moisson] [--out filters/data/model] [--precision 0.92]
      [--aim model|added] [--calibrate writer|split] [--cost C] [--sweep-cost C,C,...] [--write-dev FILE] [--compare-fasttext] [FILES...]
"""
import argparse
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

CATEGORIES = [
    "sensitive.health", "sensitive.religion", "sensitive.politics", "sensitive.sexual_orientation",
    "sensitive.sex_life", "sensitive.ethnicity", "sensitive.union", "sensitive.biometric",
    "sensitive.genetic", "minor",
]
# The model: one L2-regularised logistic regression per category (liblinear solver 0, cost C, a bias
# term) over 2^BITS hashed features. The feature set was chosen on the development split. C: the value
# with the best out-of-writer figures among those that flag no real page (docs/detection.md, "Choosing
# C"): out of writer alone, recall keeps rising up to C = 64 (--sweep-cost), but from C = 16 the
# model flags encyclopedic and policy paragraphs of the real pages of ../shared/corpus/warc.
BITS = 18
COST = "8"
LIBLINEAR = ["-s", "0", "-B", "1", "-q"]
# The fastText trial of issue 14, for --compare-fasttext.
FASTTEXT = ["-loss", "ova", "-minn", "3", "-maxn", "5", "-wordNgrams", "2", "-dim", "50", "-epoch", "25",
            "-lr", "0.5", "-bucket", "400000", "-thread", "1", "-seed", "7"]
DEV_SHARE = 15  # percent of the snippets held for choosing thresholds
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


PUNCT = set('.,;:!?()[]"') | {"\u00ab", "\u00bb", "\u201c", "\u201d", "\u2026"}
SPACES = set(" \t\n\r\f\v") | {"\u00a0", "\u202f"}


def lower(c):
    o = ord(c)
    if 0x41 <= o <= 0x5A or (0xC0 <= o <= 0xDE and o != 0xD7):
        return chr(o + 32)
    if (0x100 <= o <= 0x137 or 0x14A <= o <= 0x177) and o % 2 == 0 and o != 0x130:
        return chr(o + 1)
    if (0x139 <= o <= 0x148 or 0x179 <= o <= 0x17E) and o % 2 == 1:
        return chr(o + 1)
    if o == 0x178:
        return "\u00ff"
    return c


def normalise(text):
    """The text fastText sees: filters::LearnedDetector::Normalise, character for character."""
    out, space = [], True
    for c in text:
        if c in ("\u2019", "\u2018"):
            c = "'"
        if c in SPACES:
            if not space:
                out.append(" ")
            space = True
        elif c in PUNCT:
            if not space:
                out.append(" ")
            out.append(c + " ")
            space = True
        else:
            out.append(lower(c))
            space = False
    return "".join(out).rstrip(" ")


def shingles(text, n=8):
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())
    return {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def load(paths):
    docs, errors = [], []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    d = json.loads(line)
                except ValueError:
                    errors.append("%s:%d: not JSON" % (path, n))
                    continue
                labels = d.get("labels")
                if not isinstance(d.get("text"), str) or not isinstance(labels, list):
                    errors.append("%s:%d: needs text and labels" % (path, n))
                    continue
                bad = [x for x in labels if x not in CATEGORIES]
                if bad:
                    errors.append("%s:%d: unknown label %s" % (path, n, bad[0]))
                    continue
                docs.append({"where": "%s:%d" % (os.path.basename(path), n), "text": d["text"],
                             "labels": sorted(set(labels)), "lang": d.get("lang", ""), "date": d.get("date", "")})
    return docs, errors


def heldout_shingles():
    sets = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/detection/corpus_*.jsonl")) +
                       glob.glob(os.path.join(ROOT, "tests/detection/heldout_*.jsonl")) +
                       glob.glob(os.path.join(ROOT, "tests/detection/fresh_*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    sets.append(shingles(json.loads(line)["text"]))
    return sets


def check(docs):
    """Drops exact and near duplicates (and overlaps with held-out sets); returns (kept, report)."""
    report = {"read": len(docs), "duplicate": 0, "near_duplicate": 0, "heldout_overlap": 0}
    held = heldout_shingles()
    held_index = {}
    for i, s in enumerate(held):
        for g in s:
            held_index.setdefault(g, []).append(i)
    seen_text, seen_index, kept = set(), {}, []
    for d in docs:
        key = normalise(d["text"])
        if key in seen_text:
            report["duplicate"] += 1
            continue
        sh = shingles(d["text"])
        # Near duplicate: half of its 8-word shingles already in one earlier snippet.
        hits = {}
        for g in sh:
            for j in seen_index.get(g, ()):
                hits[j] = hits.get(j, 0) + 1
        if hits and max(hits.values()) * 2 >= len(sh) and len(sh) >= 3:
            report["near_duplicate"] += 1
            continue
        hhits = {}
        for g in sh:
            for j in held_index.get(g, ()):
                hhits[j] = hhits.get(j, 0) + 1
        if hhits and max(hhits.values()) >= 2:
            report["heldout_overlap"] += 1
            continue
        seen_text.add(key)
        for g in sh:
            seen_index.setdefault(g, []).append(len(kept))
        kept.append(d)
    report["kept"] = len(kept)
    return kept, report


def is_dev(d):
    return int(hashlib.sha256(d["text"].encode("utf-8")).hexdigest()[:8], 16) % 100 < DEV_SHARE


def choose_thresholds(probs, docs, precision, rules=None):
    """For each category: the lowest threshold at which the precision is >= `precision` with at least 5 true
    positives (the usual operating point on a precision-recall curve). With `rules` (per snippet, the
    categories the rules alone find), the precision asked is that of what the model adds to the rules (the
    snippets they do not find), so that the model never brings the chain's precision below the aim nor
    is held to the rules' own; the precision and recall returned are the chain's (rules + model).
    Returns {category: (threshold, precision, recall)}."""
    out = {}
    for cat in CATEGORIES:
        by_rules = [cat in r for r in rules] if rules is not None else [False] * len(docs)
        support = sum(1 for d in docs if cat in d["labels"])
        rules_tp = sum(1 for d, r in zip(docs, by_rules) if r and cat in d["labels"])
        rules_fp = sum(1 for d, r in zip(docs, by_rules) if r and cat not in d["labels"])
        scored = sorted(((p.get(cat, 0.0), cat in d["labels"]) for p, d, r in zip(probs, docs, by_rules) if not r),
                        reverse=True)
        best = (1.01, rules_tp / (rules_tp + rules_fp) if rules_tp + rules_fp else 0.0,
                rules_tp / support if support else 0.0)
        tp = fp = 0  # what the model adds
        for i, (sc, y) in enumerate(scored):
            tp += y
            fp += not y
            if i + 1 < len(scored) and scored[i + 1][0] == sc:
                continue  # a threshold takes every snippet at that score
            if sc <= 0.0:
                break
            if tp / (tp + fp) >= precision and tp >= 5:
                chain_tp, chain_fp = rules_tp + tp, rules_fp + fp
                best = (sc, chain_tp / (chain_tp + chain_fp), chain_tp / support if support else 0.0)
        out[cat] = best
    return out


def rules_findings(moisson, docs, tmp):
    """Per snippet, the sensitive/minor categories the rules alone find (moisson scan, learned stage off)."""
    data = os.path.join(tmp, "rules-in.jsonl")
    with open(data, "w", encoding="utf-8") as f:
        for i, d in enumerate(docs):
            record = {"id": "s%d" % i, "text": d["text"]}
            if d.get("date"):
                record["date"] = d["date"]  # a birth year is read against it
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    key = os.path.join(tmp, "k")
    subprocess.run([moisson, "keygen", "--out", key], check=True, capture_output=True)
    config = os.path.join(tmp, "rules.toml")
    with open(config, "w") as f:
        f.write("[filters]\nlearned = false\n")
    out = subprocess.run([moisson, "--config", config, "scan", data, "--key", key, "-q", "--allow-empty"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("train_detection_model: %s scan failed: %s" % (moisson, out.stderr.strip()[:300]))
    found = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        found[r["id"]] = {x["category"] for x in r["detections"]} | set(r["reasons"])
    return [found.get("s%d" % i, set()) for i in range(len(docs))]


def at_threshold(probs, docs, thresholds, rules):
    """The chain's precision and recall of each category at the given thresholds (rules + model)."""
    out = {}
    for cat in CATEGORIES:
        t = thresholds[cat][0]
        found = [cat in r or p.get(cat, 0.0) >= t for p, r in zip(probs, rules)]
        tp = sum(1 for f, d in zip(found, docs) if f and cat in d["labels"])
        fp = sum(1 for f, d in zip(found, docs) if f and cat not in d["labels"])
        support = sum(1 for d in docs if cat in d["labels"])
        out[cat] = (tp / (tp + fp) if tp + fp else 1.0, tp / support if support else 0.0)
    return out


def micro(scores, docs, thresholds, rules):
    """The chain's micro precision, recall and F1 over the categories at the given thresholds."""
    tp = fp = fn = 0
    for cat in CATEGORIES:
        t = thresholds[cat][0]
        for p, r, d in zip(scores, rules, docs):
            found, truth = cat in r or p.get(cat, 0.0) >= t, cat in d["labels"]
            tp += found and truth
            fp += found and not truth
            fn += truth and not found
    P, R = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return P, R, 2 * P * R / max(1e-9, P + R)


def writer_of(d):
    return d["where"].split(":")[0]


def out_of_writer_scores(docs, train, features, tool, tmp, liblinear_train):
    """Every snippet scored by a model trained on the training split of the other files only (each file is
    one writer's, or one brief's): what the stage makes of text from a writer it has not read. Thresholds
    chosen on these scores hold on new writers better than on a split of writers it has read."""
    scores = [None] * len(docs)
    model_dir = os.path.join(tmp, "calibration")
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "thresholds.tsv"), "w") as f:
        for cat in CATEGORIES:
            f.write("%s\t0\n" % cat)
    for group in sorted({writer_of(d) for d in docs}):
        keep = [i for i, d in enumerate(train) if writer_of(d) != group]
        models = train_linear([features[i] for i in keep], [train[i] for i in keep], tmp, liblinear_train)
        write_model(models, os.path.join(model_dir, "sensitive.lin"))
        held = [i for i, d in enumerate(docs) if writer_of(d) == group]
        for i, p in zip(held, parse_scores(run_tool(tool, "scores", model_dir, [docs[i] for i in held]))):
            scores[i] = p
    return scores


def run_tool(tool, mode, arg, docs):
    """Feeds the texts to moisson_learned_tool; returns its output lines, one per text."""
    data = "".join(json.dumps({"text": d["text"]}, ensure_ascii=False) + "\n" for d in docs)
    out = subprocess.run([tool, mode, str(arg)], input=data, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("train_detection_model: %s %s failed: %s" % (tool, mode, out.stderr.strip()))
    lines = out.stdout.splitlines()
    if len(lines) != len(docs):
        sys.exit("train_detection_model: %s gave %d lines for %d texts" % (tool, len(lines), len(docs)))
    return lines


def parse_scores(lines):
    return [{k: float(v) for k, v in (t.split("=") for t in line.split())} for line in lines]


def train_linear(features, docs, tmp, liblinear_train):
    """One logistic regression per category; returns (weights per category: list of 2^BITS floats, bias)."""
    rows = 1 << BITS
    models = {}
    for cat in CATEGORIES:
        path = os.path.join(tmp, "train.svm")
        with open(path, "w") as f:
            for feats, d in zip(features, docs):
                f.write(("+1 " if cat in d["labels"] else "-1 ") + feats + "\n")
        model = os.path.join(tmp, "model")
        subprocess.run([liblinear_train] + LIBLINEAR + ["-c", COST, path, model], check=True)
        with open(model) as f:
            lines = f.read().split("\n")
        header = dict(l.split(" ", 1) for l in lines[:lines.index("w")] if " " in l)
        sign = 1.0 if header["label"].split()[0] == "1" else -1.0
        w = [sign * float(l.split()[0]) for l in lines[lines.index("w") + 1:] if l.strip()]
        n = int(header["nr_feature"])
        if len(w) != n + 1:
            sys.exit("train_detection_model: liblinear model has %d weights for %d features" % (len(w), n))
        weights = w[:n] + [0.0] * (rows - n)
        models[cat] = (weights, w[n] * float(header["bias"]))
    return models


def write_model(models, path):
    """sensitive.lin: the header, then per feature row the classes' weights as int16 (per-class scale)."""
    import array
    rows = 1 << BITS
    scales = []
    for cat in CATEGORIES:
        top = max(abs(x) for x in models[cat][0]) or 1.0
        scales.append(top / 32767.0)
    q = array.array("h", [0]) * (rows * len(CATEGORIES))
    for k, cat in enumerate(CATEGORIES):
        w, s = models[cat][0], scales[k]
        for i in range(rows):
            q[i * len(CATEGORIES) + k] = int(round(w[i] / s))
    if sys.byteorder != "little":
        q.byteswap()
    head = "moisson-linear 1\nfeatures 2 bits %d\nlabels %s\nscale %s\nbias %s\nweights\n" % (
        BITS, " ".join(CATEGORIES), " ".join("%.9g" % s for s in scales),
        " ".join("%.9g" % models[c][1] for c in CATEGORIES))
    data = head.encode("ascii") + q.tobytes()
    with open(path, "wb") as f:
        f.write(data)
    return data


def compare_fasttext(train, dev, tmp, fasttext, precision):
    """The fastText trial on the same split: per category, dev precision and recall at its own thresholds."""
    tr = os.path.join(tmp, "ft-train.txt")
    with open(tr, "w", encoding="utf-8") as f:
        for d in train:
            f.write(" ".join("__label__" + x for x in (d["labels"] or ["none"])) + " " + normalise(d["text"]) + "\n")
    dv = os.path.join(tmp, "ft-dev.txt")
    with open(dv, "w", encoding="utf-8") as f:
        for d in dev:
            f.write(normalise(d["text"]) + "\n")
    model = os.path.join(tmp, "ft")
    subprocess.run([fasttext, "supervised", "-input", tr, "-output", model] + FASTTEXT,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run([fasttext, "predict-prob", model + ".bin", dv, "-1", "0.0"],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    probs = []
    for line in out:
        toks = line.split()
        probs.append({toks[i][len("__label__"):]: float(toks[i + 1]) for i in range(0, len(toks) - 1, 2)})
    return choose_thresholds(probs, dev, precision), os.path.getsize(model + ".bin")


def sweep_cost(args, docs, train):
    """Prints, per C, what a model trained with it makes of writers it has not read (the thresholds are
    chosen on those same scores, so the figures compare values of C; they are not a test)."""
    with tempfile.TemporaryDirectory() as tmp:
        features = run_tool(args.tool, "features", BITS, train)
        for cost in args.sweep_cost.split(","):
            globals()["COST"] = cost.strip()
            scores = out_of_writer_scores(docs, train, features, args.tool, tmp, args.liblinear_train)
            th = choose_thresholds(scores, docs, args.precision)
            no_rules = [set()] * len(docs)
            figures = at_threshold(scores, docs, th, no_rules)
            print("C %-6s mean recall at precision %.2f: %.4f   micro P %.3f R %.3f F1 %.3f   %s" % (
                COST, args.precision, sum(th[c][2] for c in CATEGORIES) / len(CATEGORIES),
                *micro(scores, docs, th, no_rules),
                " ".join("%s %.3f" % (c.split(".")[-1], figures[c][1]) for c in CATEGORIES)), flush=True)


def self_test():
    """The strings tests/learned_test.cc checks on the C++ side."""
    cases = [("Ma FILLE, 12 ans.", "ma fille , 12 ans ."),
             ("  J\u2019ai  \u00ab\u00c9T\u00c9\u00bb op\u00e9r\u00e9\n\tdu C\u0152UR\u2026 ",
              "j'ai \u00ab \u00e9t\u00e9 \u00bb op\u00e9r\u00e9 du c\u0153ur \u2026"),
             ("\u0141\u00d3D\u0179 \u0178 \u0130", "\u0142\u00f3d\u017a \u00ff \u0130"),
             ("(x)[y]!?", "( x ) [ y ] ! ?"),
             ("", "")]
    bad = [(a, normalise(a), b) for a, b in cases if normalise(a) != b]
    for a, got, want in bad:
        print("normalise(%r) = %r, want %r" % (a, got, want))
    dev = [d for d in ({"text": "snippet %d" % i} for i in range(1000)) if is_dev(d)]
    if not 100 <= len(dev) <= 200:
        bad.append(("split", len(dev), "about 150"))
        print("the development split holds %d of 1000" % len(dev))
    print("train_detection_model self-test: %d passed, %d failed" % (len(cases) + 1 - len(bad), len(bad)))
    return 1 if bad else 0


def main():
    if "--self-test" in sys.argv[1:]:
        sys.exit(self_test())
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="training JSONL (default: training/detection/*.jsonl)")
    ap.add_argument("--out", default=os.path.join(ROOT, "filters/data/model"))
    ap.add_argument("--precision", type=float, default=0.92)
    ap.add_argument("--tool", default=os.path.join(ROOT, "build/release/filters/moisson_learned_tool"),
                    help="moisson_learned_tool of a built tree (scripts/setup.sh builds it)")
    ap.add_argument("--liblinear-train", default="/usr/bin/liblinear-train")
    ap.add_argument("--moisson", default=os.path.join(ROOT, "build/release/moisson"),
                    help="the built moisson: its rules' findings make the thresholds the chain's (rules + model)")
    ap.add_argument("--compare-fasttext", action="store_true", help="also train fastText and compare")
    ap.add_argument("--fasttext", default="/usr/bin/fasttext")
    ap.add_argument("--write-dev", help="also write the development split in the evaluator's format "
                    "(scripts/eval_detection.py) to this file")
    ap.add_argument("--bits", type=int, default=BITS, help="hashed feature rows, 2^BITS (default %(default)s)")
    ap.add_argument("--cost", default=COST, help="liblinear's cost C (default %(default)s)")
    ap.add_argument("--sweep-cost", metavar="C,C,...",
                    help="train nothing: for each C, score every snippet out of writer and print the mean recall "
                    "over the categories at the precision aim (the model alone) and the micro figures there")
    ap.add_argument("--aim", choices=["model", "added"], default="model",
                    help="the precision aimed at: the model's alone (default), or that of what it adds to "
                    "the rules")
    ap.add_argument("--calibrate", choices=["split", "writer"], default="writer",
                    help="choose the thresholds on every snippet scored by a model that did not read its "
                    "writer (default: what a new writer's text gets), or on the development split")
    args = ap.parse_args()
    for flag, values in (("--cost", [args.cost]), ("--sweep-cost", args.sweep_cost.split(",") if args.sweep_cost else [])):
        for v in values:
            try:
                ok = float(v) > 0
            except ValueError:
                ok = False
            if not ok:
                sys.exit("train_detection_model: %s: not a positive number: %s" % (flag, v.strip() or "(empty)"))
    globals()["BITS"], globals()["COST"] = args.bits, args.cost
    files = sorted(args.files or glob.glob(os.path.join(ROOT, "training/detection/*.jsonl")))
    if not files:
        sys.exit("train_detection_model: no training file")
    for exe in (args.tool, args.liblinear_train, args.moisson):
        if not os.access(exe, os.X_OK):
            sys.exit("train_detection_model: %s: not found (build the tree, install liblinear-tools)" % exe)
    docs, errors = load(files)
    for e in errors[:20]:
        print("train_detection_model: " + e, file=sys.stderr)
    if errors:
        sys.exit("train_detection_model: %d bad lines" % len(errors))
    docs, report = check(docs)
    train = [d for d in docs if not is_dev(d)]
    dev = [d for d in docs if is_dev(d)]
    if args.sweep_cost:
        sweep_cost(args, docs, train)
        return
    if args.write_dev:
        with open(args.write_dev, "w", encoding="utf-8") as f:
            for i, d in enumerate(dev):
                f.write(json.dumps({"id": "dev-%05d" % i, "lang": d["lang"], "date": d.get("date", ""),
                                    "text": d["text"], "labels": [{"category": c} for c in d["labels"]]},
                                   ensure_ascii=False) + "\n")
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        features = run_tool(args.tool, "features", BITS, train)
        models = train_linear(features, train, tmp, args.liblinear_train)
        data = write_model(models, os.path.join(args.out, "sensitive.lin"))
        sha = hashlib.sha256(data).hexdigest()
        with open(os.path.join(args.out, "thresholds.tsv"), "w") as f:
            f.write("# every category on while the thresholds are chosen\n")
            for cat in CATEGORIES:
                f.write("%s\t0\n" % cat)
        probs = parse_scores(run_tool(args.tool, "scores", args.out, dev))
        ft = compare_fasttext(train, dev, tmp, args.fasttext, args.precision) if args.compare_fasttext else None
        rules = rules_findings(args.moisson, docs, tmp)
        dev_rules = [r for r, d in zip(rules, docs) if is_dev(d)]
        calibration = out_of_writer_scores(docs, train, features, args.tool, tmp, args.liblinear_train)
        aim_rules = (rules, dev_rules) if args.aim == "added" else (None, None)
        if args.calibrate == "writer":
            thresholds = choose_thresholds(calibration, docs, args.precision, aim_rules[0])
        else:
            thresholds = choose_thresholds(probs, dev, args.precision, aim_rules[1])
    # The chain's figures (rules + model) at those thresholds: on the development split, and on every
    # snippet as a model that did not read its writer scores it.
    on_dev = at_threshold(probs, dev, thresholds, dev_rules)
    on_new = at_threshold(calibration, docs, thresholds, rules)
    linear_alone = choose_thresholds(probs, dev, args.precision) if ft else None
    with open(os.path.join(args.out, "thresholds.tsv"), "w") as f:
        f.write("# category\tthreshold\tdev_precision\tdev_recall\tout_of_writer_precision\tout_of_writer_recall "
                "(written by scripts/train_detection_model.py, thresholds chosen on the %s)\n" % (
                    "out-of-writer scores" if args.calibrate == "writer" else "development split"))
        for cat in CATEGORIES:
            f.write("%s\t%.4f\t%.3f\t%.3f\t%.3f\t%.3f\n" % (cat, thresholds[cat][0], *on_dev[cat], *on_new[cat]))
    counts = {c: sum(1 for d in docs if c in d["labels"]) for c in CATEGORIES}
    negatives = sum(1 for d in docs if not d["labels"])
    with open(os.path.join(args.out, "MODEL.md"), "w") as f:
        f.write("# The learned stage's model\n\nWritten by `scripts/train_detection_model.py`; do not edit.\n\n")
        f.write("- model: `sensitive.lin`, %d bytes, SHA-256 `%s`\n" % (len(data), sha))
        f.write("- liblinear 2.3 (Debian `liblinear-tools`): `liblinear-train %s -c %s`, one model per category, "
                "features version 2 over 2^%d hashed rows, weights quantised to 16 bits\n" % (" ".join(LIBLINEAR), COST, BITS))
        f.write("- data: %s\n" % ", ".join(os.path.relpath(p, ROOT) for p in files))
        f.write("- checks: %d read, %d exact duplicates, %d near duplicates and %d overlapping a held-out set "
                "dropped; %d kept (%d negatives, %.0f%%)\n" % (report["read"], report["duplicate"],
                report["near_duplicate"], report["heldout_overlap"], report["kept"], negatives,
                100.0 * negatives / max(1, len(docs))))
        f.write("- split: %d train, %d development (%d%% by a hash of the text)\n" % (len(train), len(dev), DEV_SHARE))
        f.write("- thresholds: precision >= %.2f of %s, %s\n" % (
            args.precision, "what the model adds to the rules" if args.aim == "added" else "the model alone",
            "on every snippet scored by a model trained without its file (its writer's)" if args.calibrate == "writer"
            else "on the development split"))
        f.write("- figures of the chain (rules + model): on the development split, and out of writer (every "
                "snippet scored by a model trained without its file)\n\n")
        f.write("| category | snippets | threshold | dev precision | dev recall | out-of-writer precision | "
                "out-of-writer recall |\n|---|---|---|---|---|---|---|\n")
        for cat in CATEGORIES:
            t = thresholds[cat][0]
            f.write("| %s | %d | %s | %.3f | %.3f | %.3f | %.3f |\n" % (
                cat, counts[cat], "off" if t > 1 else "%.3f" % t, *on_dev[cat], *on_new[cat]))
    print("train_detection_model: %d snippets (%d train, %d dev); model %d bytes, sha256 %s" %
          (len(docs), len(train), len(dev), len(data), sha[:16]))
    for cat in CATEGORIES:
        t = thresholds[cat][0]
        line = "  %-30s threshold %s  dev P %.3f R %.3f  out-of-writer P %.3f R %.3f" % (
            cat, "off " if t > 1 else "%.3f" % t, *on_dev[cat], *on_new[cat])
        if ft:
            line += "   | models alone: linear P %.3f R %.3f, fastText P %.3f R %.3f" % (
                linear_alone[cat][1], linear_alone[cat][2], ft[0][cat][1], ft[0][cat][2])
        print(line)
    for name, subset, subset_rules, scores in (("dev", dev, dev_rules, probs),
                                               ("out-of-writer", docs, rules, calibration)):
        print("  micro, the chain, %s: P %.3f R %.3f F1 %.3f" % (name, *micro(scores, subset, thresholds, subset_rules)))
    if ft:
        print("  mean dev recall of the models alone at the precision aim: linear %.3f, fastText %.3f "
              "(fastText model %d bytes)" % (sum(linear_alone[c][2] for c in CATEGORIES) / len(CATEGORIES),
                                             sum(ft[0][c][2] for c in CATEGORIES) / len(CATEGORIES), ft[1]))


if __name__ == "__main__":
    main()
