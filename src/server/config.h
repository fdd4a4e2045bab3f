#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fkvs_build_config.h"

namespace fkvs {

// A configuration the server cannot start with. what() is the whole message for the user, in
// the shape redis-server prints (where, the offending line, why).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The client classes client-output-buffer-limit tells apart, indexing
// Config::client_output_buffer_limit.
enum ClientClass { kNormalClients, kReplicaClients, kPubsubClients, kClientClassCount };

struct OutputBufferLimit {
  uint64_t hard_bytes = 0;  // close the client as soon as its output exceeds this (0: never)
  uint64_t soft_bytes = 0;  // ...or once it has stayed above this for soft_seconds
  int64_t soft_seconds = 0;
};

// "save <seconds> <changes>": snapshot once `changes` writes happened within `seconds`.
struct SavePoint {
  int64_t seconds;
  int64_t changes;
  bool operator==(const SavePoint&) const = default;
};

// The server's settings, named as in redis.conf, with Redis 7.0's defaults. One table in
// config.cc describes every option; both the start-up parser and CONFIG GET/SET use it.
struct Config {
  int64_t port = 6379;
  // A '-' before an address means: skip it if it is unavailable.
  std::vector<std::string> bind = {"127.0.0.1", "-::1"};
  std::string unixsocket;
  int64_t unixsocketperm = 0;
  int64_t maxclients = 10000;
  int64_t timeout = 0;  // seconds idle before a client is closed; 0: never
  int64_t tcp_keepalive = 300;
  int64_t tcp_backlog = 511;
  std::string requirepass;
  int64_t databases = 16;
  std::string loglevel = "notice";  // debug, verbose, notice, warning or nothing
  std::string logfile;              // empty: standard output
  int64_t hz = 10;                  // always within 1..500: larger or smaller values are clamped
  uint64_t proto_max_bulk_len = 512 * 1024 * 1024;
  uint64_t client_query_buffer_limit = 1024 * 1024 * 1024;
  std::array<OutputBufferLimit, kClientClassCount> client_output_buffer_limit = {{
      {0, 0, 0},
      {256 * 1024 * 1024, 64 * 1024 * 1024, 60},
      {32 * 1024 * 1024, 8 * 1024 * 1024, 60},
  }};
  std::string io_backend = FKVS_DEFAULT_IO_BACKEND;  // auto, epoll, uring or kqueue
  bool daemonize = false;
  // Empty: none, unless daemonized (then /var/run/fkvs.pid, as Redis uses redis.pid).
  std::string pidfile;
  // How a service manager learns the server is ready: no, upstart, systemd, or auto
  // (systemd when NOTIFY_SOCKET is set, upstart when UPSTART_JOB is).
  std::string supervised = "no";
  bool syslog_enabled = false;
  std::string syslog_ident = "fkvs";
  std::string syslog_facility = "local0";
  // Seconds a shutdown waits for clients to take the replies already queued for them.
  int64_t shutdown_timeout = 10;
  std::string dir = "./";  // set from a file or the command line, it is the absolute path
  std::string dbfilename = "dump.rdb";
  // Redis 7.0's default save points; the first "save" line of a config file replaces them.
  std::vector<SavePoint> save = {{3600, 1}, {300, 100}, {60, 10000}};
  bool rdbcompression = true;  // LZF-compress long strings in snapshots
  bool rdbchecksum = true;     // write and check the CRC-64 at the end of a snapshot
  // Refuse writes (MISCONF) while the last background save failed and save points are set.
  bool stop_writes_on_bgsave_error = true;
  // Remove the snapshot a save wrote only for replication when persistence is off (there is
  // no replication yet, so nothing is ever removed; accepted for redis.conf files).
  bool rdb_del_sync_files = false;
  bool rdb_save_incremental_fsync = true;  // fsync every 4 MB while a snapshot is written
  // Microseconds a save sleeps after each key: lets tests catch a save in progress.
  int64_t rdb_key_save_delay = 0;
  // How deeply RESTORE and loading check listpacks and the like: fkvs always checks every
  // byte, so the setting changes nothing (no, yes or clients).
  std::string sanitize_dump_payload = "no";
  bool appendonly = false;
  std::string appendfsync = "everysec";  // always, everysec or no
  std::string appenddirname = "appendonlydir";
  std::string appendfilename = "appendonly.aof";
  bool aof_use_rdb_preamble = true;  // the base an AOF rewrite writes is an RDB image
  bool aof_load_truncated = true;    // load an AOF whose last command was cut short
  bool aof_timestamp_enabled = false;
  int64_t auto_aof_rewrite_percentage = 100;
  uint64_t auto_aof_rewrite_min_size = 64 * 1024 * 1024;
  bool no_appendfsync_on_rewrite = false;
  bool aof_rewrite_incremental_fsync = true;
  uint64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int64_t maxmemory_samples = 5;             // keys sampled per database and eviction round
  int64_t maxmemory_eviction_tenacity = 10;  // 0..100: how long one round may evict
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;  // minutes
  // The most client buffers may hold before the biggest clients are closed:
  // bytes, or (negative) a percentage of maxmemory; 0 for no limit.
  int64_t maxmemory_clients = 0;
  // Which deletions free big values on the lazy-free thread (see LazyFree).
  bool lazyfree_lazy_eviction = false;
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_server_del = false;  // values replaced by RENAME, RESTORE, ...
  bool lazyfree_lazy_user_del = false;    // DEL as UNLINK
  bool lazyfree_lazy_user_flush = false;  // FLUSHALL / FLUSHDB without SYNC as ASYNC
  bool replica_lazy_flush = false;
  // Writes need this many replicas lagging at most min_replicas_max_lag seconds (both
  // non-zero): fkvs has no replicas yet, so while set every write gets NOREPLICAS.
  int64_t min_replicas_to_write = 0;
  int64_t min_replicas_max_lag = 10;
  // Redis's options for what fkvs does not have (replication, cluster, TLS, active defrag, CPU
  // lists, ...), by name: kept so that redis.conf files load and CONFIG GET/SET answer as
  // Redis's do; they change nothing. Values are here only once set; see kInertOptions.
  std::map<std::string, std::string, std::less<>> inert_values;
  // keyspace_events flags (server/keyspace_events.h); 0 sends no notifications.
  uint32_t notify_keyspace_events = 0;
  int64_t active_expire_effort = 1;
  // Keys the client-side caching table remembers before it invalidates some (0: no limit).
  int64_t tracking_table_max_keys = 1000000;
  // SLOWLOG: commands running longer than this many microseconds are logged
  // (0: every command, -1: none), the newest slowlog_max_len of them kept.
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  // The latency monitor records events that took this many milliseconds or more (0: off).
  int64_t latency_monitor_threshold = 0;
  // Milliseconds a script runs before other clients get -BUSY and SCRIPT KILL is served.
  int64_t busy_reply_threshold = 5000;
  // Per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats), and the
  // percentiles INFO shows of them.
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles = {50.0, 99.0, 99.9};
  bool protected_mode = true;
  // Who may use DEBUG, CONFIG SET the protected options (dir, dbfilename) and MODULE: no one,
  // everyone (yes), or clients on the loopback address or the unix socket (local).
  std::string enable_debug_command = "no";
  std::string enable_protected_configs = "no";
  std::string enable_module_command = "no";
  bool always_show_logo = false;
  // When a collection leaves its compact encoding (Redis 7.0's defaults).
  // Lists: positive is entries per listpack node, -1..-5 its size as 4..64 KB.
  int64_t list_max_listpack_size = -2;
  // Accepted for redis.conf files: fkvs does not LZF-compress quicklist nodes (yet), so any
  // depth gives the same results and memory as 0.
  int64_t list_compress_depth = 0;
  int64_t hash_max_listpack_entries = 512;
  uint64_t hash_max_listpack_value = 64;  // bytes of a field or value
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  uint64_t zset_max_listpack_value = 64;  // bytes of a member
  // A stream node (one listpack of entries) takes new entries up to these; 0: no limit.
  uint64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;
  uint64_t hll_sparse_max_bytes = 3000;  // a sparse HyperLogLog longer than this turns dense

  // Not options: what load_config found on the command line.
  std::string config_file;  // absolute path of the file read at start-up, or empty
  bool show_version = false;
  bool show_help = false;
  bool test_config = false;         // --test-config: check the configuration and exit
  bool save_read_at_start = false;  // a "save" line was read: the defaults are gone

  // CONFIG GET: every option matching one of the glob patterns (case-insensitively), once
  // each, with its value as Redis shows it (sizes in bytes, booleans as yes/no, lists joined
  // by spaces). A pattern without glob characters is a name, and is echoed as given.
  std::vector<std::pair<std::string, std::string>> get(
      std::span<const std::string_view> patterns) const;
  std::vector<std::pair<std::string, std::string>> get(std::string_view pattern) const {
    return get(std::span(&pattern, 1));
  }

  // CONFIG SET, all or nothing: returns the error reply text (without '-') for the first
  // change that fails, having restored every option it touched, or nullopt on success.
  // Options with several arguments (bind, save, client-output-buffer-limit) take them
  // separated by single spaces. Change handlers run for each option whose value changed.
  // Protected options (dir, dbfilename) are refused unless protected_allowed: the caller
  // decides that from enable-protected-configs and who is asking (allows_protected_action).
  std::optional<std::string> set(
      std::span<const std::pair<std::string_view, std::string_view>> changes,
      bool protected_allowed = false);
  std::optional<std::string> set(std::string_view name, std::string_view value,
                                 bool protected_allowed = false) {
    const std::pair<std::string_view, std::string_view> change{name, value};
    return set(std::span(&change, 1), protected_allowed);
  }

  // Lets the server act on a CONFIG SET of `name` (rebinding after a port change, ...). A
  // handler runs after the new value is stored; returning an error message makes the
  // CONFIG SET fail, and the old values come back (their handlers then run again).
  using ChangeHandler = std::function<std::optional<std::string>()>;
  void on_change(std::string_view name, ChangeHandler handler);

 private:
  std::map<std::string, std::vector<ChangeHandler>, std::less<>> change_handlers_;
};

// Redis's memtoull: a memory amount such as "100", "5b", "64kb" or "1gb"; nullopt if malformed.
std::optional<uint64_t> parse_memory(std::string_view text);

// Whether an enable-debug-command style setting (no, yes, local) lets a client act: local
// means a client on the unix socket or at 127.0.0.1 or ::1, as Redis's islocalClient has it.
bool allows_protected_action(std::string_view setting, bool is_local_client);

// Reads the command line of fkvs-server (without the program name), as redis-server does:
//   fkvs-server [/path/to/fkvs.conf | -c /path/to/fkvs.conf] [--option value ...]
// An option's arguments run to the next "--"; options override the file. -v/--version and
// -h/--help only set show_version/show_help. Throws ConfigError.
Config load_config(const std::vector<std::string>& args);

// Applies redis.conf-style text on top of `config`: one directive per line, Redis's quoting
// rules, '#' comments, "include /path". `source` names the text in error messages; relative
// includes are read from the working directory. Throws ConfigError.
void apply_config_text(Config& config, std::string_view text, std::string_view source);
void apply_config_file(Config& config, const std::string& path);

// CONFIG REWRITE of a config file's text: lines of options the server has keep their place
// and get the current value (even a default one), extra lines for an option go, options not
// in the file whose value is not the default (and dir and save, always) are added after a
// "# Generated by CONFIG REWRITE" line, comments and include lines stay, and lines the server
// would not read become "# ??? " comments; as Redis 7.0 does.
std::string rewrite_config_text(std::string_view old_text, const Config& config);
// Rewrites config.config_file so: a new file, synced, renamed over the old one. nullopt, or
// why it failed (strerror's text).
std::optional<std::string> rewrite_config_file(const Config& config);

// What -v and -h print (each ends in a newline).
std::string version_text();
std::string usage_text();

}  // namespace fkvs
