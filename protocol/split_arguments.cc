#include "split_arguments.h"

namespace fkvs::resp {
namespace {

// Whitespace as C's isspace() sees it: what separates arguments.
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char unescape(char c) {
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

bool split_arguments(std::string_view line, char* out, std::vector<std::string_view>& args) {
  args.clear();
  const char* s = line.data();
  size_t n = line.size();
  size_t i = 0;
  for (;;) {
    while (i < n && is_space(s[i])) ++i;
    if (i == n) return true;
    const char* arg_begin = out;
    char quote = 0;
    for (;;) {
      if (quote == 0) {
        if (i == n) break;
        char c = s[i++];
        // Only these end an unquoted argument; \v and \f do not.
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') break;
        if (c == '"' || c == '\'') {
          quote = c;
        } else {
          *out++ = c;
        }
        continue;
      }
      if (i == n) return false;
      char c = s[i];
      if (c == quote) {
        if (i + 1 < n && !is_space(s[i + 1])) return false;
        ++i;
        break;
      }
      if (c == '\\' && quote == '"') {
        if (i + 3 < n && s[i + 1] == 'x' && hex_value(s[i + 2]) >= 0 && hex_value(s[i + 3]) >= 0) {
          *out++ = static_cast<char>(hex_value(s[i + 2]) * 16 + hex_value(s[i + 3]));
          i += 4;
          continue;
        }
        if (i + 1 < n) {
          *out++ = unescape(s[i + 1]);
          i += 2;
          continue;
        }
      }
      if (c == '\\' && quote == '\'' && i + 1 < n && s[i + 1] == '\'') {
        *out++ = '\'';
        i += 2;
        continue;
      }
      *out++ = c;
      ++i;
    }
    args.emplace_back(arg_begin, static_cast<size_t>(out - arg_begin));
  }
}

std::string quote_bytes(std::string_view bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char hex[5];
          std::snprintf(hex, sizeof(hex), "\\x%02x", c);
          out += hex;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace fkvs::resp
