#!/usr/bin/python3
"""`moisson publish` and `moisson datasheet` say only what was done: on a
ledger written by `moisson filter` (dumps, nothing fetched) they must not
claim that robots.txt, ai.txt or TDMRep were honoured and must say they were
not checked; counts follow `rights erase` (a site whose only record was erased
is no longer listed, in scraped_sites.csv or site_categories.md); capture
dates and processing dates are given apart. Also: `audit verify` finds a row
removed from the per-reason index. All data is fictitious.

Run: /usr/bin/python3 tests/publish/test_publish.py build/release/moisson
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

MOISSON = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MOISSON_BIN", "build/release/moisson")
PERSON = "claire.fontaine@example.org"   # fictitious
SIGNALS = ("robots.txt", "ai.txt", "TDMRep")


def run(*args, check=True):
    p = subprocess.run([MOISSON, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError("moisson %s: exit %d\n%s" % (args[0], p.returncode, p.stderr[-2000:]))
    return p


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class PublishTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        t = self.tmp = self._tmp.name
        self.key = os.path.join(t, "k.key")
        self.ledger = os.path.join(t, "ledger.sqlite")
        self.registry = os.path.join(t, "optout.sqlite")
        run("keygen", "--out", self.key)
        dump = os.path.join(t, "dump.jsonl")
        docs = [
            # The person's only record is the only record of solo.example.
            ("solo-1", "https://www.solo.example/annonce", "2024-03-05T10:00:00Z",
             "Vends vélo de randonnée en bon état. Écrire à %s pour le voir." % PERSON),
            ("club-1", "https://club.example/sortie/1", "2023-06-01T08:00:00Z",
             "Compte rendu de la sortie du club : le parcours longe la rivière puis remonte vers le col."),
            ("club-2", "https://club.example/sortie/2", "2023-07-14T08:00:00Z",
             "Deuxième sortie du club, par la forêt domaniale et le plateau."),
            ("autre-1", "https://autre.example/page", "2023-09-30T12:00:00Z",
             "Une page sur l'histoire du canal et de ses écluses."),
        ]
        with open(dump, "w", encoding="utf-8") as f:
            for i, u, d, text in docs:
                f.write(json.dumps({"id": i, "url": u, "date": d, "text": text}, ensure_ascii=False) + "\n")
        self.out = os.path.join(t, "out.jsonl")
        run("filter", "--no-progress", "--key", self.key, "--ledger", self.ledger, dump, "-o", self.out)
        db = sqlite3.connect(self.ledger)
        first, last = db.execute("SELECT min(considered_at), max(considered_at) FROM documents").fetchone()
        db.close()
        self.processed = "%s to %s" % (first[:10], last[:10])

    def tearDown(self):
        self._tmp.cleanup()

    def publish(self, name):
        pub = os.path.join(self.tmp, name)
        run("publish", "--ledger", self.ledger, "-o", pub)
        ds = os.path.join(self.tmp, name + "-datasheet.md")
        run("datasheet", "--ledger", self.ledger, "-o", ds)
        files = {n: read(os.path.join(pub, n)) for n in os.listdir(pub)}
        files["datasheet.md"] = read(ds)
        return files

    @staticmethod
    def csv_sites(files):
        return {l.split(",")[0] for l in files["scraped_sites.csv"].splitlines()[1:] if l}

    @staticmethod
    def md_sites(files):
        """The sites site_categories.md lists (its `| site | category |` table)."""
        return {m.group(1) for m in re.finditer(r"^\| ([a-z0-9.-]+\.[a-z]+) \| ", files["site_categories.md"], re.M)}

    @staticmethod
    def in_dataset(text):
        m = re.search(r"Documents in the dataset: (\d+)", text)
        return int(m.group(1)) if m else None

    def test_dump_runs_claim_no_robots_ai_txt_or_tdmrep(self):
        files = self.publish("pub")
        for name, text in files.items():
            for line in text.splitlines():
                if any(s in line for s in SIGNALS):
                    self.assertNotRegex(line, r"(?i)honou?red|read before|were read|was read|\| yes",
                                        "%s claims a signal was honoured: %s" % (name, line))
        for name in ("registry_sheet.md", "exclusion_policy.md", "datasheet.md"):
            self.assertRegex(files[name], r"robots\.txt, ai\.txt and TDMRep were not checked",
                             "%s does not say plainly that the signals were not checked" % name)
        # No pointer to files their readers don't have (moisson's SPEC or docs/).
        for name, text in files.items():
            self.assertNotIn("SPEC", text, name)
            self.assertNotIn("docs/", text, name)
        # A dump run alone: nothing is said of what the crawler checks before a fetch.
        for name, text in files.items():
            self.assertNotIn("Pages fetched by moisson's crawler (", text, name)
        self.assertIn("no page in this ledger was fetched", files["exclusion_policy.md"])

    def test_statements_follow_the_kind_of_each_run(self):
        # A second run, recorded as a crawl (runs are not chained: only the
        # command is changed), beside the dump run of setUp.
        dump2 = os.path.join(self.tmp, "dump2.jsonl")
        with open(dump2, "w", encoding="utf-8") as f:
            for i in range(2):
                f.write(json.dumps({"id": "c%d" % i, "url": "https://crawled.example/%d" % i,
                                    "text": "Horaires d'ouverture de la médiathèque, page %d." % i}) + "\n")
        run("filter", "--no-progress", "--key", self.key, "--ledger", self.ledger, dump2,
            "-o", os.path.join(self.tmp, "out2.jsonl"))
        db = sqlite3.connect(self.ledger)
        db.execute("UPDATE runs SET command = 'crawl' WHERE id = 2")
        db.commit()
        db.close()
        files = self.publish("mixed")
        for name in ("registry_sheet.md", "exclusion_policy.md", "datasheet.md"):
            self.assertRegex(files[name], r"Pages fetched by moisson's crawler \(2 documents\): before each fetch, "
                                          r"robots\.txt", name)
            self.assertRegex(files[name], r"Records read from existing dumps \(4 documents, moisson filter\)[^\n]*"
                                          r"robots\.txt, ai\.txt and TDMRep were not checked", name)
        self.assertNotIn("no page in this ledger was fetched", files["exclusion_policy.md"])

    def test_a_run_with_a_site_policy_store_says_what_it_applied(self):
        # club.example's robots.txt, captured; the other sites are unknown.
        sites_dir = os.path.join(self.tmp, "site-files", "club.example")
        os.makedirs(sites_dir)
        with open(os.path.join(sites_dir, "robots.txt"), "w") as f:
            f.write("User-agent: *\nDisallow: /sortie/2\n")
        store = os.path.join(self.tmp, "sites.sqlite")
        run("sites", "import", "--store", store, "--date", "2024-01-01", os.path.dirname(sites_dir))
        dump3 = os.path.join(self.tmp, "dump3.jsonl")
        with open(dump3, "w", encoding="utf-8") as f:
            for i in (1, 2, 3):
                f.write(json.dumps({"id": "s%d" % i, "url": "https://club.example/sortie/%d" % i,
                                    "text": "Sortie numéro %d du club, le long du canal." % i}) + "\n")
            f.write(json.dumps({"id": "s4", "url": "https://ailleurs.example/p",
                                "text": "Une page sur les écluses du canal."}) + "\n")
        run("filter", "--no-progress", "--key", self.key, "--ledger", self.ledger, "--sites", store, dump3,
            "-o", os.path.join(self.tmp, "out3.jsonl"))
        files = self.publish("sites")
        for name in ("registry_sheet.md", "exclusion_policy.md", "datasheet.md"):
            self.assertRegex(files[name], r"Records read from existing dumps \(8 documents, moisson filter\): moisson "
                                          r"fetched nothing for them\. 4 of them \(runs with a site-policy store\) had "
                                          r"their URLs judged against the site's robots\.txt", name)
            self.assertIn("for 1 of them the store held no capture of the site (sites.unknown)", files[name], name)
            self.assertIn("For the other 4, robots.txt, ai.txt and TDMRep were not checked", files[name], name)

    def test_capture_and_processing_periods_are_apart(self):
        files = self.publish("pub")
        capture = re.compile(r"^[-| ]*Capture period \(dates of the pages, from the dumps or the fetch\)[:| ]+"
                             r"2023-06-01 to 2024-03-05\b", re.M)
        processing = re.compile(r"^[-| ]*Processing period \(when moisson considered them\)[:| ]+%s\b"
                                % self.processed, re.M)
        for name in ("registry_sheet.md", "training_data_summary.md", "datasheet.md"):
            self.assertRegex(files[name], capture, name)
            self.assertRegex(files[name], processing, name)

    def test_an_erased_only_record_takes_its_site_out(self):
        before = self.publish("before")
        self.assertIn("solo.example", self.csv_sites(before))
        self.assertEqual(before["scraped_sites.csv"].splitlines()[0],
                         "site,first_seen,last_seen,documents_collected,documents_considered,first_captured,"
                         "last_captured")
        self.assertIn(",2024-03-05T10:00:00Z,2024-03-05T10:00:00Z", before["scraped_sites.csv"])
        self.assertEqual(self.csv_sites(before), self.md_sites(before))
        n_before = self.in_dataset(before["training_data_summary.md"])
        self.assertEqual(n_before, self.in_dataset(before["datasheet.md"]))
        self.assertEqual(n_before, 4)

        run("rights", "erase", "--key", self.key, "--ledger", self.ledger, "--registry", self.registry,
            "--email", PERSON, "--ref", "ERASE-1")
        after = self.publish("after")
        self.assertNotIn("solo.example", self.csv_sites(after))
        self.assertNotIn("solo.example", after["site_categories.md"])
        self.assertEqual(self.csv_sites(after), self.md_sites(after))
        self.assertEqual(self.in_dataset(after["training_data_summary.md"]), n_before - 1)
        self.assertEqual(self.in_dataset(after["datasheet.md"]), n_before - 1)
        self.assertIn("Sites collected from | 2 registrable domains", after["registry_sheet.md"])
        for text in after.values():
            self.assertNotIn(PERSON, text)
            self.assertNotIn("://", text)

    def test_verify_finds_a_row_removed_from_the_per_reason_index(self):
        self.assertEqual(run("audit", "verify", "--ledger", self.ledger).returncode, 0)
        db = sqlite3.connect(self.ledger)
        doc = db.execute("SELECT document FROM document_reasons ORDER BY document LIMIT 1").fetchone()[0]
        db.execute("DELETE FROM document_reasons WHERE document = ?", (doc,))
        db.commit()
        db.close()
        p = run("audit", "verify", "--ledger", self.ledger, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("row %d's reasons in the per-reason index" % doc, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
