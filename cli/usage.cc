#include "cli/usage.h"

#include <algorithm>

namespace moisson::cli {
namespace {

// "robots check" for the app `robots check`; "" for the root.
std::string FullName(const CLI::App* app) {
  std::string name;
  for (const CLI::App* a = app; a->get_parent() != nullptr; a = a->get_parent()) {
    name = name.empty() ? a->get_name() : a->get_name() + " " + name;
  }
  return name;
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

}  // namespace moisson::cli
