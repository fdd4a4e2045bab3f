#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command_table.h"
#include "net/event_loop.h"
#include "server/append_only_file.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/client_pause.h"
#include "server/config.h"
#include "server/error_stats.h"
#include "server/eviction.h"
#include "server/latency_monitor.h"
#include "server/propagation.h"
#include "server/pubsub.h"
#include "server/slow_log.h"
#include "server/snapshotter.h"
#include "server/stats.h"
#include "server/supervisor.h"
#include "server/tracking.h"
#include "server/watched_keys.h"
#include "store/db.h"

namespace fkvs {

class ScriptRunner;

// The whole server: configuration, databases, clients and the command table,
// driven by one event loop. It is the loop's ConnectionHandler: it parses what
// arrives on a connection, runs each command and queues the replies; and its
// databases' KeyspaceListener, for the notifications they raise.
class Server final : public net::ConnectionHandler,
                     public KeyspaceListener,
                     public Tracking::Clients {
 public:
  explicit Server(Config config);
  ~Server() override;

  // Binds the listeners and runs the loop until SHUTDOWN or a signal.
  // Returns the process exit code.
  int run();

  Config& config() { return config_; }
  const CommandTable& commands() const { return commands_; }
  CommandTable& commands() { return commands_; }
  Db& db(int index) { return *dbs_[index]; }
  int db_count() const { return static_cast<int>(dbs_.size()); }
  // Every database, [i] being database i (snapshots, digests).
  std::vector<Db*> db_pointers();
  // SWAPDB: the clients that selected one now see the other's data.
  void swap_dbs(int a, int b);
  // FLUSHDB/FLUSHALL of one database, its values freed on the lazy-free
  // thread when lazily; returns the keys it held.
  size_t clear_db(int index, bool lazily = false);
  LazyFree& lazy_free() { return lazy_free_; }
  KeyspaceStats& keyspace_stats() { return keyspace_stats_; }
  ServerStats& stats() { return stats_; }
  // Every error reply sent (INFO errorstats); pass it to a ReplyWriter that writes one.
  ErrorStats& error_stats() { return error_stats_; }
  LatencyMonitor& latency_monitor() { return latency_monitor_; }
  // The latency monitor: event took duration_us; recorded when that is
  // latency-monitor-threshold or more.
  void note_latency(std::string_view event, int64_t duration_us);
  const char* backend_name() const;
  int tcp_port() const { return tcp_port_; }
  int64_t start_time_ms() const { return start_time_ms_; }
  // used_memory once the server was set up, before any data was loaded (MEMORY STATS).
  uint64_t startup_memory() const { return startup_memory_; }
  const std::string& config_file() const { return config_.config_file; }
  std::string executable_path() const { return executable_; }
  void set_executable_path(std::string path) { executable_ = std::move(path); }

  // Clients by id (CLIENT LIST / KILL / INFO).
  const std::unordered_map<uint64_t, Client*>& clients() const { return clients_; }
  // Closes a client at the end of this loop iteration.
  void kill_client(Client& client);
  // client's output is sent before the loop next waits.
  void flush_later(Client& client) { loop_->want_flush(client.conn()); }
  // For a command whose reply has no bound of its own (SRANDMEMBER with a
  // count in the billions): true, and the client closed, once its pending
  // output passes the normal class's hard limit or kMaxReplyBytes.
  bool reply_overflowed(Client& client);
  // DEBUG SET-ACTIVE-EXPIRE: whether the cron reclaims expired keys (lazy
  // expiry on access always runs).
  void set_active_expire(bool enabled) { active_expire_ = enabled; }
  // SHUTDOWN, SIGTERM, SIGINT: stop accepting and running requests, and
  // stop once the replies already queued are sent (or shutdown-timeout).
  void request_shutdown();
  bool shutting_down() const { return shutting_down_; }
  // A script past busy-reply-threshold: other clients are served (with
  // -BUSY for most commands) while running's script goes on.
  void serve_while_busy(Client& running) { loop_->serve_while_busy(running.conn()); }
  const Supervisor& supervisor() const { return supervisor_; }
  int64_t lastsave_unix() const { return snapshots_.lastsave_unix(); }
  uint64_t dirty() const { return dirty_; }
  void add_dirty(uint64_t changes) {
    dirty_ += changes;
    call_changed_ = true;
  }
  // A snapshot saved the changes but these.
  void reset_dirty(uint64_t unsaved) { dirty_ = unsaved; }
  // The changes made so far in the running call were not its own (DEBUG
  // LOADAOF replayed them): the call does not propagate for them.
  void forget_call_changes() { call_changed_ = false; }
  // Replaying the AOF: no key expires, no blocked client is served, MONITOR
  // sees nothing and writes are never refused (see AppendOnlyFile).
  bool loading() const { return loading_; }
  // min-replicas-to-write and min-replicas-max-lag are set: with no replicas, writes are refused.
  bool needs_replicas_to_write() const {
    return config_.min_replicas_to_write != 0 && config_.min_replicas_max_lag != 0;
  }
  void set_loading(bool loading);
  Snapshotter& snapshots() { return snapshots_; }
  SlowLog& slow_log() { return slow_log_; }
  Eviction& eviction() { return eviction_; }
  AppendOnlyFile& aof() { return aof_; }
  const AppendOnlyFile& aof() const { return aof_; }
  // A snapshot or AOF rewrite child is running: only one forks at a time.
  bool child_running() const { return snapshots_.child_running() || aof_.rewrite_running(); }
  const Snapshotter& snapshots() const { return snapshots_; }
  // The shutdown's save, when save points are set or `save` asks for one
  // (SHUTDOWN, SIGTERM): false when it failed and the shutdown must not go on.
  bool save_before_shutdown(bool save, bool nosave);
  int64_t instantaneous_ops_per_sec() const;

  // Runs one parsed request for client (also used by tests); between MULTI
  // and EXEC, queues it instead.
  void execute(Client& client, std::span<const std::string_view> args);
  // execute() without CLIENT REPLY's silencing, and with it.
  void execute_request(Client& client, std::span<const std::string_view> args);
  void execute_silenced(Client& client, std::span<const std::string_view> args);
  // Runs a command that passed every check (EXEC runs its queue with this).
  void run(Client& client, const Command& command, std::span<const std::string_view> args);
  // Drops a client's MULTI state and its watches (DISCARD, EXEC, RESET, close).
  void end_transaction(Client& client);

  // A blocking command found nothing to serve: the client waits on keys of
  // its db until deadline_ms (unix ms, 0 = forever), and its command runs
  // again when a push signals one of them. When that run finds nothing
  // either, the client keeps its place and deadline.
  void block_client(Client& client, std::span<const std::string_view> keys, int64_t deadline_ms,
                    ValueType serves, std::span<const std::string_view> args);
  // A push (or a rename, copy, move or swap) put something in key of db:
  // clients blocked on it are served after the current command.
  void signal_key_ready(int db, std::string_view key) { blocked_.signal_ready(db, key); }
  // SWAPDB and FLUSHDB: every key waited on in db may have changed.
  void signal_waited_keys(int db);
  // Ends a client's wait with reply_timeout's reply (CLIENT UNBLOCK, timeouts).
  void unblock_client(Client& client, bool with_error);
  const BlockedClients& blocked_clients() const { return blocked_; }

  // CLIENT PAUSE until until_ms (unix ms), or lengthened to it; CLIENT
  // UNPAUSE, or the deadline passing, ends it and the held clients go on
  // in the order they came.
  void pause_clients(int64_t until_ms, ClientPause::Mode mode);
  void unpause_clients();
  const ClientPause& client_pause() const { return pause_; }

  // A keyspace notification (notify-keyspace-events) of an event of class
  // type on key in db: nothing unless that class is enabled.
  void notify_keyspace_event(uint32_t type, std::string_view event, std::string_view key, int db) {
    if (config_.notify_keyspace_events & type) [[unlikely]] {
      publish_keyspace_event(event, key, db);
    }
  }

  // MONITOR: client sees every command run from now on; stop_monitoring ends it (RESET, close).
  void start_monitoring(Client& client);
  void stop_monitoring(Client& client);
  PubSub& pubsub() { return pubsub_; }
  // Where every write goes out as commands (see Propagation).
  Propagation& propagation() { return propagation_; }
  WatchedKeys& watched_keys() { return watched_; }
  // Client-side caching: CLIENT TRACKING's invalidation table.
  Tracking& tracking() { return tracking_; }
  // EVAL and SCRIPT: the Lua interpreter and the scripts' own client.
  ScriptRunner& scripts() { return *scripts_; }

  // A write changed key of db: transactions WATCHing it fail, clients
  // caching it are told, and the keyspace notification goes out.
  void key_changed(uint32_t type, std::string_view event, std::string_view key, int db) {
    if (!watched_.empty()) [[unlikely]]
      watched_.touch(db, key, dbs_[db].get());
    // Any change may concern a blocked stream reader: a group reader fails
    // when its stream is deleted or replaced (see serve_ready_keys).
    if (blocked_.count() != 0) [[unlikely]]
      blocked_.signal_ready(db, key);
    if (tracking_.watching_writes()) [[unlikely]]
      tracking_.key_changed(key, tracking_.running());
    notify_keyspace_event(type, event, key, db);
  }
  // PUBLISH / SPUBLISH: queues the message for every subscriber and returns
  // how many received it.
  size_t publish(SubscriptionKind kind, std::string_view channel, std::string_view message);

  // KeyspaceListener
  void key_created(int db, std::string_view key) override;
  void key_expired(int db, std::string_view key) override;
  void key_missed(int db, std::string_view key) override;

  // Tracking::Clients
  Client* client_by_id(uint64_t id) override;
  void send_to_client(Client& target, std::string_view frame, bool as_push) override;

  // ConnectionHandler
  void on_open(net::Connection& conn) override;
  void on_input(net::Connection& conn) override;
  void prefetch_input(net::Connection& conn, int step) override;
  void on_close(net::Connection& conn) override;
  void on_output_drained(net::Connection& conn) override;
  void on_tick() override;
  void before_wait() override;

 private:
  void fit_maxclients_to_open_files_limit();
  void release_set_aside_blocks();
  void open_listeners();
  // Binds every address of `bind` on `port`; on failure closes what it opened.
  std::optional<std::vector<int>> listen_tcp_addresses();
  std::optional<std::string> rebind_tcp();
  void watch_config();
  // lazyfree-lazy-expire and lazyfree-lazy-server-del, to every Db.
  void apply_lazy_free_settings();
  // During a shutdown: stops the loop once no client has replies waiting.
  void stop_when_drained();
  resp::ParserLimits parser_limits() const;
  void register_commands();
  // The command of a request, or null when it was rejected: unknown, wrong
  // arity, not authenticated, not allowed to a subscriber.
  // (Inline: it is the start of every request.)
  inline const Command* admit(Client& client, std::span<const std::string_view> args);
  inline void run_now(Client& client, const Command& command,
                      std::span<const std::string_view> args);
  // run_now while the AOF, a MONITOR or a tracking client watches:
  // propagation, monitors and the tracking table fed.
  void run_observed(Client& client, const Command& command, std::span<const std::string_view> args);
  inline void count_call(Client& client, const Command& command, CommandContext& ctx,
                         std::span<const std::string_view> args, uint64_t ticks);
  // slow_call_ticks_, latency_call_ticks_ and long_call_ticks_ from the
  // settings, after a change.
  void update_long_call_ticks();
  // A call that took at least long_call_ticks_: the SLOWLOG and the latency monitor.
  void note_long_call(Client& client, const Command& command,
                      std::span<const std::string_view> args, uint64_t ticks);
  // After a call of a tracking client: the keys its read-only command read.
  void remember_read_keys(Client& client, const Command& command,
                          std::span<const std::string_view> args);
  // After a top-level call: CLIENT CACHING's one command is over, and the
  // client's own invalidations follow its reply.
  void end_tracked_call(Client& client, const Command& command);
  void log_slow_call(Client& client, const Command& command, std::span<const std::string_view> args,
                     uint64_t ticks);
  uint64_t ticks_to_ns(uint64_t ticks) const {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(ticks) * ns_per_tick_q32_) >> 32);
  }
  static int64_t ticks_to_us(uint64_t ticks);
  // Sends the command client ran to every MONITOR client.
  void feed_monitors(Client& client, std::span<const std::string_view> args);
  // A call ended under propagation: it joins the unit if it changed data.
  void end_propagation(int db, bool changed, std::span<const std::string_view> args);
  // maxmemory: evicts as needed; false when the command was refused for memory.
  bool fits_memory_limit(Client& client, const Command& command);
  // A rejected request's error; inside MULTI it also dooms the transaction.
  void reject(Client& client, const Command* command, std::string_view message);
  // Why command may not write now (MISCONF, NOREPLICAS), if it may not.
  std::optional<std::string> write_refusal(const Client& client, const Command& command);
  bool over_output_limits(Client& client);
  // Appends a published frame to a subscriber's output, within its limits.
  // An as_push frame is a RESP2 array ("*3...") that a RESP3 client gets as
  // a push ("> 3...") with the same elements.
  void deliver(Client& subscriber, std::string_view frame, bool as_push = false);
  // To __keyspace@<db>__:<key> and/or __keyevent@<db>__:<event>, as enabled.
  void publish_keyspace_event(std::string_view event, std::string_view key, int db);
  // A client's requests while a script is busy: -BUSY, but for the few
  // commands allowed then (SCRIPT KILL, SHUTDOWN NOSAVE).
  void on_input_while_busy(Client& client);
  // Closes a client whose query buffer passed client-query-buffer-limit.
  void enforce_query_buffer_limit(Client& client);
  // Closes the client when used bytes of its requests (its query buffer, or
  // its MULTI queue) pass client-query-buffer-limit; true when it did.
  bool over_query_limit(Client& client, size_t used, std::string_view what);
  // Runs again the commands of clients blocked on keys signalled ready.
  void serve_ready_keys();
  // Runs a blocked client's command again; unblocks it if it was served.
  void rerun_blocked(Client& client);
  // Ends a blocked client's wait once its reply (from reply_offset in its
  // output) is written, dropping that reply if CLIENT REPLY silenced it.
  void finish_blocked(Client& client, size_t reply_offset);
  // An unblocked client's reply is queued; its waiting input runs before
  // the loop next waits.
  void resume(Client& client);
  void run_resumed_clients();
  void time_out_blocked_clients();
  // Holds client's command, not yet consumed from its input, for the pause.
  void hold_for_pause(Client& client, const Command& command);
  // Keys neither expire nor get evicted while clients are paused.
  void hold_keyspace(bool held);
  // maxmemory-clients: its limit in bytes (0: none), and closing the
  // clients that hold the most until all of them hold no more than that.
  uint64_t client_memory_limit() const;
  void evict_clients();
  // Per tick: idle timeouts and trimming idle query buffers.
  void client_cron();
  void resize_query_buffer(Client& client, int64_t now_ms);
  void sample_ops();
  // One active expiry pass over the databases within budget_us.
  void run_expire_cycle(int64_t budget_us);

  Config config_;
  CommandTable commands_;
  KeyspaceStats keyspace_stats_;
  ServerStats stats_;
  // Before the databases: what they hand it is freed before it goes.
  LazyFree lazy_free_;
  std::vector<std::unique_ptr<Db>> dbs_;
  std::unique_ptr<net::EventLoop> loop_;
  std::unordered_map<uint64_t, Client*> clients_;
  BlockedClients blocked_;
  ClientPause pause_;
  PubSub pubsub_;
  Propagation propagation_;
  std::vector<Client*> monitors_;
  // The client running a request under CLIENT REPLY OFF or SKIP, and the Pub/Sub
  // messages it was sent meanwhile: Redis delivers those (its own PUBLISH's in RESP3).
  Client* silenced_client_ = nullptr;
  std::string pushes_to_silenced_;
  WatchedKeys watched_;
  Tracking tracking_{*this};
  std::unique_ptr<ScriptRunner> scripts_;
  bool serving_blocked_ = false;
  bool active_expire_ = true;
  // Clients unblocked since the loop last waited, by id (one may close first).
  std::vector<uint64_t> resumed_;
  uint64_t next_client_id_ = 1;
  int tcp_port_ = 0;
  std::vector<int> tcp_listeners_;
  int unix_listener_ = -1;
  int64_t shutdown_deadline_ms_ = 0;
  Supervisor supervisor_;
  Snapshotter snapshots_{*this};
  AppendOnlyFile aof_{*this};
  int64_t start_time_ms_ = 0;
  uint64_t startup_memory_ = 0;
  uint64_t dirty_ = 0;
  // The running call changed data (propagation asks; a SAVE inside the call
  // may reset dirty_, so dirty_ alone cannot tell).
  bool call_changed_ = false;
  // appendfsync always: the AOF batch the running top-level call's reply
  // waits for (0: none).
  uint64_t reply_waits_for_ = 0;
  bool loading_ = false;
  // A child is saving: lookups leave access times alone (see Db), and the
  // keyspace's frees wait for it (see shared_pages).
  bool memory_shared_with_child_ = false;
  SlowLog slow_log_;
  Eviction eviction_{*this};
  // What the evictable clients held when evict_clients last added it up.
  uint64_t clients_memory_ = 0;
  ErrorStats error_stats_;
  LatencyMonitor latency_monitor_;
  // slowlog-log-slower-than and latency-monitor-threshold in clock ticks
  // (UINT64_MAX when off), and the smaller of the two, so a call that
  // neither cares about costs one comparison.
  uint64_t slow_call_ticks_ = UINT64_MAX;
  uint64_t latency_call_ticks_ = UINT64_MAX;
  uint64_t long_call_ticks_ = UINT64_MAX;
  // Nanoseconds per clock tick, as a 32.32 fixed-point number (the latency histograms).
  uint64_t ns_per_tick_q32_ = 0;
  std::string executable_;
  int cron_loops_ = 0;
  bool shutting_down_ = false;
  int expire_db_cursor_ = 0;
  // The last expiry cycle ran out of time with expired keys left.
  bool expire_backlog_ = false;
  int64_t last_fast_expire_us_ = 0;
};

}  // namespace fkvs
