// moisson keygen
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/keyed_hash.h"

namespace moisson::cli {

void AddKeygenCommand(CLI::App* app, const GlobalOptions* global, Runner* run) {
  struct Options {
    std::string out;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* k = app->add_subcommand(
      "keygen", "Write a new project key (32 random bytes, mode 0600) used to pseudonymise identifiers");
  k->add_option("--out", o->out, "key file to create")->required();
  k->add_flag("--force", o->force, "replace an existing key file (every hash made with the old key changes)");
  k->callback([run, o] {
    *run = [o] {
      auto key = ProjectKey::Generate();
      if (!key.ok()) {
        std::cerr << "moisson keygen: " << key.status().message() << "\n";
        return kExitFailed;
      }
      const Status s = key->Save(o->out, o->force);
      if (!s.ok()) {
        std::cerr << "moisson keygen: " << s.message() << "\n";
        return s.code() == Status::Code::kInvalidArgument ? kExitUsage : kExitFailed;
      }
      std::cout << "wrote key " << key->id() << " to " << o->out << " (mode 0600)\n";
      return kExitOk;
    };
  });
  (void)global;
}

}  // namespace moisson::cli
