#!/usr/bin/env bash
# The plumbing a dataset engineer relies on (issue 13): records never
# confused, files and pipes handled as Unix tools handle them, exit codes that
# tell the truth. Usage: cli_trust_test.sh MOISSON_BINARY SOURCE_DIR
# Every person here is fictitious.
set -uo pipefail
moisson=$1
src=$2
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
py=/usr/bin/python3
source "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

ids() { $py -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in open(sys.argv[1])))' "$1"; }
tmpfiles() { find "$tmp" -name '*.tmp.*' -o -name '*.tmp-*' | wc -l; }

cd "$tmp" || exit 1
"$moisson" keygen --out k.key >/dev/null
common=(--no-progress --key k.key --ledger l.db)

# --- 1. Records are never confused ---------------------------------------------
# Two exports without ids; once both got id "1" and an erase of the first
# person removed the second person's record too.
printf '{"text":"Écrivez à camille.rivet@example.org pour le covoiturage."}\n{"text":"Rien de personnel ici."}\n' > a.jsonl
printf '{"text":"Contact : bastien.lemoine@example.net pour la brocante."}\n{"text":"Deuxième ligne sans rien."}\n' > b.jsonl
run "$moisson" filter "${common[@]}" a.jsonl b.jsonl -o out.jsonl
check "two files without ids: exit" 0 "$code"
check "two files without ids: unique ids from file and line" "a.jsonl:1 a.jsonl:2 b.jsonl:1 b.jsonl:2" "$(ids out.jsonl)"
# The same file again into another output: a re-filtered file.
run "$moisson" filter "${common[@]}" b.jsonl -o again.jsonl
check "re-filtered: same ids as the first run" "b.jsonl:1 b.jsonl:2" "$(ids again.jsonl)"
run "$moisson" rights erase --email camille.rivet@example.org --key k.key --ledger l.db \
  --registry reg.db --json
check "erase: exit" 0 "$code"
check "erase: one record removed, no other touched" "1 0" \
  "$($py -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["removed_from_outputs"], d["left_other_records"])' <<<"$out")"
check "erase: only the person's record went" "a.jsonl:2 b.jsonl:1 b.jsonl:2" "$(ids out.jsonl)"
check "erase: the re-filtered output is untouched" "b.jsonl:1 b.jsonl:2" "$(ids again.jsonl)"
run "$moisson" audit verify --ledger l.db
check "erase: the chain stays intact" 0 "$code"
# An output record under the person's id but with another text (an output
# written over by another run) is left in place, and the receipt says so.
run "$moisson" filter "${common[@]}" a.jsonl -o reused.jsonl
$py - <<'EOF'
import json
lines = [json.loads(l) for l in open("reused.jsonl")]
lines[0]["moisson"]["text_sha256"] = "0" * 64  # another document under the same id
with open("reused.jsonl", "w") as f:
    for d in lines: f.write(json.dumps(d) + "\n")
EOF
run "$moisson" rights erase --email camille.rivet@example.org --key k.key --ledger l.db --registry reg.db --json
check "erase: a record with the id but another text is left, and counted" "0 1 2" \
  "$($py -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["removed_from_outputs"], d["left_other_records"])' <<<"$out") $(wc -l <reused.jsonl)"
# A run that failed wrote no output, but the rows it appended before failing
# (every 16,384 documents) name one: an erase must not wait for that file.
$py - <<'EOF'
import json
with open("fails.jsonl", "w") as f:
    f.write(json.dumps({"text": "Ecrivez a denise.faure@example.org pour la chorale."}) + "\n")
    for i in range(17000):
        f.write(json.dumps({"text": "Ligne %d sans rien de personnel." % i}) + "\n")
    f.write('{"text": \n')  # unreadable: the run fails at its end
EOF
run "$moisson" filter "${common[@]}" fails.jsonl -o never.jsonl
check "a failed run leaves no output" "1 0" "$code $(ls never.jsonl 2>/dev/null | wc -l)"
run "$moisson" rights erase --email denise.faure@example.org --key k.key --ledger l.db --registry reg.db --json
check "erase after a failed run: completes, the record counted as never written" "0 1 0" \
  "$code $($py -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["never_written"], d["removed_from_outputs"])' <<<"$out")"
# A repeated input id (the same WARC capture twice under two names) is never merged.
cp "$src/examples/dumps/pages.warc.gz" copy1.warc.gz
cp "$src/examples/dumps/pages.warc.gz" copy2.warc.gz
run "$moisson" scan --no-progress copy1.warc.gz copy2.warc.gz
n=$(wc -l <<<"$out")
check "repeated WARC-Record-IDs: as many unique ids as documents" "$n" "$($py -c 'import json,sys; print(len({json.loads(l)["id"] for l in sys.stdin}))' <<<"$out")"
check "repeated ids: counted in the summary" 1 "$(grep -cE "^  repeated input ids \(new ids given\) +$((n / 2))$" <<<"$err")"
check "repeated ids: file and offset in the log, new id said" 1 \
  "$(grep -c '^moisson scan: repeated id: copy2.warc.gz: offset [0-9]*: its id was already given to an earlier document of this run; written as copy2.warc.gz@[0-9]*$' <<<"$err" | awk '{print ($1 >= 1)}')"

# --- 2. Pipes, devices, links and inputs --------------------------------------
run bash -c "cat a.jsonl | '$moisson' scan --no-progress -"
check "scan -: reads standard input" "0 2" "$code $(wc -l <<<"$out")"
check "scan -: ids from stdin" '{"id":"stdin:1",' "$(head -c 16 <<<"$out")"
run bash -c "cat b.jsonl | '$moisson' filter ${common[*]} - -o - --rejects rejects.jsonl"
check "filter - -o -: records on stdout, summary on stderr" "0 2 1" "$code $(wc -l <<<"$out") $(grep -c '^output: standard output' <<<"$err")"
run "$moisson" filter "${common[@]}" - - -o twice.jsonl
check "stdin given twice is refused" "2 moisson filter: standard input ('-') is given twice" "$code $err"
run "$moisson" filter "${common[@]}" a.jsonl ./a.jsonl -o twice.jsonl
check "a file given twice is refused before anything is written" \
  "2 moisson filter: ./a.jsonl: given twice (the same file as an earlier input): give each input once 0" \
  "$code $err $(ls twice.jsonl* 2>/dev/null | wc -l)"
cp a.jsonl keep.jsonl
ln -s keep.jsonl keep-link.jsonl
run "$moisson" filter "${common[@]}" keep.jsonl -o keep-link.jsonl
check "an output that is an input (through a link) is refused, the input intact" \
  "2 moisson filter: keep-link.jsonl: is also an input: writing it would destroy what is being read same" \
  "$code $err $(cmp -s a.jsonl keep.jsonl && echo same)"
run "$moisson" filter "${common[@]}" a.jsonl -o - --rejects -
check "-o and --rejects both standard output are refused" "2 moisson filter: -o and --rejects cannot both be standard output" "$code $err"
run "$moisson" filter "${common[@]}" a.jsonl -o same.jsonl --rejects same.jsonl
check "-o and --rejects the same file are refused" "2 moisson filter: -o and --rejects name the same file 0" \
  "$code $err $(ls same.jsonl* 2>/dev/null | wc -l)"
mkdir adir
run "$moisson" filter "${common[@]}" -q a.jsonl -o adir
check "a folder as output gets shards and a manifest" "0 manifest-00000.json part-00000-00000.jsonl.zst" \
  "$code $(ls adir | tr '\n' ' ' | sed 's/ $//')"
run "$moisson" scan --no-progress adir
check "a folder as input is walked for dumps (its manifest is not one)" "0 2" "$code $(printf '%s\n' "$out" | wc -l)"
mkdir emptydir
run "$moisson" scan --no-progress emptydir
check "a folder without dumps is refused" \
  "2 moisson scan: emptydir: no input file in this folder (*.jsonl, *.ndjson, *.warc, *.wet, ... and their .gz, .zst)" \
  "$code $err"
run "$moisson" scan --no-progress missing.jsonl
check "a missing input" "2 moisson scan: missing.jsonl: no such file" "$code $err"
# A symlink to a file: the target is replaced, the link stays a link.
ln -s real.jsonl link.jsonl
run "$moisson" filter "${common[@]}" a.jsonl -o link.jsonl
check "-o through a symlink: the link stays, its target is written" "0 link 2" \
  "$code $([[ -L link.jsonl ]] && echo link) $(wc -l <real.jsonl)"
# A FIFO (and a link to one, like /dev/stdout): written in place, never renamed over.
mkfifo fifo
ln -s fifo fifo-link
timeout 20 cat fifo > from-fifo &
pids+=($!)
run timeout 20 "$moisson" filter "${common[@]}" a.jsonl -o fifo-link
wait "${pids[-1]}"
check "-o to a FIFO through a link: written in place, the FIFO and the link stay" "0 fifo link 2" \
  "$code $([[ -p fifo ]] && echo fifo) $([[ -L fifo-link ]] && echo link) $(wc -l <from-fifo)"
if [[ $(id -u) -eq 0 ]]; then
  mknod nulldev c 1 3
  run "$moisson" scan --no-progress a.jsonl -o nulldev
  check "scan -o a character device (as root): the device node stays" "0 chr" "$code $([[ -c nulldev ]] && echo chr)"
fi
run "$moisson" keygen --out nodir/k.key
check "keygen into a missing folder names the folder" "1 moisson keygen: nodir: no such directory (for nodir/k.key)" \
  "$code $err"
# SIGINT and SIGTERM halfway: no temporary file left, the ledger run marked
# interrupted, exit 130 / 143.
$py -c '
import json
with open("big.jsonl", "w") as f:
    for i in range(300000):
        f.write(json.dumps({"text": "Ligne %d : le programme de la fete du village est affiche a la mairie." % i}) + "\n")
'
for sig in INT TERM; do
  "$moisson" filter "${common[@]}" --threads 1 big.jsonl -o big-out.jsonl 2>"sig-$sig.err" &
  pid=$!
  for _ in $(seq 1 200); do
    compgen -G 'big-out.jsonl.tmp.*' >/dev/null && break
    sleep 0.05
  done
  sleep 0.3
  kill -s "$sig" "$pid"
  wait "$pid"
  code=$?
  expected=$([[ $sig == INT ]] && echo 130 || echo 143)
  check "SIG$sig during filter: exit, no output, no temporary file" "$expected 0 0" \
    "$code $(ls big-out.jsonl 2>/dev/null | wc -l) $(tmpfiles)"
  check "SIG$sig during filter: said on stderr" 1 "$(grep -c "stopped by SIG$sig; no output file was written; the ledger run [0-9]* is marked interrupted" "sig-$sig.err")"
done
check "the interrupted runs are marked in the ledger" "interrupted interrupted" \
  "$($py -c 'import sqlite3,json; print(" ".join(json.loads(s)["status"] for (s,) in sqlite3.connect("l.db").execute("SELECT summary FROM runs ORDER BY id DESC LIMIT 2")))')"

# --- 3. Exit status tells the truth ---------------------------------------------
gzip -c big.jsonl | head -c 50000 > cut.jsonl.gz
run "$moisson" filter "${common[@]}" cut.jsonl.gz -o cut.jsonl
check "a truncated .gz fails the run, no output" "1 0" "$code $(ls cut.jsonl 2>/dev/null | wc -l)"
check "a truncated .gz: the message names the loss and the flag" 1 \
  "$(grep -c 'cut.jsonl.gz 1 (damaged: what follows the damage is lost)); --max-skipped N or P% accepts that loss (no output file was written)$' <<<"$err")"
run "$moisson" filter "${common[@]}" --max-skipped 1 cut.jsonl.gz -o cut.jsonl
check "--max-skipped 1 accepts it" "0 1" "$code $(ls cut.jsonl | wc -l)"
zstd -q -c big.jsonl | head -c 30000 > cut.jsonl.zst
run "$moisson" scan --no-progress cut.jsonl.zst -o cut-scan.jsonl
check "a truncated .zst fails the scan, no output" "1 0" "$code $(ls cut-scan.jsonl 2>/dev/null | wc -l)"
printf '{"body":"a"}\n{"body":"b"}\n' > body.jsonl
run "$moisson" filter "${common[@]}" body.jsonl -o body-out.jsonl
check "no line with the text field: names the field and --text-field" \
  "1 moisson filter: body.jsonl: no line has the 'text' field (2 lines read): name the field that holds the text with --text-field (no output file was written)" \
  "$code $(tail -1 <<<"$err")"
run "$moisson" filter "${common[@]}" --text-field body body.jsonl -o body-out.jsonl
check "--text-field body reads it" "0 2" "$code $(wc -l <body-out.jsonl)"
: > empty.jsonl
run "$moisson" filter "${common[@]}" a.jsonl empty.jsonl -o e.jsonl
check "an input that yields nothing fails the run" \
  "1 moisson filter: empty.jsonl: no document could be read from it; --allow-empty accepts an input that yields nothing (no output file was written)" \
  "$code $err"
run "$moisson" filter "${common[@]}" --allow-empty a.jsonl empty.jsonl -o e.jsonl
check "--allow-empty accepts it" 0 "$code"
run "$moisson" filter "${common[@]}" --max-skipped lots a.jsonl -o e.jsonl
check "a bad --max-skipped is a usage error" 2 "$code"
run "$moisson" scan a.jsonl -o s.jsonl
check "scan and filter: summary on stderr, nothing on stdout; no \\r off a terminal" "0  1 0" \
  "$code $out $(grep -c '^  kept ' <<<"$err") $(grep -c $'\r' <<<"$err")"

# Issue 14: a language the sensitive/minor detectors do not read is flagged, not passed as clean.
printf '{"text":"Mein Bruder wurde letztes Jahr operiert und ist seitdem krankgeschrieben, sagt meine Mutter."}\n' > de.jsonl
run "$moisson" scan --no-progress de.jsonl
check "a German document is flagged lang.uncovered and counted" "0 1 1" \
  "$code $(grep -c '"reasons":\["lang.uncovered"\]' <<<"$out") $(grep -cE '^  not French or English \(lang.uncovered\) +1$' <<<"$err")"
printf '[filters]\nuncovered_languages = "drop"\n' > droplang.toml
run "$moisson" --config droplang.toml scan --no-progress de.jsonl
check "uncovered_languages = drop drops it" 1 "$(grep -c '"decision":"drop","reasons":\["lang.uncovered"\]' <<<"$out")"

# The learned stage's model is named in the run's ledger summary and in the datasheet.
printf '[filters]\nlearned = true\n' > learned.toml
run "$moisson" --config learned.toml filter --no-progress --key k.key --ledger learned.db a.jsonl -o learned-out.jsonl
run "$moisson" datasheet --ledger learned.db
check "datasheet names the learned stage's model by SHA-256" "0 1" \
  "$code $(grep -cE 'by a learned classifier, model `sensitive.lin sha256:[0-9a-f]{64}`' <<<"$out")"
# On by default; `learned = false` runs the rules alone, and the datasheet says so.
run "$moisson" datasheet --ledger l.db
check "datasheet of default runs names the model" 1 "$(grep -cE 'by a learned classifier, model `sensitive.lin sha256:[0-9a-f]{64}`' <<<"$out")"
printf '[filters]\nlearned = false\n' > rules.toml
run "$moisson" --config rules.toml filter --no-progress --key k.key --ledger rules.db a.jsonl -o rules-out.jsonl
run "$moisson" datasheet --ledger rules.db
check "datasheet of rules-only runs says the learned stage was not used" 1 "$(grep -c 'the learned stage was not used' <<<"$out")"

# --- 7. Registries and ledgers that do not exist yet -----------------------------
run "$moisson" optout list --registry nope.db --key k.key
check "optout list on a missing registry is an error" \
  "2 moisson optout list: nope.db: no opt-out registry there (create one with: moisson optout init --registry nope.db) 0" \
  "$code $err $(ls nope.db 2>/dev/null | wc -l)"
run "$moisson" optout check --registry nope.db --key k.key --email x@example.org
check "optout check on a missing registry is an error, not 'not registered'" 2 "$code"
run "$moisson" optout init --registry new.db --key k.key
check "optout init creates a registry, mode 0600" "0 600" "$code $(stat -c %a new.db)"
run "$moisson" optout init --registry new.db --key k.key
check "optout init twice is refused" "2 moisson optout init: new.db: already exists (nothing changed)" "$code $err"
run "$moisson" optout list --registry new.db --key k.key
check "optout list on the new registry: the header only" "0 1" "$code $(wc -l <<<"$out")"
mkdir fresh
(cd fresh && "$moisson" filter --no-progress --key ../k.key ../a.jsonl -o o.jsonl 2>../fresh.err)
check "the first run says where it created the default ledger" 1 \
  "$(grep -c '^moisson filter: created the ledger moisson-ledger.sqlite (the default name, in the current folder' fresh.err)"
(cd fresh && "$moisson" filter --no-progress --key ../k.key ../a.jsonl -o o.jsonl 2>../fresh.err)
check "... and only the first run" 0 "$(grep -c 'created the ledger' fresh.err)"

echo "cli_trust: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
