#include "store/zset_value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <new>

#include "util/number.h"

namespace fkvs {

template class ChainedTable<ZSetIndexNode>;

ZSetIndexNode* ZSetIndexNode::create(std::string_view key) {
  void* block = std::malloc(sizeof(ZSetIndexNode));
  if (block == nullptr) throw std::bad_alloc();
  auto* node = new (block) ZSetIndexNode();
  node->node_ = Skiplist::Node::from_member(key.data());
  return node;
}

void ZSetIndexNode::destroy(ZSetIndexNode* node) {
  node->~ZSetIndexNode();
  std::free(node);
}

namespace {

// The largest magnitude Redis's double2ll writes as an integer: LLONG_MAX / 2.
constexpr double kIntegralScoreMax = 4611686018427387903.0;

}  // namespace

std::string_view ZSetValue::listpack_score_text(double score, char* out) {
  if (score >= -kIntegralScoreMax && score <= kIntegralScoreMax) {
    const auto integral = static_cast<int64_t>(score);
    if (static_cast<double>(integral) == score) return {out, format_int64(integral, out)};
  }
  return format_double(score, out);
}

namespace {

bool pair_precedes(double score, std::string_view member, double other_score,
                   std::string_view other_member) {
  return score < other_score || (score == other_score && member < other_member);
}

}  // namespace

double ZSetValue::read_score(const PackedList::Item& item) {
  if (item.is_integer) return static_cast<double>(item.integer);
  double value = 0;
  std::from_chars(item.text.data(), item.text.data() + item.text.size(), value);
  // from_chars reads "inf" but reports it as out of range on some libraries.
  if (item.text == "inf") return HUGE_VAL;
  if (item.text == "-inf") return -HUGE_VAL;
  return value;
}

ZSetValue::ZSetValue(const ZSetLimits& limits, size_t size_hint, size_t max_member_length) {
  if (limits.max_listpack_entries == 0 || size_hint > limits.max_listpack_entries ||
      max_member_length > limits.max_listpack_value) {
    convert_to_skiplist();
  }
}

ZSetValue::~ZSetValue() = default;

Encoding ZSetValue::encoding() const {
  return is_listpack() ? Encoding::kListpack : Encoding::kSkiplist;
}

size_t ZSetValue::size() const { return is_listpack() ? listpack_.size() / 2 : skiplist_->size(); }

std::unique_ptr<Collection> ZSetValue::clone() const {
  std::unique_ptr<ZSetValue> copy(new ZSetValue());
  if (is_listpack()) {
    copy->listpack_ = listpack_;
    return copy;
  }
  copy->convert_to_skiplist();
  for (const Skiplist::Node* node = skiplist_->first(); node != nullptr; node = node->next()) {
    const Skiplist::Node* added = copy->skiplist_->insert(node->score(), node->member());
    copy->index_->insert(added->member());
  }
  return copy;
}

size_t ZSetValue::heap_bytes() const {
  size_t bytes = sizeof(ZSetValue);
  if (is_listpack()) return bytes + (listpack_.empty() ? 0 : listpack_.bytes());
  return bytes + skiplist_->heap_bytes() + sizeof(ChainedTable<ZSetIndexNode>) +
         index_->bucket_count() * sizeof(void*) + index_->size() * sizeof(ZSetIndexNode);
}

size_t ZSetValue::listpack_find(std::string_view member) const {
  return listpack_.find(member, listpack_.begin(), 2);
}

void ZSetValue::listpack_insert(std::string_view member, double score) {
  IntScratch scratch;
  size_t position = listpack_.begin();
  while (position != listpack_.end()) {
    const size_t score_position = listpack_.next(position);
    const double other = read_score(listpack_.get(score_position));
    if (pair_precedes(score, member, other, listpack_.get(position).bytes(scratch))) break;
    position = listpack_.next(score_position);
  }
  char text[kDoubleTextMax];
  position = listpack_.insert(position, listpack_score_text(score, text));
  listpack_.insert(position, member);
}

std::optional<double> ZSetValue::score(std::string_view member) const {
  if (is_listpack()) {
    const size_t position = listpack_find(member);
    if (position == listpack_.end()) return std::nullopt;
    return read_score(listpack_.get(listpack_.next(position)));
  }
  const ZSetIndexNode* entry = index_->find(member);
  if (entry == nullptr) return std::nullopt;
  return entry->node()->score();
}

bool ZSetValue::set(std::string_view member, double score, const ZSetLimits& limits) {
  if (is_listpack()) {
    const size_t position = listpack_find(member);
    if (position != listpack_.end()) {
      // Redis leaves an equal score alone (so 0 does not replace -0).
      if (read_score(listpack_.get(listpack_.next(position))) == score) return false;
      listpack_.erase(position, 2);
      listpack_insert(member, score);
      return false;
    }
    if (size() + 1 <= limits.max_listpack_entries && member.size() <= limits.max_listpack_value) {
      listpack_insert(member, score);
      return true;
    }
    convert_to_skiplist();
  }
  const ZSetIndexNode* entry = index_->find(member);
  if (entry != nullptr) {
    if (entry->node()->score() != score) skiplist_->update_score(entry->node(), score);
    return false;
  }
  const Skiplist::Node* node = skiplist_->insert(score, member);
  index_->insert(node->member());
  return true;
}

bool ZSetValue::erase(std::string_view member) {
  if (is_listpack()) {
    const size_t position = listpack_find(member);
    if (position == listpack_.end()) return false;
    listpack_.erase(position, 2);
    return true;
  }
  ZSetIndexNode* entry = index_->find(member);
  if (entry == nullptr) return false;
  const Skiplist::Node* node = entry->node();
  index_->erase(entry);
  skiplist_->erase(node);
  return true;
}

std::optional<size_t> ZSetValue::rank(std::string_view member) const {
  if (is_listpack()) {
    size_t rank = 0;
    for (size_t position = listpack_.begin(); position != listpack_.end();
         position = listpack_.next(listpack_.next(position)), ++rank) {
      if (listpack_.get(position).equals(member)) return rank;
    }
    return std::nullopt;
  }
  const ZSetIndexNode* entry = index_->find(member);
  if (entry == nullptr) return std::nullopt;
  return skiplist_->rank(entry->node());
}

std::pair<size_t, size_t> ZSetValue::rank_span(const ScoreRange& range) const {
  if (is_listpack()) {
    size_t first = 0;
    size_t last = 0;
    for (Cursor cursor = at_rank(0); cursor.valid(); cursor.next()) {
      if (range.below(cursor.score())) ++first;
      if (range.within_max(cursor.score())) ++last;
    }
    return {first, last};
  }
  return {
      skiplist_->count_while([&](const Skiplist::Node& n) { return range.below(n.score()); }),
      skiplist_->count_while([&](const Skiplist::Node& n) { return range.within_max(n.score()); })};
}

std::pair<size_t, size_t> ZSetValue::rank_span(const LexRange& range) const {
  if (is_listpack()) {
    // With equal scores, as lex ranges require, this is the plain span. With
    // mixed scores it walks as Redis walks a listpack: nothing unless the
    // last member reaches min and the first is within max, then from the
    // first member not below min for as long as members stay within max.
    const size_t count = size();
    if (count == 0 || range.below(at_rank(count - 1).member()) ||
        !range.within_max(at_rank(0).member())) {
      return {0, 0};
    }
    Cursor cursor = at_rank(0);
    size_t first = 0;
    for (; cursor.valid() && range.below(cursor.member()); cursor.next()) ++first;
    size_t last = first;
    for (; cursor.valid() && range.within_max(cursor.member()); cursor.next()) ++last;
    return {first, last};
  }
  return {skiplist_->count_while([&](const Skiplist::Node& n) { return range.below(n.member()); }),
          skiplist_->count_while(
              [&](const Skiplist::Node& n) { return range.within_max(n.member()); })};
}

void ZSetValue::erase_ranks(size_t first, size_t count) {
  if (count == 0) return;
  if (is_listpack()) {
    listpack_.erase(listpack_.seek(static_cast<int64_t>(first * 2)), count * 2);
    return;
  }
  const Skiplist::Node* node = skiplist_->at(first);
  for (size_t i = 0; i < count && node != nullptr; ++i) {
    const Skiplist::Node* next = node->next();
    index_->erase(node->member());
    skiplist_->erase(node);
    node = next;
  }
}

void ZSetValue::convert_to_skiplist() {
  if (!is_listpack()) return;
  auto skiplist = std::make_unique<Skiplist>();
  auto index = std::make_unique<ChainedTable<ZSetIndexNode>>();
  for (Cursor cursor = at_rank(0); cursor.valid(); cursor.next()) {
    const Skiplist::Node* node = skiplist->insert(cursor.score(), cursor.member());
    index->insert(node->member());
  }
  listpack_.clear();
  skiplist_ = std::move(skiplist);
  index_ = std::move(index);
}

void ZSetValue::shrink_if_fits(const ZSetLimits& limits) {
  if (is_listpack() || skiplist_->size() > limits.max_listpack_entries) return;
  for (const Skiplist::Node* node = skiplist_->first(); node != nullptr; node = node->next()) {
    if (node->member().size() > limits.max_listpack_value) return;
  }
  PackedList listpack;
  char text[kDoubleTextMax];
  for (const Skiplist::Node* node = skiplist_->first(); node != nullptr; node = node->next()) {
    listpack.push_back(node->member());
    listpack.push_back(listpack_score_text(node->score(), text));
  }
  index_.reset();
  skiplist_.reset();
  listpack_ = std::move(listpack);
}

ZSetValue::Cursor ZSetValue::at_rank(size_t rank) const {
  Cursor cursor;
  cursor.set_ = this;
  if (is_listpack()) {
    cursor.position_ =
        rank < size() ? listpack_.seek(static_cast<int64_t>(rank * 2)) : listpack_.end();
  } else {
    cursor.node_ = skiplist_->at(rank);
  }
  cursor.load();
  return cursor;
}

void ZSetValue::Cursor::load() {
  if (set_->is_listpack()) {
    const PackedList& list = set_->listpack_;
    valid_ = position_ != list.end();
    if (valid_) score_ = read_score(list.get(list.next(position_)));
  } else {
    valid_ = node_ != nullptr;
    if (valid_) score_ = node_->score();
  }
}

std::string_view ZSetValue::Cursor::member() const {
  if (node_ != nullptr) return node_->member();
  return set_->listpack_.get(position_).bytes(scratch_);
}

void ZSetValue::Cursor::next() {
  if (set_->is_listpack()) {
    position_ = set_->listpack_.next(set_->listpack_.next(position_));
    behind_count_ = 0;
  } else {
    node_ = node_->next();
  }
  load();
}

void ZSetValue::Cursor::prev() {
  if (set_->is_listpack()) {
    const PackedList& list = set_->listpack_;
    if (position_ == list.begin()) {
      position_ = list.end();
      behind_count_ = 0;
    } else {
      // Back over the score to the member: two items, maybe across groups.
      for (int step = 0; step < 2; ++step) {
        if (behind_count_ == 0) behind_count_ = list.positions_before(position_, behind_);
        position_ = behind_[--behind_count_];
      }
    }
  } else {
    node_ = node_->prev();
  }
  load();
}

ZSetValue::ScoreWalk::ScoreWalk(const ZSetValue& set) : set_(set) {
  if (set.is_listpack()) {
    position_ = set.listpack_.begin();
  } else {
    nodes_.emplace(*set.skiplist_);
  }
  load();
}

void ZSetValue::ScoreWalk::load() {
  if (nodes_) {
    valid_ = nodes_->node() != nullptr;
    if (valid_) score_ = nodes_->node()->score();
    return;
  }
  const PackedList& list = set_.listpack_;
  valid_ = position_ != list.end();
  if (valid_) score_ = read_score(list.get(list.next(position_)));
}

std::string_view ZSetValue::ScoreWalk::member() const {
  if (nodes_) return nodes_->node()->member();
  return set_.listpack_.get(position_).bytes(scratch_);
}

bool ZSetValue::ScoreWalk::member_in_place() const {
  return nodes_ || !set_.listpack_.get(position_).is_integer;
}

void ZSetValue::ScoreWalk::next() {
  if (nodes_) {
    nodes_->next();
  } else {
    position_ = set_.listpack_.next(set_.listpack_.next(position_));
  }
  load();
}

void ZSetValue::ScoreWalk::seek(double min) {
  if (nodes_) {
    nodes_->seek(min);
    load();
    return;
  }
  while (valid_ && score_ < min) next();
}

}  // namespace fkvs
