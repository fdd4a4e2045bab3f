// The request peek that key lookahead runs ahead of the parser.
//
// Input: a starting offset byte, then a client's bytes. Walking the input
// from that offset request by request, as the lookahead does:
//  - a request the peek finds is exactly the one the parser takes there:
//    same length, and its key is the parser's second argument;
//  - the peek finds every request written in its plain form (a '*' and '$'
//    headers of 1 to 18 digits without a leading zero, CRLF after each).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "request_parser.h"
#include "request_peek.h"

namespace {

[[noreturn]] void broken(const char* property, std::string_view input, size_t offset) {
  std::fprintf(stderr, "request peek fuzz: %s at offset %zu of: ", property, offset);
  for (unsigned char c : input) std::fprintf(stderr, c >= 32 && c < 127 ? "%c" : "\\x%02x", c);
  std::fputc('\n', stderr);
  std::abort();
}

// The plain form of a request with these arguments, or "" when it has none
// (no arguments, or an empty one: "$0" has a leading zero).
std::string plain_form(const std::vector<std::string_view>& args) {
  if (args.empty()) return "";
  std::string bytes = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view arg : args) {
    if (arg.empty()) return "";
    bytes += "$" + std::to_string(arg.size()) + "\r\n";
    bytes.append(arg);
    bytes += "\r\n";
  }
  return bytes;
}

void walk_from(std::string_view input, size_t offset) {
  while (offset < input.size()) {
    const std::string_view rest = input.substr(offset);
    fkvs::resp::RequestParser parser;
    const bool parsed = parser.parse(rest) == fkvs::resp::ParseStatus::kRequest;
    const auto peeked = fkvs::resp::peek_request(input, offset);
    if (!peeked) {
      if (parsed && rest.substr(0, parser.consumed()) == plain_form(parser.args())) {
        broken("missed a request in plain form", input, offset);
      }
      return;
    }
    if (!parsed || peeked->end - offset != parser.consumed()) {
      broken("found a request the parser does not take whole", input, offset);
    }
    const std::string_view key = parser.args().size() > 1 ? parser.args()[1] : std::string_view();
    if (peeked->key != key || (!key.empty() && peeked->key.data() != key.data())) {
      broken("named another key than the parser's second argument", input, offset);
    }
    offset = peeked->end;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return -1;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  walk_from(input, 0);
  if (!input.empty()) walk_from(input, data[0] % input.size());
  return 0;
}
