# Helpers of the command-line test scripts (cli_test.sh, cli_help_test.sh,
# cli_trust_test.sh), sourced after they set `tmp` (a temporary folder).
# Counters `passed` and `failed`; `io_log`, when set, is a file that every
# run's stdout and stderr are appended to (for a last sweep for leaks).
passed=0
failed=0

check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3"
  fi
}

run() {  # run CMD... ; sets out, err, code
  out=$("$@" 2>"$tmp/stderr")
  code=$?
  err=$(cat "$tmp/stderr")
  if [[ -n "${io_log:-}" ]]; then printf '%s\n%s\n' "$out" "$err" >> "$io_log"; fi
}
