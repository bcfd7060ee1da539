// Usage conventions every subcommand shares, applied once to the fully
// registered app by main.cc, so that no cli/cmd_*.cc file has to repeat them:
//
//  - a misspelt long option ("--trheads 2") is reported as an unknown option
//    of the subcommand, with the closest known one, before CLI11 parses the
//    line (CLI11 2.1 would otherwise hand "2" to a positional argument and
//    report "inputs: File does not exist: 2");
//  - every command's --help ends with one or two real examples, kept in one
//    table (usage.cc, kExamples) rather than in each cmd_*.cc file.
//
// Enum options name their values themselves (`->option_text("google|rfc")`
// next to the option), so --help never shows CLI11's "ENUM:value in {...}".
#ifndef MOISSON_CLI_USAGE_H_
#define MOISSON_CLI_USAGE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace moisson::cli {

// Levenshtein distance (insertions, deletions, substitutions, each 1)
// between two byte strings. O(|a|·|b|) time, O(|b|) memory.
std::size_t EditDistance(std::string_view a, std::string_view b);

// The closest of `candidates` to `word` by EditDistance, if it is close
// enough to be a likely typo: at most 2 edits, or a third of `word`'s length
// for longer words. Ties go to the earlier candidate. nullopt when nothing is
// that close or `candidates` is empty.
std::optional<std::string> ClosestName(std::string_view word, const std::vector<std::string>& candidates);

// Reads `args` (argv without the program name) the way CLI11 will: words
// naming a subcommand select it, in order; every "--name" or "--name=value"
// before a bare "--" must be a long option of the selected subcommand or of
// one of its parents. Returns the message for the first one that is not:
//   "moisson filter: unknown option --trheads; did you mean --threads?"
//   "moisson robots check: unknown option --bogus (see moisson robots check --help)"
// and nullopt when every long option is known (CLI11 then reports anything
// else, such as a missing value). Values that start with "--" are read as
// options, as CLI11 does. `app` is the root app, fully registered.
std::optional<std::string> UnknownLongOption(const CLI::App& app, const std::vector<std::string>& args);

// Sets the footer of `app` and of every subcommand below it to its examples
// from kExamples: "Example:" or "Examples:", then one command per line. A
// command missing from the table keeps no footer; tests/cli_help_test.sh
// fails on it, so a new subcommand gets its example there.
void AddHelpExamples(CLI::App* app);

}  // namespace moisson::cli

#endif  // MOISSON_CLI_USAGE_H_
