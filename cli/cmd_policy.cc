// moisson policy explain
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "core/file_util.h"
#include "core/json.h"
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

void WriteJson(const Decision& d) {
  JsonWriter w;
  w.BeginObject();
  w.Key("url").String(d.url).Key("agent").String(d.agent).Key("collect").Bool(d.collect);
  w.Key("ai_train").String(policy::PreferenceName(d.ai_train));
  w.Key("reasons").BeginArray();
  for (const auto& r : d.reasons) w.String(r);
  w.EndArray();
  auto line_or_null = [&](int line) {
    if (line > 0) {
      w.Int(line);
    } else {
      w.Null();
    }
  };
  w.Key("signals").BeginObject();
  w.Key("robots").BeginObject().Key("allowed").Bool(d.robots.allowed).Key("line");
  line_or_null(d.robots.line);
  w.Key("rule");
  if (d.robots.rule.empty()) {
    w.Null();
  } else {
    w.String(d.robots.rule);
  }
  w.Key("fetch").String(d.robots.fetch).Key("fetch_reason").String(d.robots.fetch_reason);
  w.Key("crawl_delay");
  if (auto interval = d.robots.hints.MinInterval()) {
    w.Double(*interval);
  } else {
    w.Null();
  }
  w.Key("sitemaps").BeginArray();
  for (const auto& s : d.robots.sitemaps) w.String(s);
  w.EndArray();
  w.Key("source").String(d.robots.source).EndObject();
  w.Key("ai_agents").BeginArray();
  for (const auto& a : d.ai_agents) {
    w.BeginObject().Key("agent").String(a.agent).Key("allowed").Bool(a.allowed).Key("line");
    line_or_null(a.line);
    w.EndObject();
  }
  w.EndArray();
  w.Key("ai_txt");
  if (!d.ai_txt.published) {
    w.Null();
  } else {
    w.BeginObject().Key("allowed").Bool(d.ai_txt.allowed).Key("line");
    line_or_null(d.ai_txt.line);
    w.Key("rule");
    if (d.ai_txt.rule.empty()) {
      w.Null();
    } else {
      w.String(d.ai_txt.rule);
    }
    w.Key("source").String(d.ai_txt.source).EndObject();
  }
  w.Key("tdm").BeginObject().Key("reservation");
  if (d.tdm.reservation) {
    w.Int(*d.tdm.reservation);
  } else {
    w.Null();
  }
  w.Key("policy").OptString(d.tdm.policy).Key("source");
  if (d.tdm.reservation) {
    w.String(d.tdm.source);
  } else {
    w.Null();
  }
  w.EndObject();
  w.Key("content_usage").BeginObject();
  w.Key("train-ai").String(policy::PreferenceName(d.content_usage.train_ai));
  w.Key("search").String(policy::PreferenceName(d.content_usage.search)).EndObject();
  w.Key("content_signal").BeginObject();
  w.Key("search").String(policy::PreferenceName(d.content_signal.search));
  w.Key("ai-input").String(policy::PreferenceName(d.content_signal.ai_input));
  w.Key("ai-train").String(policy::PreferenceName(d.content_signal.ai_train)).EndObject();
  w.Key("x_robots").BeginObject().Key("noai").Bool(d.x_robots.noai).Key("noimageai").Bool(d.x_robots.noimageai);
  w.Key("noindex").Bool(d.x_robots.noindex).EndObject();
  w.EndObject();  // signals
  w.Key("evidence").BeginArray();
  for (const auto& e : d.evidence) {
    w.BeginObject().Key("signal").String(e.signal).Key("source").String(e.source).Key("line");
    line_or_null(e.line);
    w.Key("text").String(e.text).Key("effect").String(e.effect).Key("honoured").Bool(e.honoured).EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::cout << w.str() << "\n";
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
  policy::PageSignals page;
  for (const std::string& h : o.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      std::cerr << "moisson policy explain: --header must be \"Name: value\", got '" << h.substr(0, 80) << "'\n";
      return kExitUsage;
    }
    std::string value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    page.headers.emplace_back(h.substr(0, colon), value);
  }
  if (html) {
    page.html = std::move(html);
    page.html_source = Basename(o.html_path);
  }
  policy::RobotsFetch fetch;
  fetch.status = o.robots_status != 0 ? o.robots_status : (robots ? 200 : 404);
  const policy::PolicyEngine engine(config);
  policy::SitePolicy site = engine.LoadSite(fetch, robots.value_or(""), ai_txt, tdmrep);
  if (!robots && o.robots_status == 0) site.robots_fetch_reason = "not published (treated as HTTP 404: allow all)";
  if (!o.robots_path.empty()) site.robots_source = Basename(o.robots_path);
  if (!o.ai_txt_path.empty()) site.ai_txt_source = Basename(o.ai_txt_path);
  if (!o.tdmrep_path.empty()) site.tdmrep_source = Basename(o.tdmrep_path);
  if (site.tdmrep && !site.tdmrep->error.empty()) {
    std::cerr << "moisson policy explain: " << o.tdmrep_path << ": " << site.tdmrep->error << "\n";
  }
  const Decision d = engine.Decide(site, o.url, page);
  if (o.json) {
    WriteJson(d);
  } else {
    WriteText(d);
  }
  for (const auto& e : d.evidence) {
    if (e.effect == "url.invalid") {
      std::cerr << "moisson policy explain: " << e.text << "\n";
      return kExitUsage;
    }
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
