#include "server/blocking.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "server/client.h"

namespace fkvs {

BlockedClients::~BlockedClients() = default;

BlockedClients::KeyQueues& BlockedClients::queues_of(int db) {
  if (static_cast<size_t>(db) >= queues_.size()) queues_.resize(db + 1);
  return queues_[db];
}

const BlockedClients::KeyQueues* BlockedClients::find_queues(int db) const {
  if (static_cast<size_t>(db) >= queues_.size()) return nullptr;
  return &queues_[db];
}

void BlockedClients::block(Client& client, int db, std::span<const std::string_view> keys,
                           int64_t deadline_ms, ValueType serves,
                           std::span<const std::string_view> args) {
  assert(!client.blocked);
  client.blocked = true;
  Wait& wait = by_client_[&client];
  wait.db = db;
  wait.serves = serves;
  wait.deadline_ms = deadline_ms;
  wait.args.assign(args.begin(), args.end());
  wait.arg_views.assign(wait.args.begin(), wait.args.end());
  KeyQueues& queues = queues_of(db);
  for (std::string_view key : keys) {
    auto queue = queues.find(key);
    if (queue == queues.end()) queue = queues.emplace(std::string(key), Queue{}).first;
    // A key named twice (BLPOP k k 0) waits once.
    if (!queue->second.empty() && queue->second.back() == &client) continue;
    wait.places.emplace_back(&*queue, queue->second.insert(queue->second.end(), &client));
  }
  wait.deadline = deadline_ms > 0 ? deadlines_.emplace(deadline_ms, &client) : deadlines_.end();
}

void BlockedClients::unblock(Client& client) {
  auto found = by_client_.find(&client);
  if (found == by_client_.end()) return;
  Wait& wait = found->second;
  KeyQueues& queues = queues_of(wait.db);
  for (auto& [queue, place] : wait.places) {
    queue->second.erase(place);
    if (queue->second.empty()) queues.erase(queues.find(queue->first));
  }
  if (wait.deadline != deadlines_.end()) deadlines_.erase(wait.deadline);
  by_client_.erase(found);
  client.blocked = false;
}

std::span<const std::string_view> BlockedClients::blocked_args(const Client& client) const {
  return by_client_.at(&client).arg_views;
}

ValueType BlockedClients::serves(const Client& client) const {
  return by_client_.at(&client).serves;
}

void BlockedClients::signal_ready(int db, std::string_view key) {
  if (by_client_.empty()) return;
  const KeyQueues* queues = find_queues(db);
  if (queues == nullptr || !queues->contains(key)) return;
  for (const ReadyKey& ready : ready_) {
    if (ready.db == db && ready.key == key) return;
  }
  ready_.push_back({db, std::string(key)});
}

std::vector<ReadyKey> BlockedClients::take_ready() { return std::exchange(ready_, {}); }

std::vector<Client*> BlockedClients::waiters(int db, std::string_view key) const {
  const KeyQueues* queues = find_queues(db);
  if (queues == nullptr) return {};
  auto queue = queues->find(key);
  if (queue == queues->end()) return {};
  return {queue->second.begin(), queue->second.end()};
}

std::vector<std::string> BlockedClients::waited_keys(int db) const {
  std::vector<std::string> keys;
  if (const KeyQueues* queues = find_queues(db)) {
    for (const auto& [key, queue] : *queues) keys.push_back(key);
  }
  return keys;
}

std::vector<Client*> BlockedClients::timed_out(int64_t now_ms) const {
  std::vector<Client*> expired;
  for (auto it = deadlines_.begin(); it != deadlines_.end() && it->first <= now_ms; ++it) {
    expired.push_back(it->second);
  }
  return expired;
}

}  // namespace fkvs
