#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs::resp {

struct ParserLimits {
  size_t max_bulk_len = 512ull * 1024 * 1024;  // proto-max-bulk-len
  // Arguments per request. Redis 7.0 allows INT_MAX; a million is far beyond
  // any real command and bounds what one header can make us reserve.
  size_t max_multibulk_len = 1024 * 1024;
  size_t max_inline_len = 64 * 1024;  // an inline line, and a '*'/'$' header line
};

enum class ParseStatus {
  kNeedMore,  // no complete request yet; call again with more bytes
  kRequest,   // args() holds one complete request; consumed() bytes belong to it
  kError,     // protocol error; error() is the reply text, the connection must close
};

// Incremental RESP2 request parser: multibulk arrays and inline commands.
//
// The caller keeps the unparsed bytes in a buffer and passes them from the
// first unconsumed byte each time. The parser remembers how far it got inside
// an incomplete request (as offsets, so the caller may move the buffer), so
// no byte is scanned twice. Multibulk arguments are views into the caller's
// buffer; they stay valid until the caller consumes or moves those bytes.
class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  // Before AUTH, Redis refuses big headers to stop unauthenticated clients
  // from making it allocate; true enables those checks.
  void set_unauthenticated(bool unauthenticated) { unauthenticated_ = unauthenticated; }

  ParseStatus parse(std::string_view input);

  const std::vector<std::string_view>& args() const { return args_; }
  size_t consumed() const { return consumed_; }
  // Full protocol error reply text without the leading '-' and trailing CRLF,
  // e.g. "ERR Protocol error: invalid bulk length".
  std::string_view error() const { return error_; }
  // After kNeedMore: how many bytes, counted from the start of input, the
  // current request needs at least before parse() can make progress. Lets the
  // caller reserve a large bulk's room once.
  size_t bytes_wanted() const { return bytes_wanted_; }
  // After kNeedMore: how many leading bytes were empty requests (blank
  // lines, *0) before any partial request; the caller drops them now and the
  // parser shifts its offsets to match. bytes_wanted() is shifted too.
  size_t take_skipped();
  // True while the partial request is inline (telnet-style).
  bool in_inline() const { return state_ == State::kInline; }

  void reset();
  // Between requests, gives back the argument lists a request of more than
  // kKeptArguments arguments grew: a client that sent one SADD of a million
  // members would hold 32 bytes per member until it closes.
  void release_spare_capacity();
  static constexpr size_t kKeptArguments = 1024;

 private:
  enum class State { kStart, kMultibulkHeader, kBulkHeader, kBulkBody, kInline };

  // A '*' or '$' header line: the number after the prefix character.
  struct HeaderLine {
    enum class Kind { kNumber, kNotANumber, kIncomplete, kTooBig } kind;
    int64_t value = 0;
    size_t next = 0;  // offset just past the line's CRLF
  };

  // Both return kNeedMore with state_ back at kStart when they skipped an
  // empty request (a blank inline line, `*0`), so parse() goes on to the next.
  ParseStatus parse_inline(std::string_view input);
  ParseStatus parse_multibulk(std::string_view input);
  HeaderLine read_header_slow(std::string_view input, size_t line);
  bool split_inline(std::string_view line);
  ParseStatus need_more(std::string_view input, size_t wanted);
  ParseStatus fail(std::string_view message);
  ParseStatus fail_expected_dollar(char got);
  void finish_request(size_t request_end);

  ParserLimits limits_;
  bool unauthenticated_ = false;
  State state_ = State::kStart;
  size_t pos_ = 0;             // offset of the next unparsed byte in the current request
  size_t request_start_ = 0;   // offset where the partial request begins
  size_t scanned_ = 0;         // how far the current line was searched for its end
  int64_t args_expected_ = 0;  // arguments the multibulk header announced
  int64_t bulk_len_ = -1;      // length of the bulk being read
  size_t bytes_wanted_ = 0;
  size_t consumed_ = 0;
  std::vector<std::string_view> args_;
  std::vector<std::pair<size_t, size_t>> arg_offsets_;  // (offset, length) while incomplete
  std::string inline_storage_;                          // unescaped inline arguments live here
  std::string error_;
};

}  // namespace fkvs::resp
