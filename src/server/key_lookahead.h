#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fkvs {

class KeyTable;

// Looks up the keys of pipelined requests a few requests before they run.
// In a deep pipeline most of a request's time is spent waiting for the
// memory that holds its key's bucket and entry; hinting them early lets those
// waits overlap with the work of the requests in between. Requests ahead are
// only peeked at (resp::peek_request), never parsed for real, and a hint that
// turns out wrong (a SELECT in between, a peek that disagrees with the
// parser) costs a wasted cache line and nothing else.
//
// One object serves one pass of the server over one client's input.
class KeyLookahead {
 public:
  // Call before running each request. input starts at that request, which
  // is request_length bytes long; keys is the table it will look in.
  void before_running(std::string_view input, size_t request_length, const KeyTable& keys);
  // How many requests ahead were peeked at so far (for tests).
  size_t requests_peeked() const { return requests_peeked_; }

 private:
  // How far ahead, in requests, the bucket and then the entry are hinted.
  static constexpr size_t kBucketDistance = 8;
  static constexpr size_t kChainDistance = 4;

  // No default values: the server makes a KeyLookahead for every pass over
  // a client's input (every request at -P 1), and each slot is written whole
  // before it is read.
  struct Peeked {
    size_t start;  // offsets from where this pass began
    size_t end;
    uint64_t key_hash;
    bool has_key;
    bool chain_hinted;
  };

  Peeked& at(size_t index) { return ring_[(head_ + index) % ring_.size()]; }
  void pop_front();
  void forget_all(size_t resume_at);

  std::array<Peeked, kBucketDistance> ring_;  // requests after the running one, in order
  size_t head_ = 0;
  size_t count_ = 0;
  size_t base_ = 0;          // where the running request starts
  size_t next_length_ = 0;   // the running request's length, added to base_ on the next call
  size_t peek_from_ = 0;     // where the first request not yet peeked starts
  bool peek_stuck_ = false;  // the request at peek_from_ could not be peeked
  size_t requests_peeked_ = 0;
};

}  // namespace fkvs
