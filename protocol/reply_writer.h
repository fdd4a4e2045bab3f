#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "byte_buffer.h"

namespace fkvs::resp {

// Told of each error reply a writer sends (the server counts them for INFO).
class ErrorReplyListener {
 public:
  virtual void error_replied(std::string_view message) = 0;

 protected:
  ~ErrorReplyListener() = default;
};

// Appends RESP2 replies straight into an output buffer. Handlers reply
// through this and never build strings of their own.
class ReplyWriter {
 public:
  explicit ReplyWriter(ByteBuffer& out, ErrorReplyListener* errors = nullptr)
      : out_(&out), error_listener_(errors) {}

  void simple(std::string_view text);  // +text
  void ok() { out_->append("+OK\r\n", 5); }
  // message is the whole error text after '-', e.g. "ERR syntax error".
  // CR and LF in it are replaced by spaces, as Redis does, to keep the framing.
  void error(std::string_view message);
  void integer(int64_t value);        // :value
  void bulk(std::string_view value);  // $len value
  void bulk_integer(int64_t value);   // an integer sent as a bulk string
  // Formats as Redis 7.0 sends doubles in RESP2 (ZSCORE): "%.17g", with
  // "inf" / "-inf", as a bulk string.
  void bulk_double(double value);
  void null_bulk() { out_->append("$-1\r\n", 5); }
  void array(size_t count);  // *count, followed by count replies
  void null_array() { out_->append("*-1\r\n", 5); }
  void empty_array() { out_->append("*0\r\n", 4); }
  // An array of simple strings, one per line (the HELP replies).
  void simple_lines(std::span<const std::string_view> lines) {
    array(lines.size());
    for (std::string_view line : lines) simple(line);
  }
  // For arrays whose length is known only at the end (KEYS, SCAN): begin
  // returns a token, end writes the header in front of what was appended since.
  size_t begin_array() { return out_->size(); }
  void end_array(size_t token, size_t count);
  // Pre-serialised RESP bytes (shared constant replies).
  void raw(std::string_view bytes) { out_->append(bytes); }

  ByteBuffer& buffer() { return *out_; }
  // Error replies written through this writer (a command that replied one failed).
  size_t errors_written() const { return errors_written_; }

 private:
  void header(char prefix, int64_t value);
  ByteBuffer* out_;
  ErrorReplyListener* error_listener_;
  size_t errors_written_ = 0;
};

}  // namespace fkvs::resp
