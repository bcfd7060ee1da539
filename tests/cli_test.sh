#!/usr/bin/env bash
# Drives the moisson binary as users and other tools do, and checks output
# formats and exit codes exactly. Usage: cli_test.sh MOISSON_BINARY SOURCE_DIR
set -uo pipefail
moisson=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
io_log="$tmp/all-io"  # every run's stdout and stderr, for the last sweep
source "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

# --- top level --------------------------------------------------------------
run "$moisson" --version
check "version exit" 0 "$code"
check "version text" "moisson 0.1.0" "$out"
run "$moisson" --help
check "help exit" 0 "$code"
run "$moisson"
check "no subcommand is a usage error" 2 "$code"
for sub in "robots" "robots check" "robots eval" "robots lint" "policy" "policy explain" "keygen" "scan" "filter"; do
  # shellcheck disable=SC2086
  run "$moisson" $sub --help
  check "--help on '$sub'" "0 Usage" "$code $(grep -o '^Usage' <<<"$out" | head -1)"
done
run "$moisson" robots check --robots /nonexistent --agent x http://a.b/
check "missing file is a usage error" 2 "$code"
run "$moisson" robots check --robots "$src/examples/site/robots.txt" --agent x --mode fuzzy http://a.b/
check "bad mode is a usage error" 2 "$code"

# --- robots check -----------------------------------------------------------
printf 'User-agent: *\nDisallow: /private\nAllow: /private/ok\n' > "$tmp/robots.txt"
run "$moisson" robots check --robots "$tmp/robots.txt" --agent FooBot https://e.com/private/x https://e.com/private/ok https://e.com/
check "check exit 1 when any disallowed" 1 "$code"
check "check output" $'disallowed\thttps://e.com/private/x\t2\tDisallow: /private\nallowed\thttps://e.com/private/ok\t3\tAllow: /private/ok\nallowed\thttps://e.com/\t0\t' "$out"
run "$moisson" robots check --robots "$tmp/robots.txt" --agent FooBot https://e.com/public
check "check exit 0 when all allowed" 0 "$code"
printf 'User-agent: *\nDisallow: /%%2A\n' > "$tmp/star.txt"
run "$moisson" robots check --mode rfc --robots "$tmp/star.txt" --agent FooBot 'https://e.com/*'
check "rfc mode: %2A is a literal star" 1 "$code"
run "$moisson" robots check --mode google --robots "$tmp/star.txt" --agent FooBot 'https://e.com/*'
check "google mode: %2A is not a literal star" 0 "$code"

# --- robots eval ------------------------------------------------------------
b64=$(printf 'User-agent: FooBot\r\nDisallow: /x\r\n' | base64 -w0)
cat > "$tmp/eval.jsonl" <<JSONL
{"robots": "User-agent: *\nDisallow: /a\n", "agent": "FooBot", "url": "http://e.com/a/b"}
{"robots": "User-agent: *\nDisallow: /a\n", "agent": "FooBot", "url": "http://e.com/b"}
not json
{"robots": "x", "url": "http://e.com/"}
{"robots_b64": "$b64", "robots": "ignored", "agent": "foobot", "url": "http://e.com/x"}
{"robots_b64": "!!!", "agent": "a", "url": "http://e.com/"}
{"robots": "User-agent: *\nDisallow:\n", "agent": "FooBot", "url": "http://e.com/"}
JSONL
run "$moisson" robots eval < "$tmp/eval.jsonl"
check "eval exit" 0 "$code"
check "eval output" '{"allowed":false,"line":2}
{"allowed":true,"line":null}
{"error":"line 3: not a JSON object"}
{"error":"line 4: missing string \"agent\""}
{"allowed":false,"line":2}
{"error":"line 6: \"robots_b64\" is not valid base64"}
{"allowed":true,"line":2}' "$out"
check "eval one line per input line" 7 "$(wc -l <<<"$out")"

# --- robots lint ------------------------------------------------------------
run "$moisson" robots lint "$tmp/robots.txt"
check "lint clean exit" 0 "$code"
check "lint clean summary" "$tmp/robots.txt: 0 error(s), 0 warning(s)" "$out"
printf 'Disallow: /x\nUser-agent: Foo Bar\nDissallow: /y\n' > "$tmp/bad.txt"
run "$moisson" robots lint "$tmp/bad.txt"
check "lint errors exit 1" 1 "$code"
check "lint first finding" "$tmp/bad.txt:1: error: rule before any user-agent line is ignored [rule-outside-group]" "$(head -1 <<<"$out")"

# --- policy explain ---------------------------------------------------------
site="$src/examples/site"
run "$moisson" --config "$src/examples/moisson.toml" policy explain --json \
  --url https://www.example.org/articles/vendanges-2024 --robots "$site/robots.txt" \
  --tdmrep "$site/.well-known/tdmrep.json" --html "$site/articles/vendanges-2024.html"
check "explain exits 1 when the URL may not be collected (as robots check)" 1 "$code"
verdict=$(/usr/bin/python3 -c '
import json,sys
d=json.loads(sys.stdin.read())
print(d["collect"], d["ai_train"], d["reasons"][0], d["signals"]["tdm"]["reservation"], d["signals"]["tdm"]["source"],
      d["signals"]["robots"]["allowed"], d["signals"]["content_signal"]["ai-train"], sorted(d["signals"]))' <<<"$out")
check "explain json verdict" "False disallowed tdm.reservation 1 vendanges-2024.html True allowed ['ai_agents', 'ai_txt', 'content_signal', 'content_usage', 'robots', 'tdm', 'x_robots']" "$verdict"
run "$moisson" policy explain --json --url https://www.example.org/photos/cat.jpg --robots "$site/robots.txt" --ai-txt "$site/ai.txt"
verdict=$(/usr/bin/python3 -c '
import json,sys
d=json.loads(sys.stdin.read())
print(d["collect"], d["ai_train"], d["reasons"], [(a["agent"], a["allowed"], a["line"]) for a in d["signals"]["ai_agents"]], d["signals"]["ai_txt"]["line"])' <<<"$out")
check "explain ai agents and ai.txt" "False disallowed ['ai_agent.disallow', 'ai_txt.disallow', 'robots.allow', 'content_signal.ai-train=yes'] [('CCBot', False, 11), ('GPTBot', False, 11)] 3" "$verdict"
run "$moisson" policy explain --url https://www.example.org/press/release-1 --robots "$site/robots.txt" \
  --tdmrep "$site/.well-known/tdmrep.json" --header "X-Robots-Tag: googlebot: noindex" --html "$site/press.html"
check "explain text exit" 0 "$code"
check "explain text collect" "collect   yes" "$(grep '^collect' <<<"$out")"
check "explain text ai_train" "ai_train  allowed" "$(grep '^ai_train' <<<"$out")"
run "$moisson" policy explain --url https://www.example.org/ --robots "$site/robots.txt" --robots-status 503
check "explain 503" "1 collect   no" "$code $(grep '^collect' <<<"$out")"
printf '[{"location": "/", "tdm-reservation": 7}' > "$tmp/bad-tdmrep.json"
run "$moisson" policy explain --url https://www.example.org/ --tdmrep "$tmp/bad-tdmrep.json"
# simdjson words the reason; the file name and the kind of error are ours.
check "malformed tdmrep.json is reported with its name, the decision still made" "0 moisson policy explain: $tmp/bad-tdmrep.json: not valid JSON:" "$code ${err%% not valid JSON:*} not valid JSON:"
run "$moisson" policy explain --url https://www.example.org/ --header "no colon here"
check "bad header is a usage error" 2 "$code"
run "$moisson" policy explain --url "not a url"
check "bad url is a usage error" 2 "$code"
printf '[policy]\nrobots_mode = "google"\nhonor = true\n' > "$tmp/bad.toml"
run "$moisson" --config "$tmp/bad.toml" policy explain --url https://a.b/
check "config error exit" 2 "$code"
check "config error message" "moisson: $tmp/bad.toml:3: unknown key 'policy.honor'" "$err"

# --- keygen -----------------------------------------------------------------
run "$moisson" keygen --out "$tmp/project.key"
check "keygen exit" 0 "$code"
check "keygen mode" 600 "$(stat -c %a "$tmp/project.key")"
run "$moisson" keygen --out "$tmp/project.key"
check "keygen refuses to overwrite" 2 "$code"
run "$moisson" keygen --out "$tmp/project.key" --force
check "keygen --force" 0 "$code"

# --- blocklist ----------------------------------------------------------------
mkdir -p "$tmp/ut1/dating" "$tmp/ut1/child"
printf 'meetic.fr\n' > "$tmp/ut1/dating/domains"
printf 'black\n' > "$tmp/ut1/dating/usage"
printf 'kids.example\nbad host\n' > "$tmp/ut1/child/domains"
printf 'white\n' > "$tmp/ut1/child/usage"
run "$moisson" blocklist check --ut1 "$tmp/ut1" https://www.meetic.fr/x https://kids.example/
check "blocklist check exit 1 when blocked" 1 "$code"
check "blocklist check output" "$(printf 'blocked\thttps://www.meetic.fr/x\tdating\tdomain\tmeetic.fr\t%s\nclean\thttps://kids.example/' "$tmp/ut1/dating/domains")" "$out"
run "$moisson" blocklist check --ut1 "$tmp/ut1" https://example.org/
check "blocklist check exit 0 when clean" 0 "$code"
run "$moisson" blocklist check --strict --ut1 "$tmp/ut1" https://example.org/
check "blocklist --strict names file and line" "2 moisson blocklist check: $tmp/ut1/child/domains:2: not a single domain" "$code $err"
run "$moisson" blocklist stats --ut1 "$tmp/ut1"
check "blocklist stats total" "total	1 blocking domains	0 blocking urls	0 expressions	1 skipped" "$(tail -1 <<<"$out")"
run "$moisson" blocklist compile --ut1 "$tmp/ut1" --out "$tmp/lists.snap"
check "blocklist compile" "0 wrote $tmp/lists.snap: 1 domains, 0 urls, 0 expressions (1 malformed entries skipped)" "$code $out"
run "$moisson" blocklist check --snapshot "$tmp/lists.snap" https://a.meetic.fr/
check "blocklist check --snapshot" "1 dating" "$code $(cut -f3 <<<"$out")"
printf 'garbage' > "$tmp/bad.snap"
run "$moisson" blocklist check --snapshot "$tmp/bad.snap" https://a.meetic.fr/
check "damaged snapshot is a usage error" "2 moisson blocklist check: $tmp/bad.snap: corrupt snapshot: shorter than its header" "$code $err"
run "$moisson" --config "$src/examples/moisson.toml" blocklist check --defaults https://fr.carenity.com/forum https://example.org/
check "blocklist check --defaults" "1 health_forums" "$code $(head -1 <<<"$out" | cut -f3)"
printf '[blocklists]\ncategories = ["dating", "nosuch"]\n' > "$tmp/cats.toml"
run "$moisson" --config "$tmp/cats.toml" blocklist check --defaults https://example.org/
check "unknown configured category is a usage error" 2 "$code"
run "$moisson" blocklist import --ut1 "$tmp/ut1" --categories dating --to "$tmp/imported"
check "blocklist import" "0 imported 1 entries from 1 files into $tmp/imported (0 malformed entries skipped)" "$code $out"
run "$moisson" blocklist import --ut1 "$tmp/ut1" --to "$tmp/imported"
check "blocklist import refuses to overwrite" 2 "$code"
run "$moisson" blocklist check https://www.roblox.com/games/1
check "blocklist check with no list uses the configured defaults" "1 minors_social_networks" "$code $(cut -f3 <<<"$out")"
run "$moisson" blocklist check --snapshot "$tmp/lists.snap" --ut1 "$tmp/ut1" https://example.org/
check "--snapshot with other lists is a usage error" "2 moisson blocklist check: --snapshot replaces --ut1, --domains and --hosts; give one or the other" "$code $err"
run "$moisson" blocklist check --domains nocategory https://example.org/
check "blocklist bad --domains spec" 2 "$code"

# --- optout -------------------------------------------------------------------
"$moisson" keygen --out "$tmp/oo.key" > /dev/null
oo=(--registry "$tmp/oo.db" --key "$tmp/oo.key")
run "$moisson" optout add "${oo[@]}" --email "Jeanne.Martin+x@gmail.com" --ref REQ-7
check "optout add" "0 registered email opt-out as entry 1" "$code $out"
run "$moisson" optout check "${oo[@]}" --email "jeannemartin@gmail.com"
check "optout check registered exits 1" "1 registered" "$code $out"
run "$moisson" optout check "${oo[@]}" --email "someone@example.org"
check "optout check clean exits 0" "0 not registered" "$code $out"
run "$moisson" optout add "${oo[@]}" --email "Jeanne.Martin" --ref REQ-8
check "optout add bad value: usage error without echo" "2 moisson optout add: not an e-mail address" "$code $err"
run "$moisson" optout add "${oo[@]}" --email a@b.fr --phone 0612345678
check "optout add needs exactly one identifier" 2 "$code"
run "$moisson" optout add "${oo[@]}" --name "Jeanne Martin"
check "a name needs --site" "2 moisson optout add: a name opt-out needs the site it applies to" "$code $err"
printf 'type,value,scope,ref\nphone,06 12 34 56 78,,REQ-10\nname,Jeanne Martin,example.org,REQ-11\nemail,broken,,REQ-12\nfax,1,,\n' > "$tmp/oo.csv"
run "$moisson" optout import "${oo[@]}" "$tmp/oo.csv"
check "optout import report" "1 $tmp/oo.csv:2: entry 2
$tmp/oo.csv:3: entry 3
$tmp/oo.csv:4: error: not an e-mail address
$tmp/oo.csv:5: error: unknown type (email, phone, handle, name, url-prefix, site-owner)
$tmp/oo.csv: 2 registered, 2 refused" "$code $out"
run "$moisson" optout list "${oo[@]}"
check "optout list has no clear value" "0 0" "$code $(grep -ci 'jeanne\|martin\|0612' <<<"$out")"
check "optout list rows" 4 "$(wc -l <<<"$out")"
printf '[optout]\nphone_region = "GB"\n' > "$tmp/gb.toml"
run "$moisson" --config "$tmp/gb.toml" optout check "${oo[@]}" --phone "020 7946 0958"
check "phone region from the config" "0 not registered" "$code $out"
run "$moisson" optout check "${oo[@]}" --phone "020 7946 0958"
check "a GB national number is not a valid FR number" 2 "$code"
run "$moisson" optout remove "${oo[@]}" --phone "+33612345678"
check "optout remove" "0 removed 1 stored form(s)" "$code $out"
check "registry file mode" 600 "$(stat -c %a "$tmp/oo.db")"
check "no clear value in the registry file" 0 "$(grep -aci 'jeanne\|martin' "$tmp/oo.db")"


# --- scan and filter ------------------------------------------------------------
ex="$src/examples/dumps"
"$moisson" keygen --out "$tmp/f.key" >/dev/null
run "$moisson" scan --no-progress "$ex/forum.jsonl"
check "scan exit" 0 "$code"
check "scan: one line per document" 12 "$(wc -l <<<"$out")"
check "scan: ids in input order" "forum-0001 forum-0002 forum-0003 forum-0004 forum-0005 forum-0006 forum-0007 forum-0008 forum-0009 post-0010 post-0011 post-0012" \
  "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in sys.stdin))' <<<"$out")"
check "scan: keys of a line" "id decision reasons detections" \
  "$(head -1 <<<"$out" | /usr/bin/python3 -c 'import json,sys; print(" ".join(json.loads(sys.stdin.read()).keys()))')"
verdict() {  # verdict ID: "decision reason,reason" of that id in $out
  /usr/bin/python3 -c 'import json,sys
for l in sys.stdin:
    d = json.loads(l)
    if d["id"] == sys.argv[1]: print(d["decision"], ",".join(d["reasons"]))' "$1" <<<"$out"
}
check "scan: a recipe is kept" "keep " "$(verdict forum-0001)"
check "scan: a health disclosure is dropped" "drop sensitive.health" "$(verdict forum-0003)"
check "scan: a minor is dropped" "drop minor" "$(verdict forum-0004)"
check "scan: an encyclopedic text is kept" "keep " "$(verdict forum-0006)"
check "scan: a health forum on the default lists" "drop blocklist.health_forums" "$(verdict forum-0009)"
check "scan: e-mail and phone are modified" "modify id.email,id.phone" "$(verdict forum-0002)"
check "scan: no text in scan output" 0 "$(grep -c 'Préchauffez\|diabétique\|claire.morel' <<<"$out")"
run "$moisson" scan --no-progress --threads 1 "$ex/forum.jsonl" "$ex/pages.warc.gz"
one=$out
run "$moisson" scan --no-progress --threads 2 "$ex/forum.jsonl" "$ex/pages.warc.gz"
check "scan: same output with 1 and 2 threads" "$one" "$out"
check "scan: WARC ids are record ids" 1 "$(grep -c '"id":"urn:uuid:' <<<"$out" | awk '{print ($1 >= 6)}')"
check "scan: a page with meta noai is dropped" 1 "$(grep -c 'policy.noai' <<<"$out")"
check "scan: a page with X-Robots-Tag noindex is dropped" 1 "$(grep -c 'policy.noindex' <<<"$out")"

cp "$ex/forum.jsonl" "$tmp/in.jsonl"
printf '{"id": "broken", "text": \n[1,2]\n{"id": "x"}\n' >> "$tmp/in.jsonl"
run "$moisson" filter --no-progress --key "$tmp/f.key" --ledger "$tmp/l.db" --dedup "$tmp/in.jsonl" -o "$tmp/out.jsonl" --rejects "$tmp/rej.jsonl"
check "filter: unreadable records fail the run by default, no output left" "1 0" "$code $(ls "$tmp"/out.jsonl* "$tmp"/rej.jsonl* 2>/dev/null | wc -l)"
check "filter: the failure says how to accept the loss" 1 "$(grep -c -- '3 of 15 records could not be read.*--max-skipped' <<<"$err")"
run "$moisson" filter --no-progress --max-skipped 3 --key "$tmp/f.key" --ledger "$tmp/l.db" --dedup "$tmp/in.jsonl" -o "$tmp/out.jsonl" --rejects "$tmp/rej.jsonl"
check "filter exit" 0 "$code"
check "filter: the summary is on stderr, stdout stays empty" "" "$out"
check "filter: unreadable records are reported with file and line" 3 "$(grep -c "skipped $tmp/in.jsonl: offset [0-9]* (line 1[345])" <<<"$err")"
check "filter: summary counts" "12 dropped" "$(grep -E '^  in ' <<<"$err" | awk '{print $2}') $(grep -cE '^  dropped ' <<<"$err" | sed 's/1/dropped/')"
check "filter: duplicate dropped" 1 "$(grep -c '"reasons":\["duplicate"\]' "$tmp/rej.jsonl")"
check "filter: kept + rejected = in" 12 "$(( $(wc -l <"$tmp/out.jsonl") + $(wc -l <"$tmp/rej.jsonl") ))"
check "filter: e-mails are pseudonymised" 1 "$(grep -c '\[id\.email:[0-9a-f]\{8\}\]' "$tmp/out.jsonl" | awk '{print ($1 >= 2)}')"
check "filter: IBAN redacted" 1 "$(grep -c '\[banking\.iban\]' "$tmp/out.jsonl")"
check "filter: output keys" "id url site fetched_at lang text moisson" \
  "$(head -1 "$tmp/out.jsonl" | /usr/bin/python3 -c 'import json,sys; print(" ".join(json.loads(sys.stdin.read()).keys()))')"
# No clear identifier and no dropped text anywhere: outputs, rejects, ledger, stdout, stderr.
leaks='claire.morel@example.fr\|06 12 34 56 78\|sam.okafor\|FR76 3000\|diabétique\|14 ans\|rheumatoid\|Glycémie du matin'
check "filter: nothing sensitive in the output" 0 "$(grep -c "$leaks" "$tmp/out.jsonl")"
check "filter: nothing sensitive in the rejects" 0 "$(grep -c "$leaks" "$tmp/rej.jsonl")"
check "filter: nothing sensitive in the ledger" 0 "$(cat "$tmp"/l.db* | grep -ac "$leaks")"
check "filter: nothing sensitive on stdout/stderr" 0 "$(grep -c "$leaks" <<<"$out$err")"
check "filter: rejects carry id, url, reasons only" "id url reasons" \
  "$(head -1 "$tmp/rej.jsonl" | /usr/bin/python3 -c 'import json,sys; print(" ".join(json.loads(sys.stdin.read()).keys()))')"
check "filter: ledger file mode" 600 "$(stat -c %a "$tmp/l.db")"

# Same key, same token, across runs; a .zst output reads back.
run "$moisson" filter --no-progress --key "$tmp/f.key" --ledger "$tmp/l.db" "$ex/forum.jsonl" -o "$tmp/out2.jsonl.zst"
check "filter .zst exit" 0 "$code"
run "$moisson" scan --no-progress --text-field text "$tmp/out2.jsonl.zst"
check "filter: the .zst output reads back" 0 "$code"
tok1=$(grep -o '\[id\.email:[0-9a-f]*\]' "$tmp/out.jsonl" | sort -u)
run "$moisson" filter --no-progress --key "$tmp/f.key" --ledger "$tmp/l.db" "$ex/forum.jsonl" -o "$tmp/out3.jsonl"
check "filter: same key, same tokens" "$tok1" "$(grep -o '\[id\.email:[0-9a-f]*\]' "$tmp/out3.jsonl" | sort -u)"

# audit verify: the ledger written by three filter runs holds one intact chain;
# an edited row is named, exit 1.
run "$moisson" audit verify --ledger "$tmp/l.db"
check "audit verify: an untouched ledger" "0 1" "$code $(grep -c 'rows, hash chain intact; head [0-9]* [0-9a-f]\{64\}$' <<<"$out")"
cp "$tmp/l.db" "$tmp/edited.db"
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE documents SET decision = (CASE decision WHEN \"drop\" THEN \"keep\" ELSE \"drop\" END) WHERE id = 2"); c.commit()' "$tmp/edited.db"
run "$moisson" audit verify --ledger "$tmp/edited.db"
check "audit verify: an edited row is named" "1 $tmp/edited.db: chain broken after checking 2 rows: row 2 was changed: its content does not match its hash" "$code $out"
run "$moisson" audit verify --ledger "$tmp/none.db"
check "audit verify: a missing ledger is a usage error" "2 moisson audit verify: $tmp/none.db: no such ledger" "$code $err"

# audit sites: registrable domains with counts, never a URL; audit url: one URL's rows.
run "$moisson" audit sites --ledger "$tmp/l.db"
check "audit sites: CSV header" "site,categories,first,last,considered,fetched,kept,modified,dropped,objections" "$(head -1 <<<"$out")"
check "audit sites: a site listed, no URL anywhere" "0 1 0" \
  "$code $(grep -c '^velo-club.example,' <<<"$out") $(grep -c 'http\|/' <<<"$out")"
run "$moisson" audit sites --ledger "$tmp/l.db" --format json
check "audit sites: JSON lines" "0 1" "$code $(grep -c '"site":"velo-club.example","categories":\[\]' <<<"$out")"
run "$moisson" audit url --ledger "$tmp/l.db" "https://forum.velo-club.example/topic/415-reprise" --json
check "audit url: every row of the URL" "0 1" "$code $(grep -c '"decision"' <<<"$out" | awk '{print ($1 >= 3)}')"
run "$moisson" audit url --ledger "$tmp/l.db" "https://forum.velo-club.example/topic/none"
check "audit url: an unknown URL" "1 moisson audit url: no row for this URL" "$code $err"

# publish: the five transparency files, with sites and counts but no URL and no
# identifier of the dataset (the default config names no controller).
run "$moisson" publish --ledger "$tmp/l.db" -o "$tmp/pub"
check "publish: exit and files" "0 5" "$code $(ls "$tmp/pub" | grep -c 'scraped_sites.csv\|site_categories.md\|registry_sheet.md\|training_data_summary.md\|exclusion_policy.md')"
check "publish: a collected site is listed" 1 "$(grep -c '^velo-club.example,' "$tmp/pub/scraped_sites.csv")"
check "publish: no URL and no e-mail address in any file" "0 0" \
  "$(cat "$tmp"/pub/* | grep -c '://') $(cat "$tmp"/pub/* | grep -c '@')"
check "publish: the exclusion policy names the lists and their licences" "1 1" \
  "$(grep -c '^| curated/health_forums.domains |' "$tmp/pub/exclusion_policy.md") $(grep -c 'CC BY-SA 4.0' "$tmp/pub/exclusion_policy.md")"

# datasheet: Gebru et al.'s headings, counts from the ledger, no URL or e-mail.
run "$moisson" datasheet --ledger "$tmp/l.db" --name "Forum test" -o "$tmp/datasheet.md"
check "datasheet: the seven headings" "0 7" "$code $(grep -c '^## \(Motivation\|Composition\|Collection process\|Preprocessing, cleaning, labelling\|Uses\|Distribution\|Maintenance\)$' "$tmp/datasheet.md")"
check "datasheet: reasons counted and no URL or e-mail" "1 0 0" \
  "$(grep -c '^| sensitive.health | [1-9]' "$tmp/datasheet.md") $(grep -c '://' "$tmp/datasheet.md") $(grep -c '@' "$tmp/datasheet.md")"

# The ledger reports never create a ledger: a missing one is a usage error naming it.
for c in "publish -o $tmp/pub2" "datasheet" "rights find --url-prefix https://x.example/" "audit sites"; do
  run "$moisson" $c --ledger "$tmp/missing.db"
  check "$c: a missing ledger" "2 1 0" "$code $(grep -c "$tmp/missing.db: no such ledger" <<<"$err") $(ls "$tmp"/missing.db 2>/dev/null | wc -l)"
done
run "$moisson" crawl https://www.example.org/ -o "$tmp/crawl4" --key "$tmp/f.key" --ledger "$tmp/cl.db" --ca-file "$tmp/no-ca.pem"
check "crawl: a missing --ca-file is a usage error, not an untrusted origin" "2 0" "$code $(ls -d "$tmp"/crawl4 2>/dev/null | wc -l)"

# rights find: the records that held an e-mail (looked up by its keyed digest,
# any spelling), never echoing it; a URL prefix; one identifier at a time.
run "$moisson" rights find --key "$tmp/f.key" --ledger "$tmp/l.db" --email "Claire.Morel@EXAMPLE.fr"
check "rights find: records of an e-mail" "0 1 0" \
  "$code $(awk -F'\t' 'NF == 5 && $2 ~ /^20[0-9][0-9]-/ {n++} END {print (n >= 2)}' <<<"$out") $(grep -ci 'claire' <<<"$out$err")"
run "$moisson" rights find --key "$tmp/f.key" --ledger "$tmp/l.db" --email "nobody@example.net"
check "rights find: an unknown e-mail has no record" "0 0 records in $tmp/l.db" "$code$out $err"
run "$moisson" rights find --ledger "$tmp/l.db" --url-prefix "https://forum.velo-club.example/" --json
check "rights find: a URL prefix" "0 1" "$code $(grep -c '"url":"https://forum.velo-club.example/' <<<"$out" | awk '{print ($1 >= 2)}')"
run "$moisson" rights find --key "$tmp/f.key" --ledger "$tmp/l.db" --email a@example.org --phone 0612345678
check "rights find: two identifiers at once is a usage error" 2 "$code"

# Errors: no key, a missing registry, a bad category, an unwritable output.
run "$moisson" filter --no-progress --ledger "$tmp/l.db" "$ex/forum.jsonl" -o "$tmp/nokey.jsonl"
check "filter without a key is a usage error" "2 0" "$code $(ls "$tmp"/nokey.jsonl* 2>/dev/null | wc -l)"
run "$moisson" filter --no-progress --key "$tmp/f.key" --registry "$tmp/nope.db" --ledger "$tmp/l.db" "$ex/forum.jsonl" -o "$tmp/x.jsonl"
check "filter with a missing registry" "2 moisson filter: $tmp/nope.db: opt-out registry not found (a typo here would silently ignore opt-outs)" "$code $err"
printf '[filters.actions]\n"id.mail" = "redact"\n' > "$tmp/badcat.toml"
run "$moisson" --config "$tmp/badcat.toml" filter --no-progress --key "$tmp/f.key" "$ex/forum.jsonl" -o "$tmp/x.jsonl"
check "a bad category names the config line" "2 moisson filter: $tmp/badcat.toml:2: unknown category 'id.mail' in [filters.actions] (SPEC §3 lists them)" "$code $err"
printf '[filters]\ndata_dir = "nodata"\n' > "$tmp/nodata.toml"
run "$moisson" --config "$tmp/nodata.toml" scan --no-progress "$ex/forum.jsonl"
check "a missing detector data folder names the file" "2 moisson scan: $tmp/nodata/patterns/cues.txt: cannot open the pattern cue list" "$code $err"
run "$moisson" filter --no-progress --key "$tmp/f.key" --ledger "$tmp/l.db" "$ex/forum.jsonl" -o "$tmp/no/such/dir/out.jsonl"
check "an output in a missing folder is refused before reading, naming the folder" \
  "2 moisson filter: $tmp/no/such/dir: no such directory (for $tmp/no/such/dir/out.jsonl)" "$code $err"
run "$moisson" filter --no-progress --key "$tmp/f.key" --ledger "$tmp/no/dir/l.db" "$ex/forum.jsonl" -o "$tmp/noledger.jsonl"
check "an unopenable ledger fails, naming it, and leaves no output" "1 moisson filter: $tmp/no/dir/l.db: cannot open the ledger (No such file or directory) 0" \
  "$code $err $(ls "$tmp"/noledger.jsonl* 2>/dev/null | wc -l)"
# A truncated gzip dump: records before the cut are kept, the cut is reported.
gzip -c "$ex/forum.jsonl" | head -c 900 > "$tmp/cut.jsonl.gz"
run "$moisson" scan --no-progress "$tmp/cut.jsonl.gz"
check "a truncated gzip is reported with the file" 1 "$(grep -c "$tmp/cut.jsonl.gz" <<<"$err" | awk '{print ($1 >= 1)}')"
check "a truncated gzip fails the run" 1 "$code"

# --- site lists from a compiled snapshot (--snapshot, [blocklists] snapshot) ---
printf '{"id":"s1","url":"https://www.meetic.fr/profil/1","text":"Bonjour, je cherche des sorties le samedi."}\n{"id":"s2","url":"https://example.org/a","text":"Le march\u00e9 ouvre samedi."}\n' > "$tmp/sites.jsonl"
printf '[blocklists]\ncategories = ["dating"]\n' > "$tmp/dating.toml"
run "$moisson" blocklist compile --ut1 "$tmp/ut1" --categories dating --out "$tmp/dating.snap"
check "compile a dating snapshot" 0 "$code"
decisions() { grep -o '"decision":"[a-z]*"' <<<"$1" | cut -d'"' -f4 | tr '\n' ' '; }
run "$moisson" --config "$tmp/dating.toml" scan --no-progress "$tmp/sites.jsonl"
check "scan with the lists built at start-up" "0 drop keep " "$code $(decisions "$out")"
run "$moisson" --config "$tmp/dating.toml" scan --no-progress --snapshot "$tmp/dating.snap" "$tmp/sites.jsonl"
check "scan --snapshot drops the listed site alike" "0 drop keep 1" "$code $(decisions "$out")$(grep -c 'blocklist.dating' <<<"$out")"
run "$moisson" --config "$tmp/dating.toml" filter --no-progress --key "$tmp/f.key" --ledger "$tmp/snap.db" --snapshot "$tmp/dating.snap" "$tmp/sites.jsonl" -o "$tmp/snap.jsonl"
check "filter --snapshot keeps only the clean site" "0 s2" "$code $(grep -o '"id":"s[0-9]"' "$tmp/snap.jsonl" | cut -d'"' -f4)"
run "$moisson" scan --no-progress --snapshot "$tmp/dating.snap" "$tmp/sites.jsonl"
check "a snapshot without a configured category is refused, naming the categories" \
  "2 moisson scan: $tmp/dating.snap: the snapshot holds no list for adult, agressif, associations_religieuses, child, drogue, educational_games, health_forums, lingerie, minors_social_networks, mixed_adult, sect of [blocklists] categories; compile it with them (moisson blocklist compile --defaults ...) or remove them from the categories" \
  "$code $err"
printf '[blocklists]\ncategories = []\n' > "$tmp/nocats.toml"
run "$moisson" --config "$tmp/nocats.toml" scan --no-progress --snapshot "$tmp/dating.snap" "$tmp/sites.jsonl"
check "a snapshot with a category the config does not name is refused" \
  "2 moisson scan: $tmp/dating.snap: the snapshot also holds dating, which [blocklists] categories does not name; compile it with --categories or add them to the categories" \
  "$code $err"
mkdir -p "$tmp/proj"
cp "$tmp/dating.snap" "$tmp/proj/lists.snap"
printf '[blocklists]\ncategories = ["dating"]\nsnapshot = "lists.snap"\n' > "$tmp/proj/moisson.toml"
moisson_abs=$(cd "$(dirname "$moisson")" && pwd)/$(basename "$moisson")
run bash -c "cd / && '$moisson_abs' --config '$tmp/proj/moisson.toml' scan --no-progress '$tmp/sites.jsonl'"
check "[blocklists] snapshot, relative to the config file" "0 drop keep " "$code $(decisions "$out")"
run "$moisson" --config "$tmp/proj/moisson.toml" blocklist check https://www.meetic.fr/
check "blocklist check reads the configured snapshot" "1 dating" "$code $(cut -f3 <<<"$out")"
run "$moisson" --config "$tmp/dating.toml" scan --no-progress --snapshot "$tmp/nosuch.snap" "$tmp/sites.jsonl"
check "a missing snapshot fails the run, naming it" "2 moisson scan: $tmp/nosuch.snap: cannot open snapshot" "$code $err"
printf 'garbage' > "$tmp/proj/lists.snap"
run "$moisson" --config "$tmp/proj/moisson.toml" scan --no-progress "$tmp/sites.jsonl"
check "a damaged configured snapshot fails the run, naming it" \
  "2 moisson scan: $tmp/proj/lists.snap: corrupt snapshot: shorter than its header" "$code $err"
printf '[filters]\nsite_lists = false\n' > "$tmp/nolists.toml"
run "$moisson" --config "$tmp/nolists.toml" scan --no-progress --snapshot "$tmp/dating.snap" "$tmp/sites.jsonl"
check "--snapshot with site lists off is a usage error" \
  "2 moisson scan: --snapshot: [filters] site_lists is false in the config, so no site list would be applied" "$code $err"
run "$moisson" crawl https://www.example.org/ -o "$tmp/crawl0" --key "$tmp/f.key" --ledger "$tmp/cl0.db" --snapshot "$tmp/dating.snap" --no-progress
check "crawl --snapshot is checked before anything is fetched or written" "2 0" "$code $(ls -d "$tmp"/crawl0 2>/dev/null | wc -l)"

# --- site-policy store: sites import, filter/scan --sites (docs/sites.md) --------
robots_warc="$src/examples/dumps/robots.warc.gz"
sql() { /usr/bin/python3 -c 'import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str, r)))' "$1" "$2"; }
run "$moisson" sites import --store "$tmp/sites.db" "$robots_warc"
check "sites import reads the robots.txt captures of a WARC" \
  "0 $robots_warc: 9 captures added, 0 already in the store, 0 records not a site file, 0 unreadable" "$code $out"
run "$moisson" sites import --store "$tmp/sites.db" - < "$robots_warc"
check "a second import of the same captures (from stdin) adds nothing" \
  "0 (standard input): 0 captures added, 9 already in the store, 0 records not a site file, 0 unreadable" "$code $out"
run "$moisson" sites stats --store "$tmp/sites.db"
check "sites stats" "0 $tmp/sites.db: 8 origins, 9 captures (robots.txt 9, ai.txt 0, tdmrep.json 0)" "$code $out"
head -c 700 "$robots_warc" > "$tmp/cut-robots.warc.gz"
run "$moisson" sites import --store "$tmp/sites.db" "$tmp/cut-robots.warc.gz"
check "a cut WARC fails and adds nothing" "1 1 0" "$code $(grep -c 'nothing imported from this file' <<<"$err") $(grep -c 'captures added' <<<"$out")"
run "$moisson" sites import --store "$tmp/sites.db" "$tmp/nosuch.warc.gz" "$robots_warc"
check "a missing input is a usage error and nothing is imported" \
  "2 moisson sites import: $tmp/nosuch.warc.gz: no such file or folder (nothing imported)" "$code $err"
run "$moisson" sites stats --store "$tmp/nosuch.db"
check "sites stats on a missing store" "2 moisson sites stats: $tmp/nosuch.db: no such site-policy store (make one with \`moisson sites import\`)" "$code $err"
run "$moisson" sites stats
check "sites without --store or [sites] store says how to give one" \
  "2 moisson sites stats: give --store, or set [sites] store in the config" "$code $err"
run "$moisson" sites import --store "$tmp/sites.db" "$tmp"
check "sites import of a folder without host folders adds nothing and says so" "0 1" \
  "$code $(grep -c 'no robots.txt, ai.txt or tdmrep.json capture in it' <<<"$err")"
run "$moisson" sites import --stor "$tmp/sites.db" "$robots_warc"
check "a misspelt sites option names the right one" "2" "$code"
check "... and says which" "1" "$(grep -c -- '--store' <<<"$err")"
mkdir -p "$tmp/sitefiles/forum.velo-club.example"
printf 'User-agent: *\nDisallow: /topic/412\n' > "$tmp/sitefiles/forum.velo-club.example/robots.txt"
run "$moisson" sites import --store "$tmp/folder.db" --date 2024-01-01 "$tmp/sitefiles"
check "sites import reads a folder of site files" \
  "0 $tmp/sitefiles: 1 captures added, 0 already in the store, 0 records not a site file, 0 unreadable" "$code $out"
run "$moisson" sites import --store "$tmp/folder.db" --date yesterday "$tmp/sitefiles"
check "a bad --date is a usage error" "2" "$code"

printf 'www.example.org\nnot a host name\n' > "$tmp/hosts.txt"
run "$moisson" sites fetch --store "$tmp/fetch.db" --hosts "$tmp/hosts.txt"
check "sites fetch: a bad hosts line is a usage error naming the line, nothing fetched" \
  "2 moisson sites fetch: $tmp/hosts.txt:2: not a host or an http(s) URL 0" "$code $err $(ls "$tmp"/fetch.db 2>/dev/null | wc -l)"
run "$moisson" sites fetch --store "$tmp/fetch.db" --hosts "$tmp/nosuch.txt"
check "sites fetch: a missing hosts file" "2 moisson sites fetch: $tmp/nosuch.txt: cannot read the hosts file" "$code $err"
run "$moisson" sites fetch --store "$tmp/fetch.db" --hosts "$tmp"
check "sites fetch: a folder given as the hosts file" "2 moisson sites fetch: $tmp: is a directory, not a hosts file" "$code $err"
printf '[sites]\nunknown = "maybe"\n' > "$tmp/sites-bad.toml"
run "$moisson" --config "$tmp/sites-bad.toml" scan --no-progress "$src/examples/dumps/forum.jsonl"
check "[sites] unknown takes flag, drop or keep, named with file and line" \
  "2 1" "$code $(grep -c "sites-bad.toml:2.*key 'sites.unknown' must be \"flag\", \"drop\" or \"keep\"" <<<"$err")"
printf '# nothing\n\n' > "$tmp/nohosts.txt"
run "$moisson" sites fetch --store "$tmp/fetch.db" --hosts "$tmp/nohosts.txt"
check "sites fetch: a hosts file without hosts" "2 moisson sites fetch: $tmp/nohosts.txt: no host in it" "$code $err"

forum="$src/examples/dumps/forum.jsonl"
run "$moisson" scan --no-progress --sites "$tmp/sites.db" "$forum"
check "scan --sites: the later opt-out of forum.velo-club drops its two pages" \
  "0 2 2" "$code $(grep -c '"policy.robots.disallow"' <<<"$out") $(grep -c 'forum.velo-club' "$forum")"
check "scan --sites: sites the store does not hold are flagged" "3" "$(grep -c '"sites.unknown"' <<<"$out")"
check "scan --sites: the summary counts them" "1 1" \
  "$(grep -c 'judged by their site.s files  *7$' <<<"$err") $(grep -c 'site unknown (sites.unknown)  *4$' <<<"$err")"
run "$moisson" scan --no-progress --sites "$tmp/sites.db" --unknown-sites drop "$forum"
check "--unknown-sites drop drops them" "4" "$(grep -c '"reasons":\["sites.unknown"\]' <<<"$out")"
run "$moisson" scan --no-progress --sites "$tmp/sites.db" --unknown-sites keep "$forum"
check "--unknown-sites keep keeps them without a reason" "0 0" "$code $(grep -c 'sites.unknown"' <<<"$out")"
run "$moisson" scan --no-progress --unknown-sites drop "$forum"
check "--unknown-sites without a store is a usage error" \
  "2 moisson scan: --unknown-sites: no site-policy store is given (--sites, or [sites] store in the config)" "$code $err"
run "$moisson" scan --no-progress --sites "$tmp/nosuch.db" "$forum"
check "a missing store fails the run, naming it" \
  "2 moisson scan: $tmp/nosuch.db: no such site-policy store (make one with \`moisson sites import\`)" "$code $err"
run "$moisson" scan --no-progress --sites "$tmp/snap.db" "$forum"
check "a file that is no store is refused" "2 1" "$code $(grep -c 'not a site-policy store' <<<"$err")"
run "$moisson" scan --no-progress --sites "$tmp/sites.db" --unknown-sites maybe "$forum"
check "--unknown-sites takes flag, drop or keep" "2" "$code"
printf '[sites]\nstore = "sites.db"\nunknown = "drop"\n' > "$tmp/sites.toml"
run "$moisson" --config "$tmp/sites.toml" filter --no-progress --key "$tmp/f.key" --ledger "$tmp/sites-ledger.db" "$forum" -o "$tmp/sites-out.jsonl"
check "[sites] store and unknown, relative to the config file" "0 1" "$code $(grep -c 'sites.unknown  *4$' <<<"$err")"
check "the ledger row names the capture and the line that refused" \
  "robots.txt [2024-11-15T06:00:00Z]:4 Disallow: /" \
  "$(sql "$tmp/sites-ledger.db" "SELECT DISTINCT signal FROM documents WHERE url LIKE '%velo-club%'")"
check "the run's summary says which sites were judged" '"sites":{"origins":8,"judged":11,"unknown":4}' \
  "$(sql "$tmp/sites-ledger.db" "SELECT summary FROM runs" | grep -o '"sites":{[^}]*}')"
printf '[sites]\nstore = "nosuch-store.db"\n' > "$tmp/sites-crawl.toml"
run "$moisson" --config "$tmp/sites-crawl.toml" crawl http://127.0.0.1:9/ -o "$tmp/crawl-sites" --key "$tmp/f.key" --ledger "$tmp/crawl-sites.db" --allow-private --timeout 1 --no-progress
check "crawl reads each origin's files itself: [sites] store is not opened" "0 0" "$code $(grep -c 'site-policy store' <<<"$err")"
printf '[filters]\npage_signals = false\n[sites]\nstore = "sites.db"\n' > "$tmp/sites-nosig.toml"
run "$moisson" --config "$tmp/sites-nosig.toml" scan --no-progress "$forum"
check "a store with page signals off is a usage error" "2 1" "$code $(grep -c 'page_signals is false' <<<"$err")"

# --- crawl: usage errors name the file and line; nothing is fetched ------------
printf 'https://www.example.org/\n# a comment\n\nftp://www.example.org/x\n' > "$tmp/seeds.txt"
run "$moisson" crawl --seeds "$tmp/seeds.txt" -o "$tmp/crawl1" --key "$tmp/f.key" --ledger "$tmp/cl.db" --no-progress
check "a bad seed line is a usage error naming file and line" \
  "2 moisson crawl: $tmp/seeds.txt:4: not a seed URL: unsupported URL scheme 'ftp': only http and https are crawled 0" \
  "$code $err $(ls -d "$tmp"/crawl1 2>/dev/null | wc -l)"
run "$moisson" crawl -o "$tmp/crawl2" --key "$tmp/f.key" --ledger "$tmp/cl.db"
check "a crawl without seeds is a usage error" "2 moisson crawl: no seed URL: give URLs or --seeds FILE" "$code $err"
run "$moisson" crawl https://www.example.org/ --key "$tmp/f.key" --ledger "$tmp/cl.db"
check "a crawl without an output folder is a usage error" "2 moisson crawl: no output folder: -o DIR" "$code $err"
run "$moisson" crawl https://www.example.org/ -o "$tmp/crawl3" --ledger "$tmp/cl.db"
check "a crawl without a key is a usage error" 2 "$code"
run "$moisson" crawl --resume "$tmp" --key "$tmp/f.key" --ledger "$tmp/cl.db"
check "resuming a folder without a crawl state is a usage error naming it" "2 moisson crawl: $tmp/crawl-state.sqlite: no crawl state to resume" "$code $err"

# --- the layering check itself fails on a wrong-way include -------------------
mkdir -p "$tmp/tree/core"
echo '#include "policy/robots.h"' > "$tmp/tree/core/bad.cc"
run bash "$src/scripts/check_layers.sh" "$tmp/tree"
check "layering check catches core -> policy" 1 "$code"

# --- report: one self-contained HTML page, written atomically, no URL, no identifier
mkdir -p "$tmp/rep"
run "$moisson" report --ledger "$tmp/l.db" -o "$tmp/rep/report.html" --title 'Forum <test> & "co"'
check "report: exit and summary line" "0 1" \
  "$code $(grep -c "^report: [0-9]* rows, [0-9]* sites, [0-9]* runs; wrote $tmp/rep/report.html$" <<<"$out")"
page="$tmp/rep/report.html"
check "report: four SVG charts, each with a title" "4 4" \
  "$(grep -o '<svg class="chart"' "$page" | wc -l) $(grep -o '<title id="chart-[a-z]*-t">' "$page" | wc -l)"
check "report: the title escaped, no script, a site named" "1 0 1" \
  "$(grep -c '<title>Forum &lt;test&gt; &amp; &quot;co&quot;</title>' "$page") $(grep -c '<script' "$page") $(grep -c '>velo-club.example<' "$page")"
check "report: the ledger holds URLs and e-mail digests, the page none" "1 1 0 0" \
  "$(/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(int(c.execute("SELECT count(*) FROM documents WHERE url LIKE \"https://%\"").fetchone()[0] > 0), int(c.execute("SELECT count(*) FROM identifiers").fetchone()[0] > 0))' "$tmp/l.db") $(grep -cE 'https?://' "$page") $(grep -cE '[[:alnum:]._%+-]+@[[:alnum:]-]+\.[[:alnum:].-]+' "$page")"
head_hash=$("$moisson" audit verify --ledger "$tmp/l.db" | grep -oE '[0-9a-f]{64}$')
check "report: the only digest on the page is the chain's head" "64 1" \
  "${#head_hash} $([[ "$(grep -oE '[0-9a-f]{64}' "$page" | sort -u)" == "$head_hash" ]] && echo 1)"
# Atomic: the new page replaces the old by a rename (a hard link to the old
# file keeps the old bytes), no temporary file is left, and a refused run
# leaves the old page as it was.
printf 'old page\n' > "$tmp/rep/old.html"
ln -f "$tmp/rep/old.html" "$tmp/rep/linked.html"
run "$moisson" report --ledger "$tmp/l.db" -o "$tmp/rep/linked.html"
check "report: replaced by a rename, never rewritten in place" "0 old page 4" \
  "$code $(cat "$tmp/rep/old.html") $(grep -o '<svg class="chart"' "$tmp/rep/linked.html" | wc -l)"
check "report: no temporary file left" "0" "$(ls -a "$tmp/rep" | grep -c 'tmp')"
before=$(cksum <"$tmp/rep/linked.html")
run "$moisson" report --ledger "$tmp/missing.db" -o "$tmp/rep/linked.html"
check "report: a missing ledger is a usage error naming it; the old page stays" "2 moisson report: $tmp/missing.db: no such ledger 1" \
  "$code $err $([[ "$(cksum <"$tmp/rep/linked.html")" == "$before" ]] && echo 1)"
run "$moisson" report --ledger "$tmp/missing.db" -o "$tmp/rep/new.html"
check "report: a missing ledger creates neither ledger nor page" "2 0 0" \
  "$code $(ls "$tmp"/missing.db* 2>/dev/null | wc -l) $(ls "$tmp"/rep/new.html* 2>/dev/null | wc -l)"
run "$moisson" report --ledger "$src/README.md" -o "$tmp/rep/new.html"
check "report: a file that is not a ledger is named, no page" "1 1 0" \
  "$code $(grep -c "^moisson report: $src/README.md: " <<<"$err") $(ls "$tmp"/rep/new.html* 2>/dev/null | wc -l)"
run "$moisson" report --ledger "$tmp/l.db" -o "$tmp/l.db"
check "report: refuses to write over the ledger" "2 1" "$code $(grep -c 'is the ledger itself' <<<"$err")"
# A hostile ledger: site names from the web are escaped (or withheld when they
# hold a URL or an address); rights requests are counted, their references and
# subjects never shown; the edit breaks the chain and the page says so.
cp "$tmp/l.db" "$tmp/hostile.db"
/usr/bin/python3 - "$tmp/hostile.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE documents SET site = ? WHERE site = 'velo-club.example'", ("<img src=x onerror=alert(1)>&\"'.example",))
c.execute("UPDATE documents SET site = 'https://www.example.org/private/page' WHERE id = 1")
c.execute("UPDATE documents SET site = 'jeanne.martin@example.org' WHERE id = 2")
c.execute("INSERT INTO requests(ref, kind, subject_type, subject_digest, received_at, completed_at) VALUES "
          "('REQ-jeanne.martin@example.org', 'erase', 'email', ?, '2026-11-22T10:00:00Z', '2026-11-23T10:00:00Z'), "
          "('REQ-7', 'export', 'email', ?, '2026-11-22T11:00:00Z', NULL)", ("ab" * 32, "cd" * 32))
c.commit()
PY
run "$moisson" report --ledger "$tmp/hostile.db" -o "$tmp/rep/hostile.html"
page="$tmp/rep/hostile.html"
check "report: a hostile site name is escaped" "0 1 0" \
  "$code $(grep -c '&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;.example' "$page") $(grep -c '<img' "$page")"
check "report: sites holding a URL or an address are withheld" "0 0 1" \
  "$(grep -cE 'https?://' "$page") $(grep -c '@' "$page") $(grep -c '(not a domain name)' "$page")"
check "report: requests counted, no reference or subject digest" "1 1 0 0 0" \
  "$(grep -c '<tr><td>erase</td><td class="n">1</td><td class="n">1</td><td class="n">0</td></tr>' "$page") $(grep -c '<tr><td>export</td><td class="n">1</td><td class="n">0</td><td class="n">1</td></tr>' "$page") $(grep -c 'REQ-' "$page") $(grep -c 'abababab' "$page") $(grep -c 'cdcdcdcd' "$page")"
check "report: a broken chain is said" "1" "$(grep -c "hash chain is broken:</b> row [0-9]* was changed" "$page")"
# An empty ledger: every chart says so.
: > "$tmp/empty.jsonl"
"$moisson" filter --no-progress --allow-empty --key "$tmp/f.key" --ledger "$tmp/empty.db" "$tmp/empty.jsonl" -o "$tmp/empty-out.jsonl" >/dev/null 2>&1
run "$moisson" report --ledger "$tmp/empty.db" -o "$tmp/rep/empty.html"
check "report: an empty ledger, four charts with no data" "0 4" "$code $(grep -o 'class="nodata"' "$tmp/rep/empty.html" | wc -l)"

# Last: no file this script made moisson write (outputs, rejects, ledgers and
# their WAL, registries, reports, transparency files, datasheets) and none of
# the commands' stdout or stderr (all-io) holds the example's identifiers or
# dropped text. The inputs this script wrote (in.jsonl, oo.csv) are left out.
hits=$(find "$tmp" -type f ! -name in.jsonl ! -name oo.csv | while read -r f; do
  grep -aq "$leaks" "$f" && basename "$f"
done | sort | tr '\n' ' ')
check "no example identifier or dropped text in any output, ledger, stdout or stderr" "" "$hits"
check "the sweep read the commands' stdout and stderr" 1 "$(grep -c 'hash chain intact' "$tmp/all-io" | awk '{print ($1 >= 1)}')"

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
