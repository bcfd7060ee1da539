#!/usr/bin/python3
"""Rights requests and retention end to end: `moisson rights export`,
`rights erase` (including a kill in the middle of an erase) and `purge`,
on outputs and ledgers written by `moisson filter`. All data is fictitious.

Run: MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/rights/test_rights.py
"""

import datetime
import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MOISSON = os.environ.get("MOISSON_BIN", os.path.join(ROOT, "build/release/moisson"))

PERSON = "alice.durand@example.org"   # the requester (fictitious)
OTHER = "bruno.petit@example.net"
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}")


def run(*args, check=True, **kw):
    p = subprocess.run([MOISSON, *args], capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError("moisson %s: exit %d\n%s" % (args[0], p.returncode, p.stderr[-2000:]))
    return p


def write_dump(path, n, start=0, pad=0):
    """n documents; every 7th names PERSON, every 5th OTHER."""
    with open(path, "w") as f:
        for i in range(start, start + n):
            text = "Compte rendu de la sortie numéro %d du club de randonnée. " % i
            if i % 7 == 0:
                text += "Contact : %s pour les inscriptions. " % PERSON
            if i % 5 == 0:
                text += "Écrire à %s pour le covoiturage. " % OTHER
            text += "Le parcours longe la rivière puis remonte vers le col. " * pad
            f.write(json.dumps({"id": "doc-%06d" % i, "url": "https://club%d.example/sortie/%d" % (i % 3, i),
                                "text": text}, ensure_ascii=False) + "\n")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def zstd_lines(path):
    """The records of a JSONL output, plain or zstd (Debian's zstd tool)."""
    if path.endswith(".zst"):
        p = subprocess.run(["zstd", "-dc", path], capture_output=True)
        if p.returncode != 0:
            raise AssertionError("%s does not decompress" % path)
        data = p.stdout
    else:
        data = read_bytes(path)
    return [json.loads(l) for l in data.decode().splitlines() if l.strip()]


def ids_of(path):
    return [r["id"] for r in zstd_lines(path)]


def rechain(db_path):
    """Recomputes every row's hash with the format docs/ledger.md gives
    ("Integrity"), written here independently of the C++ code, and stores
    them: lets a test move considered_at back in time as if the rows had been
    written then, and checks the documented format on the way (verify must
    agree)."""
    db = sqlite3.connect(db_path)
    cols = ("id, run, url, site, source_file, source_offset, considered_at, decision, reasons, content_sha256, "
            "output_file, output_id, http_status, fetched, signal")
    prev = "0" * 64
    last = 0
    for row in db.execute("SELECT %s FROM documents ORDER BY id" % cols).fetchall():
        ids = db.execute("SELECT digest, type FROM identifiers WHERE document = ? ORDER BY digest",
                         (row[0],)).fetchall()
        buf = bytearray(b"moisson-ledger-row-v1,")

        def field(v):
            b = str(v).encode()
            buf.extend(b"%d:" % len(b) + b + b",")
        field(prev)
        for v in row:
            field(v)
        field(len(ids))
        for d, t in ids:
            field(d)
            field(t)
        h = hashlib.sha256(bytes(buf)).hexdigest()
        db.execute("UPDATE documents SET prev_hash = ?, row_hash = ? WHERE id = ?", (prev, h, row[0]))
        prev, last = h, row[0]
    db.execute("UPDATE meta SET value = ? WHERE key = 'chain_head'", ("%d %s" % (last, prev),))
    db.commit()
    db.close()


class Project:
    def __init__(self, tmp):
        self.tmp = tmp
        self.key = os.path.join(tmp, "k.key")
        self.ledger = os.path.join(tmp, "ledger.sqlite")
        self.registry = os.path.join(tmp, "optout.sqlite")
        run("keygen", "--out", self.key)

    def filter(self, dump, out, *extra):
        return run("filter", "--no-progress", "--key", self.key, "--ledger", self.ledger, dump, "-o", out, *extra)

    def rights(self, sub, *args, check=True, **kw):
        return run("rights", sub, "--key", self.key, "--ledger", self.ledger, *args, check=check, **kw)

    def query(self, sql, *params):
        db = sqlite3.connect(self.ledger)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()


class RightsTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name
        self.p = Project(self.tmp)
        self.dump = os.path.join(self.tmp, "dump.jsonl")
        write_dump(self.dump, 60)
        self.out1 = os.path.join(self.tmp, "a.jsonl.zst")
        self.out2 = os.path.join(self.tmp, "b.jsonl")
        self.p.filter(self.dump, self.out1)
        dump2 = os.path.join(self.tmp, "dump2.jsonl")
        write_dump(dump2, 30, start=100)
        self.p.filter(dump2, self.out2)
        # Which records name PERSON, from the dumps themselves.
        self.person_ids = {"doc-%06d" % i for i in list(range(0, 60)) + list(range(100, 130)) if i % 7 == 0}

    def tearDown(self):
        self._tmp.cleanup()

    def assertNoClearIdentifier(self, *texts):
        for t in texts:
            self.assertNotIn(PERSON, t)
            self.assertNotIn(PERSON.split("@")[0], t)

    def test_export_copies_the_records_with_their_provenance(self):
        out = os.path.join(self.tmp, "export.jsonl")
        p = self.p.rights("export", "--email", PERSON.upper(), "-o", out, "--ref", "ACCESS-1")
        self.assertNoClearIdentifier(p.stdout, p.stderr)
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)
        lines = zstd_lines(out)
        self.assertEqual({l["ledger"]["output_id"] for l in lines}, self.person_ids)
        for l in lines:
            self.assertEqual(l["request"], "ACCESS-1")
            self.assertEqual(l["record_status"], "found")
            self.assertEqual(l["record"]["id"], l["ledger"]["output_id"])
            self.assertTrue(l["ledger"]["url"].startswith("https://club"))
            self.assertIn(l["ledger"]["output_file"], (self.out1, self.out2))
            # The record as written: the e-mail was pseudonymised by the filter.
            self.assertNotIn(PERSON, json.dumps(l, ensure_ascii=False))
        self.assertEqual(self.p.query("SELECT kind, subject_type, completed_at IS NOT NULL FROM requests"),
                         [("export", "email", 1)])
        # An unknown person: an empty copy, still a recorded request.
        out2 = os.path.join(self.tmp, "export2.jsonl")
        self.p.rights("export", "--email", "nobody@example.com", "-o", out2)
        self.assertEqual(os.path.getsize(out2), 0)

    def test_erase_removes_every_record_adds_the_optout_and_is_harmless_twice(self):
        before1, before2 = ids_of(self.out1), ids_of(self.out2)
        p = self.p.rights("erase", "--email", PERSON, "--ref", "ERASE-7", "--registry", self.p.registry)
        self.assertNoClearIdentifier(p.stdout, p.stderr)
        self.assertIn("request:        ERASE-7", p.stdout)
        self.assertIn("removed now:    %d output records from 2 files" % len(self.person_ids), p.stdout)
        after1, after2 = ids_of(self.out1), ids_of(self.out2)
        self.assertEqual(after1, [i for i in before1 if i not in self.person_ids])
        self.assertEqual(after2, [i for i in before2 if i not in self.person_ids])
        # The ledger: request completed, rows marked erased, chain intact.
        self.assertEqual(self.p.query("SELECT ref, kind, completed_at IS NOT NULL FROM requests"), [("ERASE-7", "erase", 1)])
        self.assertEqual(self.p.query("SELECT count(*) FROM request_rows")[0][0], len(self.person_ids))
        f = self.p.rights("find", "--email", PERSON, "--json")
        hits = [json.loads(l) for l in f.stdout.splitlines()]
        self.assertEqual(len(hits), len(self.person_ids))
        self.assertTrue(all(h.get("erased_at") for h in hits))
        self.assertEqual(run("audit", "verify", "--ledger", self.p.ledger).returncode, 0)
        # The opt-out registry holds the person (exit 1 = registered).
        c = run("optout", "check", "--registry", self.p.registry, "--key", self.p.key, "--email", PERSON, check=False)
        self.assertEqual(c.returncode, 1, c.stderr)
        # Again with the same reference: nothing left, no file rewritten.
        inode1 = os.stat(self.out1).st_ino
        again = self.p.rights("erase", "--email", PERSON, "--ref", "ERASE-7", "--registry", self.p.registry, "--json")
        receipt = json.loads(again.stdout)
        self.assertEqual(receipt["removed_from_outputs"], 0)
        self.assertTrue(receipt["retried"])
        self.assertEqual(os.stat(self.out1).st_ino, inode1)
        self.assertEqual(self.p.query("SELECT count(*) FROM requests")[0][0], 1)
        # The same reference for someone else is refused.
        bad = self.p.rights("erase", "--email", OTHER, "--ref", "ERASE-7", "--registry", self.p.registry, check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertNotIn(OTHER, bad.stdout + bad.stderr)
        # A later run drops the person's documents at once.
        out3 = os.path.join(self.tmp, "c.jsonl")
        self.p.filter(self.dump, out3, "--registry", self.p.registry)
        self.assertFalse(set(ids_of(out3)) & self.person_ids)

    def test_erase_with_a_missing_output_stays_open_until_run_again(self):
        moved = os.path.join(self.tmp, "moved")
        os.mkdir(moved)
        os.rename(self.out2, os.path.join(moved, "b.jsonl"))
        p = self.p.rights("erase", "--email", PERSON, "--ref", "E-2", "--registry", self.p.registry, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("output file not found: " + self.out2, p.stderr)
        self.assertIn("request E-2 stays open", p.stderr)
        self.assertEqual(self.p.query("SELECT completed_at FROM requests WHERE ref = 'E-2'"), [(None,)])
        os.rename(os.path.join(moved, "b.jsonl"), self.out2)
        self.p.rights("erase", "--email", PERSON, "--ref", "E-2", "--registry", self.p.registry)
        self.assertFalse(set(ids_of(self.out2)) & self.person_ids)
        self.assertEqual(self.p.query("SELECT completed_at IS NOT NULL FROM requests WHERE ref = 'E-2'"), [(1,)])

    def test_erase_by_url_prefix(self):
        before = ids_of(self.out1)
        p = self.p.rights("erase", "--url-prefix", "https://club1.example/", "--ref", "SITE-1",
                          "--registry", self.p.registry)
        gone = {i for i in before if int(i[4:]) % 3 == 1}
        self.assertEqual(ids_of(self.out1), [i for i in before if i not in gone])
        self.assertNotIn("https://club1.example/", p.stdout + p.stderr)
        c = run("optout", "check", "--registry", self.p.registry, "--key", self.p.key,
                "--url-prefix", "https://club1.example/", check=False)
        self.assertEqual(c.returncode, 1)

    def test_usage_errors(self):
        p = self.p.rights("erase", "--email", PERSON, "--ref", "X", check=False)
        self.assertEqual(p.returncode, 2)  # no registry named
        self.assertIn("opt-out registry", p.stderr)
        p = self.p.rights("export", "--email", PERSON, check=False)
        self.assertEqual(p.returncode, 2)  # -o is required
        p = run("rights", "erase", "--key", self.p.key, "--ledger", os.path.join(self.tmp, "none.sqlite"),
                "--email", PERSON, "--registry", self.p.registry, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("none.sqlite: no such ledger", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "none.sqlite")))


class EraseKilledTest(unittest.TestCase):
    """An erase killed with SIGKILL at various moments leaves every output
    file whole — the old one or the new one — and running it again finishes
    the request."""

    def test_kill_during_erase(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = Project(tmp)
            dump = os.path.join(tmp, "dump.jsonl")
            write_dump(dump, 4000, pad=40)
            outs = []
            for k in range(6):
                out = os.path.join(tmp, "shard-%d.jsonl%s" % (k, ".zst" if k % 2 else ""))
                p.filter(dump, out)
                outs.append(out)
            person = {"doc-%06d" % i for i in range(4000) if i % 7 == 0}
            full = {o: ids_of(o) for o in outs}
            erased = {o: [i for i in full[o] if i not in person] for o in outs}
            killed_midway = 0
            for attempt, delay in enumerate((0.05, 0.15, 0.3, 0.5, 0.8)):
                proc = subprocess.Popen([MOISSON, "rights", "erase", "--key", p.key, "--ledger", p.ledger,
                                         "--registry", p.registry, "--email", PERSON, "--ref", "KILL-1"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                time.sleep(delay)
                proc.send_signal(signal.SIGKILL)
                proc.communicate()
                states = []
                for o in outs:
                    ids = ids_of(o)  # a half-written file would not parse or decompress
                    self.assertIn(ids, (full[o], erased[o]), "%s is neither the old nor the new file" % o)
                    states.append(ids == erased[o])
                done = p.query("SELECT completed_at IS NOT NULL FROM requests WHERE ref = 'KILL-1'")
                if proc.returncode == -signal.SIGKILL and not all(states):
                    killed_midway += 1
                    self.assertNotEqual(done, [(1,)])
                if all(states) and done == [(1,)]:
                    break
            print("kills that landed before the erase finished: %d" % killed_midway, file=sys.stderr)
            self.assertGreater(killed_midway, 0, "no kill landed before the erase finished: make the shards bigger")
            # Leftover temporary files are never taken for outputs; a new run finishes the request.
            final = p.rights("erase", "--email", PERSON, "--ref", "KILL-1", "--registry", p.registry)
            self.assertIn("request:        KILL-1", final.stdout)
            for o in outs:
                self.assertEqual(ids_of(o), erased[o])
            self.assertEqual(p.query("SELECT completed_at IS NOT NULL FROM requests WHERE ref = 'KILL-1'"), [(1,)])
            self.assertEqual(run("audit", "verify", "--ledger", p.ledger).returncode, 0)


class PurgeTest(unittest.TestCase):
    def test_purge_boundaries_outputs_ledger_and_chain(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = Project(tmp)
            dump = os.path.join(tmp, "dump.jsonl")
            write_dump(dump, 8)
            old_out = os.path.join(tmp, "old.jsonl")
            new_out = os.path.join(tmp, "new.jsonl.zst")
            p.filter(dump, old_out)
            p.filter(dump, new_out)
            # Rows 1-4 (old.jsonl) as if written 400 and 366 days ago, 5-8 364; new.jsonl's rows stay now.
            now = datetime.datetime.now(datetime.timezone.utc)
            ago = lambda d: (now - datetime.timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ")
            db = sqlite3.connect(p.ledger)
            db.execute("UPDATE documents SET considered_at = ? WHERE id <= 4", (ago(400),))
            db.execute("UPDATE documents SET considered_at = ? WHERE id BETWEEN 5 AND 6", (ago(366),))
            db.execute("UPDATE documents SET considered_at = ? WHERE id BETWEEN 7 AND 8", (ago(364),))
            db.commit()
            db.close()
            rechain(p.ledger)
            v = run("audit", "verify", "--ledger", p.ledger)
            self.assertIn("16 rows, hash chain intact", v.stdout)  # the documented hash format is the one used
            old_ids = ids_of(old_out)
            gone_ids = {r[0] for r in p.query("SELECT output_id FROM documents WHERE id <= 6 AND output_id <> ''")}
            self.assertTrue(gone_ids)
            # Dry run: says what would go, changes nothing.
            digest = hashlib.sha256(read_bytes(old_out)).hexdigest()
            dry = run("purge", "--ledger", p.ledger, "--older-than", "365", "--dry-run")
            self.assertIn("dry run: 6 ledger rows", dry.stdout)
            self.assertEqual(hashlib.sha256(read_bytes(old_out)).hexdigest(), digest)
            self.assertEqual(p.query("SELECT count(*) FROM documents")[0][0], 16)
            # The purge: rows 1-6 and their records; rows 7-8 (364 days) and the new run stay.
            r = run("purge", "--ledger", p.ledger, "--older-than", "365")
            self.assertIn("purged 6 ledger rows", r.stdout)
            self.assertEqual([i for i in old_ids if i not in gone_ids], ids_of(old_out))
            self.assertEqual(len(ids_of(new_out)), len(old_ids))
            self.assertEqual([x[0] for x in p.query("SELECT id FROM documents ORDER BY id")], list(range(7, 17)))
            self.assertEqual(p.query("SELECT count(*) FROM identifiers WHERE document <= 6")[0][0], 0)
            self.assertEqual(p.query("SELECT first_id, last_id, rows FROM chain_checkpoints"), [(1, 6, 6)])
            v = run("audit", "verify", "--ledger", p.ledger)
            self.assertIn("10 rows, hash chain intact (and 6 purged rows", v.stdout)
            # The purge is logged as a run with its counts.
            runs = p.query("SELECT summary FROM runs WHERE command = 'purge'")
            self.assertEqual(len(runs), 1)
            s = json.loads(runs[0][0])
            self.assertEqual((s["ledger_rows"], s["retention_days"], s["files_rewritten"]), (6, 365, 1))
            # Again: nothing to do. Then with 300 days the 364-day rows go, and old.jsonl, emptied, with them.
            self.assertIn("purged 0 ledger rows", run("purge", "--ledger", p.ledger, "--older-than", "365").stdout)
            r = run("purge", "--ledger", p.ledger, "--older-than", "300")
            self.assertIn("(now empty: deleted)", r.stdout)
            self.assertFalse(os.path.exists(old_out))
            self.assertEqual(run("audit", "verify", "--ledger", p.ledger).returncode, 0)
            # Tampering after a purge is still found.
            db = sqlite3.connect(p.ledger)
            db.execute("UPDATE chain_checkpoints SET last_hash = ?", ("f" * 64,))
            db.commit()
            db.close()
            self.assertEqual(run("audit", "verify", "--ledger", p.ledger, check=False).returncode, 1)

    def test_purge_needs_a_retention(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = Project(tmp)
            dump = os.path.join(tmp, "dump.jsonl")
            write_dump(dump, 2)
            p.filter(dump, os.path.join(tmp, "o.jsonl"))
            r = run("purge", "--ledger", p.ledger, check=False)
            self.assertEqual(r.returncode, 2)
            self.assertIn("--older-than", r.stderr)


def warc_targets(path):
    """(WARC-Type, WARC-Target-URI or "") of every record of a .warc.gz, one
    gzip member each (checked: a member holds one whole record)."""
    import zlib
    data = read_bytes(path)
    out = []
    while data:
        d = zlib.decompressobj(31)
        raw = d.decompress(data) + d.flush()
        if not d.eof:
            raise AssertionError("truncated gzip member in " + path)
        data = d.unused_data
        head, _, rest = raw.partition(b"\r\n\r\n")
        hdrs = {}
        for line in head.decode().split("\r\n")[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        if len(rest) != int(hdrs["content-length"]) + 4:
            raise AssertionError("a gzip member of %s does not hold exactly one record" % path)
        out.append((hdrs["warc-type"], hdrs.get("warc-target-uri", "")))
    return out


class WarcEraseTest(unittest.TestCase):
    """`crawl --warc` keeps unmodified pages in OUT/warc/*.warc.gz: an erase
    by URL prefix and a purge remove their request and response records too,
    and leave the other pages' records as they were."""

    def setUp(self):
        sys.path.insert(0, os.path.join(ROOT, "tests", "crawl"))
        from servers import Nginx
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name
        self.p = Project(self.tmp)
        site = os.path.join(self.tmp, "site")
        os.makedirs(os.path.join(site, "membres"))
        links = "".join('<a href="/membres/p%d.html">p%d</a> <a href="/sorties/s%d.html">s%d</a> ' % (i, i, i, i)
                        for i in range(3))
        with open(os.path.join(site, "index.html"), "w") as f:
            f.write("<html><head><title>Club</title></head><body><p>Le club de randonnée.</p>%s</body></html>" % links)
        os.makedirs(os.path.join(site, "sorties"))
        for i in range(3):
            for d, name, what in (("membres", "p", "Page de membre"), ("sorties", "s", "Compte rendu de sortie")):
                with open(os.path.join(site, d, "%s%d.html" % (name, i)), "w") as f:
                    f.write("<html><head><title>%s %d</title></head><body><p>%s numéro %d, sans coordonnées, "
                            "le long de la rivière.</p></body></html>" % (what, i, what, i))
        self.nginx = Nginx(site)
        self.nginx.start()
        self.out = os.path.join(self.tmp, "crawl")
        run("crawl", self.nginx.url("/"), "-o", self.out, "--key", self.p.key, "--ledger", self.p.ledger,
            "--allow-private", "--delay", "0", "--no-progress", "--warc")
        wdir = os.path.join(self.out, "warc")
        self.warcs = sorted(os.path.join(wdir, f) for f in os.listdir(wdir))
        self.before = [r for f in self.warcs for r in warc_targets(f)]
        self.members = self.nginx.url("/membres/")

    def tearDown(self):
        self.nginx.stop()
        self._tmp.cleanup()

    def test_erase_by_url_prefix_reaches_the_warc_files(self):
        self.assertEqual(len(self.warcs), 1)
        mine = [r for r in self.before if r[1].startswith(self.members)]
        self.assertEqual(len(mine), 6, "3 member pages, a request and a response each")
        self.assertGreater(len(self.before) - len(mine), 3, "warcinfo and the other pages")
        st_before = os.stat(self.warcs[0])
        p = self.p.rights("erase", "--url-prefix", self.members, "--ref", "W-1", "--registry", self.p.registry, "--json")
        receipt = json.loads(p.stdout)
        self.assertEqual(receipt["warc_records_removed"], 6)
        self.assertEqual([w["file"] for w in receipt["warc_files"]], self.warcs)
        after = [r for f in self.warcs for r in warc_targets(f)]
        self.assertEqual(after, [r for r in self.before if not r[1].startswith(self.members)])
        self.assertEqual(after[0][0], "warcinfo")
        self.assertEqual(os.stat(self.warcs[0]).st_mode, st_before.st_mode)
        # Twice: nothing left, the file is not rewritten.
        ino = os.stat(self.warcs[0]).st_ino
        again = json.loads(self.p.rights("erase", "--url-prefix", self.members, "--ref", "W-1", "--registry",
                                         self.p.registry, "--json").stdout)
        self.assertEqual(again["warc_records_removed"], 0)
        self.assertEqual(os.stat(self.warcs[0]).st_ino, ino)
        # The receipt names files, never the pages' URLs.
        self.assertNotIn(self.members, p.stdout)

    def test_a_warc_file_still_being_written_keeps_the_request_open(self):
        partial = self.warcs[0] + ".partial"
        os.rename(self.warcs[0], partial)
        p = self.p.rights("erase", "--url-prefix", self.members, "--ref", "W-2", "--registry", self.p.registry,
                          check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("stays open", p.stderr)
        self.assertIn(partial, p.stderr)
        self.assertEqual(self.p.query("SELECT completed_at FROM requests WHERE ref = 'W-2'"), [(None,)])
        os.rename(partial, self.warcs[0])
        self.p.rights("erase", "--url-prefix", self.members, "--ref", "W-2", "--registry", self.p.registry)
        self.assertEqual([r for r in warc_targets(self.warcs[0]) if r[1].startswith(self.members)], [])

    def test_purge_removes_old_pages_from_the_warc_files(self):
        # Every row written "400 days ago" (chain recomputed as documented).
        db = sqlite3.connect(self.p.ledger)
        db.execute("UPDATE documents SET considered_at = '2025-01-01T00:00:00Z'")
        db.commit()
        db.close()
        rechain(self.p.ledger)
        dry = run("purge", "--older-than", "365", "--ledger", self.p.ledger, "--dry-run")
        self.assertIn("would remove the records of up to", dry.stdout)
        self.assertEqual([r for f in self.warcs for r in warc_targets(f)], self.before)
        p = run("purge", "--older-than", "365", "--ledger", self.p.ledger)
        pages = len([r for r in self.before if r[0] == "response"])
        self.assertIn("and %d WARC records" % (2 * pages), p.stdout)
        self.assertEqual([r[0] for f in self.warcs for r in warc_targets(f)], ["warcinfo"])
        self.assertEqual(run("audit", "verify", "--ledger", self.p.ledger).returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
