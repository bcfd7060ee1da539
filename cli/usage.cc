#include "cli/usage.h"

#include <algorithm>

namespace moisson::cli {
namespace {

// One entry per command, by its full name below "moisson" ("" is moisson
// itself). Every command here runs as written from the top of the source
// tree once scripts/example.sh has made examples/out (key, registry,
// ledger); the crawl example needs the example site served on port 8080, as
// its text says. tests/cli_help_test.sh checks that each command's --help
// shows its entry.
struct Example {
  const char* command;
  const char* text;
};

constexpr Example kExamples[] = {
    {"", "Examples:\n"
         "  moisson --config examples/moisson.toml scan examples/dumps/forum.jsonl\n"
         "  moisson robots check --robots examples/site/robots.txt --agent GPTBot https://www.example.org/photos/"},
    {"robots", "Examples:\n"
               "  moisson robots check --robots examples/site/robots.txt --agent moisson --mode rfc "
               "https://www.example.org/account/\n"
               "  moisson robots lint examples/site/robots.txt"},
    {"robots check", "Example:\n"
                     "  moisson robots check --robots examples/site/robots.txt --agent GPTBot --mode google "
                     "https://www.example.org/photos/ https://www.example.org/blog/"},
    {"robots eval", "Example:\n"
                    "  echo '{\"robots\": \"User-agent: *\\nDisallow: /private\", \"agent\": \"moisson\", "
                    "\"url\": \"https://example.org/private/a\"}' | moisson robots eval --mode rfc"},
    {"robots lint", "Example:\n  moisson robots lint examples/site/robots.txt"},
    {"policy", "Example:\n"
               "  moisson policy explain --url https://www.example.org/photos/ --robots examples/site/robots.txt "
               "--ai-txt examples/site/ai.txt"},
    {"policy explain", "Examples:\n"
                       "  moisson --config examples/moisson.toml policy explain "
                       "--url https://www.example.org/articles/vendanges-2024 --robots examples/site/robots.txt "
                       "--ai-txt examples/site/ai.txt --tdmrep examples/site/.well-known/tdmrep.json "
                       "--html examples/site/articles/vendanges-2024.html\n"
                       "  moisson policy explain --url https://www.example.org/ --header 'X-Robots-Tag: noai' --json"},
    {"blocklist", "Example:\n"
                  "  moisson --config examples/moisson.toml blocklist check --defaults https://www.example.org/ "
                  "https://www.doctissimo.fr/"},
    {"blocklist check", "Examples:\n"
                        "  moisson --config examples/moisson.toml blocklist check --defaults "
                        "https://www.example.org/ https://www.doctissimo.fr/\n"
                        "  moisson --config examples/moisson.toml blocklist compile --defaults --out /tmp/lists.snap\n"
                        "  moisson blocklist check --snapshot /tmp/lists.snap https://www.example.org/"},
    {"blocklist compile", "Example:\n"
                          "  moisson --config examples/moisson.toml blocklist compile --defaults "
                          "--out /tmp/lists.snap"},
    {"blocklist import", "Example:\n"
                         "  moisson blocklist import --ut1 blocklists/data/ut1 --categories dating,agressif "
                         "--to /tmp/ut1-lists --replace"},
    {"blocklist stats", "Example:\n  moisson --config examples/moisson.toml blocklist stats --defaults"},
    {"optout", "Example:\n  moisson --config examples/moisson.toml optout check --email bertrand.lefort@example.org"},
    {"blocklist update", "Examples:\n"
                         "  moisson --config examples/moisson.toml blocklist update --snapshot lists.snap\n"
                         "  moisson blocklist update --source blacklists.tar.gz --snapshot lists.snap"},
    {"sites", "Examples:\n"
              "  moisson sites import --store sites.sqlite robotstxt.warc.gz\n"
              "  moisson filter --sites sites.sqlite -o out.jsonl dump.warc.gz"},
    {"sites import", "Examples:\n"
                     "  moisson sites import --store sites.sqlite CC-MAIN-robotstxt-00000.warc.gz\n"
                     "  moisson sites import --store sites.sqlite --date 2026-11-01 examples/sites/"},
    {"sites fetch", "Example:\n"
                    "  moisson sites fetch --store sites.sqlite --hosts hosts.txt"},
    {"sites stats", "Example:\n"
                    "  moisson sites stats --store sites.sqlite"},
    {"optout add", "Examples:\n"
                   "  moisson --config examples/moisson.toml optout add --email claire.morel@example.fr --ref REQ-42\n"
                   "  moisson --config examples/moisson.toml optout add --site-owner example.net --ref REQ-43"},
    {"optout remove", "Example:\n"
                      "  moisson --config examples/moisson.toml optout remove --email claire.morel@example.fr"},
    {"optout check", "Example:\n"
                     "  moisson --config examples/moisson.toml optout check --email bertrand.lefort@example.org"},
    {"optout init", "Example:\n  moisson optout init --registry optout.sqlite --key moisson.key"},
    {"optout list", "Example:\n  moisson --config examples/moisson.toml optout list"},
    {"optout import", "Example:\n"
                      "  printf 'email,claire.morel@example.fr,,REQ-42\\n' > /tmp/requests.csv\n"
                      "  moisson --config examples/moisson.toml optout import /tmp/requests.csv"},
    {"keygen", "Example:\n  moisson keygen --out /tmp/moisson.key"},
    {"scan", "Examples:\n"
             "  moisson --config examples/moisson.toml scan examples/dumps/forum.jsonl\n"
             "  moisson --config examples/moisson.toml scan examples/dumps/pages.warc.gz --threads 2 "
             "-o /tmp/verdicts.jsonl"},
    {"filter", "Examples:\n"
               "  moisson --config examples/moisson.toml filter examples/dumps/forum.jsonl "
               "examples/dumps/pages.warc.gz --dedup -o /tmp/dataset.jsonl.zst --rejects /tmp/rejects.jsonl\n"
               "  zcat export.jsonl.gz | moisson --config examples/moisson.toml filter - --text-field body "
               "--max-skipped 0.1% -o - | gzip > clean.jsonl.gz\n"
               "  moisson --config examples/moisson.toml filter examples/dumps -o /tmp/shards/ --rank 0 --world-size 2 "
               "--resume\n"
               "  moisson filter --inputs-from warc.paths.gz --base-url https://data.commoncrawl.org/ -o out/ --resume"},
    {"merge-summary", "Example (after every rank of a run over /tmp/shards/ finished):\n"
                      "  moisson merge-summary /tmp/shards --verify"},
    {"crawl", "Examples (the example site served on port 8080 first: "
              "python3 -m http.server -d examples/site 8080):\n"
              "  moisson --config examples/moisson.toml crawl http://127.0.0.1:8080/ -o /tmp/crawl "
              "--allow-private --delay 0.1\n"
              "  moisson --config examples/moisson.toml crawl --resume /tmp/crawl"},
    {"audit", "Example:\n  moisson --config examples/moisson.toml audit verify"},
    {"audit verify", "Example:\n  moisson --config examples/moisson.toml audit verify"},
    {"audit sites", "Example:\n  moisson --config examples/moisson.toml audit sites --format md"},
    {"audit url", "Example:\n"
                  "  moisson --config examples/moisson.toml audit url "
                  "https://forum.velo-club.example/topic/412-sortie-dimanche --json"},
    {"rights", "Example:\n  moisson --config examples/moisson.toml rights find --email claire.morel@example.fr"},
    {"rights find", "Examples:\n"
                    "  moisson --config examples/moisson.toml rights find --email claire.morel@example.fr\n"
                    "  moisson --config examples/moisson.toml rights find "
                    "--url-prefix https://forum.velo-club.example/ --json"},
    {"rights export", "Example:\n"
                      "  moisson --config examples/moisson.toml rights export --email claire.morel@example.fr "
                      "-o /tmp/claire.jsonl --ref REQ-44"},
    {"rights erase", "Example:\n"
                     "  moisson --config examples/moisson.toml rights erase --email claire.morel@example.fr "
                     "--ref REQ-45"},
    {"publish", "Example:\n  moisson --config examples/moisson.toml publish -o /tmp/transparency --top 20"},
    {"datasheet", "Example:\n"
                  "  moisson --config examples/moisson.toml datasheet -o /tmp/datasheet.md --name forum-2026"},
    {"purge", "Examples:\n"
              "  moisson --config examples/moisson.toml purge --older-than 365 --dry-run\n"
              "  moisson --config examples/moisson.toml purge"},
    {"report", "Example:\n  moisson --config examples/moisson.toml report -o /tmp/report.html --title 'Forum 2026'"},
};

// "robots check" for the app `robots check`; "" for the root.
std::string FullName(const CLI::App* app) {
  std::string name;
  for (const CLI::App* a = app; a->get_parent() != nullptr; a = a->get_parent()) {
    name = name.empty() ? a->get_name() : a->get_name() + " " + name;
  }
  return name;
}

void SetFooters(CLI::App* app) {
  const std::string name = FullName(app);
  for (const Example& e : kExamples) {
    if (name == e.command) app->footer(e.text);
  }
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) SetFooters(sub);
}

// A named subcommand of `app` called `word`, or nullptr.
const CLI::App* Subcommand(const CLI::App& app, const std::string& word) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_name().empty() && sub->check_name(word)) return sub;
  }
  return nullptr;
}

}  // namespace

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];  // row[i-1][j-1]
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];  // row[i-1][j]
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> ClosestName(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::optional<std::string> UnknownLongOption(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* current = &app;
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      const std::string option = arg.substr(0, arg.find('='));
      bool known = false;
      std::vector<std::string> names;
      for (const CLI::App* a = current; a != nullptr; a = a->get_parent()) {
        known = known || a->get_option_no_throw(option) != nullptr;
        for (const CLI::Option* o : a->get_options()) {
          for (const std::string& l : o->get_lnames()) names.push_back(l);
        }
      }
      if (known) continue;
      const std::string command = "moisson" + (current == &app ? std::string() : " " + FullName(current));
      std::string message = command + ": unknown option " + option;
      if (auto close = ClosestName(option.substr(2), names)) {
        message += "; did you mean --" + *close + "?";
      } else {
        message += " (see " + command + " --help)";
      }
      return message;
    }
    if (!arg.empty() && arg.front() != '-') {
      if (const CLI::App* sub = Subcommand(*current, arg)) current = sub;
    }
  }
  return std::nullopt;
}

void AddHelpExamples(CLI::App* app) { SetFooters(app); }

}  // namespace moisson::cli
