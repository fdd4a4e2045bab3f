#include "tools/cli/interactive.h"

#include <cstdio>

namespace fkvs::cli {

int run_interactive(Session&) {
  std::fputs("fkvs-cli: the interactive shell is not built yet\n", stderr);
  return 1;
}

}  // namespace fkvs::cli
