#include "tools/cli/command_line.h"

namespace fkvs::cli {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Between arguments any isspace() byte separates; inside an unquoted argument
// only these end it, so "a\vb" stays one argument as in redis-cli.
bool ends_bare_word(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool separates_arguments(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

char escaped(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

}  // namespace

std::optional<std::vector<std::string>> split_command_line(std::string_view line) {
  std::vector<std::string> args;
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && separates_arguments(line[i])) ++i;
    if (i == n) return args;

    std::string arg;
    bool in_double = false;
    bool in_single = false;
    while (true) {
      if (in_double) {
        if (i == n) return std::nullopt;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && hex_value(line[i + 2]) >= 0 &&
            hex_value(line[i + 3]) >= 0) {
          arg += static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3]));
          i += 4;
          continue;
        }
        if (c == '\\' && i + 1 < n) {
          arg += escaped(line[i + 1]);
          i += 2;
          continue;
        }
        if (c == '"') {
          // A closing quote glued to more text is an error, not a new word.
          if (i + 1 < n && !separates_arguments(line[i + 1])) return std::nullopt;
          ++i;
          break;
        }
        arg += c;
        ++i;
      } else if (in_single) {
        if (i == n) return std::nullopt;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          arg += '\'';
          i += 2;
          continue;
        }
        if (c == '\'') {
          if (i + 1 < n && !separates_arguments(line[i + 1])) return std::nullopt;
          ++i;
          break;
        }
        arg += c;
        ++i;
      } else {
        if (i == n || ends_bare_word(line[i])) break;
        char c = line[i++];
        if (c == '"') {
          in_double = true;
        } else if (c == '\'') {
          in_single = true;
        } else {
          arg += c;
        }
      }
    }
    args.push_back(std::move(arg));
  }
}

}  // namespace fkvs::cli
