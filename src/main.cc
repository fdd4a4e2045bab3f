#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "server/config.h"
#include "server/daemon.h"
#include "server/logging.h"
#include "server/server.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  fkvs::Config config;
  try {
    config = fkvs::load_config(args);
  } catch (const fkvs::ConfigError& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
  if (config.show_version || config.show_help) {
    std::fputs(config.show_version ? fkvs::version_text().c_str() : fkvs::usage_text().c_str(),
               stdout);
    return 0;
  }
  if (config.test_config) {
    std::printf("fkvs-server: configuration %s is valid\n",
                config.config_file.empty() ? "(defaults)" : config.config_file.c_str());
    return 0;
  }
  if (config.daemonize) fkvs::daemonize();
  if (std::string error = fkvs::setup_logging(config); !error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  try {
    fkvs::Server server(std::move(config));
    server.set_executable_path(argv[0]);
    return server.run();
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
}
