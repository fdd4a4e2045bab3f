// The RESP request parser, fed as the server feeds it: one read at a time,
// each time into a freshly allocated buffer (as if the connection's buffer
// had moved), parsing until it wants more bytes.
//
// Input: an options byte, a chunking seed, then the bytes a client sends.
// Properties checked:
//  - the requests, the error and the bytes left waiting are those of a slow
//    parser written from Redis's rules, under the same reads and limits;
//  - they do not depend on how the bytes were split into reads (wherever
//    Redis's own behaviour does not: only the inline size limit looks at
//    how much has arrived);
//  - bytes_wanted() holds: with fewer bytes than it said, no progress.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reference_request_parser.h"
#include "request_parser.h"

namespace fkvs::fuzz {
namespace {

struct Options {
  bool unauthenticated;
  resp::ParserLimits limits;
};

// Bit 0: before AUTH. Bit 1: small limits (bits 2-7 pick them), so the
// limit errors are reachable with short inputs.
Options options_from(uint8_t bits) {
  Options options{(bits & 1) != 0, {}};
  if (bits & 2) {
    options.limits.max_inline_len = 4 + (bits >> 2 & 7) * 5;
    options.limits.max_bulk_len = (bits >> 5) * 3;
    options.limits.max_multibulk_len = 1 + (bits >> 5);
  }
  return options;
}

// Read sizes from a small PRNG: mostly a few bytes, sometimes many.
std::vector<std::string_view> split_into_reads(std::string_view bytes, uint8_t seed) {
  std::vector<std::string_view> reads;
  uint32_t state = seed * 2654435761u + 1;
  while (!bytes.empty()) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    size_t size = 1 + state % ((state >> 28) < 3 ? 512 : 8);
    size = std::min(size, bytes.size());
    reads.push_back(bytes.substr(0, size));
    bytes.remove_prefix(size);
  }
  return reads;
}

// An input buffer that moves on every change, so a view the parser kept
// into an old one would be read after free (and ASan would say so).
class MovingBuffer {
 public:
  std::string_view view() const { return {data_.get(), size_}; }
  void replace(std::string_view bytes) {
    auto fresh = std::make_unique<char[]>(bytes.size() + 1);
    std::memcpy(fresh.get(), bytes.data(), bytes.size());
    data_ = std::move(fresh);
    size_ = bytes.size();
  }
  void append(std::string_view bytes) { replace(std::string(view()) + std::string(bytes)); }
  void consume(size_t n) { replace(view().substr(n)); }

 private:
  std::unique_ptr<char[]> data_ = std::make_unique<char[]>(1);
  size_t size_ = 0;
};

[[noreturn]] void broken(const char* property, std::string_view payload, const Options& options) {
  std::fprintf(stderr,
               "request parser fuzz: %s\n  unauthenticated=%d max_inline=%zu max_bulk=%zu "
               "max_multibulk=%zu\n  payload (%zu bytes): ",
               property, options.unauthenticated, options.limits.max_inline_len,
               options.limits.max_bulk_len, options.limits.max_multibulk_len, payload.size());
  for (unsigned char c : payload) std::fprintf(stderr, c >= 32 && c < 127 ? "%c" : "\\x%02x", c);
  std::fputc('\n', stderr);
  std::abort();
}

ParseOutcome parse_with_fkvs(const std::vector<std::string_view>& reads, const Options& options,
                             std::string_view payload) {
  resp::RequestParser parser(options.limits);
  parser.set_unauthenticated(options.unauthenticated);
  MovingBuffer input;
  ParseOutcome outcome;
  size_t wanted = 0;
  for (std::string_view read : reads) {
    input.append(read);
    while (!input.view().empty()) {
      const resp::ParseStatus status = parser.parse(input.view());
      if (status != resp::ParseStatus::kNeedMore && input.view().size() < wanted) {
        broken("made progress with fewer bytes than bytes_wanted() asked for", payload, options);
      }
      wanted = 0;
      if (status == resp::ParseStatus::kRequest) {
        outcome.requests.emplace_back(parser.args().begin(), parser.args().end());
        input.consume(parser.consumed());
      } else if (status == resp::ParseStatus::kError) {
        outcome.error = parser.error();
        return outcome;
      } else {
        input.consume(parser.take_skipped());
        wanted = parser.bytes_wanted();
        break;
      }
    }
  }
  outcome.waiting = input.view();
  return outcome;
}

ParseOutcome parse_with_reference(const std::vector<std::string_view>& reads,
                                  const Options& options) {
  ReferenceRequestParser reference(options.limits, options.unauthenticated);
  for (std::string_view read : reads) reference.feed(read);
  return reference.outcome();
}

}  // namespace
}  // namespace fkvs::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fkvs::fuzz;
  if (size < 2) return -1;
  const Options options = options_from(data[0]);
  const std::string_view payload(reinterpret_cast<const char*>(data) + 2, size - 2);
  const auto reads = split_into_reads(payload, data[1]);

  const ParseOutcome outcome = parse_with_fkvs(reads, options, payload);
  if (outcome != parse_with_reference(reads, options)) {
    broken("differs from the reference parser", payload, options);
  }
  if (payload.size() <= options.limits.max_inline_len &&
      outcome != parse_with_fkvs({payload}, options, payload)) {
    broken("depends on how the bytes were split into reads", payload, options);
  }
  return 0;
}
