#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace fkvs::resp {

// A complete multibulk request found ahead of the parser.
struct PeekedRequest {
  size_t end = 0;        // offset just past the request
  std::string_view key;  // its second argument (the first key of most commands); empty if none
};

// Finds the request that starts at input[offset] without parsing it for real,
// so the server can look up the keys of pipelined requests before running
// them. Only the plain form is understood: a '*' header and '$' headers with
// 1 to 18 digits and no leading zero. Anything else (inline, empty, a zero
// length, incomplete, malformed) gives nullopt; the parser proper will judge
// it when its turn comes.
std::optional<PeekedRequest> peek_request(std::string_view input, size_t offset);

}  // namespace fkvs::resp
