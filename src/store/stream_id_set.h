#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <utility>
#include <vector>

#include "store/stream_id.h"

namespace fkvs {

// An ordered set of records T, each keyed by its `StreamId id` member, with
// O(log n) lookup: the records sit in sorted chunks of at most kChunkMax,
// and a map finds the chunk. A record then costs about its own bytes (a
// pending entry 40, where a tree node per entry would add 48 or more), and
// IDs added in ascending order, as deliveries are, fill each chunk.
//
// Pointers to records are valid until the set changes.
template <typename T>
class StreamIdSet {
 public:
  static constexpr size_t kChunkMax = 64;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T* find(StreamId id) {
    auto chunk = chunk_for(id);
    if (chunk == chunks_.end()) return nullptr;
    auto record = position_in(chunk->second, id);
    return record != chunk->second.end() && record->id == id ? &*record : nullptr;
  }
  const T* find(StreamId id) const { return const_cast<StreamIdSet*>(this)->find(id); }

  // The first record with an ID >= from; nullptr if none.
  T* lower_bound(StreamId from) {
    auto chunk = chunk_for(from);
    if (chunk == chunks_.end()) chunk = chunks_.begin();
    for (; chunk != chunks_.end(); ++chunk) {
      auto record = position_in(chunk->second, from);
      if (record != chunk->second.end()) return &*record;
    }
    return nullptr;
  }

  T* first() { return empty() ? nullptr : &chunks_.begin()->second.front(); }
  const T* first() const { return empty() ? nullptr : &chunks_.begin()->second.front(); }
  T* last() { return empty() ? nullptr : &chunks_.rbegin()->second.back(); }
  const T* last() const { return empty() ? nullptr : &chunks_.rbegin()->second.back(); }

  // Adds record, whose ID must not be in the set; returns the stored copy.
  T& insert(const T& record);
  // Removes the record with this ID; false if there is none.
  bool erase(StreamId id);

  // visit(T&) for the records with IDs in [start, end], ascending, until it
  // returns false. The visitor must not change the set.
  template <typename Visit>
  void for_each_in(StreamId start, StreamId end, Visit&& visit);
  template <typename Visit>
  void for_each_in(StreamId start, StreamId end, Visit&& visit) const {
    const_cast<StreamIdSet*>(this)->for_each_in(start, end,
                                                [&](const T& record) { return visit(record); });
  }
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (const auto& [key, chunk] : chunks_) {
      for (const T& record : chunk) visit(record);
    }
  }

  // Heap bytes of the chunks and their map nodes.
  size_t heap_bytes() const {
    size_t bytes = 0;
    for (const auto& [key, chunk] : chunks_) bytes += kMapNodeBytes + chunk.capacity() * sizeof(T);
    return bytes;
  }

 private:
  using Chunk = std::vector<T>;
  // Each chunk is keyed by a lower bound of its IDs: every record of a
  // chunk is >= its key and below the next chunk's key.
  using ChunkMap = std::map<StreamId, Chunk>;
  // A red-black tree node: three pointers and the colour, then the pair.
  static constexpr size_t kMapNodeBytes = 32 + sizeof(std::pair<const StreamId, Chunk>);

  // The chunk whose range holds id; end() if id is below every key.
  typename ChunkMap::iterator chunk_for(StreamId id) {
    auto chunk = chunks_.upper_bound(id);
    if (chunk == chunks_.begin()) return chunks_.end();
    return std::prev(chunk);
  }
  static typename Chunk::iterator position_in(Chunk& chunk, StreamId id) {
    return std::lower_bound(chunk.begin(), chunk.end(), id,
                            [](const T& record, StreamId key) { return record.id < key; });
  }
  // Merges a chunk that has become small into a neighbour with room.
  void merge_if_small(typename ChunkMap::iterator chunk);

  ChunkMap chunks_;
  size_t size_ = 0;
};

template <typename T>
T& StreamIdSet<T>::insert(const T& record) {
  auto chunk = chunk_for(record.id);
  if (chunk == chunks_.end()) {
    if (chunks_.empty() || chunks_.begin()->second.size() >= kChunkMax) {
      chunk = chunks_.emplace(record.id, Chunk()).first;
    } else {
      // Below every key: the first chunk takes it, under a lower key.
      auto node = chunks_.extract(chunks_.begin());
      node.key() = record.id;
      chunk = chunks_.insert(std::move(node)).position;
    }
  }
  Chunk* target = &chunk->second;
  if (target->size() >= kChunkMax) {
    const bool at_end = target->back().id < record.id;
    if (at_end && std::next(chunk) == chunks_.end()) {
      // Ascending inserts start a new chunk and leave this one full.
      target = &chunks_.emplace_hint(chunks_.end(), record.id, Chunk())->second;
    } else {
      const size_t half = target->size() / 2;
      Chunk upper(std::make_move_iterator(target->begin() + half),
                  std::make_move_iterator(target->end()));
      target->erase(target->begin() + half, target->end());
      const StreamId upper_key = upper.front().id;
      auto upper_chunk = chunks_.emplace_hint(std::next(chunk), upper_key, std::move(upper));
      if (!(record.id < upper_key)) target = &upper_chunk->second;
    }
  }
  ++size_;
  return *target->insert(position_in(*target, record.id), record);
}

template <typename T>
bool StreamIdSet<T>::erase(StreamId id) {
  auto chunk = chunk_for(id);
  if (chunk == chunks_.end()) return false;
  auto record = position_in(chunk->second, id);
  if (record == chunk->second.end() || record->id != id) return false;
  chunk->second.erase(record);
  --size_;
  if (chunk->second.empty()) {
    chunks_.erase(chunk);
  } else {
    merge_if_small(chunk);
  }
  return true;
}

template <typename T>
void StreamIdSet<T>::merge_if_small(typename ChunkMap::iterator chunk) {
  Chunk& records = chunk->second;
  if (records.size() > kChunkMax / 4) return;
  if (chunk != chunks_.begin()) {
    Chunk& before = std::prev(chunk)->second;
    if (before.size() + records.size() <= kChunkMax) {
      before.insert(before.end(), std::make_move_iterator(records.begin()),
                    std::make_move_iterator(records.end()));
      chunks_.erase(chunk);
      return;
    }
  }
  if (auto after = std::next(chunk); after != chunks_.end()) {
    if (after->second.size() + records.size() <= kChunkMax) {
      records.insert(records.end(), std::make_move_iterator(after->second.begin()),
                     std::make_move_iterator(after->second.end()));
      chunks_.erase(after);
      return;
    }
  }
  if (records.capacity() >= 4 * records.size()) records.shrink_to_fit();
}

template <typename T>
template <typename Visit>
void StreamIdSet<T>::for_each_in(StreamId start, StreamId end, Visit&& visit) {
  if (end < start) return;
  auto chunk = chunk_for(start);
  if (chunk == chunks_.end()) chunk = chunks_.begin();
  for (; chunk != chunks_.end(); ++chunk) {
    for (auto record = position_in(chunk->second, start); record != chunk->second.end(); ++record) {
      if (end < record->id) return;
      if (!visit(*record)) return;
    }
  }
}

}  // namespace fkvs
