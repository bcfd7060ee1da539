// moisson policy explain
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "core/file_util.h"
#include "core/json.h"
#include "pipeline/stages.h"
#include "policy/explain.h"
#include "policy/policy.h"

namespace moisson::cli {
namespace {

using policy::Decision;
using policy::Preference;

struct ExplainOptions {
  std::string url;
  std::string agent;
  std::string robots_path;
  int robots_status = 0;  // 0: 200 when --robots is given, 404 otherwise
  std::string ai_txt_path;
  std::string tdmrep_path;
  std::vector<std::string> headers;
  std::string html_path;
  bool json = false;
};

std::string Basename(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void WriteText(const Decision& d) {
  std::ostringstream o;
  o << "url       " << d.url << "\n";
  o << "agent     " << d.agent << "\n";
  o << "collect   " << (d.collect ? "yes" : "no") << "\n";
  o << "ai_train  " << policy::PreferenceName(d.ai_train) << "\n";
  o << "reasons   ";
  for (std::size_t i = 0; i < d.reasons.size(); ++i) o << (i ? ", " : "") << d.reasons[i];
  o << "\n\nevidence (signal, source:line, rule or value, effect):\n";
  for (const auto& e : d.evidence) {
    std::string where = e.source;
    if (e.line > 0) where += ":" + std::to_string(e.line);
    const std::string text = e.text.empty() ? "(no rule matched)" : e.text;
    o << "  " << std::left << std::setw(15) << e.signal << std::setw(28) << where << " " << text << "  -> "
      << e.effect << (e.honoured ? "" : " (not honoured: switched off in config)") << "\n";
  }
  if (d.evidence.empty()) o << "  (none)\n";
  if (auto interval = d.robots.hints.MinInterval()) {
    o << "\npoliteness: wait " << *interval << " s between requests (robots.txt line "
      << std::max(d.robots.hints.crawl_delay_line, d.robots.hints.request_rate_line) << ")\n";
  }
  std::cout << o.str();
}

int RunExplain(const GlobalOptions& global, const ExplainOptions& o) {
  Config config;
  if (!LoadConfigOrReport(global, &config)) return kExitUsage;
  if (!o.agent.empty()) {
    if (!IsValidProductToken(o.agent)) {
      std::cerr << "moisson policy explain: --agent must be a product token ([A-Za-z_-]+)\n";
      return kExitUsage;
    }
    config.crawler.product_token = o.agent;
  }
  auto read = [](const std::string& path, std::optional<std::string>* out) {
    if (path.empty()) return true;
    auto r = ReadFileToString(path);
    if (!r.ok()) {
      std::cerr << "moisson policy explain: " << r.status().message() << "\n";
      return false;
    }
    *out = std::move(r.value());
    return true;
  };
  std::optional<std::string> robots, ai_txt, tdmrep, html;
  if (!read(o.robots_path, &robots) || !read(o.ai_txt_path, &ai_txt) || !read(o.tdmrep_path, &tdmrep) ||
      !read(o.html_path, &html)) {
    return kExitUsage;
  }
  policy::ExplainInputs in;
  for (const std::string& h : o.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      std::cerr << "moisson policy explain: --header must be \"Name: value\", got '" << h.substr(0, 80) << "'\n";
      return kExitUsage;
    }
    std::string value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    in.headers.emplace_back(h.substr(0, colon), value);
  }
  in.url = o.url;
  in.robots = std::move(robots);
  in.robots_status = o.robots_status;
  in.ai_txt = std::move(ai_txt);
  in.tdmrep = std::move(tdmrep);
  if (html) in.meta = pipeline::PolicyMetaTagsOf(*html);
  if (!o.robots_path.empty()) in.robots_source = Basename(o.robots_path);
  if (!o.ai_txt_path.empty()) in.ai_txt_source = Basename(o.ai_txt_path);
  if (!o.tdmrep_path.empty()) in.tdmrep_source = Basename(o.tdmrep_path);
  if (!o.html_path.empty()) in.html_source = Basename(o.html_path);
  auto e = policy::Explain(policy::PolicyEngine(config), in);
  if (!e.ok()) {
    std::cerr << "moisson policy explain: " << e.status().message() << "\n";
    return kExitUsage;
  }
  if (!e->tdmrep_error.empty()) std::cerr << "moisson policy explain: " << o.tdmrep_path << ": " << e->tdmrep_error << "\n";
  const Decision& d = e->decision;
  if (o.json) {
    std::cout << policy::DecisionJson(d) << "\n";
  } else {
    WriteText(d);
  }
  // As `robots check` for a disallowed URL: 1 when the URL may not be collected.
  return d.collect ? kExitOk : kExitFailed;
}

}  // namespace

void AddPolicyCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  CLI::App* policy_cmd = app->add_subcommand("policy", "Decide whether a URL may be collected and used for AI training");
  policy_cmd->require_subcommand(1);
  auto o = std::make_shared<ExplainOptions>();
  CLI::App* e = policy_cmd->add_subcommand(
      "explain", "Show the decision for one URL and every signal behind it (exit 1 when it may not be collected). "
                 "Inputs not given count as not published.");
  e->add_option("--url", o->url, "absolute http(s) URL")->required();
  e->add_option("--agent", o->agent, "product token (default: crawler.product_token from the config)");
  e->add_option("--robots", o->robots_path, "the site's robots.txt")->check(CLI::ExistingFile);
  e->add_option("--robots-status", o->robots_status,
                "HTTP status robots.txt was fetched with (default 200 with --robots, else 404)")
      ->check(CLI::Range(100, 599));
  e->add_option("--ai-txt", o->ai_txt_path, "the site's /ai.txt")->check(CLI::ExistingFile);
  e->add_option("--tdmrep", o->tdmrep_path, "the site's /.well-known/tdmrep.json")->check(CLI::ExistingFile);
  e->add_option("--header", o->headers, "a response header, \"Name: value\" (repeatable)")->allow_extra_args(false);
  e->add_option("--html", o->html_path, "the page's HTML")->check(CLI::ExistingFile);
  e->add_flag("--json", o->json, "one JSON object instead of text");
  e->callback([run, global, o] { *run = [global, o] { return RunExplain(*global, *o); }; });
}

}  // namespace moisson::cli
