#pragma once

#include <string_view>
#include <vector>

#include "util/string_map.h"

namespace fkvs {

class Client;
class Db;

// WATCH: which clients watch which key of which database. A change to a
// watched key breaks the watchers' transactions; the cost is one lookup per
// change while anyone watches anything, and nothing otherwise.
class WatchedKeys {
 public:
  bool empty() const { return watching_ == 0; }

  // key of db is watched by client; expired: see WatchedKey.
  void watch(Client& client, int db, std::string_view key, bool expired);
  void unwatch_all(Client& client);
  // A write (or expiry) changed key of db. after: that database after the
  // change, asked whether it still holds the key only for watches of a key
  // that was expired when watched; null when the key is being reclaimed.
  void touch(int db, std::string_view key, Db* after);
  // FLUSHDB/FLUSHALL empty `emptied` (replacement null); SWAPDB puts
  // `replacement`'s keys in its place. Call before the change.
  void touch_all(int db, Db& emptied, Db* replacement);

 private:
  using Watchers = std::vector<Client*>;
  StringMap<Watchers>* keys_of(int db);
  void break_watch(Client& client);

  // One map per database index, created on first use.
  std::vector<StringMap<Watchers>> by_db_;
  size_t watching_ = 0;
};

}  // namespace fkvs
