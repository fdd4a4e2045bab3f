#include "server/watched_keys.h"

#include <algorithm>

#include "server/client.h"
#include "store/db.h"

namespace fkvs {
namespace {

WatchedKey* find_watch(Client& client, int db, std::string_view key) {
  for (WatchedKey& watched : client.multi.watched) {
    if (watched.db == db && watched.key == key) return &watched;
  }
  return nullptr;
}

}  // namespace

StringMap<WatchedKeys::Watchers>* WatchedKeys::keys_of(int db) {
  return static_cast<size_t>(db) < by_db_.size() ? &by_db_[db] : nullptr;
}

void WatchedKeys::watch(Client& client, int db, std::string_view key, bool expired) {
  if (find_watch(client, db, key) != nullptr) return;
  if (static_cast<size_t>(db) >= by_db_.size()) by_db_.resize(db + 1);
  auto found = by_db_[db].find(key);
  if (found == by_db_[db].end()) found = by_db_[db].emplace(std::string(key), Watchers{}).first;
  found->second.push_back(&client);
  client.multi.watched.push_back({db, std::string(key), expired});
  ++watching_;
}

void WatchedKeys::unwatch_all(Client& client) {
  for (const WatchedKey& watched : client.multi.watched) {
    StringMap<Watchers>& keys = by_db_[watched.db];
    auto found = keys.find(watched.key);
    Watchers& watchers = found->second;
    watchers.erase(std::find(watchers.begin(), watchers.end(), &client));
    if (watchers.empty()) keys.erase(found);
    --watching_;
  }
  client.multi.watched.clear();
}

// The transaction is doomed, so its other watches need not be kept (as in Redis).
void WatchedKeys::break_watch(Client& client) {
  client.multi.watch_broken = true;
  unwatch_all(client);
}

void WatchedKeys::touch(int db, std::string_view key, Db* after) {
  StringMap<Watchers>* keys = keys_of(db);
  if (keys == nullptr) return;
  auto found = keys->find(key);
  if (found == keys->end()) return;
  // Breaking a watch edits this list, so walk a copy.
  const Watchers watchers = found->second;
  for (Client* client : watchers) {
    WatchedKey* watched = find_watch(*client, db, key);
    if (watched->expired && (after == nullptr || !after->holds(key))) {
      watched->expired = false;  // reclaimed, as it logically already was
      continue;
    }
    break_watch(*client);
  }
}

void WatchedKeys::touch_all(int db, Db& emptied, Db* replacement) {
  StringMap<Watchers>* keys = keys_of(db);
  if (keys == nullptr) return;
  std::vector<Client*> broken;
  for (auto& [key, watchers] : *keys) {
    const bool in_emptied = emptied.holds(key);
    const bool in_replacement = replacement != nullptr && replacement->holds(key);
    if (!in_emptied && !in_replacement) continue;
    const bool replacement_expired = in_replacement && replacement->holds_expired(key);
    for (Client* client : watchers) {
      WatchedKey* watched = find_watch(*client, db, key);
      if (watched->expired) {
        // Gone, or replaced by a key just as expired: no logical change.
        if (!in_replacement) {
          watched->expired = false;
          continue;
        }
        if (replacement_expired) continue;
      } else if (!in_emptied && replacement_expired) {
        watched->expired = true;  // absent before, and still logically absent
        continue;
      }
      broken.push_back(client);
    }
  }
  for (Client* client : broken) {
    if (!client->multi.watch_broken) break_watch(*client);
  }
}

}  // namespace fkvs
