#include "server/server.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "fkvs_build_config.h"
#include "net/socket_util.h"
#include "request_peek.h"
#include "scripting/script_runner.h"
#include "server/daemon.h"
#include "server/info.h"
#include "server/key_lookahead.h"
#include "server/keyspace_events.h"
#include "server/logging.h"
#include "server/redaction.h"
#include "split_arguments.h"
#include "store/shared_pages.h"
#include "util/clock.h"
#include "util/strings.h"

namespace fkvs {
namespace {

volatile std::sig_atomic_t pending_signal = 0;
volatile std::sig_atomic_t log_reopen_requested = 0;

void on_shutdown_signal(int signal_number) { pending_signal = signal_number; }
void on_hangup(int) { log_reopen_requested = 1; }

// Where a daemonized server without a pidfile option writes its pid.
constexpr const char* kDefaultPidFile = "/var/run/fkvs.pid";

constexpr size_t kInlineErrorArgBudget = 128;
constexpr int64_t kFastExpireCycleUs = 1000;
// Blocks set aside while a child saved go back to the allocator for at most
// this long per loop iteration, this many between looks at the clock.
constexpr int64_t kSetAsideReleaseBudgetUs = 500;
constexpr size_t kSetAsideReleaseBatch = 256;
// Query buffers: the cron resizes only one wasting more than this, frees one
// idle this long, and cuts one past this size down to its recent peak (the
// figures of Redis 7.0).
constexpr size_t kQueryBufferWasteBytes = 4 * 1024;
constexpr int64_t kQueryBufferIdleMs = 2000;
constexpr size_t kQueryBufferResizeBytes = 32 * 1024;
// Descriptors kept for listeners, the log file and the like.
constexpr rlim_t kReservedFds = 32;
// A client with this much unsent output gets no more of its requests run
// until it reads: a client that pipelines without reading (or has died)
// holds at most this much reply memory, whatever the output buffer limits.
constexpr size_t kOutputBackpressureBytes = 8 * 1024 * 1024;

// "ERR unknown command 'x', with args beginning with: 'a' 'b' " as Redis 7.0
// builds it: each name and argument cut at 128 bytes, arguments until 128
// bytes of them have been quoted.
// Redis formats it with %s, so each argument ends at its first NUL byte.
std::string unknown_command_error(std::span<const std::string_view> args) {
  std::string message = "ERR unknown command '";
  message.append(up_to_nul(args[0]).substr(0, kInlineErrorArgBudget));
  message.append("', with args beginning with: ");
  std::string quoted;
  for (size_t i = 1; i < args.size() && quoted.size() < kInlineErrorArgBudget; ++i) {
    size_t room = kInlineErrorArgBudget - quoted.size();
    quoted += '\'';
    quoted.append(up_to_nul(args[i]).substr(0, room));
    quoted += "' ";
  }
  return message + quoted;
}

}  // namespace

Server::Server(Config config) : config_(std::move(config)), supervisor_(config_.supervised) {
  for (int i = 0; i < config_.databases; ++i) {
    dbs_.push_back(std::make_unique<Db>(keyspace_stats_, i, this));
    dbs_.back()->set_lazy_free(&lazy_free_);
  }
  register_commands();
  scripts_ = std::make_unique<ScriptRunner>(*this);
  watch_config();
  apply_lazy_free_settings();
  eviction_.apply_settings();
  ns_per_tick_q32_ = static_cast<uint64_t>(1000.0 / clock::ticks_per_us() * 4294967296.0);
  update_long_call_ticks();
}

// CONFIG SET changes that must reach state built from the config at start.
void Server::watch_config() {
  config_.on_change("proto-max-bulk-len", [this]() -> std::optional<std::string> {
    for (auto& [id, client] : clients_) client->parser().set_limits(parser_limits());
    return std::nullopt;
  });
  config_.on_change("requirepass", [this]() -> std::optional<std::string> {
    for (auto& [id, client] : clients_) {
      client->parser().set_unauthenticated(!client->authenticated && !config_.requirepass.empty());
    }
    return std::nullopt;
  });
  config_.on_change("loglevel", [this]() -> std::optional<std::string> {
    set_log_level(config_.loglevel);
    return std::nullopt;
  });
  config_.on_change("port", [this] { return rebind_tcp(); });
  config_.on_change("appendonly", [this]() -> std::optional<std::string> {
    if (!config_.appendonly) {
      aof_.turn_off();
      return std::nullopt;
    }
    if (std::string error = aof_.turn_on(); !error.empty()) return error;
    return std::nullopt;
  });
  config_.on_change("bind", [this] { return rebind_tcp(); });
  for (const char* name : {"maxmemory-policy", "lfu-log-factor", "lfu-decay-time"}) {
    config_.on_change(name, [this]() -> std::optional<std::string> {
      eviction_.apply_settings();
      return std::nullopt;
    });
  }
  for (const char* name : {"lazyfree-lazy-expire", "lazyfree-lazy-server-del"}) {
    config_.on_change(name, [this]() -> std::optional<std::string> {
      apply_lazy_free_settings();
      return std::nullopt;
    });
  }
  // A lower limit is enforced at once, as in Redis.
  config_.on_change("maxmemory", [this]() -> std::optional<std::string> {
    if (config_.maxmemory == 0) return std::nullopt;
    if (const uint64_t used = eviction_.counted_memory(); used > config_.maxmemory) {
      spdlog::warn(
          "WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the current "
          "memory usage ({}). This will result in key eviction and/or the inability to accept new "
          "write commands depending on the maxmemory-policy.",
          config_.maxmemory, used);
    }
    eviction_.make_room();
    return std::nullopt;
  });
  config_.on_change("hz", [this]() -> std::optional<std::string> {
    if (loop_) loop_->set_tick_interval_ms(static_cast<int>(1000 / config_.hz));
    return std::nullopt;
  });
  for (std::string_view threshold : {"slowlog-log-slower-than", "latency-monitor-threshold"}) {
    config_.on_change(threshold, [this]() -> std::optional<std::string> {
      update_long_call_ticks();
      return std::nullopt;
    });
  }
}

void Server::apply_lazy_free_settings() {
  for (auto& db : dbs_) {
    db->set_free_lazily(config_.lazyfree_lazy_expire, config_.lazyfree_lazy_server_del);
  }
}

resp::ParserLimits Server::parser_limits() const {
  resp::ParserLimits limits;
  limits.max_bulk_len = config_.proto_max_bulk_len;
  return limits;
}

Server::~Server() {
  // The loop reports every open connection through on_close before it goes.
  loop_.reset();
  // No child outlives the server's use of its memory: what was set aside
  // for one, and the keyspace itself, go back to the allocator now.
  shared_pages::set_shared_with_child(false);
  shared_pages::release_set_aside(SIZE_MAX);
}

void Server::register_commands() {
  register_connection_family(commands_);
  register_tracking_family(commands_);
  register_string_family(commands_);
  register_bitmap_family(commands_);
  register_bitfield_family(commands_);
  register_key_family(commands_);
  register_list_family(commands_);
  register_list_blocking_family(commands_);
  register_hash_family(commands_);
  register_set_family(commands_);
  register_zset_family(commands_);
  register_zset_blocking_family(commands_);
  register_geo_family(commands_);
  register_stream_family(commands_);
  register_stream_read_family(commands_);
  register_stream_group_family(commands_);
  register_stream_claim_family(commands_);
  register_stream_info_family(commands_);
  register_hyperloglog_family(commands_);
  register_sort_family(commands_);
  register_lcs_family(commands_);
  register_pubsub_family(commands_);
  register_transaction_family(commands_);
  register_server_family(commands_);
  register_command_family(commands_);
  register_memory_family(commands_);
  register_latency_family(commands_);
  register_persistence_family(commands_);
  register_migrate_family(commands_);
  register_scripting_family(commands_);
  register_function_family(commands_);
}

void Server::set_loading(bool loading) {
  loading_ = loading;
  for (auto& db : dbs_) db->set_expiry_paused(loading);
}

std::vector<Db*> Server::db_pointers() {
  std::vector<Db*> dbs;
  for (auto& db : dbs_) dbs.push_back(db.get());
  return dbs;
}

const char* Server::backend_name() const { return loop_ ? loop_->name() : "none"; }

void Server::swap_dbs(int a, int b) {
  if (!watched_.empty()) {
    watched_.touch_all(a, *dbs_[a], dbs_[b].get());
    watched_.touch_all(b, *dbs_[b], dbs_[a].get());
  }
  std::swap(dbs_[a], dbs_[b]);
  dbs_[a]->renumber(a);
  dbs_[b]->renumber(b);
}

size_t Server::clear_db(int index, bool lazily) {
  Db& db = *dbs_[index];
  if (!watched_.empty()) watched_.touch_all(index, db, nullptr);
  tracking_.flushed();
  const size_t removed = db.size();
  db.clear(lazily);
  // Blocked stream group readers learn their streams are gone.
  signal_waited_keys(index);
  return removed;
}

// Each client needs a descriptor, plus a few for listeners and logs. Like
// Redis, raise the soft limit if we can and otherwise lower maxclients, so
// accept() never fails with EMFILE (which would wake the loop forever).
void Server::fit_maxclients_to_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t wanted = static_cast<rlim_t>(config_.maxclients) + kReservedFds;
  if (limit.rlim_cur >= wanted) return;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  if (limit.rlim_cur >= wanted) return;
  if (limit.rlim_cur <= kReservedFds) {
    throw std::runtime_error("Your current 'ulimit -n' of " + std::to_string(limit.rlim_cur) +
                             " is not enough for the server to start.");
  }
  int64_t reduced = static_cast<int64_t>(limit.rlim_cur) - kReservedFds;
  spdlog::warn(
      "You requested maxclients of {} requiring at least {} max file descriptors. Current maximum "
      "open files is {}. maxclients has been reduced to {} to compensate for low ulimit. If you "
      "need higher maxclients increase 'ulimit -n'.",
      config_.maxclients, wanted, limit.rlim_cur, reduced);
  config_.maxclients = reduced;
}

std::optional<std::vector<int>> Server::listen_tcp_addresses() {
  std::vector<int> opened;
  if (config_.port == 0) return opened;  // as in Redis, port 0 means no TCP
  for (const std::string& entry : config_.bind) {
    bool optional = !entry.empty() && entry[0] == '-';
    std::string address = optional ? entry.substr(1) : entry;
    std::string error;
    int fd = net::listen_tcp(address, static_cast<int>(config_.port),
                             static_cast<int>(config_.tcp_backlog), error);
    if (fd >= 0) {
      opened.push_back(fd);
      continue;
    }
    if (optional) continue;
    spdlog::warn("Could not create server TCP listening socket {}:{}: {}", address, config_.port,
                 error);
    for (int fd_opened : opened) close(fd_opened);
    return std::nullopt;
  }
  return opened;
}

void Server::open_listeners() {
  auto tcp = listen_tcp_addresses();
  if (!tcp) {
    throw std::runtime_error("Failed listening on port " + std::to_string(config_.port) +
                             " (tcp), aborting.");
  }
  for (int fd : *tcp) loop_->add_listener({fd, false, ""});
  tcp_listeners_ = *tcp;
  if (!tcp_listeners_.empty()) tcp_port_ = net::bound_port(tcp_listeners_.front());
  if (!config_.unixsocket.empty()) {
    std::string error;
    int fd = net::listen_unix(config_.unixsocket, static_cast<unsigned>(config_.unixsocketperm),
                              static_cast<int>(config_.tcp_backlog), error);
    if (fd < 0) throw std::runtime_error("Failed opening Unix socket: " + error);
    loop_->add_listener({fd, true, config_.unixsocket});
    unix_listener_ = fd;
  }
  if (config_.port == 0 && config_.unixsocket.empty()) {
    throw std::runtime_error("Configured to not listen anywhere, exiting.");
  }
}

// CONFIG SET port/bind: the new sockets open before the old ones close, so a
// failed change leaves the server listening where it was.
std::optional<std::string> Server::rebind_tcp() {
  if (!loop_) return std::nullopt;
  auto tcp = listen_tcp_addresses();
  if (!tcp) return "Unable to listen on this port. Check server logs.";
  for (int fd : tcp_listeners_) loop_->remove_listener(fd);
  for (int fd : *tcp) loop_->add_listener({fd, false, ""});
  tcp_listeners_ = *tcp;
  tcp_port_ = tcp_listeners_.empty() ? 0 : net::bound_port(tcp_listeners_.front());
  return std::nullopt;
}

int Server::run() {
  std::string why;
  loop_ = net::make_event_loop(config_.io_backend, *this, why);
  if (!loop_) {
    std::string wanted_why = why;
    loop_ = net::make_event_loop("auto", *this, why);
    if (!loop_) throw std::runtime_error("no event loop works on this platform (" + why + ")");
    spdlog::warn("io-backend {} is unavailable ({}); using {}", config_.io_backend, wanted_why,
                 loop_->name());
  }
  loop_->set_tick_interval_ms(static_cast<int>(1000 / config_.hz));
  loop_->watch(aof_.sync_notify_fd(), [this] { aof_.sync_finished(); });
  if (chdir(config_.dir.c_str()) != 0) {
    throw std::runtime_error("Can't chdir to '" + config_.dir + "': " + std::strerror(errno));
  }
  fit_maxclients_to_open_files_limit();
  open_listeners();

  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, on_shutdown_signal);
  std::signal(SIGTERM, on_shutdown_signal);
  std::signal(SIGHUP, on_hangup);
  std::optional<PidFile> pidfile;
  if (!config_.pidfile.empty() || config_.daemonize) {
    pidfile.emplace(config_.pidfile.empty() ? kDefaultPidFile : config_.pidfile);
  }

  clock::update();
  start_time_ms_ = clock::now_ms();
  snapshots_.set_lastsave_unix(start_time_ms_ / 1000);
  startup_memory_ = used_memory();
  // An AOF, when enabled, holds the data; the snapshot is not read then.
  if (config_.appendonly) {
    aof_.start_at_boot();
  } else {
    snapshots_.load_at_start();
  }
  spdlog::info("fkvs {} started: port={} pid={} io-backend={} allocator={}", FKVS_VERSION,
               tcp_port_, getpid(), loop_->name(), FKVS_ALLOCATOR);
  spdlog::info("Ready to accept connections");
  supervisor_.ready("Ready to accept connections");
  loop_->run();

  if (!config_.unixsocket.empty()) unlink(config_.unixsocket.c_str());
  spdlog::info("fkvs is now ready to exit, bye bye...");
  return 0;
}

bool Server::save_before_shutdown(bool save, bool nosave) {
  if (aof_.waiting_for_base()) {
    spdlog::warn("Writing initial AOF, can't exit.");
    return false;
  }
  snapshots_.kill_child();
  aof_.kill_rewrite();
  aof_.flush();
  if (nosave || (!save && config_.save.empty())) return true;
  spdlog::info("Saving the final RDB snapshot before exiting.");
  if (!snapshots_.save()) {
    spdlog::warn("Error trying to save the DB, can't exit.");
    return false;
  }
  return true;
}

// Nothing more is accepted or run; the loop goes on only until every client
// has taken the replies already queued for it, or shutdown-timeout passes.
void Server::request_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  supervisor_.stopping();
  for (int fd : tcp_listeners_) loop_->remove_listener(fd);
  tcp_listeners_.clear();
  if (unix_listener_ >= 0) loop_->remove_listener(unix_listener_);
  unix_listener_ = -1;
  shutdown_deadline_ms_ = clock::now_ms() + config_.shutdown_timeout * 1000;
  stop_when_drained();
}

void Server::stop_when_drained() {
  if (clock::now_ms() < shutdown_deadline_ms_) {
    for (const auto& [id, client] : clients_) {
      const net::Connection& conn = client->conn();
      if (!conn.closing_now() && conn.pending_output() > 0) return;
    }
  } else {
    spdlog::warn("Clients still had replies to take after shutdown-timeout; closing them");
  }
  loop_->stop();
}

void Server::kill_client(Client& client) {
  // The scripts' client has no socket for the loop to close, and stays usable.
  if (client.conn().fd() < 0) [[unlikely]]
    return;
  // A client on its way out must not be served a popped element.
  if (client.blocked) blocked_.unblock(client);
  client.conn().close_now();
  loop_->want_close(client.conn());
}

size_t Server::publish(SubscriptionKind kind, std::string_view channel, std::string_view message) {
  return pubsub_.publish(
      kind, channel, message,
      [this](Client& subscriber, std::string_view frame) { deliver(subscriber, frame, true); });
}

void Server::start_monitoring(Client& client) {
  if (client.monitor) return;
  client.monitor = true;
  monitors_.push_back(&client);
}

void Server::stop_monitoring(Client& client) {
  if (!client.monitor) return;
  client.monitor = false;
  std::erase(monitors_, &client);
}

// "+<unix seconds>.<micros> [<db> <address>] "arg" "arg"...": the arguments
// quoted as sdscatrepr does, passwords redacted as Redis redacts them.
void Server::feed_monitors(Client& client, std::span<const std::string_view> args) {
  const int64_t now_us = clock::wall_us();
  const std::string address =
      client.conn().is_unix() ? "unix:" + config_.unixsocket : client.conn().peer_address();
  std::string line = fmt::format("+{}.{:06} [{} {}]", now_us / 1000000, now_us % 1000000,
                                 client.db_index, address);
  const std::vector<bool> redacted = redacted_arguments(args);
  for (size_t i = 0; i < args.size(); ++i) {
    line += ' ';
    line += redacted[i] ? std::string("\"(redacted)\"") : resp::quote_bytes(args[i]);
  }
  line += "\r\n";
  for (Client* monitor : monitors_) deliver(*monitor, line);
}

void Server::deliver(Client& subscriber, std::string_view frame, bool as_push) {
  net::Connection& conn = subscriber.conn();
  // Counted as a receiver, as in Redis, but a client being closed gets nothing more.
  if (conn.closing_now()) return;
  const uint64_t position = conn.queued_output_end();
  // Formatted once as a RESP2 array, the frame goes to a RESP3 client as a push.
  const std::string_view type =
      as_push && subscriber.protocol == resp::Protocol::kResp3 ? ">" : frame.substr(0, 1);
  const std::string_view body = frame.substr(1);
  conn.output().append(type);
  conn.output().append(body);
  if (&subscriber == silenced_client_ && as_push) [[unlikely]] {
    pushes_to_silenced_.append(type);
    pushes_to_silenced_.append(body);
  }
  // A keyspace event or a MONITOR line may tell of a write not yet synced:
  // under appendfsync always it waits as a reply would (Redis sends no
  // output at all before the iteration's fsync).
  if (aof_.holds_replies() && !loading_) [[unlikely]]
    aof_.hold_reply(subscriber, position, aof_.gathering_batch());
  loop_->want_flush(conn);
  if (over_output_limits(subscriber)) kill_client(subscriber);
}

void Server::publish_keyspace_event(std::string_view event, std::string_view key, int db) {
  const uint32_t flags = config_.notify_keyspace_events;
  std::string channel;
  if (flags & keyspace_events::kKeyspace) {
    channel = fmt::format("__keyspace@{}__:{}", db, key);
    publish(SubscriptionKind::kChannel, channel, event);
  }
  if (flags & keyspace_events::kKeyevent) {
    channel = fmt::format("__keyevent@{}__:{}", db, event);
    publish(SubscriptionKind::kChannel, channel, key);
  }
}

void Server::key_created(int db, std::string_view key) {
  notify_keyspace_event(keyspace_events::kNewKey, "new", key, db);
}

void Server::key_expired(int db, std::string_view key) {
  // Called before the key goes: it is reported as no longer present.
  if (!watched_.empty()) watched_.touch(db, key, nullptr);
  if (tracking_.watching_writes()) tracking_.key_changed(key, nullptr);
  notify_keyspace_event(keyspace_events::kExpired, "expired", key, db);
  if (blocked_.count() != 0) [[unlikely]]
    blocked_.signal_ready(db, key);
  if (propagation_.active()) [[unlikely]]
    propagation_.add(db, {"DEL", key});
}

void Server::key_missed(int db, std::string_view key) {
  notify_keyspace_event(keyspace_events::kKeyMiss, "keymiss", key, db);
}

Client* Server::client_by_id(uint64_t id) {
  auto found = clients_.find(id);
  return found == clients_.end() ? nullptr : found->second;
}

void Server::send_to_client(Client& target, std::string_view frame, bool as_push) {
  deliver(target, frame, as_push);
}

bool Server::reply_overflowed(Client& client) {
  // Redis would grow such a reply until it runs out of memory.
  constexpr size_t kMaxReplyBytes = size_t{512} << 20;
  const size_t hard = config_.client_output_buffer_limit[kNormalClients].hard_bytes;
  const size_t limit = hard > 0 ? std::min(hard, kMaxReplyBytes) : kMaxReplyBytes;
  if (client.conn().closing_now()) return true;
  if (client.conn().pending_output() <= limit) return false;
  spdlog::warn("Closing client id={} addr={}: a single reply passed {} bytes", client.id(),
               client.conn().peer_address(), limit);
  stats_.client_output_buffer_limit_disconnections++;
  kill_client(client);
  return true;
}

void Server::on_open(net::Connection& conn) {
  if (clients_.size() >= static_cast<size_t>(config_.maxclients)) {
    // Redis writes this straight to the socket and closes it.
    stats_.rejected_connections++;
    resp::ReplyWriter(conn.output()).error(errors::kMaxClients);
    conn.close_after_flush();
    loop_->want_flush(conn);
    return;
  }
  stats_.total_connections_received++;
  // Without a password, only the loopback interface and unix sockets may talk to us.
  if (config_.protected_mode && config_.requirepass.empty() && !conn.is_unix() &&
      !net::is_local_host_address(conn.peer_address())) {
    spdlog::debug("Denied connection from {}: protected mode", conn.peer_address());
    stats_.rejected_connections++;
    resp::ReplyWriter(conn.output()).error(errors::kProtectedMode);
    conn.close_after_flush();
    loop_->want_flush(conn);
    return;
  }
  if (!conn.is_unix()) net::configure_client_socket(conn.fd(), config_.tcp_keepalive);
  auto* client = new Client(next_client_id_++, conn, clock::now_ms());
  client->authenticated = config_.requirepass.empty();
  client->parser().set_limits(parser_limits());
  client->parser().set_unauthenticated(!client->authenticated);
  conn.set_owner(client);
  clients_.emplace(client->id(), client);
}

void Server::on_close(net::Connection& conn) {
  auto* client = static_cast<Client*>(conn.owner());
  stats_.total_net_input_bytes += conn.bytes_received;
  stats_.total_net_output_bytes += conn.bytes_sent;
  if (client == nullptr) return;
  if (client->blocked) blocked_.unblock(*client);
  pause_.forget(*client);
  aof_.forget(*client);
  pubsub_.leave_all(*client);
  stop_monitoring(*client);
  end_transaction(*client);
  tracking_.disable(*client);
  clients_.erase(client->id());
  conn.set_owner(nullptr);
  delete client;
}

void Server::on_input(net::Connection& conn) {
  auto* client = static_cast<Client*>(conn.owner());
  if (client == nullptr) return;
  client->last_interaction_ms = clock::now_ms();
  resp::ByteBuffer& input = conn.input();
  if (input.size() > client->query_peak) client->query_peak = input.size();
  // A big request being received counts before it runs, as in Redis.
  if (config_.maxmemory_clients != 0 && !client->no_evict) [[unlikely]] {
    if (clients_memory_ + client->memory_bytes() > client_memory_limit()) evict_clients();
    if (conn.closing()) return;
  }
  if (scripts_->busy()) [[unlikely]]
    return on_input_while_busy(*client);
  resp::RequestParser& parser = client->parser();
  KeyLookahead lookahead;
  // After SHUTDOWN nothing more runs, not even the rest of a pipeline.
  while (!shutting_down_ && !conn.closing() && !input.empty() && !client->blocked &&
         !client->paused) {
    if (conn.pending_output() > kOutputBackpressureBytes) {
      loop_->pause_reading(conn, true);
      break;
    }
    resp::ParseStatus status = parser.parse(input.view());
    if (status == resp::ParseStatus::kRequest) {
      lookahead.before_running(input.view(), parser.consumed(), db(client->db_index).keys());
      execute(*client, parser.args());
      // A held request stays in the buffer, to be parsed again when it runs.
      if (client->paused) [[unlikely]]
        break;
      input.consume(parser.consumed());
      continue;
    }
    if (status == resp::ParseStatus::kError) {
      resp::ReplyWriter(conn.output(), &error_stats_).error(parser.error());
      spdlog::debug("Protocol error ({}) from client: id={} addr={}", parser.error(), client->id(),
                    conn.peer_address());
      conn.close_after_flush();
      break;
    }
    // Empty requests (blank lines, *0) go now, not with the next real one,
    // so a stream of them cannot fill the query buffer.
    input.consume(parser.take_skipped());
    size_t wanted = parser.bytes_wanted();
    if (wanted > input.size()) input.reserve_more(wanted - input.size());
    enforce_query_buffer_limit(*client);
    break;
  }
  // A blocked client's input waits unparsed, but within the same limit.
  if (client->blocked || client->paused) enforce_query_buffer_limit(*client);
  if (!conn.output().empty()) {
    loop_->want_flush(conn);
    if (!conn.closing_now() && over_output_limits(*client)) kill_client(*client);
  }
}

void Server::on_input_while_busy(Client& client) {
  net::Connection& conn = client.conn();
  resp::RequestParser& parser = client.parser();
  while (!shutting_down_ && !conn.closing() && !conn.input().empty() && !client.blocked &&
         !client.paused) {
    const resp::ParseStatus status = parser.parse(conn.input().view());
    if (status != resp::ParseStatus::kRequest) break;
    std::span<const std::string_view> args = parser.args();
    const Command* command = commands_.find(args[0]);
    if (command != nullptr && command->is_container() && args.size() >= 2) {
      command = command->find_subcommand(args[1]);
    }
    // As Redis: MULTI, WATCH and DISCARD pass, but not EXEC (its queue would run
    // inside the script); a refused command dooms an open transaction.
    if (command == nullptr || (command->spec.flags & kAllowBusy)) {
      execute(client, args);
    } else {
      reject(client, command, scripts_->busy_error());
    }
    conn.input().consume(parser.consumed());
  }
  if (!conn.output().empty()) loop_->want_flush(conn);
}

void Server::enforce_query_buffer_limit(Client& client) {
  const size_t used = client.conn().input().size();
  if (used > client.query_peak) client.query_peak = used;
  over_query_limit(client, used, "query buffer");
}

bool Server::over_query_limit(Client& client, size_t used, std::string_view what) {
  if (config_.client_query_buffer_limit <= 0 ||
      used <= static_cast<size_t>(config_.client_query_buffer_limit)) {
    return false;
  }
  spdlog::warn("Closing client that reached max query buffer length: id={} addr={} {}={}",
               client.id(), client.conn().peer_address(), what, used);
  stats_.client_query_buffer_limit_disconnections++;
  kill_client(client);
  return true;
}

void Server::prefetch_input(net::Connection& conn, int step) {
  auto* client = static_cast<Client*>(conn.owner());
  if (client == nullptr) return;
  auto request = resp::peek_request(conn.input().view(), 0);
  if (!request || request->key.empty()) return;
  const KeyTable& keys = db(client->db_index).keys();
  const uint64_t key_hash = keys.hash(request->key);
  if (step == 0) {
    keys.prefetch_bucket(key_hash);
  } else {
    keys.prefetch_chain(key_hash);
  }
}

void Server::on_output_drained(net::Connection& conn) {
  loop_->pause_reading(conn, false);
  on_input(conn);  // run the requests that waited in the input buffer
  // This may run inside the loop's flush, after before_wait wrote the AOF:
  // what these requests logged is written (and its sync asked for) now
  // rather than after the loop's next wait.
  aof_.flush();
}

void Server::reject(Client& client, const Command* command, std::string_view message) {
  if (command != nullptr) command->rejected_calls++;
  // A refused command used up CLIENT CACHING too, as in Redis.
  if (!client.multi.open && (command == nullptr || !command->spec.name.starts_with("client|"))) {
    client.tracking.caching = false;
  }
  resp::ReplyWriter reply(client.conn().output(), &error_stats_, client.protocol);
  // A refused EXEC (arity, NOAUTH) ends the transaction and says why, as Redis's
  // execCommandAbort does, with the reason's "ERR " left out.
  if (command != nullptr && command->spec.name == "exec") [[unlikely]] {
    end_transaction(client);
    if (message.starts_with("ERR ")) message.remove_prefix(4);
    return reply.error("EXECABORT Transaction discarded because of: " + std::string(message));
  }
  reply.error(message);
  if (client.multi.open) client.multi.aborted = true;
}

[[gnu::always_inline]] inline const Command* Server::admit(Client& client,
                                                           std::span<const std::string_view> args) {
  const Command* command = commands_.find(args[0]);
  if (command == nullptr) {
    reject(client, nullptr, unknown_command_error(args));
    return nullptr;
  }
  if (command->is_container() && args.size() >= 2) {
    const Command* sub = command->find_subcommand(args[1]);
    if (sub == nullptr) {
      reject(client, nullptr,
             "ERR unknown subcommand '" + std::string(up_to_nul(args[1]).substr(0, 128)) +
                 "'. Try " + to_upper(up_to_nul(args[0])) + " HELP.");
      return nullptr;
    }
    command = sub;
  }
  const CommandSpec& spec = command->spec;
  int argc = static_cast<int>(args.size());
  if ((spec.arity > 0 && argc != spec.arity) || (spec.arity < 0 && argc < -spec.arity)) {
    reject(client, command, errors::format(errors::kWrongArity, {spec.name}));
    return nullptr;
  }
  // Before AUTH, as in Redis: DEBUG is refused the same to everyone it is not enabled for.
  if ((spec.flags & kProtectedCommand) &&
      !allows_protected_action(config_.enable_debug_command, client.is_local())) [[unlikely]] {
    reject(client, command, errors::kDebugCommandNotAllowed);
    return nullptr;
  }
  // An empty requirepass (also one cleared at runtime) lets everyone in.
  if (!client.authenticated && !config_.requirepass.empty() && !(spec.flags & kNoAuth)) {
    reject(client, command, errors::kNoAuth);
    return nullptr;
  }
  // A RESP3 client tells replies from messages by their type, so it may run anything.
  if (client.subscriptions.any() && !(spec.flags & kSubscriberAllowed) &&
      client.protocol == resp::Protocol::kResp2) [[unlikely]] {
    reject(client, command, errors::format(errors::kSubscribedMode, {spec.name}));
    return nullptr;
  }
  if ((snapshots_.writes_refused() || aof_.writes_refused() || needs_replicas_to_write()) &&
      !loading_) [[unlikely]] {
    if (std::optional<std::string> refusal = write_refusal(client, *command)) {
      reject(client, command, *refusal);
      return nullptr;
    }
  }
  return command;
}

// As Redis: a write, or EXEC of a queue holding one, is refused while the last
// save failed (MISCONF, which PING reports too) or while replicas are required
// (NOREPLICAS).
std::optional<std::string> Server::write_refusal(const Client& client, const Command& command) {
  const uint32_t flags = command.spec.flags;
  bool writes = (flags & kWrite) != 0;
  if (command.spec.name == "exec" && client.multi.open) {
    writes = std::ranges::any_of(client.multi.queued, [](const QueuedCommand& queued) {
      return (queued.command->spec.flags & kWrite) != 0;
    });
  }
  if (snapshots_.writes_refused() && (writes || command.spec.name == "ping")) {
    return std::string(errors::kMisconf);
  }
  if (aof_.writes_refused() && (writes || command.spec.name == "ping")) {
    return "MISCONF Errors writing to the AOF file: " + aof_.last_write_error();
  }
  if (needs_replicas_to_write() && writes) return std::string(errors::kNoReplicas);
  return std::nullopt;
}

inline void Server::run_now(Client& client, const Command& command,
                            std::span<const std::string_view> args) {
  // Inside EXEC, CLIENT LIST keeps showing cmd=exec, as in Redis.
  if (!client.multi.executing) client.last_command = &command;
  // Someone watches calls (the AOF, a MONITOR, a tracking client): the slower path.
  if (propagation_.active() || !monitors_.empty() || tracking_.in_use()) [[unlikely]]
    return run_observed(client, command, args);
  CommandContext ctx(*this, client, command, args);
  const uint64_t started = clock::ticks();
  command.spec.handler(ctx);
  count_call(client, command, ctx, args, clock::ticks() - started);
}

inline void Server::count_call(Client& client, const Command& command, CommandContext& ctx,
                               std::span<const std::string_view> args, uint64_t ticks) {
  command.ticks += ticks;
  if (ticks >= long_call_ticks_) [[unlikely]]
    note_long_call(client, command, args, ticks);
  command.calls++;
  // One sample per call, taken when commandstats counts the call: a command
  // that blocks is sampled for its first run, so one that times out counts
  // too (Redis samples it when it ends, adding the run that served it).
  if (config_.latency_tracking) [[likely]]
    command.latency_histogram.record(ticks_to_ns(ticks));
  if (ctx.reply().errors_written() > 0) [[unlikely]]
    command.failed_calls++;
  stats_.total_commands_processed++;
}

void Server::run_observed(Client& client, const Command& command,
                          std::span<const std::string_view> args) {
  CommandContext ctx(*this, client, command, args);
  const uint64_t started = clock::ticks();
  const bool propagating = propagation_.active();
  const int db_before = client.db_index;
  // EXEC's queue runs nested: the reply to EXEC waits for all of it.
  const bool top_level = !client.multi.executing;
  const uint64_t reply_start = client.conn().queued_output_end();
  if (top_level) reply_waits_for_ = 0;
  if (propagating) propagation_.begin_unit();
  call_changed_ = false;
  // A script's commands act for its caller: NOLOOP spares the caller, and
  // a read remembers the keys the script declared, for the caller. EVAL_RO
  // itself remembers nothing: only what its script reads counts (Redis 7.0).
  Client& tracked = client.script_caller != nullptr ? *client.script_caller : client;
  Client* const outer_client = tracking_.set_running(&tracked);
  tracking_.command_started();
  // Script commands (skip_monitor: EVAL, FCALL, ...) are shown before they
  // run, as Redis's feed them itself, so MONITOR lists the EVAL before the
  // commands its script calls.
  const bool monitored = !monitors_.empty() && !loading_ && !(command.spec.flags & kAdmin);
  if (monitored && (command.spec.flags & kSkipMonitor)) feed_monitors(client, args);
  command.spec.handler(ctx);
  if ((command.spec.flags & (kReadOnly | kPropagatesEffects)) == kReadOnly &&
      tracked.tracking.remembers_reads()) [[unlikely]] {
    if (&tracked == &client) {
      remember_read_keys(client, command, args);
    } else {
      for (std::string_view key : scripts_->declared_keys()) tracking_.remember(tracked, key);
    }
  }
  tracking_.set_running(outer_client);
  // EXEC's own changes are its queue's, which propagated themselves.
  if (propagating) {
    end_propagation(db_before,
                    call_changed_ && !(command.spec.flags & (kRunsInMulti | kPropagatesEffects)),
                    args);
  }
  // (Replayed commands have no one to reply to.)
  if (aof_.holds_replies() && !loading_) {
    reply_waits_for_ =
        std::max(reply_waits_for_, aof_.batch_needed_by(db_before, command, args, call_changed_));
    if (top_level && reply_waits_for_ != 0) {
      aof_.hold_reply(client, reply_start, reply_waits_for_);
    }
  }
  // As Redis 7.0: after the call, and never admin commands (CONFIG, DEBUG).
  if (monitored && !(command.spec.flags & kSkipMonitor)) feed_monitors(client, args);
  if (top_level) end_tracked_call(client, command);
  count_call(client, command, ctx, args, clock::ticks() - started);
}

void Server::remember_read_keys(Client& client, const Command& command,
                                std::span<const std::string_view> args) {
  // Shard channels sit where keys would be, but nobody caches them.
  if (command.spec.flags & kPubSub) return;
  auto keys = find_keys(command.key_specs, args);
  if (!keys) return;
  for (const KeyPosition& key : *keys) {
    if (!(key.flags & kKeyNotKey)) tracking_.remember(client, args[key.index]);
  }
}

void Server::end_tracked_call(Client& client, const Command& command) {
  // As Redis: CACHING holds through a transaction, and other CLIENT calls.
  if (!client.multi.open && !command.spec.name.starts_with("client|")) {
    client.tracking.caching = false;
  }
  // A silenced client's pushes go after its reply is dropped (execute_silenced).
  if (tracking_.has_pending() && !client.replies_off && !client.skip_this_reply) {
    tracking_.flush_pending();
  }
  if (tracking_.in_use()) tracking_.enforce_limit(config_.tracking_table_max_keys);
}

void Server::update_long_call_ticks() {
  auto ticks_of_us = [](int64_t us) {
    return static_cast<uint64_t>(static_cast<double>(us) * clock::ticks_per_us());
  };
  const int64_t slowlog_us = config_.slowlog_log_slower_than;
  slow_call_ticks_ = slowlog_us < 0 ? UINT64_MAX : ticks_of_us(slowlog_us);
  const int64_t latency_ms = config_.latency_monitor_threshold;
  latency_call_ticks_ = latency_ms == 0 || latency_ms > INT64_MAX / 1000
                            ? UINT64_MAX
                            : ticks_of_us(latency_ms * 1000);
  long_call_ticks_ = std::min(slow_call_ticks_, latency_call_ticks_);
}

void Server::note_long_call(Client& client, const Command& command,
                            std::span<const std::string_view> args, uint64_t ticks) {
  // A command that blocked is logged when it is served (rerun_blocked).
  if (ticks >= slow_call_ticks_ && !client.blocked) log_slow_call(client, command, args, ticks);
  // As Redis: the command that blocked counts here, for its own run.
  if (ticks >= latency_call_ticks_) {
    note_latency((command.spec.flags & kFast) ? "fast-command" : "command", ticks_to_us(ticks));
  }
}

int64_t Server::ticks_to_us(uint64_t ticks) {
  return static_cast<int64_t>(static_cast<double>(ticks) / clock::ticks_per_us());
}

void Server::note_latency(std::string_view event, int64_t duration_us) {
  const int64_t threshold_ms = config_.latency_monitor_threshold;
  if (threshold_ms == 0 || duration_us / 1000 < threshold_ms) return;
  latency_monitor_.add(event, static_cast<uint64_t>(duration_us / 1000),
                       clock::wall_us() / 1000000);
}

void Server::log_slow_call(Client& client, const Command& command,
                           std::span<const std::string_view> args, uint64_t ticks) {
  if (command.spec.flags & kSkipSlowlog) return;
  const int64_t duration_us = ticks_to_us(ticks);
  // As Redis's SLOWLOG (not MONITOR's "unix:path"): a unix-socket client is "path:0".
  slow_log_.add(args, redacted_arguments(args), clock::now_ms() / 1000, duration_us,
                client.conn().peer_address(), client.name,
                static_cast<size_t>(config_.slowlog_max_len));
}

void Server::end_propagation(int db, bool changed, std::span<const std::string_view> args) {
  if (changed) {
    propagation_.end_call(db, args);
  } else {
    propagation_.discard_call();
  }
  propagation_.end_unit();
}

void Server::run(Client& client, const Command& command, std::span<const std::string_view> args) {
  run_now(client, command, args);
}

// CLIENT REPLY OFF or SKIP: the request runs as usual and what it wrote is
// dropped, errors included. Subscription confirmations still go out, as
// Redis sends them whatever the setting.
void Server::execute_silenced(Client& client, std::span<const std::string_view> args) {
  resp::ByteBuffer& output = client.conn().output();
  const size_t before = output.size();
  // CLIENT REPLY SKIP silences the command after it.
  if (client.skip_next_reply) {
    client.skip_this_reply = true;
    client.skip_next_reply = false;
  }
  silenced_client_ = &client;
  execute_request(client, args);
  silenced_client_ = nullptr;
  // A held request keeps its SKIP for when it runs.
  if (client.paused && client.skip_this_reply) [[unlikely]]
    client.skip_next_reply = true;
  const std::string_view name = args[0];
  const bool confirms_subscription =
      name.size() >= 9 && equals_nocase(name.substr(name.size() - 9), "subscribe");
  // (CLIENT REPLY ON clears both, and its +OK goes out.)
  if ((client.replies_off || client.skip_this_reply) && !confirms_subscription) {
    output.truncate(before);
    output.append(pushes_to_silenced_);
    client.blocked_reply_silenced = client.blocked;
  }
  pushes_to_silenced_.clear();
  client.skip_this_reply = false;
  // Invalidations are pushes, which CLIENT REPLY does not silence.
  if (tracking_.has_pending()) tracking_.flush_pending();
}

void Server::execute(Client& client, std::span<const std::string_view> args) {
  if (client.controls_replies()) [[unlikely]]
    return execute_silenced(client, args);
  execute_request(client, args);
}

void Server::execute_request(Client& client, std::span<const std::string_view> args) {
  const Command* command = admit(client, args);
  if (command == nullptr) return;
  if (config_.maxmemory != 0 && !loading_) [[unlikely]] {
    if (!fits_memory_limit(client, *command)) return;
  }
  // As Redis: after the checks that answer at once, before MULTI queues.
  // (Replaying the AOF, as DEBUG LOADAOF may during a pause, holds nothing.)
  if (pause_.active() && !loading_ &&
      pause_.holds(client, *command, args,
                   [this](const Command& called, std::span<const std::string_view> called_args) {
                     return scripts_->call_flags(called, called_args);
                   })) [[unlikely]]
    return hold_for_pause(client, *command);
  Transaction& multi = client.multi;
  if (multi.open && !(command->spec.flags & kRunsInMulti)) [[unlikely]] {
    if (command->spec.flags & kNoMulti) return reject(client, command, errors::kNotInMulti);
    client.last_command = command;  // CLIENT LIST's cmd=, as in Redis
    // A doomed transaction keeps nothing; the client still reads QUEUED.
    if (!multi.aborted && !multi.watch_broken) {
      multi.queue(command, args);
      if (over_query_limit(client, multi.queued_bytes, "MULTI queue")) return;
    }
    resp::ReplyWriter(client.conn().output()).raw("+QUEUED\r\n");
    return;
  }
  run_now(client, *command, args);
  // Pushes inside EXEC serve blocked clients once the whole transaction ran.
  if (blocked_.has_ready() && !serving_blocked_ && !loading_) serve_ready_keys();
}

// Eviction runs before every command while a limit is set. Over the limit
// with nothing left to evict, commands that may grow memory are refused, and
// so is queuing inside MULTI (the queue grows too), as in Redis; EXEC only
// when its queue holds such a command.
bool Server::fits_memory_limit(Client& client, const Command& command) {
  if (eviction_.make_room() != Eviction::Outcome::kOutOfMemory) return true;
  const uint32_t flags = command.spec.flags;
  bool refused = (flags & kDenyOom) != 0;
  if (client.multi.open && !(flags & kRunsInMulti)) refused = true;
  if (command.spec.name == "exec" && client.multi.open) {
    refused = std::ranges::any_of(client.multi.queued, [](const QueuedCommand& queued) {
      return (queued.command->spec.flags & kDenyOom) != 0;
    });
  }
  if (!refused) return true;
  reject(client, &command, errors::kOutOfMemory);
  return false;
}

void Server::end_transaction(Client& client) {
  client.multi.close();
  watched_.unwatch_all(client);
}

void Server::block_client(Client& client, std::span<const std::string_view> keys,
                          int64_t deadline_ms, ValueType serves,
                          std::span<const std::string_view> args) {
  if (client.blocked) {
    client.keeps_waiting = true;
    return;
  }
  blocked_.block(client, client.db_index, keys, deadline_ms, serves, args);
}

void Server::signal_waited_keys(int db_index) {
  for (const std::string& key : blocked_.waited_keys(db_index)) {
    blocked_.signal_ready(db_index, key);
  }
}

// Each ready key serves its clients in the order they blocked, for as long
// as it holds something. Serving may push elsewhere (BLMOVE) and make more
// keys ready; those are served in the same pass.
void Server::serve_ready_keys() {
  serving_blocked_ = true;
  while (blocked_.has_ready()) {
    for (const ReadyKey& ready : blocked_.take_ready()) {
      for (Client* client : blocked_.waiters(ready.db, ready.key)) {
        if (!client->blocked || client->conn().closing()) continue;
        const ValueType serves = blocked_.serves(*client);
        // Stream readers run again whatever the key holds now: a group
        // reader fails when its stream went away, as in Redis 7.0.
        if (serves != ValueType::kStream) {
          Entry* entry = db(ready.db).find(ready.key);
          // As in Redis 7.0, a BLPOP waits on through a sorted set at its key.
          if (entry == nullptr || entry->value().type() != serves) continue;
        }
        rerun_blocked(*client);
      }
    }
  }
  serving_blocked_ = false;
}

// The command runs as a continuation of the call that blocked, so it is not
// counted again in the command statistics.
void Server::rerun_blocked(Client& client) {
  std::span<const std::string_view> args = blocked_.blocked_args(client);
  const Command* command = commands_.find(args[0]);
  client.keeps_waiting = false;
  CommandContext ctx(*this, client, *command, args);
  const bool propagating = propagation_.active();
  const uint64_t reply_start = client.conn().queued_output_end();
  const size_t reply_offset = client.conn().output().size();
  if (propagating) [[unlikely]]
    propagation_.begin_unit();
  call_changed_ = false;
  Client* const outer_client = tracking_.set_running(&client);
  const uint64_t started = clock::ticks();
  command->spec.handler(ctx);
  const uint64_t ticks = clock::ticks() - started;
  command->ticks += ticks;
  // As Redis: a blocked XREADGROUP whose group went away failed.
  if (ctx.reply().errors_written() != 0) command->failed_calls++;
  tracking_.set_running(outer_client);
  // Its invalidations follow the reply it was served.
  if (tracking_.has_pending()) [[unlikely]]
    tracking_.flush_pending();
  // Served, it propagates as the pop it became (see list_ops.cc).
  if (propagating) [[unlikely]]
    end_propagation(client.db_index, call_changed_, args);
  if (call_changed_ && aof_.holds_replies()) [[unlikely]] {
    aof_.hold_reply(client, reply_start,
                    aof_.batch_needed_by(client.db_index, *command, args, true));
  }
  if (client.keeps_waiting) return;
  if (ticks >= slow_call_ticks_) log_slow_call(client, *command, args, ticks);
  finish_blocked(client, reply_offset);
}

void Server::finish_blocked(Client& client, size_t reply_offset) {
  if (client.blocked_reply_silenced) [[unlikely]] {
    client.conn().output().truncate(reply_offset);
    client.blocked_reply_silenced = false;
  }
  blocked_.unblock(client);
  resume(client);
}

void Server::unblock_client(Client& client, bool with_error) {
  if (!client.blocked) return;
  const size_t reply_offset = client.conn().output().size();
  resp::ReplyWriter reply(client.conn().output(), &error_stats_, client.protocol);
  if (with_error) {
    reply.error(errors::kUnblocked);
    // As Redis: the blocked command failed.
    commands_.find(blocked_.blocked_args(client)[0])->failed_calls++;
  } else {
    reply.null_array();
  }
  finish_blocked(client, reply_offset);
}

void Server::resume(Client& client) {
  loop_->want_flush(client.conn());
  resumed_.push_back(client.id());
}

void Server::run_resumed_clients() {
  // Running one client's input may unblock others, which join the list.
  while (!resumed_.empty()) {
    for (uint64_t id : std::exchange(resumed_, {})) {
      auto found = clients_.find(id);
      if (found == clients_.end()) continue;
      net::Connection& conn = found->second->conn();
      if (!conn.closing()) on_input(conn);
    }
  }
}

void Server::time_out_blocked_clients() {
  if (blocked_.count() == 0) return;
  for (Client* client : blocked_.timed_out(clock::now_ms())) unblock_client(*client, false);
}

void Server::pause_clients(int64_t until_ms, ClientPause::Mode mode) {
  if (!pause_.active()) hold_keyspace(true);
  pause_.pause(until_ms, mode);
}

void Server::unpause_clients() {
  if (!pause_.active()) return;
  hold_keyspace(false);
  for (uint64_t id : pause_.end()) {
    auto found = clients_.find(id);
    if (found == clients_.end()) continue;
    found->second->paused = false;
    resume(*found->second);
  }
}

void Server::hold_for_pause(Client& client, const Command& command) {
  client.last_command = &command;  // CLIENT LIST's cmd=, as in Redis
  pause_.hold(client);
}

void Server::hold_keyspace(bool held) {
  for (auto& db : dbs_) db->set_reclaiming_held(held);
  eviction_.set_held(held);
}

bool Server::over_output_limits(Client& client) {
  // As in Redis, a client in subscribed mode is held to the pubsub class's limits.
  const ClientClass client_class = client.subscriptions.any() ? kPubsubClients : kNormalClients;
  const auto& limit = config_.client_output_buffer_limit[client_class];
  size_t used = client.conn().pending_output();
  if (limit.hard_bytes > 0 && used > limit.hard_bytes) {
    spdlog::warn(
        "Client id={} addr={} scheduled to be closed ASAP for overcoming of output buffer "
        "limits.",
        client.id(), client.conn().peer_address());
    stats_.client_output_buffer_limit_disconnections++;
    return true;
  }
  if (limit.soft_bytes == 0 || used <= limit.soft_bytes) {
    client.soft_limit_reached_ms = 0;
    return false;
  }
  int64_t now = clock::now_ms();
  if (client.soft_limit_reached_ms == 0) client.soft_limit_reached_ms = now;
  if (now - client.soft_limit_reached_ms >= limit.soft_seconds * 1000) {
    stats_.client_output_buffer_limit_disconnections++;
    return true;
  }
  return false;
}

uint64_t Server::client_memory_limit() const {
  if (config_.maxmemory_clients >= 0) return static_cast<uint64_t>(config_.maxmemory_clients);
  // A percentage of maxmemory; none without one.
  return config_.maxmemory / 100 * static_cast<uint64_t>(-config_.maxmemory_clients) +
         config_.maxmemory % 100 * static_cast<uint64_t>(-config_.maxmemory_clients) / 100;
}

// The clients holding the most go first, until what the rest hold fits.
void Server::evict_clients() {
  const uint64_t limit = client_memory_limit();
  uint64_t total = 0;
  std::vector<std::pair<size_t, Client*>> evictable;
  for (auto& [id, client] : clients_) {
    if (client->no_evict || client->conn().closing()) continue;
    const size_t bytes = client->memory_bytes();
    total += bytes;
    evictable.emplace_back(bytes, client);
  }
  if (limit != 0 && total > limit) {
    std::ranges::sort(evictable, std::greater<>{}, &std::pair<size_t, Client*>::first);
    for (const auto& [bytes, client] : evictable) {
      if (total <= limit) break;
      spdlog::debug("Evicting client: id={} addr={} tot-mem={}", client->id(),
                    client->conn().peer_address(), bytes);
      kill_client(*client);
      stats_.evicted_clients++;
      total -= bytes;
    }
  }
  clients_memory_ = total;
}

void Server::client_cron() {
  int64_t now = clock::now_ms();
  int64_t timeout_ms = config_.timeout * 1000;
  for (auto& [id, client] : clients_) {
    // As in Redis, a blocked client is not idle: its own timeout governs it.
    if (timeout_ms > 0 && !client->blocked && !client->paused &&
        now - client->last_interaction_ms > timeout_ms) {
      spdlog::debug("Closing idle client id={}", id);
      kill_client(*client);
      continue;
    }
    resize_query_buffer(*client, now);
    client->parser().release_spare_capacity();
  }
}

// As Redis's cron: a query buffer wasting more than a few KB is freed once
// its client has been idle for 2 s, and otherwise cut down to the largest
// input seen since the last pass when it is more than twice that (and past
// 32 KB). Only an empty buffer is resized, so a big bulk being received
// keeps the room reserved for it.
void Server::resize_query_buffer(Client& client, int64_t now_ms) {
  resp::ByteBuffer& input = client.conn().input();
  if (input.empty() && input.tail_room() > kQueryBufferWasteBytes) {
    if (now_ms - client.last_interaction_ms > kQueryBufferIdleMs) {
      input.shrink_to(0);
    } else if (input.capacity() > kQueryBufferResizeBytes &&
               input.capacity() / 2 > client.query_peak) {
      input.shrink_to(client.query_peak);
    }
  }
  client.query_peak = input.size();
}

void Server::sample_ops() {
  int64_t now = clock::now_ms();
  int64_t elapsed = now - stats_.last_sample_ms;
  if (elapsed < 100) return;
  uint64_t ops = stats_.total_commands_processed - stats_.last_sample_commands;
  stats_.op_samples[stats_.op_sample_index] = ops * 1000 / static_cast<uint64_t>(elapsed);
  stats_.op_sample_index = (stats_.op_sample_index + 1) % ServerStats::kSamples;
  stats_.last_sample_commands = stats_.total_commands_processed;
  stats_.last_sample_ms = now;
}

int64_t Server::instantaneous_ops_per_sec() const {
  uint64_t sum = 0;
  for (uint64_t sample : stats_.op_samples) sum += sample;
  return static_cast<int64_t>(sum / ServerStats::kSamples);
}

void Server::run_expire_cycle(int64_t budget_us) {
  if (!active_expire_ || pause_.active()) return;
  uint64_t capped_before = keyspace_stats_.expired_time_cap_reached_count;
  const int64_t started_us = clock::monotonic_us();
  const int64_t deadline_us = started_us + budget_us;
  int64_t now = clock::now_ms();
  bool out_of_time = false;
  // The starting database rotates so a busy one cannot starve the rest.
  for (int i = 0; i < db_count(); ++i) {
    Db& db = *dbs_[(expire_db_cursor_ + i) % db_count()];
    if (db.expires_count() == 0) continue;
    int64_t remaining_us = deadline_us - clock::monotonic_us();
    if (remaining_us <= 0) {
      out_of_time = true;
      break;
    }
    db.active_expire(now, remaining_us);
  }
  expire_db_cursor_ = (expire_db_cursor_ + 1) % db_count();
  expire_backlog_ = out_of_time || keyspace_stats_.expired_time_cap_reached_count != capped_before;
  note_latency("expire-cycle", clock::monotonic_us() - started_us);
}

// While expired keys are piling up faster than the cron reclaims them, a
// short extra cycle runs between loop iterations, as Redis's fast cycle
// does: 1 ms at most, and not more often than every 2 ms.
void Server::before_wait() {
  if (child_running() != memory_shared_with_child_) [[unlikely]] {
    memory_shared_with_child_ = !memory_shared_with_child_;
    for (auto& db : dbs_) db->set_shared_with_child(memory_shared_with_child_);
    shared_pages::set_shared_with_child(memory_shared_with_child_);
  }
  release_set_aside_blocks();
  if (eviction_.unfinished()) eviction_.make_room();
  if (config_.maxmemory_clients != 0) [[unlikely]]
    evict_clients();
  time_out_blocked_clients();
  if (pause_.active() && clock::now_ms() >= pause_.ends_ms()) [[unlikely]]
    unpause_clients();
  run_resumed_clients();
  if (tracking_.in_use() || tracking_.has_pending()) [[unlikely]] {
    tracking_.flush_pending();
    tracking_.broadcast();
  }
  // Before any reply of this iteration is sent (appendfsync always).
  aof_.flush();
  if (!expire_backlog_) return;
  int64_t now_us = clock::monotonic_us();
  if (now_us - last_fast_expire_us_ < 2 * kFastExpireCycleUs) return;
  last_fast_expire_us_ = now_us;
  run_expire_cycle(kFastExpireCycleUs);
}

// Even with the child gone, the first write to each page it shared faults,
// so freeing tens of thousands of set-aside blocks at once stalls for tens of
// milliseconds; a slice per loop iteration does not.
void Server::release_set_aside_blocks() {
  if (!shared_pages::has_set_aside() || shared_pages::shared_with_child()) [[likely]]
    return;
  const int64_t deadline_us = clock::monotonic_us() + kSetAsideReleaseBudgetUs;
  while (shared_pages::release_set_aside(kSetAsideReleaseBatch) &&
         clock::monotonic_us() < deadline_us) {
  }
}

void Server::on_tick() {
  if (log_reopen_requested != 0) {
    log_reopen_requested = 0;
    if (std::string error = reopen_log_file(); !error.empty()) {
      std::fprintf(stderr, "%s\n", error.c_str());
    } else {
      spdlog::info("Received SIGHUP, log file reopened");
    }
  }
  if (shutting_down_) return stop_when_drained();
  if (pending_signal != 0) {
    const char* name = pending_signal == SIGINT ? "SIGINT" : "SIGTERM";
    pending_signal = 0;
    spdlog::warn("Received {} scheduling shutdown...", name);
    if (!save_before_shutdown(false, false)) {
      spdlog::warn(
          "{} received but errors trying to shut down the server, check the logs for "
          "more information",
          name);
      return;
    }
    request_shutdown();
    return;
  }
  // Redis spends at most a quarter of each cron period reclaiming expired
  // keys, two points more per step of active-expire-effort.
  int64_t budget_percent = 25 + 2 * (config_.active_expire_effort - 1);
  run_expire_cycle(budget_percent * 10000 / config_.hz);
  // While a child saves, rehashing would copy pages it still shares.
  if (!child_running()) {
    for (auto& db : dbs_) db->rehash_step(1000);
  }
  snapshots_.cron();
  aof_.cron();
  client_cron();
  tracking_.enforce_limit(config_.tracking_table_max_keys);
  sample_ops();
  // Walking the allocator's pages costs more than a tick should, so the
  // memory peak is sampled once a second.
  if (cron_loops_ % config_.hz == 0) sample_memory_peak(used_memory());
  ++cron_loops_;
}

}  // namespace fkvs
