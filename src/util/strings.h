#pragma once

#include <string>
#include <string_view>

namespace fkvs {

// ASCII case folding: command names and options are ASCII, and the C
// locale functions cost a call per character.
constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
constexpr char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

// Case-insensitive comparison, as Redis compares command names and options.
constexpr bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// What a C function sees of text: everything before its first NUL byte.
// Redis compares options and formats error arguments that way.
constexpr std::string_view up_to_nul(std::string_view text) {
  return text.substr(0, text.find('\0'));
}

// Whether a command argument names an option: case-insensitive, and read as
// a C string ("nx\0junk" is NX), as Redis reads options.
constexpr bool option_is(std::string_view arg, std::string_view name) {
  return equals_nocase(up_to_nul(arg), name);
}

inline std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

inline std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_upper(c);
  return out;
}

}  // namespace fkvs
