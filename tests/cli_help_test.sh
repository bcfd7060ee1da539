#!/usr/bin/env bash
# The command line's usage conventions (cli/usage.h, issue 13 §7): a misspelt
# long option is named with the closest known one (exit 2), enum options read
# "google|rfc" in --help rather than CLI11's "ENUM:value in {google->...}", and
# every command's --help ends with examples. Usage: cli_help_test.sh MOISSON SOURCE_DIR
set -uo pipefail
moisson=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

cd "$src" || exit 1

# --- misspelt options: named, with the closest one, exit 2 --------------------
# Before: "inputs: File does not exist: 2" (CLI11 gave the value to the inputs).
mkdir "$tmp/o"
run "$moisson" filter --trheads 2 examples/dumps/forum.jsonl -o "$tmp/o/out.jsonl"
check "filter --trheads exit" 2 "$code"
check "filter --trheads message" "moisson filter: unknown option --trheads; did you mean --threads?" "$err"
check "filter --trheads writes nothing" "" "$(ls "$tmp/o")"
run "$moisson" scan --trheads=2 examples/dumps/forum.jsonl
check "scan --trheads= exit" 2 "$code"
check "scan --trheads= message" "moisson scan: unknown option --trheads; did you mean --threads?" "$err"
check "scan --trheads= no verdicts" "" "$out"
run "$moisson" robots check --robot examples/site/robots.txt --agent moisson https://www.example.org/
check "robots check --robot exit" 2 "$code"
check "robots check --robot message" "moisson robots check: unknown option --robot; did you mean --robots?" "$err"
run "$moisson" audit sites --formta md
check "audit sites --formta" "2 moisson audit sites: unknown option --formta; did you mean --format?" "$code $err"
run "$moisson" crawl http://127.0.0.1:9/ -o "$tmp/crawl" --max-page 3
check "crawl --max-page" "2 moisson crawl: unknown option --max-page; did you mean --max-pages?" "$code $err"
run "$moisson" --confgi examples/moisson.toml scan examples/dumps/forum.jsonl
check "top-level --confgi" "2 moisson: unknown option --confgi; did you mean --config?" "$code $err"
run "$moisson" keygen --zzzzzzzz --out "$tmp/k"
check "nothing close" "2 moisson keygen: unknown option --zzzzzzzz (see moisson keygen --help)" "$code $err"
# Known options, the parent's --config and --help are not reported.
run "$moisson" --config examples/moisson.toml robots check --robots examples/site/robots.txt --agent moisson \
  --mode rfc https://www.example.org/blog/
check "known options" "0" "$code"
run "$moisson" robots lint --help
check "--help is known" "0" "$code"

# --- every command's help: readable enums, examples -------------------------
# Walk the "Subcommands:" lists from moisson --help down.
commands=("")
i=0
while ((i < ${#commands[@]})); do
  cmd=${commands[i]}
  i=$((i + 1))
  # shellcheck disable=SC2086  # $cmd is words on purpose
  help=$("$moisson" $cmd --help 2>&1)
  check "help exit: moisson $cmd" 0 "$?"
  [[ "$help" == *"ENUM:"* ]] && check "no ENUM: in moisson $cmd --help" "" "$(grep -a 'ENUM:' <<<"$help")"
  [[ "$help" == *"->"* ]] && check "no -> in moisson $cmd --help" "" "$(grep -a -- '->' <<<"$help")"
  [[ "$help" == *"Example"* ]] || check "moisson $cmd --help has an example" "Example" "(none)"
  # The example block comes last: nothing but command lines after it.
  check "moisson $cmd --help ends with its examples" "" \
    "$(awk '/^Examples?( \(.*\))?:$/ {seen=1; next} seen && !/^  (moisson|echo|printf|zcat|cat) / {print}' <<<"$help")"
  while read -r sub; do
    commands+=("${cmd:+$cmd }$sub")
  done < <(awk '/^Subcommands:$/ {on=1; next} on && /^  [a-z]/ {print $1; next} on && /^$/ {on=0}' <<<"$help")
done
# The walk reached the leaves (a broken listing would pass vacuously).
check "commands walked" "yes" "$( ((${#commands[@]} >= 30)) && echo yes || echo "${#commands[@]}")"
run "$moisson" robots check --help
check "robots check --mode reads google|rfc" "1" "$(grep -c -- '--mode google|rfc' <<<"$out")"
run "$moisson" audit sites --help
check "audit sites --format reads csv|json|md" "1" "$(grep -c -- '--format csv|json|md' <<<"$out")"

echo "cli_help_test: $passed passed, $failed failed"
((failed == 0))
