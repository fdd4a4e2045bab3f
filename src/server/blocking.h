#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/value.h"
#include "util/string_map.h"

namespace fkvs {

class Client;

// A key of one database that a push has made worth serving.
struct ReadyKey {
  int db;
  std::string key;
};

// The clients blocked by BLPOP and the other blocking commands: for each
// (db, key) the clients waiting on it in the order they blocked, and for each
// client its keys, its deadline and a copy of the command, which runs again
// when one of its keys may be served.
//
// Cost is per blocked client and per key it waits on; a push to a key nobody
// waits on costs one hash lookup (none while nobody is blocked at all).
class BlockedClients {
 public:
  BlockedClients() = default;
  BlockedClients(const BlockedClients&) = delete;
  BlockedClients& operator=(const BlockedClients&) = delete;
  ~BlockedClients();

  // Blocks client on keys of db until deadline_ms (unix ms; 0 = forever),
  // to be served from a key holding a `serves` value (a list for BLPOP),
  // keeping args (the whole command) to run again. The client must not be
  // blocked already.
  void block(Client& client, int db, std::span<const std::string_view> keys, int64_t deadline_ms,
             ValueType serves, std::span<const std::string_view> args);
  // Forgets client's wait (served, timed out, disconnected, CLIENT UNBLOCK).
  // Client::blocked says whether a client is blocked.
  void unblock(Client& client);
  size_t count() const { return by_client_.size(); }
  // Blocked clients with a deadline (INFO's clients_in_timeout_table).
  size_t count_with_deadline() const { return deadlines_.size(); }

  // The command the client blocked with, to run again.
  std::span<const std::string_view> blocked_args(const Client& client) const;
  // The type of value that can serve the client.
  ValueType serves(const Client& client) const;

  // key of db may now be served; it is queued once, and only if some client
  // waits on it.
  void signal_ready(int db, std::string_view key);
  bool has_ready() const { return !ready_.empty(); }
  // The keys signalled since the last call, in signal order.
  std::vector<ReadyKey> take_ready();
  // Clients waiting on key of db, oldest first (a copy: serving one changes
  // the queue).
  std::vector<Client*> waiters(int db, std::string_view key) const;
  // Keys of db that some client waits on (SWAPDB makes them all worth a look).
  std::vector<std::string> waited_keys(int db) const;

  // Clients whose deadline is at or before now_ms, earliest first.
  std::vector<Client*> timed_out(int64_t now_ms) const;

 private:
  using Queue = std::list<Client*>;
  using KeyQueues = StringMap<Queue>;

  struct Wait {
    int db;
    ValueType serves;
    int64_t deadline_ms;
    std::vector<std::string> args;
    std::vector<std::string_view> arg_views;
    // Where the client sits in each key's queue, to leave it in O(1). Map
    // elements, unlike map iterators, stay put when the map rehashes.
    std::vector<std::pair<KeyQueues::value_type*, Queue::iterator>> places;
    std::multimap<int64_t, Client*>::iterator deadline;
  };

  KeyQueues& queues_of(int db);
  const KeyQueues* find_queues(int db) const;

  // One map of key queues per database, created on first use.
  std::vector<KeyQueues> queues_;
  std::unordered_map<const Client*, Wait> by_client_;
  std::multimap<int64_t, Client*> deadlines_;
  std::vector<ReadyKey> ready_;
};

}  // namespace fkvs
