// moisson robots check | eval | lint
#include <openssl/evp.h>
#include <simdjson.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/file_util.h"
#include "core/json.h"
#include "core/url.h"
#include "policy/robots.h"
#include "policy/robots_lint.h"

namespace moisson::cli {
namespace {

using policy::RobotsTxt;

const std::map<std::string, RobotsMode> kModes{{"google", RobotsMode::kGoogle}, {"rfc", RobotsMode::kRfc}};

// Decodes standard base64 (whitespace tolerated). nullopt when malformed.
std::optional<std::string> DecodeBase64(std::string_view in) {
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return std::nullopt;
  std::string out(clean.size() / 4 * 3 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  if (!clean.empty() && clean.back() == '=') --len;
  if (clean.size() >= 2 && clean[clean.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

// The path robots rules are matched against: google mode takes the URL as
// given, like google/robotstxt; rfc mode normalises (RobotsTxt::Match does).
std::string MatchPath(std::string_view url) { return PathParamsQuery(url); }

struct CheckOptions {
  std::string robots_path;
  std::string agent;
  RobotsMode mode = RobotsMode::kGoogle;
  std::vector<std::string> urls;
};

int RunCheck(const CheckOptions& o) {
  auto body = ReadFileToString(o.robots_path);
  if (!body.ok()) {
    std::cerr << "moisson robots check: " << body.status().message() << "\n";
    return kExitUsage;
  }
  const RobotsTxt robots = RobotsTxt::Parse(body.value(), o.mode);
  bool any_disallowed = false;
  std::string out;
  for (const std::string& url : o.urls) {
    const policy::RobotsMatch m = robots.Match(o.agent, MatchPath(url));
    any_disallowed |= !m.allowed;
    out += m.allowed ? "allowed\t" : "disallowed\t";
    out += url;
    out += "\t" + std::to_string(m.line) + "\t";
    if (m.rule) out += policy::RuleText(*m.rule);
    out += "\n";
  }
  std::cout << out << std::flush;
  return any_disallowed ? kExitFailed : kExitOk;
}

struct EvalOptions {
  RobotsMode mode = RobotsMode::kGoogle;
};

// Evaluates one eval input line; returns the output line (without newline).
class Evaluator {
 public:
  explicit Evaluator(RobotsMode mode) : mode_(mode) {}

  std::string Line(const std::string& line, std::size_t line_no) {
    auto error = [&](const std::string& msg) {
      JsonWriter w;
      w.BeginObject().Key("error").String("line " + std::to_string(line_no) + ": " + msg).EndObject();
      return w.Take();
    };
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    if (parser_.parse(line).get(doc) || doc.get_object().get(obj)) return error("not a JSON object");
    std::string_view agent, url, text, b64;
    std::optional<std::string> body;
    if (!obj["robots_b64"].get_string().get(b64)) {
      body = DecodeBase64(b64);
      if (!body) return error("\"robots_b64\" is not valid base64");
    } else if (!obj["robots"].get_string().get(text)) {
      body = std::string(text);
    } else {
      return error("missing string \"robots\" or \"robots_b64\"");
    }
    if (obj["agent"].get_string().get(agent)) return error("missing string \"agent\"");
    if (obj["url"].get_string().get(url)) return error("missing string \"url\"");
    if (!cached_ || *body != cached_body_) {
      cached_ = std::make_unique<RobotsTxt>(RobotsTxt::Parse(*body, mode_));
      cached_body_ = std::move(*body);
    }
    const policy::RobotsMatch m = cached_->Match(agent, MatchPath(url));
    JsonWriter w;
    w.BeginObject().Key("allowed").Bool(m.allowed).Key("line");
    if (m.line > 0) {
      w.Int(m.line);
    } else {
      w.Null();
    }
    w.EndObject();
    return w.Take();
  }

 private:
  RobotsMode mode_;
  simdjson::dom::parser parser_;
  std::string cached_body_;
  std::unique_ptr<RobotsTxt> cached_;  // consecutive lines often share a file
};

int RunEval(const EvalOptions& o) {
  Evaluator evaluator(o.mode);
  std::string line, out;
  std::size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out += evaluator.Line(line, ++line_no);
    out += '\n';
    if (out.size() > (1 << 16)) {
      std::cout << out;
      out.clear();
    }
  }
  std::cout << out << std::flush;
  return kExitOk;
}

int RunLint(const std::string& path) {
  auto body = ReadFileToString(path);
  if (!body.ok()) {
    std::cerr << "moisson robots lint: " << body.status().message() << "\n";
    return kExitUsage;
  }
  const auto findings = policy::LintRobotsTxt(body.value());
  int errors = 0, warnings = 0;
  for (const auto& f : findings) {
    const bool err = f.severity == policy::LintFinding::Severity::kError;
    (err ? errors : warnings)++;
    std::cout << path << ":" << f.line << ": " << (err ? "error" : "warning") << ": " << f.message << " [" << f.code
              << "]\n";
  }
  std::cout << path << ": " << errors << " error(s), " << warnings << " warning(s)\n";
  return errors > 0 ? kExitFailed : kExitOk;
}

}  // namespace

void AddRobotsCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  CLI::App* robots = app->add_subcommand("robots", "Check, evaluate and lint robots.txt files (RFC 9309)");
  robots->require_subcommand(1);

  auto check = std::make_shared<CheckOptions>();
  CLI::App* c = robots->add_subcommand(
      "check", "Print 'allowed' or 'disallowed', the URL, the deciding line (0: none) and rule, tab-separated, "
               "one line per URL. Exit 0 if all are allowed, 1 if any is disallowed.");
  c->add_option("--robots", check->robots_path, "robots.txt file")->required()->check(CLI::ExistingFile);
  c->add_option("--agent", check->agent, "product token of the crawler, e.g. moisson")->required();
  c->add_option("--mode", check->mode, "google (default) or rfc")->transform(CLI::CheckedTransformer(kModes, CLI::ignore_case))->option_text("google|rfc");
  c->add_option("urls", check->urls, "URLs to check")->required();
  c->callback([run, check] { *run = [check] { return RunCheck(*check); }; });

  auto eval = std::make_shared<EvalOptions>();
  CLI::App* e = robots->add_subcommand(
      "eval", "Read JSONL {\"robots\"|\"robots_b64\", \"agent\", \"url\"} on stdin; write one "
              "{\"allowed\", \"line\"} (or {\"error\"}) line per input line, in order.");
  e->add_option("--mode", eval->mode, "google (default) or rfc")->transform(CLI::CheckedTransformer(kModes, CLI::ignore_case))->option_text("google|rfc");
  e->callback([run, eval] { *run = [eval] { return RunEval(*eval); }; });

  auto lint_path = std::make_shared<std::string>();
  CLI::App* l = robots->add_subcommand(
      "lint", "Report typos, unknown keys, invalid tokens, over-long lines and rules outside groups, with line "
              "numbers. Exit 1 if any error.");
  l->add_option("file", *lint_path, "robots.txt file")->required()->check(CLI::ExistingFile);
  l->callback([run, lint_path] { *run = [lint_path] { return RunLint(*lint_path); }; });
  (void)global;
}

}  // namespace moisson::cli
