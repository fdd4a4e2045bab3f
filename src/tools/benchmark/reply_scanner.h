#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace fkvs::benchmark {

// Counts complete RESP2 replies in a client's read buffer without building
// them: the benchmark needs to know how many replies arrived and which were
// errors, not their contents. It is incremental: state (open arrays, the
// unread rest of a bulk string) carries over between calls, so a reply split
// across reads is never rescanned and a large bulk need not fit the buffer.
class ReplyScanner {
 public:
  struct Result {
    size_t consumed = 0;  // bytes the caller may drop from the front of data
    size_t replies = 0;   // top-level replies completed
    size_t errors = 0;    // of which were error replies
    // The first error reply's text (without '-' and CRLF), pointing into data.
    std::string_view first_error;
    bool malformed = false;  // not RESP2: the stream cannot be followed further
  };

  // Scans data, which starts where the previous call's consumed bytes ended,
  // and stops after max_replies top-level replies.
  Result scan(std::string_view data, size_t max_replies = SIZE_MAX);

  // Forgets a partial reply: for a new connection.
  void reset();

 private:
  // Called when an element has been read whole; true when that completed a
  // top-level reply.
  bool finish_element();

  std::vector<int64_t> open_arrays_;  // elements still to come, innermost last
  uint64_t bulk_left_ = 0;            // payload and CRLF bytes of a bulk still to skip
};

}  // namespace fkvs::benchmark
