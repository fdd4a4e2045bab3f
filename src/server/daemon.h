#pragma once

#include <string>

namespace fkvs {

// daemonize yes: the calling process exits at once (its shell, or the init
// script, goes on) and the server continues in a child in a session of its
// own, with stdin, stdout and stderr on /dev/null.
void daemonize();

// The pidfile: written when made, removed when it goes (a clean exit). A
// file that cannot be written is logged, as Redis does, and not fatal.
class PidFile {
 public:
  explicit PidFile(std::string path);
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

 private:
  std::string path_;
  bool written_ = false;
};

}  // namespace fkvs
