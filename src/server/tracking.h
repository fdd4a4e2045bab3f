#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "byte_buffer.h"
#include "util/string_map.h"

namespace fkvs {

class Client;

// Server-assisted client-side caching (CLIENT TRACKING), as in Redis 6+.
//
// The table remembers, for each key a tracking client read, the ids of the
// clients that may cache it; a change to the key sends each of them one
// "invalidate" message and forgets them. Clients in BCAST mode are not in
// the table: they hear of every key under their prefixes, gathered per
// event-loop iteration. Like Redis, the table holds ids and is not cleaned
// when a client stops tracking: an id that no longer tracks is skipped and
// dropped when its key changes.
//
// Messages go as RESP3 push frames, or, for a RESP2 client that redirects
// them, as Pub/Sub messages of __redis__:invalidate to a subscribed target.
class Tracking {
 public:
  // The server's side: its clients by id, and how a frame reaches one.
  class Clients {
   public:
    virtual Client* client_by_id(uint64_t id) = 0;
    // frame is a RESP2 array; as_push: a RESP3 client gets it as a push.
    virtual void send_to_client(Client& target, std::string_view frame, bool as_push) = 0;

   protected:
    ~Clients() = default;
  };

  struct Options {
    uint64_t redirect = 0;
    bool bcast = false;
    bool optin = false;
    bool optout = false;
    bool noloop = false;
  };

  explicit Tracking(Clients& clients) : clients_(clients) {}

  // Any client tracks: commands run where their reads are remembered.
  bool in_use() const { return !trackers_.empty(); }
  // A write may owe someone an invalidation.
  // (One test: it guards every write.)
  bool watching_writes() const { return (table_.size() | prefixes_.size()) != 0; }

  // CLIENT TRACKING ON (options checked), again or for the first time: the
  // modes are replaced, BCAST prefixes added to those the client has.
  void enable(Client& client, const Options& options, std::span<const std::string_view> prefixes);
  // CLIENT TRACKING OFF, RESET, a closed connection.
  void disable(Client& client);

  // A command of `client` read key (the command table's key positions).
  void remember(Client& client, std::string_view key);
  // key changed; modifier is the client whose command changed it (NOLOOP),
  // null for an expiry or an eviction.
  void key_changed(std::string_view key, const Client* modifier);
  // FLUSHDB/FLUSHALL: every tracking client is told to drop everything once
  // per command, however many databases it emptied.
  void flushed();

  // The client whose command is running (null between commands): its own
  // invalidations wait until its reply is written (flush_pending), so they
  // never land inside a reply or a transaction's. Returns the one before.
  Client* set_running(Client* client) { return std::exchange(running_, client); }
  Client* running() const { return running_; }
  // A command starts: a flush is announced again.
  void command_started() { flush_announced_ = false; }
  bool has_pending() const { return !pending_.empty(); }
  void flush_pending();

  // BCAST: what changed since the last call goes to the clients of each
  // prefix (once per event-loop iteration).
  void broadcast();

  // tracking-table-max-keys: over the limit, keys are invalidated (and
  // forgotten) a hundred at a time, more each call while it stays over.
  void enforce_limit(uint64_t max_keys);

  size_t tracking_clients() const { return trackers_.size(); }
  size_t total_keys() const { return table_.size(); }
  size_t total_items() const { return total_items_; }
  size_t total_prefixes() const { return prefixes_.size(); }

 private:
  struct Broadcast {
    std::vector<Client*> clients;
    // Keys changed since the last broadcast, each with the id of the last
    // client that changed it (0: none), sorted as Redis sends them.
    std::map<std::string, uint64_t, std::less<>> changed;
  };

  void add_prefix(Client& client, std::string_view prefix);
  // BCAST: key changed (modifier_id 0: by nobody); every prefix it has gathers it.
  void note_for_broadcast(std::string_view key, uint64_t modifier_id);
  void remove_prefixes(Client& client);
  // Invalidates key for the clients that read it, and forgets it.
  void invalidate(std::string_view key);
  // Sends the "invalidate" message with payload (RESP of an array of keys or
  // a null) to client, or to where it redirects them.
  void send(Client& client, std::string_view payload);
  std::string_view key_array(std::span<const std::string_view> keys);
  std::string_view null_of(const Client& client);

  Clients& clients_;
  StringMap<std::vector<uint64_t>> table_;
  std::map<std::string, Broadcast, std::less<>> prefixes_;
  std::vector<Client*> trackers_;
  size_t total_items_ = 0;
  Client* running_ = nullptr;
  // Invalidations held for the client whose command was running, by its
  // id: keys, or nullopt for a flush.
  std::vector<std::pair<uint64_t, std::optional<std::string>>> pending_;
  bool flush_announced_ = false;
  // enforce_limit calls in a row that ended still over the limit.
  uint64_t limit_rounds_ = 0;
  resp::ByteBuffer payload_;
  resp::ByteBuffer frame_;
};

}  // namespace fkvs
