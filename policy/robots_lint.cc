#include "policy/robots_lint.h"

#include <algorithm>

#include "core/config.h"
#include "core/strings.h"
#include "policy/robots.h"
#include "policy/signals.h"

namespace moisson::policy {
namespace {

using Sev = LintFinding::Severity;

// Shortened for messages: robots files can hold anything on a line.
std::string Quote(std::string_view s) { return "'" + ClipForMessage(s, 60) + "'"; }

class Linter : public RobotsParseHandler {
 public:
  std::vector<LintFinding> findings;

  void HandleUserAgent(int line, std::string_view value) override {
    in_group_ = true;
    seen_rule_ = false;
    if (value.empty()) {
      Add(line, Sev::kError, "empty-user-agent", "user-agent line without a value");
    } else if (value != "*" && !IsValidProductToken(value)) {
      const std::string_view token = ExtractProductToken(value);
      std::string msg = "user-agent " + Quote(value) + " is not a valid product token ([A-Za-z_-]+)";
      if (value[0] == '*' && (value.size() == 1 || value[1] == ' ' || value[1] == '\t')) {
        msg += "; Google reads it as '*', RFC 9309 parsers do not";
      } else if (!token.empty()) {
        msg += "; Google matches it as '" + std::string(token) + "', RFC 9309 parsers match nothing";
      } else {
        msg += "; no crawler will match it";
      }
      Add(line, Sev::kError, "invalid-token", msg);
    }
  }

  void HandleAllow(int line, std::string_view value) override { Rule(line, value); }
  void HandleDisallow(int line, std::string_view value) override { Rule(line, value); }

  void HandleSitemap(int line, std::string_view value) override {
    if (value.find("://") == std::string_view::npos) {
      Add(line, Sev::kWarning, "sitemap-not-absolute", "sitemap " + Quote(value) + " is not an absolute URL");
    }
  }

  void HandleUnknownAction(int line, std::string_view key, std::string_view value) override {
    const std::string k = AsciiLower(key);
    if (k == "crawl-delay") {
      if (!ParseCrawlDelay(value)) Add(line, Sev::kWarning, "bad-crawl-delay", "crawl-delay " + Quote(value) + " is not a number of seconds");
      if (!in_group_) OutsideGroup(line, key);
    } else if (k == "request-rate") {
      if (!ParseRequestRate(value)) Add(line, Sev::kWarning, "bad-request-rate", "request-rate " + Quote(value) + " is not N/T[smhd]");
      if (!in_group_) OutsideGroup(line, key);
    } else if (k == "content-signal") {
      const ContentSignal cs = ParseContentSignal(value);
      for (const auto& bad : cs.ignored) {
        Add(line, Sev::kWarning, "content-signal-entry", "content-signal entry " + Quote(bad) + " is not search|ai-input|ai-train=yes|no");
      }
      if (!in_group_) OutsideGroup(line, key);
    } else if (k == "content-usage") {
      const ContentUsageRule r = ParseContentUsageRule(line, value, RobotsMode::kRfc);
      if (r.usage.parse_error) {
        Add(line, Sev::kError, "content-usage-syntax",
            "content-usage preferences do not parse as a structured-field dictionary (" + r.usage.error +
                "); every preference is unknown");
      }
      if (!in_group_) OutsideGroup(line, key);
    } else if (k == "host" || k == "visit-time" || k == "clean-param" || k == "noindex" || k == "nofollow") {
      Add(line, Sev::kWarning, "nonstandard-key", "'" + std::string(key) + "' is not part of RFC 9309; most crawlers ignore it");
    } else {
      Add(line, Sev::kWarning, "unknown-key", "unknown key " + Quote(key) + " is ignored");
    }
  }

  void ReportLineMetadata(int line, const RobotsLineMetadata& m) override {
    if (m.is_line_too_long) {
      Add(line, Sev::kError, "line-too-long", "line longer than 16,663 bytes; Google ignores the rest of it");
    }
    if (m.is_missing_colon_separator) {
      Add(line, Sev::kError, "missing-colon", "no ':' after the key; Google guesses, RFC 9309 parsers ignore the line");
    }
    if (m.is_acceptable_typo) {
      Add(line, Sev::kWarning, "typo", "misspelt key: Google accepts it, RFC 9309 parsers ignore the line");
    } else if (m.is_prefix_key) {
      Add(line, Sev::kWarning, "key-prefix", "key is longer than a known key; Google accepts it by prefix, RFC 9309 parsers ignore the line");
    }
    if (!m.has_directive && !m.is_empty && !m.is_comment && !m.is_missing_colon_separator) {
      Add(line, Sev::kError, "syntax", "not a 'key: value' line; ignored");
    }
  }

  void ReportSizeLimit(std::size_t parsed, std::size_t ignored) override {
    Add(0, Sev::kError, "too-large",
        "file exceeds 500 KiB; the last " + std::to_string(ignored) + " bytes are ignored (RFC 9309 2.5)");
  }

 private:
  void Rule(int line, std::string_view value) {
    seen_rule_ = true;
    if (!in_group_) {
      Add(line, Sev::kError, "rule-outside-group", "rule before any user-agent line is ignored");
      return;
    }
    if (!value.empty() && value[0] != '/' && value[0] != '*') {
      Add(line, Sev::kWarning, "pattern-not-path", "pattern " + Quote(value) + " does not start with '/' or '*' and matches nothing");
    }
    const std::size_t dollar = value.find('$');
    if (dollar != std::string_view::npos && dollar + 1 != value.size()) {
      Add(line, Sev::kWarning, "dollar-inside", "'$' only anchors at the end of a pattern; here it is a literal");
    }
  }

  void OutsideGroup(int line, std::string_view key) {
    Add(line, Sev::kWarning, "record-outside-group", "'" + std::string(key) + "' before any user-agent line applies to every crawler");
  }

  void Add(int line, Sev sev, std::string code, std::string msg) {
    findings.push_back({line, sev, std::move(code), std::move(msg)});
  }

  bool in_group_ = false;
  bool seen_rule_ = false;
};

}  // namespace

std::vector<LintFinding> LintRobotsTxt(std::string_view body) {
  Linter linter;
  // Google mode reads the most lines (typos, missing colons), so every line
  // that some crawler would obey gets checked.
  ParseRobotsTxt(body, RobotsMode::kGoogle, &linter);
  std::stable_sort(linter.findings.begin(), linter.findings.end(),
                   [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
  return linter.findings;
}

bool HasErrors(const std::vector<LintFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const LintFinding& f) { return f.severity == LintFinding::Severity::kError; });
}

}  // namespace moisson::policy
