// Fuzzes the robots.txt parser, the matcher (both modes, standard and
// whole-name agent matching) and the linter. The first line of the input is
// the URL path to match; the rest is the robots.txt body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/robots.h"
#include "policy/robots_lint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const std::string_view path = nl == std::string_view::npos ? std::string_view("/") : in.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? in : in.substr(nl + 1);
  using namespace moisson::policy;
  for (moisson::RobotsMode mode : {moisson::RobotsMode::kGoogle, moisson::RobotsMode::kRfc}) {
    const RobotsTxt txt = RobotsTxt::Parse(body, mode);
    for (std::string_view agent : {"FooBot", "*", "AI2Bot", "Brightbot 1.0", ""}) {
      const RobotsMatch m = txt.Match(agent, path);
      const RobotsMatch w = txt.Match(agent, path, AgentMatching::kLenient);
      // A decision always names a line of the file, or none.
      if (m.rule != nullptr && m.line != m.rule->line) __builtin_trap();
      if (w.rule == nullptr && w.line != 0) __builtin_trap();
      (void)txt.GroupsFor(agent);
    }
  }
  (void)LintRobotsTxt(body);
  return 0;
}
