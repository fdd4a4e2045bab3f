#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fkvs {

class Client;

// appendfsync always without stalling the loop: the AOF numbers its writes
// in batches (one per loop iteration) and syncs them in the background. A
// reply that depends on a batch (the reply to a write in it, or to a read
// of a key it wrote) stays queued until that batch is synced; replies that
// depend on nothing unsynced go out at once. Replies on one connection keep
// their order, so a held reply also holds every later one there.
class DurableReplies {
 public:
  // What the AOF logged in batch changed key of db...
  void key_written(int db, std::string_view key, uint64_t batch);
  // ... or may have changed any key (FLUSHALL, FLUSHDB, SWAPDB).
  void everything_written(uint64_t batch);

  // The batch a reply reading key of db must wait for; 0 when none.
  uint64_t batch_of_key(int db, std::string_view key) const;
  // The newest batch anything was written in and not synced: what a reply
  // that reads the keyspace as a whole waits for; 0 when none.
  uint64_t newest_unsynced() const { return newest_written_; }

  // client's replies from position on (see net::Connection) wait until
  // batch is synced.
  void hold(Client& client, uint64_t position, uint64_t batch);
  // Whether some reply waits for batch (or a later one).
  bool waits_for(uint64_t batch) const { return newest_held_ >= batch; }
  bool any_held() const { return !held_.empty(); }
  // Every batch up to batch is synced: the replies waiting for them are
  // released, and flush is called for each client whose output may now go.
  void synced(uint64_t batch, const std::function<void(Client&)>& flush);
  // The AOF is off: nothing waits any more.
  void release_all(const std::function<void(Client&)>& flush) { synced(UINT64_MAX, flush); }
  // client is closing.
  void forget(Client& client);

 private:
  struct Barrier {
    uint64_t position;
    uint64_t batch;
  };
  static std::string key_id(int db, std::string_view key);

  // Keys written in batches not yet synced, with the newest such batch.
  std::unordered_map<std::string, uint64_t> unsynced_keys_;
  uint64_t everything_batch_ = 0;
  uint64_t newest_written_ = 0;
  // Per client, its held stretches in order, each waiting for a later batch
  // than the one before (a stretch waiting for an earlier batch is covered).
  std::unordered_map<Client*, std::deque<Barrier>> held_;
  uint64_t newest_held_ = 0;
};

}  // namespace fkvs
