#pragma once

#include <string>

namespace fkvs {

// Sets up spdlog as Redis logs: "pid:M 25 Nov 2026 16:59:00.123 * message",
// to stdout or to logfile, at a Redis loglevel (debug, verbose, notice,
// warning, nothing). Returns an error message, or "" on success.
std::string setup_logging(const std::string& loglevel, const std::string& logfile);
// Changes the level at runtime (CONFIG SET loglevel).
void set_log_level(const std::string& loglevel);

}  // namespace fkvs
