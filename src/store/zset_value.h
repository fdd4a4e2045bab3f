#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "store/chained_table.h"
#include "store/collection.h"
#include "store/packed_list.h"
#include "store/skiplist.h"
#include "store/zset_range.h"

namespace fkvs {

// zset-max-listpack-entries and zset-max-listpack-value as they stand when a
// command writes (Redis applies a CONFIG SET on the next write).
struct ZSetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

// The member -> skiplist node index of a large sorted set: a node holds only
// the chain pointer and the skiplist node, whose bytes are the key.
class ZSetIndexNode {
 public:
  std::string_view key() const { return node_->member(); }
  const Skiplist::Node* node() const { return node_; }

 private:
  template <ChainedNode>
  friend class ChainedTable;
  // key must be a skiplist node's own member() view: the node is found from it.
  static ZSetIndexNode* create(std::string_view key);
  static void destroy(ZSetIndexNode* node);

  ZSetIndexNode* next_ = nullptr;
  const Skiplist::Node* node_ = nullptr;
};

extern template class ChainedTable<ZSetIndexNode>;

// A sorted set, in one of Redis 7.0's two encodings:
// - listpack: member and score pairs in one PackedList, kept in order (score,
//   then member bytes), while it holds at most zset-max-listpack-entries
//   members of at most zset-max-listpack-value bytes;
// - skiplist: a Skiplist for order and ranks plus a member index for O(1)
//   ZSCORE. A set never converts back on its own, as in Redis.
//
// Ranks are 0-based in ascending order. Every range (rank, score, lex) turns
// into a span of ranks [first, last), which a Cursor walks either way.
class ZSetValue final : public Collection {
 public:
  static constexpr ValueType kType = ValueType::kZSet;

  // An empty set in the encoding Redis's zsetTypeCreate picks for about
  // size_hint members, the longest of max_member_length bytes.
  ZSetValue(const ZSetLimits& limits, size_t size_hint, size_t max_member_length);
  ~ZSetValue() override;

  ValueType type() const override { return kType; }
  Encoding encoding() const override;
  size_t size() const override;
  std::unique_ptr<Collection> clone() const override;
  size_t heap_bytes() const override;

  std::optional<double> score(std::string_view member) const;
  // Adds member with score, or moves it to score if present (true when
  // added). A new member past the limits converts the set to a skiplist
  // first.
  bool set(std::string_view member, double score, const ZSetLimits& limits);
  bool erase(std::string_view member);
  std::optional<size_t> rank(std::string_view member) const;

  // Ranks [first, last) of the members within a range (first >= last: none).
  std::pair<size_t, size_t> rank_span(const ScoreRange& range) const;
  std::pair<size_t, size_t> rank_span(const LexRange& range) const;
  // Removes the members of ranks [first, first + count).
  void erase_ranks(size_t first, size_t count);

  // Converts a skiplist back to a listpack when the limits allow: Redis does
  // this for the results of ZUNIONSTORE and the like.
  void shrink_if_fits(const ZSetLimits& limits);
  // Converts to a skiplist (Redis's zsetConvert).
  void convert_to_skiplist();

  // A position in the set, at a rank; moves either way. A member view stays
  // valid until the cursor moves or the set changes.
  class Cursor {
   public:
    bool valid() const { return valid_; }
    std::string_view member() const;
    double score() const { return score_; }
    void next();
    void prev();

   private:
    friend class ZSetValue;
    void load();
    const ZSetValue* set_ = nullptr;
    size_t position_ = 0;  // listpack: the member item
    // listpack: positions of the items before position_ in its group, for
    // prev() to step back through without a scan per step.
    uint32_t behind_[PackedList::kGroupMax];
    size_t behind_count_ = 0;
    const Skiplist::Node* node_ = nullptr;
    bool valid_ = false;
    double score_ = 0;
    mutable IntScratch scratch_;  // a listpack member stored as a number
  };
  // A cursor on the member at rank; invalid past the end.
  Cursor at_rank(size_t rank) const;

  // A walk up the scores that can skip ahead, for the geo searches, which
  // read a few score ranges of a set: seek(min) moves to the first member
  // whose score is not below min, never backwards, in about the logarithm
  // of the members it passes. The set must not change during the walk.
  class ScoreWalk {
   public:
    explicit ScoreWalk(const ZSetValue& set);
    bool valid() const { return valid_; }
    double score() const { return score_; }
    // The member; the view stays valid after the walk moves on (until the
    // set changes) when member_in_place(), else only until it moves.
    std::string_view member() const;
    bool member_in_place() const;
    void next();
    void seek(double min);

   private:
    void load();
    const ZSetValue& set_;
    std::optional<Skiplist::ForwardWalk> nodes_;  // in the skiplist encoding
    size_t position_ = 0;                         // listpack: the member item
    bool valid_ = false;
    double score_ = 0;
    mutable IntScratch scratch_;
  };

  // One SCAN step over the members (a listpack in one step, cursor 0 after):
  // visit(member, score) for each, returns the next cursor.
  template <typename Visitor>
  uint64_t scan(uint64_t cursor, Visitor&& visit);

  // A score as a listpack stores it (Redis's d2string): integral values up
  // to 2^62 as integers (so -0 becomes 0 and 1e17 "100000000000000000"),
  // the rest as "%.17g". ZSCAN of a listpack replies this text. out has
  // kDoubleTextMax bytes.
  static std::string_view listpack_score_text(double score, char* out);
  // Reads a listpack score item back as a double.
  static double read_score(const PackedList::Item& item);

 private:
  ZSetValue() = default;
  bool is_listpack() const { return skiplist_ == nullptr; }
  // The listpack position of member's item, end() if absent.
  size_t listpack_find(std::string_view member) const;
  void listpack_insert(std::string_view member, double score);

  PackedList listpack_;
  std::unique_ptr<Skiplist> skiplist_;  // set in the skiplist encoding
  std::unique_ptr<ChainedTable<ZSetIndexNode>> index_;
};

template <typename Visitor>
uint64_t ZSetValue::scan(uint64_t cursor, Visitor&& visit) {
  if (is_listpack()) {
    for (Cursor c = at_rank(0); c.valid(); c.next()) visit(c.member(), c.score());
    return 0;
  }
  return index_->scan(cursor, [&](const ZSetIndexNode& entry) {
    visit(entry.node()->member(), entry.node()->score());
  });
}

}  // namespace fkvs
