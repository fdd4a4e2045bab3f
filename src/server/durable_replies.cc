#include "server/durable_replies.h"

#include <algorithm>
#include <cstring>

#include "server/client.h"

namespace fkvs {

std::string DurableReplies::key_id(int db, std::string_view key) {
  std::string id(sizeof db + key.size(), '\0');
  std::memcpy(id.data(), &db, sizeof db);
  std::memcpy(id.data() + sizeof db, key.data(), key.size());
  return id;
}

void DurableReplies::key_written(int db, std::string_view key, uint64_t batch) {
  unsynced_keys_[key_id(db, key)] = batch;
  newest_written_ = std::max(newest_written_, batch);
}

void DurableReplies::everything_written(uint64_t batch) {
  everything_batch_ = std::max(everything_batch_, batch);
  newest_written_ = std::max(newest_written_, batch);
}

uint64_t DurableReplies::batch_of_key(int db, std::string_view key) const {
  if (newest_written_ == 0) return 0;
  uint64_t batch = everything_batch_;
  if (!unsynced_keys_.empty()) {
    // One id buffer for every lookup: this runs for each key of each call.
    static thread_local std::string id;
    id.assign(reinterpret_cast<const char*>(&db), sizeof db);
    id.append(key);
    if (auto found = unsynced_keys_.find(id); found != unsynced_keys_.end()) {
      batch = std::max(batch, found->second);
    }
  }
  return batch;
}

void DurableReplies::hold(Client& client, uint64_t position, uint64_t batch) {
  std::deque<Barrier>& barriers = held_[&client];
  if (!barriers.empty() && barriers.back().batch >= batch) return;
  barriers.push_back({position, batch});
  newest_held_ = std::max(newest_held_, batch);
  if (barriers.size() == 1) client.conn().hold_output_from(position);
}

void DurableReplies::synced(uint64_t batch, const std::function<void(Client&)>& flush) {
  if (newest_written_ <= batch) {
    unsynced_keys_.clear();
    everything_batch_ = 0;
    newest_written_ = 0;
  } else {
    std::erase_if(unsynced_keys_, [batch](const auto& key) { return key.second <= batch; });
    if (everything_batch_ <= batch) everything_batch_ = 0;
  }
  for (auto it = held_.begin(); it != held_.end();) {
    auto& [client, barriers] = *it;
    if (barriers.front().batch > batch) {
      ++it;
      continue;
    }
    while (!barriers.empty() && barriers.front().batch <= batch) barriers.pop_front();
    if (barriers.empty()) {
      client->conn().release_output();
    } else {
      client->conn().hold_output_from(barriers.front().position);
    }
    flush(*client);
    it = barriers.empty() ? held_.erase(it) : std::next(it);
  }
  if (held_.empty()) newest_held_ = 0;
}

void DurableReplies::forget(Client& client) { held_.erase(&client); }

}  // namespace fkvs
