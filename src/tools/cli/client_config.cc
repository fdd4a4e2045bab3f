#include "tools/cli/client_config.h"

#include <charconv>

#include "tools/cli/command_line.h"

namespace fkvs::cli {
namespace {

std::optional<int> parse_number(std::string_view text, int max) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > max) {
    return std::nullopt;
  }
  return value;
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Applies one key; returns the reason when the key or its value is wrong.
std::optional<std::string> apply_line(const std::string& key, const std::string& value,
                                      tools::ConnectionOptions& options) {
  if (key == "host") {
    options.host = value;
  } else if (key == "port") {
    auto port = parse_number(value, 65535);
    if (!port) return "port must be a number from 0 to 65535";
    options.port = *port;
  } else if (key == "socket") {
    options.socket_path = value;
  } else if (key == "user") {
    options.user = value;
  } else if (key == "password") {
    options.password = value;
  } else if (key == "db") {
    auto db = parse_number(value, 1 << 30);
    if (!db) return "db must be a non-negative number";
    options.db = *db;
  } else {
    return "unknown key '" + key + "'";
  }
  return std::nullopt;
}

}  // namespace

std::optional<ClientConfigError> apply_client_config(std::string_view text,
                                                     tools::ConnectionOptions& options) {
  int number = 0;
  while (!text.empty()) {
    ++number;
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);

    size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos || line[start] == '#') continue;
    auto words = split_command_line(line);
    if (!words) return ClientConfigError{number, "unbalanced quotes"};
    if (words->size() != 2) {
      return ClientConfigError{number, "expected a key and one value"};
    }
    if (auto reason = apply_line(lower((*words)[0]), (*words)[1], options)) {
      return ClientConfigError{number, *reason};
    }
  }
  return std::nullopt;
}

}  // namespace fkvs::cli
