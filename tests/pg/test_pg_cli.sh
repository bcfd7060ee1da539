#!/usr/bin/env bash
# The command line on a PostgreSQL ledger: four `moisson filter` processes
# write one ledger at once (--ledger postgresql://...), then `audit verify`,
# `audit sites` and `rights find` read it. The same four runs written one after
# the other into a SQLite ledger are the reference for what the PostgreSQL one
# must answer. Run under with_postgres.sh (ctest -R pg_cli), which sets
# MOISSON_TEST_PG:
#
#   with_postgres.sh bash test_pg_cli.sh MOISSON_BINARY SOURCE_DIR
#
# One line per check; exit 1 when any fails. A password given in the ledger's
# URI and the example data's e-mail addresses must never be printed: every
# output is searched for them (and failure lines are shown with them masked).
set -uo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: test_pg_cli.sh MOISSON_BINARY SOURCE_DIR" >&2
  exit 2
fi
moisson=$1
src=$2
if [[ -z "${MOISSON_TEST_PG:-}" ]]; then
  echo "test_pg_cli.sh: MOISSON_TEST_PG is not set: run it through tests/pg/with_postgres.sh (ctest -R pg_cli)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# A fictitious password: the test server trusts loopback connections, so it is
# accepted and ignored, but every command is given it and must not show it.
password="pw-zq81-fictive"
case "$MOISSON_TEST_PG" in
  postgresql://*@*/*) ;;
  *) echo "test_pg_cli.sh: MOISSON_TEST_PG must look like postgresql://user@host:port/db" >&2; exit 1 ;;
esac
base=${MOISSON_TEST_PG#postgresql://}
ledger="postgresql://${base%%@*}:$password@${base#*@}"

# The clear identifiers of the example data (fictitious people), and what else
# of their documents must not leak (as tests/cli_test.sh).
emails=(claire.morel@example.fr bertrand.lefort@example.org sam.okafor@example.com contact@domaine-des-coteaux.example)
leaks='claire.morel@example.fr\|bertrand.lefort@example.org\|sam.okafor@example.com\|contact@domaine-des-coteaux.example\|06 12 34 56 78\|FR76 3000\|diabétique\|Glycémie du matin'

redact() {  # stdin with the password and the e-mail addresses masked
  local args=(-e "s/$password/<password>/g")
  for e in "${emails[@]}"; do args+=(-e "s/${e//./\\.}/<e-mail>/Ig"); done
  sed "${args[@]}"
}

check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then
    passed=$((passed + 1))
    echo "ok   $1"
  else
    failed=$((failed + 1))
    echo "FAIL $1"
    printf '  expected: %q\n  actual:   %q\n' "$2" "$3" | redact
  fi
}

n=0
run() {  # run CMD... ; sets out, err, code; keeps both in $tmp/log for the leak checks
  n=$((n + 1))
  out=$("$@" 2>"$tmp/stderr")
  code=$?
  err=$(cat "$tmp/stderr")
  printf '%s\n%s\n' "$out" "$err" >>"$tmp/all-output.txt"
}

ex="$src/examples/dumps"
"$moisson" keygen --out "$tmp/k.key" >/dev/null 2>&1
check "keygen" 1 "$([[ -s "$tmp/k.key" ]] && echo 1 || echo 0)"
inputs=("$tmp/in1.jsonl" "$tmp/in2.warc.gz" "$tmp/in3.jsonl" "$tmp/in4.warc.gz")
cp "$ex/forum.jsonl" "${inputs[0]}"
cp "$ex/pages.warc.gz" "${inputs[1]}"
cp "$ex/forum.jsonl" "${inputs[2]}"
cp "$ex/pages.warc.gz" "${inputs[3]}"

# --- four filters at once on the PostgreSQL ledger -----------------------------
pids=()
for i in 1 2 3 4; do
  "$moisson" filter --no-progress --key "$tmp/k.key" --ledger "$ledger" "${inputs[i - 1]}" -o "$tmp/out$i.jsonl" \
    >"$tmp/filter$i.out" 2>"$tmp/filter$i.err" &
  pids+=($!)
done
codes=""
for i in 1 2 3 4; do
  wait "${pids[i - 1]}"
  codes+="$? "
  cat "$tmp/filter$i.out" "$tmp/filter$i.err" >>"$tmp/all-output.txt"
done
check "4 concurrent filters exit 0" "0 0 0 0 " "$codes"
if [[ "$codes" != "0 0 0 0 " ]]; then
  for i in 1 2 3 4; do
    echo "  filter $i stderr:"
    sed 's/^/    /' "$tmp/filter$i.err" | redact | tail -n 5
  done
fi
written=0
for i in 1 2 3 4; do [[ -s "$tmp/out$i.jsonl" ]] && written=$((written + 1)); done
check "each filter wrote its output" 4 "$written"
# Documents read by each run (the summary's "in" line).
in_counts=()
total=0
for i in 1 2 3 4; do
  c=$(grep -E '^  in ' "$tmp/filter$i.err" | awk '{print $2}')
  in_counts+=("${c:-0}")
  total=$((total + ${c:-0}))
done
check "the runs read documents" 1 "$([[ ${in_counts[0]} -gt 0 && ${in_counts[1]} -gt 0 ]] && echo 1 || echo 0)"

# --- the reference: the same runs, one after the other, on a SQLite ledger ------
ref="$tmp/ref.sqlite"
for i in 1 2 3 4; do
  "$moisson" filter --no-progress --key "$tmp/k.key" --ledger "$ref" "${inputs[i - 1]}" -o "$tmp/ref$i.jsonl" \
    >"$tmp/ref$i.out" 2>&1 || echo "reference filter $i failed"
done

# --- audit verify ----------------------------------------------------------------
run "$moisson" audit verify --ledger "$ledger"
check "audit verify: exit 0" 0 "$code"
check "audit verify: every row of the 4 runs, chain intact" 1 \
  "$(grep -c ": $total rows, hash chain intact; head [0-9]* [0-9a-f]\{64\}$" <<<"$out")"
run "$moisson" audit verify --ledger "$ref"
ref_rows=$(grep -o ': [0-9]* rows' <<<"$out" | grep -o '[0-9]*')
check "audit verify: as many rows as the SQLite reference" "$ref_rows" "$total"

# The rows of each run, straight from the tables.
per_run=$(psql "$MOISSON_TEST_PG" -Atc "SELECT count(*) FROM documents GROUP BY run ORDER BY 1" 2>&1 | tr '\n' ' ')
check "each run's documents are all in the ledger" "$(printf '%s\n' "${in_counts[@]}" | sort -n | tr '\n' ' ')" "$per_run"
check "four runs, all ended" "4 4" \
  "$(psql "$MOISSON_TEST_PG" -Atc "SELECT count(*) || ' ' || count(ended_at) FROM runs WHERE command = 'filter'" 2>&1)"

# --- audit sites -------------------------------------------------------------------
# Compared with the reference but for the first/last times (columns 3 and 4).
sites_sans_times() {
  /usr/bin/python3 -c 'import csv, sys
for row in csv.reader(sys.stdin):
    print(",".join(row[:2] + row[4:]))'
}
run "$moisson" audit sites --ledger "$ledger"
check "audit sites: exit 0" 0 "$code"
pg_sites=$(sites_sans_times <<<"$out")
check "audit sites: a site of the examples is listed" 1 "$(grep -c '^velo-club.example,' <<<"$out")"
check "audit sites: no URL" 0 "$(grep -c 'http\|/' <<<"$out")"
run "$moisson" audit sites --ledger "$ref"
check "audit sites: the same counts as the SQLite reference" "$(sites_sans_times <<<"$out")" "$pg_sites"

# --- rights find ---------------------------------------------------------------------
records() { awk -F'\t' 'NF == 5 && $2 ~ /^20[0-9][0-9]-/ {n++} END {print n + 0}'; }
run "$moisson" rights find --key "$tmp/k.key" --ledger "$ledger" --email "Claire.Morel@EXAMPLE.fr"
check "rights find --email: exit 0" 0 "$code"
pg_found=$(records <<<"$out")
check "rights find --email: one record per forum run at least" 1 "$([[ $pg_found -ge 2 ]] && echo 1 || echo 0)"
run "$moisson" rights find --key "$tmp/k.key" --ledger "$ref" --email "Claire.Morel@EXAMPLE.fr"
check "rights find --email: as many records as the SQLite reference" "$(records <<<"$out")" "$pg_found"
run "$moisson" rights find --key "$tmp/k.key" --ledger "$ledger" --email "sam.okafor@example.com"
check "rights find: another e-mail" "0 1" "$code $([[ $(records <<<"$out") -ge 2 ]] && echo 1 || echo 0)"
run "$moisson" rights find --key "$tmp/k.key" --ledger "$ledger" --email "nobody@example.net"
check "rights find: an unknown e-mail has no record" "0 0" "$code $(records <<<"$out")"
run "$moisson" rights find --ledger "$ledger" --url-prefix "https://forum.velo-club.example/" --json
pg_prefix=$(grep -c '"url":"https://forum.velo-club.example/' <<<"$out")
check "rights find --url-prefix: exit 0 and records" "0 1" "$code $([[ $pg_prefix -ge 2 ]] && echo 1 || echo 0)"
run "$moisson" rights find --ledger "$ref" --url-prefix "https://forum.velo-club.example/" --json
check "rights find --url-prefix: as many records as the SQLite reference" \
  "$(grep -c '"url":"https://forum.velo-club.example/' <<<"$out")" "$pg_prefix"

# --- an unreachable server ---------------------------------------------------------------
run "$moisson" audit verify --ledger "postgresql://postgres:$password@127.0.0.1:1/moisson_test"
check "audit verify on a closed port fails naming host:port" "1 1" \
  "$([[ $code -ne 0 ]] && echo 1 || echo 0) $(grep -c '127\.0\.0\.1:1' <<<"$out$err" | awk '{print ($1 > 0)}')"

# --- nothing leaks ----------------------------------------------------------------------
check "the ledger's password is never printed" 0 "$(grep -c -- "$password" "$tmp/all-output.txt")"
check "no e-mail address or dropped text of the examples is printed" 0 "$(grep -ci "$leaks" "$tmp/all-output.txt")"
pg_dump --data-only "$MOISSON_TEST_PG" >"$tmp/dump.sql" 2>"$tmp/dump.err"
check "pg_dump of the ledger (for the next check)" "0 1" "$? $(grep -c '^COPY [a-z_.]*documents ' "$tmp/dump.sql")"
check "no e-mail address or dropped text of the examples is in the ledger" 0 "$(grep -ci "$leaks" "$tmp/dump.sql")"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
