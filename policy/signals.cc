#include "policy/signals.h"

#include <simdjson.h>

#include <charconv>
#include <unordered_map>
#include <cmath>

#include "policy/structured_field.h"
#include "core/strings.h"

namespace moisson::policy {
namespace {

// Calls f(piece) for each comma-separated piece, trimmed.
template <typename F>
void ForEachCommaPiece(std::string_view s, F&& f) {
  while (true) {
    const std::size_t comma = s.find(',');
    f(TrimAsciiSpace(s.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
}

std::optional<double> ParseNumber(std::string_view s) {
  s = TrimAsciiSpace(s);
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size() || !std::isfinite(v) || v < 0) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

const char* PreferenceName(Preference p) {
  switch (p) {
    case Preference::kAllow: return "allowed";
    case Preference::kDisallow: return "disallowed";
    case Preference::kUnknown: break;
  }
  return "unknown";
}

Preference CombinePreferences(Preference a, Preference b) {
  if (a == Preference::kDisallow || b == Preference::kDisallow) return Preference::kDisallow;
  if (a == Preference::kAllow || b == Preference::kAllow) return Preference::kAllow;
  return Preference::kUnknown;
}

ContentUsage ParseContentUsage(std::string_view value) {
  ContentUsage cu;
  std::string error;
  const auto dict = ParseSfDictionary(TrimAsciiSpace(value), &error);
  if (!dict) {
    cu.parse_error = true;
    cu.error = error;
    return cu;
  }
  for (const auto& [key, item] : *dict) {
    Preference p = Preference::kUnknown;
    if (item.type == SfItem::Type::kToken) {
      if (item.text == "y") p = Preference::kAllow;
      if (item.text == "n") p = Preference::kDisallow;
    }
    if (key == "train-ai") cu.train_ai = p;
    if (key == "search") cu.search = p;
  }
  return cu;
}

void MergeContentUsage(ContentUsage* a, const ContentUsage& b) {
  if (b.parse_error) return;
  a->train_ai = CombinePreferences(a->train_ai, b.train_ai);
  a->search = CombinePreferences(a->search, b.search);
}

ContentUsageRule ParseContentUsageRule(int line, std::string_view value, RobotsMode mode) {
  ContentUsageRule r;
  r.line = line;
  value = TrimAsciiSpace(value);
  std::string_view prefs = value;
  if (!value.empty() && value.front() == '/') {
    std::size_t end = 0;
    while (end < value.size() && !IsAsciiSpace(value[end])) ++end;
    r.path = std::string(value.substr(0, end));
    prefs = TrimAsciiSpace(value.substr(end));
  } else {
    r.path = "/";
  }
  r.pattern = mode == RobotsMode::kGoogle ? PathPattern::Google(GoogleEscapePattern(r.path))
                                          : PathPattern::Rfc(r.path);
  r.usage = ParseContentUsage(prefs);
  return r;
}

ContentSignal ParseContentSignal(std::string_view value) {
  ContentSignal cs;
  ForEachCommaPiece(value, [&](std::string_view piece) {
    if (piece.empty()) return;
    const std::size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      cs.ignored.emplace_back(piece);
      return;
    }
    const std::string key = AsciiLower(TrimAsciiSpace(piece.substr(0, eq)));
    const std::string val = AsciiLower(TrimAsciiSpace(piece.substr(eq + 1)));
    Preference p;
    if (val == "yes") {
      p = Preference::kAllow;
    } else if (val == "no") {
      p = Preference::kDisallow;
    } else {
      cs.ignored.emplace_back(piece);
      return;
    }
    if (key == "search") {
      cs.search = CombinePreferences(cs.search, p);
    } else if (key == "ai-input") {
      cs.ai_input = CombinePreferences(cs.ai_input, p);
    } else if (key == "ai-train") {
      cs.ai_train = CombinePreferences(cs.ai_train, p);
    } else {
      cs.ignored.emplace_back(piece);
    }
  });
  return cs;
}

void MergeContentSignal(ContentSignal* a, const ContentSignal& b) {
  a->search = CombinePreferences(a->search, b.search);
  a->ai_input = CombinePreferences(a->ai_input, b.ai_input);
  a->ai_train = CombinePreferences(a->ai_train, b.ai_train);
}

std::optional<double> ParseCrawlDelay(std::string_view value) { return ParseNumber(value); }

std::optional<double> ParseRequestRate(std::string_view value) {
  value = TrimAsciiSpace(value);
  const std::size_t space = value.find_first_of(" \t");
  const std::string_view rate = value.substr(0, space);
  const std::size_t slash = rate.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto requests = ParseNumber(rate.substr(0, slash));
  std::string_view period = rate.substr(slash + 1);
  double unit = 1;
  if (!period.empty()) {
    switch (period.back()) {
      case 's': period.remove_suffix(1); break;
      case 'm': unit = 60; period.remove_suffix(1); break;
      case 'h': unit = 3600; period.remove_suffix(1); break;
      case 'd': unit = 86400; period.remove_suffix(1); break;
      default: break;
    }
  }
  const auto seconds = ParseNumber(period);
  if (!requests || !seconds || *requests <= 0) return std::nullopt;
  const double interval = *seconds * unit / *requests;
  if (!std::isfinite(interval)) return std::nullopt;
  return interval;
}

namespace {

void ApplyRule(std::string_view rule, RobotsDirectives* d) {
  const std::string r = AsciiLower(TrimAsciiSpace(rule));
  if (r == "noai") d->noai = true;
  else if (r == "noimageai") d->noimageai = true;
  else if (r == "noindex") d->noindex = true;
  else if (r == "nofollow") d->nofollow = true;
  else if (r == "none") d->noindex = d->nofollow = true;
}

bool IsRuleWithValue(std::string_view name) {
  static constexpr std::string_view kRules[] = {"unavailable_after", "max-snippet", "max-image-preview",
                                                "max-video-preview"};
  for (std::string_view r : kRules) {
    if (name == r) return true;
  }
  return false;
}

}  // namespace

std::vector<RobotsDirectives> ParseXRobotsTag(std::string_view value) {
  std::vector<RobotsDirectives> out(1);  // out[0]: unscoped
  std::unordered_map<std::string, std::size_t> index;  // agent -> position in out
  std::size_t current = 0;
  ForEachCommaPiece(value, [&](std::string_view piece) {
    if (piece.empty()) return;
    const std::size_t colon = piece.find(':');
    if (colon != std::string_view::npos) {
      const std::string head = AsciiLower(TrimAsciiSpace(piece.substr(0, colon)));
      if (IsRuleWithValue(head)) return;  // "unavailable_after: <date>" and friends
      // "agent: rules": a new scope that lasts until the next one.
      if (head.empty() || head == "*") {
        current = 0;
      } else {
        const auto [it, inserted] = index.emplace(head, out.size());
        current = it->second;
        if (inserted) {
          out.emplace_back();
          out.back().agent = head;
        }
      }
      piece = TrimAsciiSpace(piece.substr(colon + 1));
      const std::size_t inner = piece.find(':');
      if (inner != std::string_view::npos && IsRuleWithValue(AsciiLower(TrimAsciiSpace(piece.substr(0, inner))))) return;
    }
    ApplyRule(piece, &out[current]);
  });
  return out;
}

RobotsDirectives ParseMetaRobots(std::string_view name, std::string_view content) {
  RobotsDirectives d;
  const std::string n = AsciiLower(TrimAsciiSpace(name));
  if (n != "robots") d.agent = n;
  ForEachCommaPiece(content, [&](std::string_view piece) { ApplyRule(piece, &d); });
  return d;
}

std::optional<int> ParseTdmReservation(std::string_view value) {
  value = TrimAsciiSpace(value);
  if (value == "1") return 1;
  if (value == "0") return 0;
  return std::nullopt;
}

TdmRepFile ParseTdmRepJson(std::string_view json) {
  TdmRepFile file;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root)) {
    file.error = std::string("not valid JSON: ") + simdjson::error_message(err);
    return file;
  }
  simdjson::dom::array rules;
  if (root.get_array().get(rules)) {
    file.error = "the top level is not a JSON array";
    return file;
  }
  file.valid = true;
  std::size_t index = 0;
  for (simdjson::dom::element e : rules) {
    ++index;
    auto skip = [&](const std::string& why) {
      if (!file.error.empty()) file.error += "; ";
      file.error += "rule " + std::to_string(index) + " skipped: " + why;
    };
    simdjson::dom::object obj;
    if (e.get_object().get(obj)) {
      skip("not an object");
      continue;
    }
    TdmRepRule rule;
    rule.index = index;
    std::string_view location;
    if (obj["location"].get_string().get(location)) {
      skip("no string \"location\"");
      continue;
    }
    rule.location = std::string(location);
    rule.pattern = PathPattern::Google(GoogleEscapePattern(location));
    // tdm-reservation is required and is 0 or 1; anything else is a protocol
    // error and the rule is skipped, so that it cannot shadow a later rule.
    // The string "1" still reserves (an evident intent); the string "0" does
    // not grant anything.
    simdjson::dom::element res;
    if (!obj["tdm-reservation"].get(res)) {
      int64_t i = 0;
      std::string_view s;
      if (!res.get_int64().get(i)) {
        if (i == 0 || i == 1) rule.reservation = static_cast<int>(i);
      } else if (!res.get_string().get(s) && TrimAsciiSpace(s) == "1") {
        rule.reservation = 1;
      }
    }
    if (!rule.reservation) {
      skip("no valid \"tdm-reservation\" (0 or 1)");
      continue;
    }
    std::string_view policy;
    if (!obj["tdm-policy"].get_string().get(policy)) rule.policy = std::string(policy);
    file.rules.push_back(std::move(rule));
  }
  return file;
}

const TdmRepRule* MatchTdmRep(const TdmRepFile& file, std::string_view path) {
  for (const TdmRepRule& r : file.rules) {
    if (r.pattern.Matches(path)) return &r;
  }
  return nullptr;
}

}  // namespace moisson::policy
