"""The Python module against the command line: same chain, same bytes.

Run by ctest (tests/CMakeLists.txt) with /usr/bin/python3 -m pytest, the
module's folder on PYTHONPATH and MOISSON_BIN naming the `moisson` binary.
Failure messages name ids and counts, never a document's text.
"""
import gzip
import json
import os
import pathlib
import shutil
import subprocess
import threading
import time

import pytest

import moisson

SRC = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("MOISSON_BIN", str(SRC / "build/release/moisson"))
DUMPS = [SRC / "examples/dumps/forum.jsonl", SRC / "examples/dumps/pages.warc.gz"]


def digests(lines):
    """What a failure message may show of output lines: their SHA-256, never their text."""
    import hashlib
    return [hashlib.sha256(x if isinstance(x, bytes) else x.encode()).hexdigest()[:16] for x in lines]


def run(*args, cwd=None, check=True):
    p = subprocess.run([BIN, *map(str, args)], cwd=cwd, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"moisson {args[0]} exited {p.returncode}: {p.stderr[-500:]}")
    return p


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The example project (examples/moisson.toml) in a temporary folder, with
    a key and one person opt-out, as scripts/example.sh sets it up."""
    d = tmp_path_factory.mktemp("project")
    shutil.copy(SRC / "examples/moisson.toml", d / "moisson.toml")
    (d / "out").mkdir()
    run("keygen", "--out", d / "out/moisson.key")
    run("--config", d / "moisson.toml", "optout", "add", "--email", "bertrand.lefort@example.org", "--ref", "T-1")
    return d


@pytest.fixture(scope="module")
def chain(project):
    return moisson.Chain(config=project / "moisson.toml", threads=2)


def generated_jsonl(path):
    """Records the runner must number and deduplicate: ids missing, repeated,
    numeric; the same text twice; HTML in the html field; a URL on a listed site."""
    lines = [
        {"id": "a", "text": "Réunion du club de lecture jeudi soir, ouverte à tous.", "url": "https://club.example.fr/1"},
        {"text": "Sans identifiant : le marché de Noël ouvre samedi."},
        {"id": "a", "text": "Même id qu'un autre : la mairie ferme lundi."},
        {"id": 42, "text": "Réunion du club de lecture jeudi soir, ouverte à tous."},
        {"id": "h", "html": "<html lang=fr><title>Contact</title><body><p>Écrire à paul.martin@example.org</p></body></html>"},
        {"id": "n", "html": "<html><head><meta name=robots content=noai></head><body><p>Un texte.</p></body></html>",
         "url": "https://blog.example.org/p"},
        {"id": "s", "text": "Je suis séropositif depuis trois ans et je vis bien avec mon traitement."},
        {"id": "u", "text": "Texte neutre sur un site pour adultes.", "url": "https://www.pornhub.com/x"},
    ]
    with open(path, "w", encoding="utf-8") as f:
        for rec in lines:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def cli_filter(config, inputs, tmp):
    out, rej = tmp / "out.jsonl", tmp / "rejects.jsonl"
    run("--config", config, "filter", *inputs, "--dedup", "-o", out, "--rejects", rej,
        "--ledger", tmp / "ledger.sqlite", "--threads", "2", "--no-progress")
    return out.read_bytes(), rej.read_bytes()


def module_filter(chain, inputs):
    records = (rec for path in inputs for rec in chain.read(path))
    kept, rejected = [], []
    for doc in chain.filter(records, dedup=True, dropped=True, batch=3):
        (kept if doc.kept else rejected).append(doc)
    out = "".join(d.json() + "\n" for d in kept).encode()
    rej = "".join(d.reject_json() + "\n" for d in rejected).encode()
    return out, rej, kept, rejected


def test_byte_identical_to_cli_filter(project, tmp_path):
    inputs = [*DUMPS, generated_jsonl(tmp_path / "gen.jsonl")]
    # The example config, reading the html field as well, its project files where the fixture made them.
    cfg = tmp_path / "html.toml"
    text = (project / "moisson.toml").read_text().replace('# html_field = "html"', 'html_field = "html"')
    cfg.write_text(text.replace('"out/', f'"{project}/out/'))
    chain = moisson.Chain(config=cfg, threads=2)
    cli_out, cli_rej = cli_filter(cfg, inputs, tmp_path)
    out, rej, kept, rejected = module_filter(chain, inputs)
    assert len(kept) > 5 and len(rejected) > 5, (len(kept), len(rejected))
    assert digests(out.splitlines()) == digests(cli_out.splitlines()), "kept records differ from `moisson filter -o`"
    assert digests(rej.splitlines()) == digests(cli_rej.splitlines()), "rejects differ from `moisson filter --rejects`"
    assert digests([out, rej]) == digests([cli_out, cli_rej])  # and byte for byte, line ends included
    reasons = {r for d in rejected for r in d.reasons}
    # The generated file reaches each kind of drop, so the comparison covers them.
    assert {"duplicate", "optout.person", "sensitive.health", "policy.noai"} <= reasons, sorted(reasons)
    ids = [d.id for d in kept + rejected]
    assert len(ids) == len(set(ids))
    assert "gen.jsonl:2" in ids and "gen.jsonl:3" in ids  # no id; a repeated id


def test_dicts_and_strings_in_a_generator(chain):
    docs = [
        {"id": "x", "text": "Le concert est reporté au mois prochain."},
        "Un texte sans rien de personnel.",
        {"text": "Je suis séropositif depuis trois ans."},
    ]
    run_ = chain.filter(iter(docs), source="shard-7")
    out = list(run_)
    assert [d.id for d in out] == ["x", "shard-7:2"]
    assert run_.summary["documents"] == 3 and run_.summary["dropped"] == 1
    assert run_.summary["dropped_by_reason"] == {"sensitive.health": 1}
    # The same documents one by one give the same decisions.
    one = [chain.process(d["text"] if isinstance(d, dict) else d).decision for d in docs]
    assert one == ["keep", "keep", "drop"]


def test_process_offsets_actions_and_identifiers(chain):
    text = "Écrivez à paul.martin@example.org pour vous inscrire."
    d = chain.process(text, url="https://club.example.fr/inscription")
    assert d.decision == "modify" and d.reasons == ["id.email"]
    [det] = d.detections
    assert det["category"] == "id.email" and det["action"] == "pseudonymise" and det["by"] == "rules"
    assert text.encode()[det["start"]:det["end"]] == b"paul.martin@example.org"
    assert "paul.martin" not in d.text and d.text.startswith("Écrivez à [id.email:")
    [(kind, digest)] = d.identifiers
    assert kind == "email" and len(digest) == 64
    assert repr(d) == "<moisson.Document modify id.email>" and d.id == ""  # repr shows no text
    assert d.site == "example.fr"


def test_html_bytes_take_the_header_charset(chain):
    page = "<html><body><p>Le café de la gare rouvre à Noël.</p></body></html>".encode("latin-1")
    d = chain.process(html=page, headers={"Content-Type": "text/html; charset=ISO-8859-1"})
    assert d.text == "Le café de la gare rouvre à Noël."
    d = chain.process(html=page.decode("latin-1"))
    assert d.text == "Le café de la gare rouvre à Noël."


def test_page_signals_and_site_lists(chain):
    d = chain.process(html="<html><head><meta name=robots content=noai></head><body>x</body></html>",
                      url="https://blog.example.org/p")
    assert d.decision == "drop" and d.reasons == ["policy.noai"] and d.text == ""
    d = chain.process("x", url="https://blog.example.org/p", headers=[("X-Robots-Tag", "noai")])
    assert d.reasons == ["policy.noai"] and d.policy_signal.startswith("header X-Robots-Tag")


def test_process_batch_matches_process_and_releases_the_gil(chain):
    texts = [f"Message {i} : Je suis séropositif depuis {i} ans." if i % 3 == 0 else
             f"Message {i} : rendez-vous au marché du quartier numéro {i}, écrire à v{i}@example.org."
             for i in range(3000)]
    ticks = [0]
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=tick)
    t.start()
    time.sleep(0.05)
    before = ticks[0]
    batch = chain.process_batch(texts, threads=2)
    during = ticks[0] - before
    stop.set()
    t.join()
    assert during > 1000, f"another Python thread advanced {during} times during process_batch"
    assert digests(d.json() for d in batch) == digests(chain.process(t).json() for t in texts)
    assert sum(d.decision == "drop" for d in batch) == 1000


def test_threads_share_one_chain(chain):
    texts = [f"Écrire à u{i}@example.org ou appeler le 06 12 34 56 {i % 100:02d}." for i in range(400)]
    want = [d.json() for d in chain.process_batch(texts, threads=1)]
    results = [None] * 4

    def work(k):
        results[k] = [chain.process(t).json() for t in texts]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == want for r in results)


def test_errors_carry_the_cli_messages(project, tmp_path):
    with pytest.raises(moisson.Error) as e:
        moisson.Chain()
    cli = run("filter", DUMPS[0], "-o", tmp_path / "o.jsonl", check=False, cwd=tmp_path)
    assert cli.returncode == 2 and str(e.value) in cli.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[policy]\nrobots_mode = "google"\nhonor = true\n')
    with pytest.raises(moisson.Error) as e:
        moisson.Chain(config=bad)
    cli = run("--config", bad, "scan", DUMPS[0], check=False)
    assert cli.returncode == 2 and cli.stderr.strip() == f"moisson: {e.value}"
    with pytest.raises(moisson.Error, match="no such file|not found|No such"):
        list(moisson.Chain(config=project / "moisson.toml").read(tmp_path / "missing.jsonl"))
    truncated = tmp_path / "cut.jsonl.gz"
    truncated.write_bytes(gzip.compress(DUMPS[0].read_bytes())[:-40])
    reader = moisson.Chain(config=project / "moisson.toml").read(truncated)
    records = list(reader)
    assert reader.skipped == 1 and len(reader.issues) == 1, reader.skipped
    assert 0 < len(records)
    chain = moisson.Chain(config=project / "moisson.toml")
    with pytest.raises(TypeError, match="text= or as html=, one of them"):
        chain.process()
    with pytest.raises(TypeError, match="text= or as html=, one of them"):
        chain.process("a", html="<p>b</p>")
    with pytest.raises(TypeError, match=r"headers must be a dict or \(name, value\) pairs"):
        chain.process("a", headers=[("X-Robots-Tag",)])
    with pytest.raises(TypeError, match="a document is a dict, a str or a moisson.Record"):
        chain.process_batch([3.5])
    with pytest.raises(TypeError, match="text must be str"):
        chain.process_batch([{"text": 5}])
    with pytest.raises(moisson.Error, match='a document has no "text" field'):
        list(chain.filter([{"id": "x", "body": "y"}]))


def test_policy_explain_is_the_cli_json(tmp_path):
    robots = tmp_path / "robots.txt"
    robots.write_text("User-agent: *\nDisallow: /private/\n\nUser-agent: GPTBot\nDisallow: /\n")
    for url in ["https://www.example.org/private/a", "https://www.example.org/public/b"]:
        cli = run("policy", "explain", "--json", "--url", url, "--robots", robots,
                  "--header", "X-Robots-Tag: noai", check=False)
        got = moisson.policy_explain(url, robots=robots.read_text(), headers={"X-Robots-Tag": "noai"})
        want = json.loads(cli.stdout)
        want_sources = {e["source"] for e in want["evidence"]}
        # The CLI names the robots file by its file name; the module by its role.
        assert "robots.txt" in want_sources
        assert got == want
    with pytest.raises(moisson.Error, match="absolute"):
        moisson.policy_explain("not a url")
    with pytest.raises(moisson.Error, match="product token"):
        moisson.policy_explain("https://a.example/", agent="bad agent")


def test_robots_allowed_is_robots_check(tmp_path):
    body = "User-agent: *\nDisallow: /private/\nAllow: /private/open\n\nUser-agent: moisson\nDisallow: /no-moisson\n"
    f = tmp_path / "robots.txt"
    f.write_text(body)
    for agent in ["moisson", "otherbot"]:
        for path in ["/", "/private/x", "/private/open", "/no-moisson/a", "/private/%6Fpen"]:
            url = "https://site.example" + path
            cli = run("robots", "check", "--robots", f, "--agent", agent, url, check=False)
            assert moisson.robots_allowed(body, agent, url) == (cli.returncode == 0), (agent, path)
    with pytest.raises(moisson.Error, match="mode"):
        moisson.robots_allowed(body, "moisson", "https://site.example/", mode="strict")


def test_the_documented_pipeline_step(project, tmp_path):
    """examples/python/dataset_step.py, the example of docs/python.md, writes
    what `moisson filter` writes, shard by shard."""
    import sys
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, SRC / "examples/python/dataset_step.py", "--config", project / "moisson.toml",
                        "--out", out, *DUMPS], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-500:]
    for shard in DUMPS:
        cli = tmp_path / (shard.name + ".cli.jsonl")
        run("--config", project / "moisson.toml", "filter", shard, "-o", cli, "--ledger", tmp_path / "l.sqlite",
            "--no-progress")
        want = [json.loads(line) for line in cli.read_text().splitlines()]
        got = [json.loads(line) for line in open(out / (shard.name.split(".")[0] + ".jsonl"), encoding="utf-8")]
        canon = [json.dumps(r, sort_keys=True) for r in got], [json.dumps(r, sort_keys=True) for r in want]
        assert [r["id"] for r in got] == [r["id"] for r in want] and digests(canon[0]) == digests(canon[1]), shard.name
        assert not list(out.glob("*.tmp"))


def ledger_rows(path):
    import sqlite3
    con = sqlite3.connect(path)
    docs = con.execute("SELECT url, site, source_file, source_offset, decision, reasons, content_sha256, output_id, "
                       "captured_at, id FROM documents ORDER BY id").fetchall()
    ids = con.execute("SELECT d.source_offset, i.type, i.digest FROM identifiers i JOIN documents d "
                      "ON d.id = i.document ORDER BY 1, 2, 3").fetchall()
    runs = con.execute("SELECT command, summary FROM runs ORDER BY id").fetchall()
    con.close()
    return [r[:-1] for r in docs], ids, runs


def test_ledger_rows_as_the_cli_writes_them_and_rights_requests_find_them(project, tmp_path):
    """Chain.filter(ledger=, output=) records what `moisson filter` records,
    so `rights erase` removes a person's record from the module's output."""
    cfg = project / "moisson.toml"
    chain = moisson.Chain(config=cfg)
    out, ledger = tmp_path / "py.jsonl", tmp_path / "py.sqlite"
    run = chain.filter((r for p in DUMPS for r in chain.read(p)), ledger=ledger, output=out, dedup=True)
    with open(out, "w", encoding="utf-8") as f:
        for doc in run:
            f.write(doc.json() + "\n")
    assert run.run_id == 1
    cli = subprocess.run([BIN, "--config", str(cfg), "filter", *map(str, DUMPS), "--dedup", "-o",
                          str(tmp_path / "cli.jsonl"), "--ledger", str(tmp_path / "cli.sqlite"), "--no-progress"],
                         capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr[-300:]
    py_docs, py_ids, py_runs = ledger_rows(ledger)
    cli_docs, cli_ids, cli_runs = ledger_rows(tmp_path / "cli.sqlite")
    assert py_docs == cli_docs and len(py_docs) > 10
    assert py_ids == cli_ids and len(py_ids) > 3
    py_summary, cli_summary = json.loads(py_runs[0][1]), json.loads(cli_runs[0][1])
    assert py_runs[0][0] == "filter" and py_summary == cli_summary and py_summary["status"] == "ok"
    assert run_ok("audit", "verify", "--ledger", ledger)

    # The person's record is found and erased from the module's output.
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    holder = [r["id"] for r in kept if "claire.morel" not in r["text"] and "[id.email:" in r["text"]]
    assert holder, "the example forum has a pseudonymised e-mail"
    found = subprocess.run([BIN, "--config", str(cfg), "rights", "find", "--email", "claire.morel@example.fr",
                            "--ledger", str(ledger), "--json"], capture_output=True, text=True)
    assert found.returncode == 0 and str(out) in found.stdout, found.stderr[-300:]
    before = len(kept)
    erased = subprocess.run([BIN, "--config", str(cfg), "rights", "erase", "--email", "claire.morel@example.fr",
                             "--ledger", str(ledger), "--registry", str(tmp_path / "reg.sqlite")],
                            capture_output=True, text=True)
    assert erased.returncode == 0, erased.stderr[-300:]
    after = out.read_text().splitlines()
    assert len(after) < before and not any("claire.morel" in line for line in after)


def run_ok(*args):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True).returncode == 0


def test_a_ledger_that_cannot_be_opened_is_named(project, tmp_path):
    chain = moisson.Chain(config=project / "moisson.toml")
    with pytest.raises(moisson.Error, match=f"{tmp_path}: cannot open the ledger"):
        chain.filter(["x"], ledger=tmp_path)
    with pytest.raises(moisson.Error, match="cannot open the ledger"):
        chain.filter(["x"], ledger=tmp_path / "missing" / "l.sqlite")


def test_a_run_left_halfway_is_recorded_as_interrupted(project, tmp_path):
    import gc
    import sqlite3
    chain = moisson.Chain(config=project / "moisson.toml")
    ledger = tmp_path / "l.sqlite"
    run = chain.filter(({"text": f"Texte {i} sans rien de personnel."} for i in range(1000)), ledger=ledger, batch=10)
    for i, _ in enumerate(run):
        if i == 15:
            break
    del run
    gc.collect()
    con = sqlite3.connect(ledger)
    [(summary,)] = con.execute("SELECT summary FROM runs").fetchall()
    rows = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    con.close()
    assert json.loads(summary)["status"] == "interrupted"
    assert rows == 20  # the two batches judged: every document judged has its row
    assert run_ok("audit", "verify", "--ledger", ledger)


def test_a_site_policy_store_in_the_config(project, tmp_path):
    """[sites] store: the module judges URLs by their sites' captured files as
    `moisson scan --sites` does, and its summary says how many it judged."""
    store = tmp_path / "sites.sqlite"
    run("sites", "import", "--store", store, SRC / "examples/dumps/robots.warc.gz")
    config = tmp_path / "moisson.toml"
    text = (project / "moisson.toml").read_text().replace('key = "out/moisson.key"', f'key = "{project}/out/moisson.key"')
    text = text.replace('optout_registry = "out/optout.sqlite"', f'optout_registry = "{project}/out/optout.sqlite"')
    assert '# store = "out/sites.sqlite"' in text
    config.write_text(text.replace('# store = "out/sites.sqlite"', f'store = "{store}"'))
    chain_ = moisson.Chain(config=config, threads=2)
    cli = [json.loads(l) for l in run("--config", config, "scan", "--no-progress", *DUMPS).stdout.splitlines()]
    run_ = chain_.filter(chain_.read(DUMPS[0]), dropped=True)
    mine = list(run_)
    want = {d["id"]: d["reasons"] for d in cli if d["id"].startswith(("forum", "post"))}
    assert {d.id: sorted(d.reasons) for d in mine} == {k: sorted(v) for k, v in want.items()}
    assert run_.summary["sites"] == {"origins": 8, "judged": 11, "unknown": 4}
    assert sum("policy.robots.disallow" in d.reasons for d in mine) == 2
