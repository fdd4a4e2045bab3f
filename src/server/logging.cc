#include "server/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <syslog.h>

#include <memory>
#include <vector>

#include "server/config.h"

namespace fkvs {
namespace {

spdlog::level::level_enum level_from(const std::string& loglevel) {
  if (loglevel == "debug") return spdlog::level::trace;
  if (loglevel == "verbose") return spdlog::level::debug;
  if (loglevel == "warning") return spdlog::level::warn;
  if (loglevel == "nothing") return spdlog::level::off;
  return spdlog::level::info;  // notice
}

// Redis marks each line's level with one character: . - * #
class RedisLevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char mark = '*';
    switch (msg.level) {
      case spdlog::level::trace:
        mark = '.';
        break;
      case spdlog::level::debug:
        mark = '-';
        break;
      case spdlog::level::info:
        mark = '*';
        break;
      default:
        mark = '#';
        break;
    }
    dest.push_back(mark);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RedisLevelFlag>();
  }
};

int syslog_facility(const std::string& name) {
  if (name == "user") return LOG_USER;
  static constexpr int kLocal[] = {LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                   LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
  return kLocal[name.back() - '0'];  // "local0" .. "local7", checked by the config
}

struct LogSettings {
  std::string loglevel;
  std::string logfile;
  bool syslog_enabled = false;
  std::string syslog_ident;
  std::string syslog_facility;
};

// What setup_logging was given, for reopen_log_file.
LogSettings settings;

std::string install_logger() {
  std::vector<spdlog::sink_ptr> sinks;
  try {
    if (settings.logfile.empty()) {
      sinks.push_back(std::make_shared<spdlog::sinks::stdout_sink_mt>());
    } else {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.logfile));
    }
  } catch (const spdlog::spdlog_ex& e) {
    return std::string("Can't open the log file: ") + e.what();
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<RedisLevelFlag>('*').set_pattern("%P:M %d %b %Y %H:%M:%S.%e %* %v");
  sinks.front()->set_formatter(std::move(formatter));
  if (settings.syslog_enabled) {
    // Made once: a second one's openlog would be undone by the first's closelog.
    static const spdlog::sink_ptr syslog = std::make_shared<spdlog::sinks::syslog_sink_mt>(
        settings.syslog_ident, LOG_PID | LOG_NDELAY | LOG_NOWAIT,
        syslog_facility(settings.syslog_facility), false);
    // syslog stamps the time and pid itself: the message goes as it is.
    sinks.push_back(syslog);
  }
  auto logger = std::make_shared<spdlog::logger>("fkvs", sinks.begin(), sinks.end());
  logger->set_level(level_from(settings.loglevel));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return "";
}

}  // namespace

std::string setup_logging(const Config& config) {
  settings = {config.loglevel, config.logfile, config.syslog_enabled, config.syslog_ident,
              config.syslog_facility};
  return install_logger();
}

std::string reopen_log_file() {
  if (settings.logfile.empty()) return "";
  return install_logger();
}

void set_log_level(const std::string& loglevel) {
  settings.loglevel = loglevel;
  spdlog::set_level(level_from(loglevel));
}

}  // namespace fkvs
