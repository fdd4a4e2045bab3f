#pragma once

#include <string>
#include <string_view>
#include <vector>

// Byte strings the unit tests build their inputs from.
namespace fkvs {

// Bytes from hex digits; spaces between them are skipped ("0a 0b" or "0a0b").
inline std::string from_hex(std::string_view hex) {
  std::string digits;
  for (const char c : hex) {
    if (c != ' ') digits.push_back(c);
  }
  std::string bytes;
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

// A request as a client sends it: a RESP array of bulk strings.
inline std::string multibulk(const std::vector<std::string>& args) {
  std::string wire = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args) {
    // Appended piece by piece: "literal" + std::string&& trips GCC 12's -Wrestrict.
    wire += '$';
    wire += std::to_string(arg.size());
    wire += "\r\n";
    wire += arg;
    wire += "\r\n";
  }
  return wire;
}

}  // namespace fkvs
