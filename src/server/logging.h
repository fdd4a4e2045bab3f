#pragma once

#include <string>

namespace fkvs {

struct Config;

// Sets up spdlog as Redis logs: "pid:M 25 Nov 2026 16:59:00.123 * message",
// to stdout or to the logfile, and to syslog too with syslog-enabled, at a
// Redis loglevel (debug, verbose, notice, warning, nothing). Returns an
// error message, or "" on success.
std::string setup_logging(const Config& config);
// SIGHUP: opens the log file again by name, so logrotate can move it away.
// Returns an error message, or "" (also when logging to stdout).
std::string reopen_log_file();
// Changes the level at runtime (CONFIG SET loglevel).
void set_log_level(const std::string& loglevel);

}  // namespace fkvs
