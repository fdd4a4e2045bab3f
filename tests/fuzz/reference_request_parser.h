#pragma once

// A slow request parser written straight from Redis 7.0's rules
// (processInlineBuffer, processMultibulkBuffer, sdssplitargs), for the
// fuzzer to hold resp::RequestParser against. It keeps no state inside a
// request: after every read it starts over from the first unconsumed byte,
// so it has none of the fast parser's offsets to get wrong.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "request_parser.h"

namespace fkvs::fuzz {

// What a connection's input came to: the requests in order, then either a
// protocol error (and the connection closes) or the bytes still waiting for
// the rest of a request.
struct ParseOutcome {
  std::vector<std::vector<std::string>> requests;
  std::string error;    // without '-' and CRLF; empty if none
  std::string waiting;  // unconsumed bytes when there is no error
  bool operator==(const ParseOutcome&) const = default;
};

class ReferenceRequestParser {
 public:
  ReferenceRequestParser(resp::ParserLimits limits, bool unauthenticated)
      : limits_(limits), unauthenticated_(unauthenticated) {}

  // One read from the socket: the bytes are appended and every complete
  // request in the buffer is taken, as Redis does after each read.
  void feed(std::string_view bytes);
  const ParseOutcome& outcome() const { return outcome_; }

 private:
  enum class Step { kRequest, kSkipped, kNeedMore, kError };
  Step take_one();
  Step take_inline();
  Step take_multibulk();
  Step fail(std::string message);

  resp::ParserLimits limits_;
  bool unauthenticated_;
  std::string buffer_;  // outcome_.waiting while no error
  ParseOutcome outcome_;
};

}  // namespace fkvs::fuzz
