// SIGINT and SIGTERM for the commands that stop cleanly (`filter`, `scan`,
// `blocklist update`): while a StopSignals lives, the first of either sets
// StopFlag() (and records the signal) instead of killing the process, so the
// command can undo what it had begun and exit 128 + the signal, as `crawl`
// does. The handlers are one-shot: a second Ctrl-C kills at once.
#ifndef MOISSON_CLI_STOP_SIGNALS_H_
#define MOISSON_CLI_STOP_SIGNALS_H_

#include <signal.h>

#include <atomic>

namespace moisson::cli {

// Set by the first SIGINT or SIGTERM while a StopSignals lives.
std::atomic<bool>& StopFlag();
// That signal (SIGINT, SIGTERM), 0 when none came.
int StopSignalNumber();

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

}  // namespace moisson::cli

#endif  // MOISSON_CLI_STOP_SIGNALS_H_
