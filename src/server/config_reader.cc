#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"
#include "server/config_table.h"
#include "split_arguments.h"
#include "util/strings.h"

namespace fkvs {
namespace {

using config_detail::assign;
using config_detail::find_option;
using config_detail::OptionSpec;
using config_detail::Refusal;
using config_detail::SetMode;
using config_detail::takes_list;

constexpr std::string_view kBadDirective = "Bad directive or wrong number of arguments";
constexpr std::string_view kWrongArgCount = "wrong number of arguments";
constexpr int kMaxIncludeDepth = 16;

// Splits a line as Redis splits redis.conf lines: by the rules of inline commands.
// nullopt for unbalanced quotes.
std::optional<std::vector<std::string>> split_arguments(std::string_view line) {
  std::string unescaped(line.size(), '\0');
  std::vector<std::string_view> words;
  if (!resp::split_arguments(line, unescaped.data(), words)) return std::nullopt;
  return std::vector<std::string>(words.begin(), words.end());
}

std::string fatal_error(std::string_view where, std::string_view line, std::string_view reason) {
  return "*** FATAL CONFIG FILE ERROR (fkvs " FKVS_VERSION ") ***\nReading " + std::string(where) +
         "\n>>> '" + std::string(line) + "'\n" + std::string(reason);
}

void apply_file(Config& config, const std::string& path, int depth);

// One directive (name and arguments) from a file or the command line.
Refusal apply_directive(Config& config, std::span<const std::string> words, int depth) {
  const std::string_view name = words[0];
  const std::vector<std::string_view> args(words.begin() + 1, words.end());
  if (equals_nocase(name, "include") && args.size() == 1) {
    if (depth >= kMaxIncludeDepth) return "include nesting is too deep";
    apply_file(config, words[1], depth + 1);
    return std::nullopt;
  }
  const OptionSpec* spec = find_option(name);
  if (spec == nullptr) return std::string(kBadDirective);
  if (!takes_list(*spec) && args.size() != 1) return std::string(kWrongArgCount);
  // As Redis does, a list option given as one argument is split again, as a line is
  // (`--save "3600 1"`, `bind "127.0.0.1  ::1"`); unbalanced quotes leave it empty.
  if (takes_list(*spec) && args.size() == 1) {
    const std::vector<std::string> words =
        split_arguments(args[0]).value_or(std::vector<std::string>{});
    return assign(*spec, config, std::vector<std::string_view>(words.begin(), words.end()),
                  SetMode::kLoad);
  }
  return assign(*spec, config, args, SetMode::kLoad);
}

void apply_text(Config& config, std::string_view text, std::string_view source, int depth) {
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const size_t first = line.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) continue;
    line = line.substr(first, line.find_last_not_of(" \t\r\n") - first + 1);
    if (line[0] == '#') continue;

    const std::string where = "the configuration file " + std::string(source) + ", at line " +
                              std::to_string(line_number);
    const auto words = split_arguments(line);
    if (!words) {
      throw ConfigError(fatal_error(where, line, "Unbalanced quotes in configuration line"));
    }
    // Only whitespace the trim above leaves (\v, \f): Redis skips the line.
    if (words->empty()) continue;
    if (Refusal refusal = apply_directive(config, *words, depth)) {
      throw ConfigError(fatal_error(where, line, *refusal));
    }
  }
}

// Reads a whole file; on failure returns nullopt with errno set.
std::optional<std::string> read_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return std::nullopt;
  std::string text;
  char chunk[4096];
  while (size_t n = std::fread(chunk, 1, sizeof chunk, file)) text.append(chunk, n);
  const bool failed = std::ferror(file) != 0;
  const int read_errno = errno;
  std::fclose(file);
  errno = read_errno;
  if (failed) return std::nullopt;
  return text;
}

void apply_file(Config& config, const std::string& path, int depth) {
  const std::optional<std::string> text = read_file(path);
  if (!text) {
    throw ConfigError("Fatal error, can't open config file '" + path +
                      "': " + std::strerror(errno));
  }
  apply_text(config, *text, path, depth);
}

}  // namespace

void apply_config_text(Config& config, std::string_view text, std::string_view source) {
  apply_text(config, text, source, 0);
}

void apply_config_file(Config& config, const std::string& path) { apply_file(config, path, 0); }

Config load_config(const std::vector<std::string>& all_args) {
  Config config;
  std::vector<std::string> args = all_args;
  if (!args.empty() && args[0] == "--test-config") {
    config.test_config = true;
    args.erase(args.begin());
  }
  if (!args.empty() && (args[0] == "-v" || args[0] == "--version")) {
    config.show_version = true;
    return config;
  }
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    config.show_help = true;
    return config;
  }

  std::optional<std::string> file;
  std::vector<std::vector<std::string>> directives;  // "--name args..." without the "--"
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i == 0 && !arg.starts_with('-')) {
      file = arg;
    } else if (arg == "-c" && i + 1 < args.size()) {
      file = args[++i];
    } else if (arg.starts_with("--")) {
      directives.push_back({arg.substr(2)});
    } else if (!directives.empty()) {
      directives.back().push_back(arg);
    } else {
      throw ConfigError(fatal_error("the command line", arg, kBadDirective));
    }
  }

  // As in Redis, the command line overrides the file.
  if (file) {
    std::error_code error;
    config.config_file = std::filesystem::absolute(*file, error).string();
    apply_file(config, *file, 0);
  }
  for (const std::vector<std::string>& words : directives) {
    if (Refusal refusal = apply_directive(config, words, 0)) {
      std::string shown = "--" + words[0];
      for (size_t i = 1; i < words.size(); ++i) shown += ' ' + words[i];
      throw ConfigError(fatal_error("the command line", shown, *refusal));
    }
  }
  return config;
}

std::string version_text() {
  return "fkvs server v=" FKVS_VERSION " malloc=" FKVS_ALLOCATOR " bits=" +
         std::to_string(sizeof(void*) * CHAR_BIT) + " io-backend=" FKVS_DEFAULT_IO_BACKEND "\n";
}

std::string usage_text() {
  return "Usage: ./fkvs-server [/path/to/fkvs.conf] [options]\n"
         "       ./fkvs-server -c /path/to/fkvs.conf [options]\n"
         "       ./fkvs-server -v or --version\n"
         "       ./fkvs-server -h or --help\n"
         "       ./fkvs-server --test-config [/path/to/fkvs.conf] [options]\n"
         "           (reads the configuration, says whether it is valid, and exits)\n"
         "\n"
         "Options are configuration directives with \"--\" in front; they are applied after\n"
         "the configuration file, so they win over it.\n"
         "\n"
         "Examples:\n"
         "       ./fkvs-server (run the server with the default configuration)\n"
         "       ./fkvs-server /etc/fkvs/6379.conf\n"
         "       ./fkvs-server --port 7777\n"
         "       ./fkvs-server /etc/fkvs.conf --loglevel verbose --save 60 1000\n";
}

}  // namespace fkvs
