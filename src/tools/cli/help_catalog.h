#pragma once

#include <span>
#include <vector>

#include "tools/cli/command_help.h"
#include "tools/cli/session.h"

namespace fkvs::cli {

// The entries the shell's help, hints and completion draw on: the server's COMMAND
// DOCS once it has answered them, the built-in table before that or when the server
// has no COMMAND DOCS.
class HelpCatalog {
 public:
  HelpCatalog() : entries_(builtin_help()) {}

  // Asks a connected server for COMMAND DOCS, until one has given an answer.
  void refresh(Session& session);

  std::span<const CommandHelp> entries() const { return entries_; }

 private:
  std::vector<CommandHelp> entries_;
  bool answered_ = false;
};

}  // namespace fkvs::cli
