#include "policy/explain.h"

#include "core/json.h"

namespace moisson::policy {

Result<Explanation> Explain(const PolicyEngine& engine, const ExplainInputs& in) {
  RobotsFetch fetch;
  fetch.status = in.robots_status != 0 ? in.robots_status : (in.robots ? 200 : 404);
  std::optional<std::string_view> ai_txt, tdmrep;
  if (in.ai_txt) ai_txt = *in.ai_txt;
  if (in.tdmrep) tdmrep = *in.tdmrep;
  SitePolicy site = engine.LoadSite(fetch, in.robots.value_or(""), ai_txt, tdmrep);
  if (!in.robots && in.robots_status == 0) site.robots_fetch_reason = "not published (treated as HTTP 404: allow all)";
  if (!in.robots_source.empty()) site.robots_source = in.robots_source;
  if (!in.ai_txt_source.empty()) site.ai_txt_source = in.ai_txt_source;
  if (!in.tdmrep_source.empty()) site.tdmrep_source = in.tdmrep_source;
  Explanation out;
  if (site.tdmrep) out.tdmrep_error = site.tdmrep->error;
  PageSignals page;
  page.headers = in.headers;
  page.meta = in.meta;
  if (!in.html_source.empty()) page.html_source = in.html_source;
  out.decision = engine.Decide(site, in.url, page);
  for (const auto& e : out.decision.evidence) {
    if (e.effect == "url.invalid") return Status::InvalidArgument(e.text);
  }
  return out;
}

std::string DecisionJson(const Decision& d) {
  JsonWriter w;
  w.BeginObject();
  w.Key("url").String(d.url).Key("agent").String(d.agent).Key("collect").Bool(d.collect);
  w.Key("ai_train").String(PreferenceName(d.ai_train));
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
  w.Key("train-ai").String(PreferenceName(d.content_usage.train_ai));
  w.Key("search").String(PreferenceName(d.content_usage.search)).EndObject();
  w.Key("content_signal").BeginObject();
  w.Key("search").String(PreferenceName(d.content_signal.search));
  w.Key("ai-input").String(PreferenceName(d.content_signal.ai_input));
  w.Key("ai-train").String(PreferenceName(d.content_signal.ai_train)).EndObject();
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
  return w.Take();
}

}  // namespace moisson::policy
