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

// The protocol a client speaks: RESP2 until it sends HELLO 3.
enum class Protocol : uint8_t { kResp2 = 2, kResp3 = 3 };

// Appends replies straight into an output buffer, in the client's protocol.
// Handlers reply through this and never build strings of their own: they
// say what a reply is (a map, a set, a double, a null) and the writer sends
// the type RESP3 has for it, or RESP2's flattened form.
class ReplyWriter {
 public:
  explicit ReplyWriter(ByteBuffer& out, ErrorReplyListener* errors = nullptr,
                       Protocol protocol = Protocol::kResp2)
      : out_(&out), error_listener_(errors), resp3_(protocol == Protocol::kResp3) {}

  bool resp3() const { return resp3_; }

  void simple(std::string_view text);  // +text
  void ok() { out_->append("+OK\r\n", 5); }
  // message is the whole error text after '-', e.g. "ERR syntax error".
  // CR and LF in it are replaced by spaces, as Redis does, to keep the framing.
  void error(std::string_view message);
  // An error the listener was already told of (a script passing on the
  // error of a command it ran): it still counts in errors_written().
  void error_counted_elsewhere(std::string_view message);
  void integer(int64_t value);        // :value
  void bulk(std::string_view value);  // $len value
  void bulk_integer(int64_t value);   // an integer sent as a bulk string
  // A double as a bulk string in either protocol ("%.17g", "inf", "-inf"),
  // for the commands whose reply RESP3 leaves a string (INCRBYFLOAT).
  void bulk_double(double value);
  // A double: RESP3's ",value", or in RESP2 the bulk string bulk_double sends.
  void double_number(double value);
  // A double already formatted (GEOPOS's "%.17Lf" text): RESP3's ",digits",
  // a bulk string in RESP2.
  void double_text(std::string_view digits);
  // RESP3's "#t"/"#f"; RESP2 sends :1/:0.
  void boolean(bool value);
  // RESP3's one null "_" stands for both of RESP2's.
  void null_bulk() { resp3_ ? out_->append("_\r\n", 3) : out_->append("$-1\r\n", 5); }
  void null_array() { resp3_ ? out_->append("_\r\n", 3) : out_->append("*-1\r\n", 5); }
  void array(size_t count);  // *count, followed by count replies
  void empty_array() { out_->append("*0\r\n", 4); }
  // pairs key/value pairs follow: RESP3's map, an array of 2 * pairs in RESP2.
  void map(size_t pairs);
  // count distinct elements follow: RESP3's set, an array in RESP2.
  void set(size_t count);
  // An out-of-band message of count elements (Pub/Sub, invalidations):
  // RESP3's push frame, an array in RESP2.
  void push(size_t count);
  // Text for people (INFO, CLIENT INFO): RESP3's verbatim string of format
  // "txt" (or another three-letter format), a bulk string in RESP2.
  void verbatim(std::string_view text, std::string_view format = "txt");
  // RESP3's big number "(digits"; a bulk string in RESP2.
  void big_number(std::string_view digits);
  // An array of simple strings, one per line (the HELP replies).
  void simple_lines(std::span<const std::string_view> lines) {
    array(lines.size());
    for (std::string_view line : lines) simple(line);
  }
  // For arrays whose length is known only at the end (KEYS, SCAN): begin
  // returns a token, end writes the header in front of what was appended since.
  size_t begin_array() { return out_->size(); }
  void end_array(size_t token, size_t count) { end_aggregate(token, '*', count); }
  void end_map(size_t token, size_t pairs) {
    resp3_ ? end_aggregate(token, '%', pairs) : end_aggregate(token, '*', 2 * pairs);
  }
  void end_set(size_t token, size_t count) { end_aggregate(token, resp3_ ? '~' : '*', count); }
  // Pre-serialised RESP bytes (shared constant replies).
  void raw(std::string_view bytes) { out_->append(bytes); }

  ByteBuffer& buffer() { return *out_; }
  // Error replies written through this writer (a command that replied one failed).
  size_t errors_written() const { return errors_written_; }

 private:
  void header(char prefix, int64_t value);
  void write_error(std::string_view message);
  void end_aggregate(size_t token, char prefix, size_t count);
  ByteBuffer* out_;
  ErrorReplyListener* error_listener_;
  size_t errors_written_ = 0;
  bool resp3_;
};

}  // namespace fkvs::resp
