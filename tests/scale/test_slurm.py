#!/usr/bin/python3
"""`moisson filter` as a Slurm array job (issue 17 §2), for real: a
single-node Slurm started here (slurm_cluster.py), a PostgreSQL ledger
shared by every task (tests/pg/with_postgres.sh sets MOISSON_TEST_PG),
scripts/slurm/submit.sh submitting a 4-task array and the merge after it.

The union of the four ranks' shards must hold exactly the records of one
single-process run over the same inputs, the merged summary its counts, and
the shared ledger one unbroken chain holding a row per document.

Run:  tests/pg/with_postgres.sh env MOISSON_BIN=build/release/moisson /usr/bin/python3 tests/scale/test_slurm.py
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from slurm_cluster import SlurmCluster  # noqa: E402
from test_shards import BIN, EXAMPLES, key, make_config, make_dumps, read_records  # noqa: E402

PG = os.environ.get("MOISSON_TEST_PG")


def read_text(path):
    with open(path, errors="replace") as f:
        return f.read()


class SlurmArray(unittest.TestCase):
    def test_four_task_array_equals_one_process(self):
        self.assertTrue(PG, "run under tests/pg/with_postgres.sh (MOISSON_TEST_PG)")
        with tempfile.TemporaryDirectory(prefix="moisson-slurm-run-") as tmp:
            os.chmod(tmp, 0o755)
            config = make_config(os.path.join(tmp, "config"))
            inputs = os.path.join(tmp, "inputs")
            make_dumps(inputs, 9, 300, seed=11)
            for f in ("forum.jsonl", "pages.warc.gz"):
                os.symlink(os.path.join(EXAMPLES, f), os.path.join(inputs, f))

            ref = os.path.join(tmp, "ref")
            p = subprocess.run([BIN, "--config", config, "filter", inputs, "-o", ref + "/", "--shard-mib", "0.05",
                                "--ledger", os.path.join(tmp, "ref.sqlite"), "-q"], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            expected = read_records(ref)
            ref_manifest = json.loads(read_text(os.path.join(ref, "manifest-00000.json")))

            out = os.path.join(tmp, "out")
            with SlurmCluster(cpus=2) as cluster:
                # Tasks that fail: the merge never runs and submit.sh says so.
                bad = cluster.env({"MOISSON": os.path.join(tmp, "no-such-moisson"), "MOISSON_CONFIG": config})
                p = subprocess.run(["bash", os.path.join(REPO, "scripts", "slurm", "submit.sh"), "--wait",
                                    "--sbatch-args", "--cpus-per-task=1", "2", os.path.join(tmp, "bad"), PG, inputs],
                                   capture_output=True, text=True, env=bad, timeout=240)
                self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
                self.assertIn("a task failed or was cancelled", p.stderr)
                self.assertFalse(os.path.exists(os.path.join(tmp, "bad", "summary.json")))

                env = cluster.env({"MOISSON": BIN, "MOISSON_CONFIG": config})
                p = subprocess.run(["bash", os.path.join(REPO, "scripts", "slurm", "submit.sh"), "--wait",
                                    "--sbatch-args", "--cpus-per-task=1", "4", out, PG, inputs,
                                    "--shard-mib", "0.05"],
                                   capture_output=True, text=True, env=env, timeout=240)
                logs = "\n".join(read_text(os.path.join(out, f))
                                 for f in sorted(os.listdir(out)) if f.startswith("slurm-")) if os.path.isdir(out) else ""
                self.assertEqual(p.returncode, 0, f"{p.stdout}\n{p.stderr}\n{logs}\n{cluster.logs()}")
                array_id = p.stdout.split("array job ")[1].split(":")[0]
                states = cluster.job_state(array_id)
                self.assertEqual(states, ["COMPLETED"] * 4, f"{states}\n{logs}")

            ranks = sorted(f for f in os.listdir(out) if f.startswith("manifest-"))
            self.assertEqual(ranks, [f"manifest-{r:05d}.json" for r in range(4)])
            got = read_records(out)
            self.assertEqual(len(got), len(expected))
            self.assertEqual(sorted(map(key, got)), sorted(map(key, expected)))
            summary = json.loads(read_text(os.path.join(out, "summary.json")))
            self.assertTrue(summary["verified"])
            self.assertEqual(summary["world_size"], 4)
            self.assertEqual(summary["inputs"], 11)
            self.assertEqual(summary["records"], len(expected))
            self.assertEqual(summary["counts"], ref_manifest["totals"]["counts"])

            # The shared PostgreSQL ledger: one chain, a row per document of every rank.
            p = subprocess.run([BIN, "--config", config, "audit", "verify", "--ledger", PG], capture_output=True,
                               text=True)
            self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
            p = subprocess.run([BIN, "--config", config, "audit", "verify", "--ledger", os.path.join(tmp, "ref.sqlite")],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
            rows = subprocess.run(["psql", PG, "-Atc", "SELECT count(*), count(DISTINCT run) FROM documents"],
                                  capture_output=True, text=True, check=True).stdout.strip()
            self.assertEqual(rows, f"{ref_manifest['totals']['documents']}|4")
            finished = subprocess.run(["psql", PG, "-Atc", "SELECT count(*), count(DISTINCT output) FROM inputs"],
                                      capture_output=True, text=True, check=True).stdout.strip()
            self.assertEqual(finished, "11|4")


if __name__ == "__main__":
    unittest.main(verbosity=2)
