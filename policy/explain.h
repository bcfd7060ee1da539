// One URL explained from what its site published, given as bytes: the
// decision and every signal behind it. `moisson policy explain` and the Python
// module's policy_explain() are this function and this JSON.
//
//   ExplainInputs in;  in.url = "https://example.org/a";  in.robots = body;
//   auto e = Explain(PolicyEngine(config), in);      // fails on an invalid URL
//   std::string json = DecisionJson(e->decision);
#ifndef MOISSON_POLICY_EXPLAIN_H_
#define MOISSON_POLICY_EXPLAIN_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "policy/policy.h"

namespace moisson::policy {

struct ExplainInputs {
  std::string url;                       // absolute http(s) URL
  std::optional<std::string> robots;     // robots.txt body; absent: not published
  int robots_status = 0;                 // 0: 200 when `robots` is given, else 404
  std::optional<std::string> ai_txt;     // /ai.txt body
  std::optional<std::string> tdmrep;     // /.well-known/tdmrep.json body
  std::vector<std::pair<std::string, std::string>> headers;  // the page's response headers
  // The page's meta tags when it is HTML (pipeline/stages.h PolicyMetaTagsOf
  // reads them from the HTML with the chain's parser).
  std::optional<std::vector<MetaTag>> meta;
  // How the evidence names each input ("robots.txt" and "page" when empty).
  std::string robots_source, ai_txt_source, tdmrep_source, html_source;
};

struct Explanation {
  Decision decision;
  // Why tdmrep.json was not understood ("not valid JSON: ..."), "" when it
  // was or was not given; the decision then treats it as the protocol says.
  std::string tdmrep_error;
};

// Fails (InvalidArgument, the URL's problem as the message) when the URL is
// not an absolute http(s) URL.
Result<Explanation> Explain(const PolicyEngine& engine, const ExplainInputs& in);

// The decision as one JSON object (the `policy explain --json` line): url,
// agent, collect, ai_train, reasons, signals (robots, ai_agents, ai_txt, tdm,
// content_usage, content_signal, x_robots) and evidence.
std::string DecisionJson(const Decision& d);

}  // namespace moisson::policy

#endif  // MOISSON_POLICY_EXPLAIN_H_
