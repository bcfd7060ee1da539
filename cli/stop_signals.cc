#include "cli/stop_signals.h"

namespace moisson::cli {
namespace {
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};
extern "C" void OnStopSignal(int sig) {
  g_signal.store(sig);
  g_interrupted.store(true);
}
}  // namespace

std::atomic<bool>& StopFlag() { return g_interrupted; }
int StopSignalNumber() { return g_signal.load(); }

StopSignals::StopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_RESTART;
  ::sigaction(SIGINT, &sa, &old_int_);
  ::sigaction(SIGTERM, &sa, &old_term_);
}

StopSignals::~StopSignals() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
}

}  // namespace moisson::cli
