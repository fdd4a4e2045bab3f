#include "server/key_lookahead.h"

#include "request_peek.h"
#include "store/key_table.h"

namespace fkvs {

void KeyLookahead::before_running(std::string_view input, size_t request_length,
                                  const KeyTable& keys) {
  base_ += next_length_;
  next_length_ = request_length;
  // The request about to run is the oldest one peeked, unless the peek and
  // the parser disagree on where requests begin (an empty request the parser
  // skipped, say): then start over after it.
  if (count_ > 0 && at(0).start == base_ && at(0).end == base_ + request_length) {
    pop_front();
  } else {
    forget_all(base_ + request_length);
  }
  // The bucket of the request kChainDistance ahead was hinted on an earlier
  // call and has likely arrived; now hint the entry it points to.
  if (count_ >= kChainDistance) {
    Peeked& peeked = at(kChainDistance - 1);
    if (peeked.has_key && !peeked.chain_hinted) {
      keys.prefetch_chain(peeked.key_hash);
      peeked.chain_hinted = true;
    }
  }
  while (count_ < kBucketDistance && !peek_stuck_) {
    auto request = resp::peek_request(input, peek_from_ - base_);
    if (!request) {
      peek_stuck_ = true;
      break;
    }
    ++requests_peeked_;
    Peeked& peeked = at(count_++);
    peeked = Peeked{peek_from_, base_ + request->end, 0, !request->key.empty(), false};
    if (peeked.has_key) {
      peeked.key_hash = keys.hash(request->key);
      keys.prefetch_bucket(peeked.key_hash);
    }
    peek_from_ = peeked.end;
  }
}

void KeyLookahead::pop_front() {
  head_ = (head_ + 1) % ring_.size();
  --count_;
}

void KeyLookahead::forget_all(size_t resume_at) {
  count_ = 0;
  peek_from_ = resume_at;
  peek_stuck_ = false;
}

}  // namespace fkvs
