#include "request_peek.h"

#include <cstdint>

#include "header_line.h"

namespace fkvs::resp {

std::optional<PeekedRequest> peek_request(std::string_view input, size_t offset) {
  if (offset >= input.size()) return std::nullopt;
  const char* end = input.data() + input.size();
  const char* p = input.data() + offset;
  int64_t count;
  if (!read_plain_header(p, end, '*', &count, &p)) return std::nullopt;
  PeekedRequest request;
  for (int64_t i = 0; i < count; ++i) {
    int64_t length;
    if (!read_plain_header(p, end, '$', &length, &p)) return std::nullopt;
    // The bulk and its CRLF must be there; comparing against what is left
    // avoids forming a pointer past the end.
    if (static_cast<uint64_t>(end - p) < static_cast<uint64_t>(length) + 2) return std::nullopt;
    if (i == 1) request.key = {p, static_cast<size_t>(length)};
    p += length + 2;
  }
  request.end = static_cast<size_t>(p - input.data());
  return request;
}

}  // namespace fkvs::resp
