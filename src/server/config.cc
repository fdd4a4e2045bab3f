#include "server/config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <variant>

#include "server/config_table.h"
#include "server/keyspace_events.h"
#include "split_arguments.h"
#include "util/glob.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {

// Redis's memtoull: decimal digits, then an optional unit (b, k, kb, m, mb, g, gb, any case).
// "" and a bare unit are 0. Too many digits saturate, and the unit then wraps around modulo
// 2^64: odd, but it is what redis-server stores.
std::optional<uint64_t> parse_memory(std::string_view text) {
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1},         {"b", 1},        {"k", 1000},         {"kb", 1 << 10},
      {"m", 1000'000}, {"mb", 1 << 20}, {"g", 1000'000'000}, {"gb", 1 << 30},
  };
  const size_t digits = std::min(text.find_first_not_of("0123456789"), text.size());
  // Redis copies the number into a 128-byte buffer and refuses a longer one.
  if (digits >= 128) return std::nullopt;
  const auto unit = std::ranges::find_if(
      kUnits, [&](const auto& entry) { return equals_nocase(text.substr(digits), entry.first); });
  if (unit == std::end(kUnits)) return std::nullopt;
  uint64_t value = 0;
  for (char c : text.substr(0, digits)) {
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      value = UINT64_MAX;
      break;
    }
    value = value * 10 + digit;
  }
  return value * unit->second;
}

namespace config_detail {
namespace {

constexpr int kMaxBindAddresses = 16;
constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kMinHz = 1;
constexpr int64_t kMaxHz = 500;

std::string join(std::span<const std::string_view> words, std::string_view separator) {
  std::string out;
  for (std::string_view word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

std::string range_refusal(std::string_view min, std::string_view max) {
  return "argument must be between " + std::string(min) + " and " + std::string(max) + " inclusive";
}

std::string to_octal(int64_t value) {
  char text[32];
  return {text, std::to_chars(text, text + sizeof text, value, 8).ptr};
}

// ---------------------------------------------------------------------------------------------
// Values, parsed with the same leniency and strictness as Redis.

std::optional<bool> parse_yes_no(std::string_view text) {
  if (equals_nocase(text, "yes")) return true;
  if (equals_nocase(text, "no")) return false;
  return std::nullopt;
}

// strtoll's syntax (leading space, a sign, "" is 0), which Redis uses for octal modes, save
// points and soft_seconds. nullopt when bytes are left over.
struct StrtollResult {
  int64_t value;
  bool overflowed;  // the value saturated
};
std::optional<StrtollResult> parse_like_strtoll(std::string_view text, int base) {
  const std::string buffer(text);
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(buffer.c_str(), &end, base);
  if (end != buffer.c_str() + buffer.size()) return std::nullopt;
  return StrtollResult{value, errno == ERANGE};
}

Refusal parse_integer(std::string_view text, int64_t min, int64_t max, int64_t& out) {
  const std::optional<int64_t> value = parse_int64(text);
  if (!value) return "argument couldn't be parsed into an integer";
  if (*value < min || *value > max) return range_refusal(std::to_string(min), std::to_string(max));
  out = *value;
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The option table. Most options are one typed field with limits; the rest have their own
// parser and formatter.

// These types are outside the unnamed namespace because OptionSpec, which holds them, is.
//
// Redis refuses CONFIG SET of immutable options, and of protected ones unless
// enable-protected-configs allows it (fkvs never does, as Redis by default).
enum class Mutability { kMutable, kImmutable, kProtected };

struct IntegerOption {
  int64_t Config::*field;
  int64_t min;
  int64_t max;
};
struct OctalOption {
  int64_t Config::*field;
  int64_t min;
  int64_t max;
};
struct MemoryOption {
  uint64_t Config::*field;
  uint64_t min;
  uint64_t max;
};
struct BoolOption {
  bool Config::*field;
};
struct StringOption {
  std::string Config::*field;
};
struct EnumOption {
  std::string Config::*field;
  std::span<const std::string_view> choices;
};
// How CONFIG REWRITE writes a custom option's value.
enum class RewriteAs {
  kPlain,
  kQuoted,        // a path or name, quoted as Redis quotes strings
  kAlwaysQuoted,  // dir: Redis writes it even at its default
  kSavePoints,    // one "save" line per point, written even at the default
  kBufferLimits,  // one line per client class
};
struct CustomOption {
  Refusal (*parse)(Config&, Args, SetMode);
  std::string (*format)(const Config&);
  bool takes_list;  // any number of arguments; CONFIG SET splits its value at spaces
  RewriteAs rewrite_as = RewriteAs::kPlain;
};
// An option fkvs keeps only so that files and CONFIG GET/SET work as with Redis (see
// Config::inert_values): validated as Redis validates it, stored as text.
enum class InertKind {
  kBool,
  kInteger,
  kMemory,
  kEnum,
  kFlags,  // one or more of the choices, separated by spaces
  kString,
  kHostname,  // letters, digits, '-' and '.'
  kOomScoreValues,
  kReplicaOf,  // "no one", or a master fkvs cannot follow
};
struct InertOption {
  InertKind kind;
  std::string_view initial;
  int64_t min = 0;
  int64_t max = 0;
  std::span<const std::string_view> choices = {};
  // Why any other value than the initial one is refused: what it asks for is not in fkvs.
  std::string_view unsupported = {};
};
using OptionType = std::variant<IntegerOption, OctalOption, MemoryOption, BoolOption, StringOption,
                                EnumOption, CustomOption, InertOption>;

// Outside the unnamed namespace because config_table.h declares it (opaque) for the reader.
struct OptionSpec {
  std::string_view name;
  Mutability mutability;
  OptionType type;
  // The name Redis had before 7.0 (the `ziplist` ones, `slave` for
  // `replica`), accepted everywhere the name is and shown under itself by
  // CONFIG GET.
  std::string_view alias = {};
  // Left out of CONFIG GET's patterns (`*`), shown when asked for by name, as
  // Redis's hidden debugging options are.
  bool hidden = false;
};

namespace {

template <class... Visitors>
struct Overloaded : Visitors... {
  using Visitors::operator()...;
};
// GCC deduces this itself (C++20 aggregate deduction); clang 14 needs the guide.
template <typename... Visitors>
Overloaded(Visitors...) -> Overloaded<Visitors...>;

Refusal parse_bind(Config& config, Args args, SetMode) {
  if (args.size() > kMaxBindAddresses) return "Too many bind addresses specified.";
  config.bind.assign(args.begin(), args.end());
  return std::nullopt;
}

std::string format_bind(const Config& config) {
  std::string out;
  for (const std::string& address : config.bind) out += (out.empty() ? "" : " ") + address;
  return out;
}

// Redis accepts any hz and keeps it within 1..500.
Refusal parse_hz(Config& config, Args args, SetMode) {
  int64_t hz = 0;
  if (Refusal refusal = parse_integer(args[0], 0, kIntMax, hz)) return refusal;
  config.hz = std::clamp(hz, kMinHz, kMaxHz);
  return std::nullopt;
}

Refusal parse_notify_keyspace_events(Config& config, Args args, SetMode) {
  const std::optional<uint32_t> flags = keyspace_events::parse(args[0]);
  if (!flags) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
  config.notify_keyspace_events = *flags;
  return std::nullopt;
}

// Redis changes into `dir` as it reads it; fkvs keeps its absolute path (for CONFIG GET, and
// so a later chdir by the server cannot change what it means), checking it is a directory.
Refusal parse_dir(Config& config, Args args, SetMode) {
  std::error_code error;
  const std::filesystem::path path = std::filesystem::canonical(std::string(args[0]), error);
  if (error) return error.message();
  if (!std::filesystem::is_directory(path)) return std::strerror(ENOTDIR);
  config.dir = path.string();
  return std::nullopt;
}

std::string format_dir(const Config& config) {
  std::error_code error;
  const std::filesystem::path path = std::filesystem::canonical(config.dir, error);
  return error ? config.dir : path.string();
}

Refusal parse_dbfilename(Config& config, Args args, SetMode) {
  if (args[0].find_first_of("/\\") != std::string_view::npos) {
    return "dbfilename can't be a path, just a filename";
  }
  config.dbfilename = args[0];
  return std::nullopt;
}

// The AOF's directory and file-name prefix: plain names inside dir, as Redis requires.
Refusal parse_appenddirname(Config& config, Args args, SetMode) {
  if (args[0].find('/') != std::string_view::npos)
    return "appenddirname can't be a path, just a dirname";
  config.appenddirname = args[0];
  return std::nullopt;
}

Refusal parse_appendfilename(Config& config, Args args, SetMode) {
  if (args[0].find('/') != std::string_view::npos)
    return "appendfilename can't be a path, just a filename";
  config.appendfilename = args[0];
  return std::nullopt;
}

// "save" alone or `save ""` clears the list; otherwise pairs of seconds (at least 1) and
// changes (at least 0).
Refusal parse_save(Config& config, Args args, SetMode mode) {
  if (args.empty() || (args.size() == 1 && args[0].empty())) {
    config.save.clear();
    if (mode == SetMode::kLoad) config.save_read_at_start = true;
    return std::nullopt;
  }
  const std::string invalid = "Invalid save parameters";
  if (args.size() % 2 != 0) return invalid;
  std::vector<SavePoint> points;
  for (size_t i = 0; i < args.size(); i += 2) {
    const auto seconds = parse_like_strtoll(args[i], 10);
    const auto changes = parse_like_strtoll(args[i + 1], 10);
    if (!seconds || !changes || seconds->value < 1 || changes->value < 0) return invalid;
    points.push_back({seconds->value, changes->value});
  }
  // At start-up the first "save" line replaces the defaults and later lines add to it.
  if (mode == SetMode::kConfigSet || !config.save_read_at_start) config.save.clear();
  if (mode == SetMode::kLoad) config.save_read_at_start = true;
  config.save.insert(config.save.end(), points.begin(), points.end());
  return std::nullopt;
}

std::string format_save(const Config& config) {
  std::string out;
  for (const SavePoint& point : config.save) {
    if (!out.empty()) out += ' ';
    out += std::to_string(point.seconds) + ' ' + std::to_string(point.changes);
  }
  return out;
}

Refusal parse_latency_percentiles(Config& config, Args args, SetMode) {
  std::vector<double> percentiles;
  for (std::string_view arg : args) {
    if (arg.empty()) continue;
    const std::optional<double> value = parse_double(arg);
    if (!value) return "Invalid latency-tracking-info-percentiles parameters";
    if (*value < 0.0 || *value > 100.0) {
      return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
    }
    percentiles.push_back(*value);
  }
  config.latency_tracking_info_percentiles = std::move(percentiles);
  return std::nullopt;
}

std::string format_latency_percentiles(const Config& config) {
  std::string out;
  for (double percentile : config.latency_tracking_info_percentiles) {
    if (!out.empty()) out += ' ';
    out += format_fixed_trimmed(percentile);
  }
  return out;
}

// Groups of "<class> <hard> <soft> <soft seconds>"; classes not named keep their limits.
Refusal parse_output_buffer_limits(Config& config, Args args, SetMode) {
  if (args.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  auto limits = config.client_output_buffer_limit;
  for (size_t i = 0; i < args.size(); i += 4) {
    ClientClass client_class;
    if (equals_nocase(args[i], "normal")) {
      client_class = kNormalClients;
    } else if (equals_nocase(args[i], "replica") || equals_nocase(args[i], "slave")) {
      client_class = kReplicaClients;
    } else if (equals_nocase(args[i], "pubsub")) {
      client_class = kPubsubClients;
    } else {
      return "Invalid client class specified in buffer limit configuration.";
    }
    const auto hard = parse_memory(args[i + 1]);
    const auto soft = parse_memory(args[i + 2]);
    const auto seconds = parse_like_strtoll(args[i + 3], 10);
    if (!hard || !soft || !seconds || seconds->overflowed || seconds->value < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    limits[client_class] = {*hard, *soft, seconds->value};
  }
  config.client_output_buffer_limit = limits;
  return std::nullopt;
}

// Redis still calls the replica class "slave" here.
// The client classes as CONFIG GET and CONFIG REWRITE name them.
constexpr std::string_view kClassNames[kClientClassCount] = {"normal", "slave", "pubsub"};

std::string format_output_buffer_limits(const Config& config) {
  std::string out;
  for (int i = 0; i < kClientClassCount; ++i) {
    const OutputBufferLimit& limit = config.client_output_buffer_limit[i];
    if (i > 0) out += ' ';
    out += std::string(kClassNames[i]) + ' ' + std::to_string(limit.hard_bytes) + ' ' +
           std::to_string(limit.soft_bytes) + ' ' + std::to_string(limit.soft_seconds);
  }
  return out;
}

constexpr std::string_view kLogLevels[] = {"debug", "verbose", "notice", "warning", "nothing"};
constexpr std::string_view kSupervisedModes[] = {"no", "upstart", "systemd", "auto"};
constexpr std::string_view kSyslogFacilities[] = {"user",   "local0", "local1", "local2", "local3",
                                                  "local4", "local5", "local6", "local7"};
constexpr std::string_view kIoBackends[] = {"auto", "epoll", "uring", "kqueue"};
constexpr std::string_view kAppendfsyncModes[] = {"always", "everysec", "no"};
constexpr std::string_view kSanitizeDumpPayloadModes[] = {"no", "yes", "clients"};
constexpr std::string_view kProtectedActionSettings[] = {"no", "yes", "local"};
constexpr std::string_view kMaxmemoryPolicies[] = {
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction"};

constexpr uint64_t kMegabyte = 1024 * 1024;

// maxmemory-clients: a memory value, or a percentage of maxmemory ("10%").
Refusal parse_maxmemory_clients(Config& config, Args args, SetMode) {
  constexpr std::string_view kUnparsable = "argument must be a memory or percent value";
  const std::string_view text = args[0];
  if (text.size() > 1 && text.ends_with('%')) {
    const auto percent = parse_like_strtoll(text.substr(0, text.size() - 1), 10);
    if (!percent || percent->overflowed || percent->value < 0) return std::string(kUnparsable);
    if (percent->value > 100) return "percentage argument must be less or equal to 100";
    config.maxmemory_clients = -percent->value;
    return std::nullopt;
  }
  const std::optional<uint64_t> bytes = parse_memory(text);
  if (!bytes || *bytes > static_cast<uint64_t>(INT64_MAX)) return std::string(kUnparsable);
  config.maxmemory_clients = static_cast<int64_t>(*bytes);
  return std::nullopt;
}

std::string format_maxmemory_clients(const Config& config) {
  return config.maxmemory_clients < 0 ? std::to_string(-config.maxmemory_clients) + "%"
                                      : std::to_string(config.maxmemory_clients);
}

using enum Mutability;
// Which options are immutable or protected follows redis-server 7.0.
const OptionSpec kOptions[] = {
    {"port", kMutable, IntegerOption{&Config::port, 0, 65535}},
    {"bind", kMutable, CustomOption{parse_bind, format_bind, true}},
    {"unixsocket", kImmutable, StringOption{&Config::unixsocket}},
    {"unixsocketperm", kImmutable, OctalOption{&Config::unixsocketperm, 0, 0777}},
    {"maxclients", kMutable, IntegerOption{&Config::maxclients, 1, UINT_MAX}},
    {"timeout", kMutable, IntegerOption{&Config::timeout, 0, kIntMax}},
    {"tcp-keepalive", kMutable, IntegerOption{&Config::tcp_keepalive, 0, kIntMax}},
    {"tcp-backlog", kImmutable, IntegerOption{&Config::tcp_backlog, 0, kIntMax}},
    {"requirepass", kMutable, StringOption{&Config::requirepass}},
    {"databases", kImmutable, IntegerOption{&Config::databases, 1, kIntMax}},
    {"loglevel", kMutable, EnumOption{&Config::loglevel, kLogLevels}},
    {"logfile", kImmutable, StringOption{&Config::logfile}},
    {"hz", kMutable,
     CustomOption{parse_hz, [](const Config& c) { return std::to_string(c.hz); }, false}},
    {"proto-max-bulk-len", kMutable,
     MemoryOption{&Config::proto_max_bulk_len, kMegabyte, INT64_MAX}},
    {"client-query-buffer-limit", kMutable,
     MemoryOption{&Config::client_query_buffer_limit, kMegabyte, INT64_MAX}},
    {"client-output-buffer-limit", kMutable,
     CustomOption{parse_output_buffer_limits, format_output_buffer_limits, true,
                  RewriteAs::kBufferLimits}},
    // fkvs's own, hidden so that tools enumerating Redis's options meet only those.
    {"io-backend", kImmutable, EnumOption{&Config::io_backend, kIoBackends}, {}, true},
    {"daemonize", kImmutable, BoolOption{&Config::daemonize}},
    {"pidfile", kImmutable, StringOption{&Config::pidfile}},
    {"supervised", kImmutable, EnumOption{&Config::supervised, kSupervisedModes}},
    {"syslog-enabled", kImmutable, BoolOption{&Config::syslog_enabled}},
    {"syslog-ident", kImmutable, StringOption{&Config::syslog_ident}},
    {"syslog-facility", kImmutable, EnumOption{&Config::syslog_facility, kSyslogFacilities}},
    {"shutdown-timeout", kMutable, IntegerOption{&Config::shutdown_timeout, 0, kIntMax}},
    {"dir", kProtected, CustomOption{parse_dir, format_dir, false, RewriteAs::kAlwaysQuoted}},
    {"dbfilename", kProtected,
     CustomOption{parse_dbfilename, [](const Config& c) { return c.dbfilename; }, false,
                  RewriteAs::kQuoted}},
    {"save", kMutable, CustomOption{parse_save, format_save, true, RewriteAs::kSavePoints}},
    {"appendonly", kMutable, BoolOption{&Config::appendonly}},
    {"appendfsync", kMutable, EnumOption{&Config::appendfsync, kAppendfsyncModes}},
    {"appenddirname", kImmutable,
     CustomOption{parse_appenddirname, [](const Config& c) { return c.appenddirname; }, false,
                  RewriteAs::kQuoted}},
    {"appendfilename", kImmutable,
     CustomOption{parse_appendfilename, [](const Config& c) { return c.appendfilename; }, false,
                  RewriteAs::kQuoted}},
    {"aof-use-rdb-preamble", kMutable, BoolOption{&Config::aof_use_rdb_preamble}},
    {"aof-load-truncated", kMutable, BoolOption{&Config::aof_load_truncated}},
    {"aof-timestamp-enabled", kMutable, BoolOption{&Config::aof_timestamp_enabled}},
    {"auto-aof-rewrite-percentage", kMutable,
     IntegerOption{&Config::auto_aof_rewrite_percentage, 0, kIntMax}},
    {"auto-aof-rewrite-min-size", kMutable,
     MemoryOption{&Config::auto_aof_rewrite_min_size, 0, LLONG_MAX}},
    {"no-appendfsync-on-rewrite", kMutable, BoolOption{&Config::no_appendfsync_on_rewrite}},
    {"aof-rewrite-incremental-fsync", kMutable, BoolOption{&Config::aof_rewrite_incremental_fsync}},
    {"rdbcompression", kMutable, BoolOption{&Config::rdbcompression}},
    {"rdbchecksum", kImmutable, BoolOption{&Config::rdbchecksum}},
    {"stop-writes-on-bgsave-error", kMutable, BoolOption{&Config::stop_writes_on_bgsave_error}},
    {"rdb-del-sync-files", kMutable, BoolOption{&Config::rdb_del_sync_files}},
    {"rdb-save-incremental-fsync", kMutable, BoolOption{&Config::rdb_save_incremental_fsync}},
    {"rdb-key-save-delay",
     kMutable,
     IntegerOption{&Config::rdb_key_save_delay, INT_MIN, INT_MAX},
     {},
     true},
    {"sanitize-dump-payload", kMutable,
     EnumOption{&Config::sanitize_dump_payload, kSanitizeDumpPayloadModes}},
    {"maxmemory", kMutable, MemoryOption{&Config::maxmemory, 0, UINT64_MAX}},
    {"maxmemory-policy", kMutable, EnumOption{&Config::maxmemory_policy, kMaxmemoryPolicies}},
    {"maxmemory-samples", kMutable, IntegerOption{&Config::maxmemory_samples, 1, kIntMax}},
    {"maxmemory-eviction-tenacity", kMutable,
     IntegerOption{&Config::maxmemory_eviction_tenacity, 0, 100}},
    {"lfu-log-factor", kMutable, IntegerOption{&Config::lfu_log_factor, 0, kIntMax}},
    {"lfu-decay-time", kMutable, IntegerOption{&Config::lfu_decay_time, 0, kIntMax}},
    {"maxmemory-clients", kMutable,
     CustomOption{parse_maxmemory_clients, format_maxmemory_clients, false}},
    {"lazyfree-lazy-eviction", kMutable, BoolOption{&Config::lazyfree_lazy_eviction}},
    {"lazyfree-lazy-expire", kMutable, BoolOption{&Config::lazyfree_lazy_expire}},
    {"lazyfree-lazy-server-del", kMutable, BoolOption{&Config::lazyfree_lazy_server_del}},
    {"lazyfree-lazy-user-del", kMutable, BoolOption{&Config::lazyfree_lazy_user_del}},
    {"lazyfree-lazy-user-flush", kMutable, BoolOption{&Config::lazyfree_lazy_user_flush}},
    {"replica-lazy-flush", kMutable, BoolOption{&Config::replica_lazy_flush}, "slave-lazy-flush"},
    {"min-replicas-to-write", kMutable, IntegerOption{&Config::min_replicas_to_write, 0, INT_MAX},
     "min-slaves-to-write"},
    {"min-replicas-max-lag", kMutable, IntegerOption{&Config::min_replicas_max_lag, 0, INT_MAX},
     "min-slaves-max-lag"},
    {"notify-keyspace-events", kMutable,
     CustomOption{parse_notify_keyspace_events,
                  [](const Config& c) { return keyspace_events::format(c.notify_keyspace_events); },
                  false, RewriteAs::kQuoted}},
    {"active-expire-effort", kMutable, IntegerOption{&Config::active_expire_effort, 1, 10}},
    {"tracking-table-max-keys", kMutable,
     IntegerOption{&Config::tracking_table_max_keys, 0, LLONG_MAX}},
    {"slowlog-log-slower-than", kMutable,
     IntegerOption{&Config::slowlog_log_slower_than, -1, LLONG_MAX}},
    {"slowlog-max-len", kMutable, IntegerOption{&Config::slowlog_max_len, 0, LONG_MAX}},
    {"latency-monitor-threshold", kMutable,
     IntegerOption{&Config::latency_monitor_threshold, 0, LLONG_MAX}},
    {"latency-tracking", kMutable, BoolOption{&Config::latency_tracking}},
    {"busy-reply-threshold", kMutable, IntegerOption{&Config::busy_reply_threshold, 0, LONG_MAX},
     "lua-time-limit"},
    {"latency-tracking-info-percentiles", kMutable,
     CustomOption{parse_latency_percentiles, format_latency_percentiles, true}},
    {"protected-mode", kMutable, BoolOption{&Config::protected_mode}},
    {"enable-debug-command", kImmutable,
     EnumOption{&Config::enable_debug_command, kProtectedActionSettings}},
    {"enable-protected-configs", kImmutable,
     EnumOption{&Config::enable_protected_configs, kProtectedActionSettings}},
    {"enable-module-command", kImmutable,
     EnumOption{&Config::enable_module_command, kProtectedActionSettings}},
    {"always-show-logo", kImmutable, BoolOption{&Config::always_show_logo}},
    {"list-max-listpack-size", kMutable,
     IntegerOption{&Config::list_max_listpack_size, INT_MIN, INT_MAX}, "list-max-ziplist-size"},
    {"list-compress-depth", kMutable, IntegerOption{&Config::list_compress_depth, 0, INT_MAX}},
    {"hash-max-listpack-entries", kMutable,
     IntegerOption{&Config::hash_max_listpack_entries, 0, LONG_MAX}, "hash-max-ziplist-entries"},
    {"hash-max-listpack-value", kMutable,
     MemoryOption{&Config::hash_max_listpack_value, 0, LONG_MAX}, "hash-max-ziplist-value"},
    {"set-max-intset-entries", kMutable,
     IntegerOption{&Config::set_max_intset_entries, 0, LONG_MAX}},
    {"zset-max-listpack-entries", kMutable,
     IntegerOption{&Config::zset_max_listpack_entries, 0, LONG_MAX}, "zset-max-ziplist-entries"},
    {"zset-max-listpack-value", kMutable,
     MemoryOption{&Config::zset_max_listpack_value, 0, LONG_MAX}, "zset-max-ziplist-value"},
    {"stream-node-max-bytes", kMutable, MemoryOption{&Config::stream_node_max_bytes, 0, LONG_MAX}},
    {"stream-node-max-entries", kMutable,
     IntegerOption{&Config::stream_node_max_entries, 0, LLONG_MAX}},
    {"hll-sparse-max-bytes", kMutable, MemoryOption{&Config::hll_sparse_max_bytes, 0, LONG_MAX}},
};

constexpr std::string_view kAclPubsubDefaults[] = {"allchannels", "resetchannels"};
constexpr std::string_view kEndpointTypes[] = {"ip", "hostname", "unknown-endpoint"};
constexpr std::string_view kOomScoreAdjModes[] = {"no", "yes", "relative", "absolute"};
constexpr std::string_view kPropagationErrorBehaviors[] = {"ignore", "panic", "panic-on-replicas"};
constexpr std::string_view kDisklessLoadModes[] = {"disabled", "on-empty-db", "swapdb"};
constexpr std::string_view kShutdownSignalFlags[] = {"default", "save", "nosave", "now", "force"};
constexpr std::string_view kTlsAuthClients[] = {"no", "yes", "optional"};
constexpr std::string_view kNoReplication = "fkvs does not replicate yet";
constexpr std::string_view kNoCluster = "fkvs has no cluster mode yet";
constexpr std::string_view kNoTls = "fkvs has no TLS yet";

using enum InertKind;
// Redis 7.0's options that fkvs accepts and keeps without acting on them, with
// Redis's initial values, limits and names. Those whose other values would
// ask for something missing (a master, a cluster, TLS, ACL files, jemalloc's
// defragmentation) refuse them instead of ignoring them.
const OptionSpec kInertOptions[] = {
    {"acl-pubsub-default", kMutable, InertOption{kEnum, "resetchannels", 0, 0, kAclPubsubDefaults}},
    {"aclfile", kImmutable, InertOption{kString, "", 0, 0, {}, "fkvs has no ACL files yet"}},
    {"acllog-max-len", kMutable, InertOption{kInteger, "128", 0, LLONG_MAX}},
    {"active-defrag-cycle-max", kMutable, InertOption{kInteger, "25", 1, 99}},
    {"active-defrag-cycle-min", kMutable, InertOption{kInteger, "1", 1, 99}},
    {"active-defrag-ignore-bytes", kMutable, InertOption{kMemory, "104857600", 1, LLONG_MAX}},
    {"active-defrag-max-scan-fields", kMutable, InertOption{kInteger, "1000", 1, LLONG_MAX}},
    {"active-defrag-threshold-lower", kMutable, InertOption{kInteger, "10", 0, 1000}},
    {"active-defrag-threshold-upper", kMutable, InertOption{kInteger, "100", 0, 1000}},
    // Redis's own words where its allocator is not its modified jemalloc (Debian's build too).
    {"activedefrag", kMutable,
     InertOption{kBool,
                 "no",
                 0,
                 0,
                 {},
                 "Active defragmentation cannot be enabled: it requires a Redis server compiled "
                 "with a modified Jemalloc like the one shipped by default with the Redis source "
                 "distribution"}},
    {"activerehashing", kMutable, InertOption{kBool, "yes"}},
    {"aof-disable-auto-gc", kMutable, InertOption{kBool, "no"}},
    {"aof_rewrite_cpulist", kImmutable, InertOption{kString, ""}},
    {"bgsave_cpulist", kImmutable, InertOption{kString, ""}},
    {"bind-source-addr", kMutable, InertOption{kString, ""}},
    {"bio_cpulist", kImmutable, InertOption{kString, ""}},
    {"cluster-allow-pubsubshard-when-down", kMutable, InertOption{kBool, "yes"}},
    {"cluster-allow-reads-when-down", kMutable, InertOption{kBool, "no"}},
    {"cluster-allow-replica-migration", kMutable, InertOption{kBool, "yes"}},
    {"cluster-announce-bus-port", kMutable, InertOption{kInteger, "0", 0, 65535}},
    {"cluster-announce-hostname", kMutable, InertOption{kHostname, ""}},
    {"cluster-announce-ip", kMutable, InertOption{kString, ""}},
    {"cluster-announce-port", kMutable, InertOption{kInteger, "0", 0, 65535}},
    {"cluster-announce-tls-port", kMutable, InertOption{kInteger, "0", 0, 65535}},
    {"cluster-config-file", kImmutable, InertOption{kString, "nodes.conf"}},
    {"cluster-enabled", kImmutable, InertOption{kBool, "no", 0, 0, {}, kNoCluster}},
    {"cluster-link-sendbuf-limit", kMutable, InertOption{kMemory, "0", 0, LLONG_MAX}},
    {"cluster-migration-barrier", kMutable, InertOption{kInteger, "1", 0, INT_MAX}},
    {"cluster-node-timeout", kMutable, InertOption{kInteger, "15000", 0, LLONG_MAX}},
    {"cluster-port", kImmutable, InertOption{kInteger, "0", 0, 65535}},
    {"cluster-preferred-endpoint-type", kMutable, InertOption{kEnum, "ip", 0, 0, kEndpointTypes}},
    {"cluster-replica-no-failover", kMutable, InertOption{kBool, "no"},
     "cluster-slave-no-failover"},
    {"cluster-replica-validity-factor", kMutable, InertOption{kInteger, "10", 0, INT_MAX},
     "cluster-slave-validity-factor"},
    {"cluster-require-full-coverage", kMutable, InertOption{kBool, "yes"}},
    {"crash-log-enabled", kMutable, InertOption{kBool, "yes"}},
    {"crash-memcheck-enabled", kMutable, InertOption{kBool, "yes"}},
    {"disable-thp", kImmutable, InertOption{kBool, "yes"}},
    {"dynamic-hz", kMutable, InertOption{kBool, "yes"}},
    {"ignore-warnings", kMutable, InertOption{kString, ""}},
    {"io-threads", kImmutable, InertOption{kInteger, "1", 1, 128}},
    {"io-threads-do-reads", kImmutable, InertOption{kBool, "no"}},
    {"jemalloc-bg-thread", kMutable, InertOption{kBool, "yes"}},
    {"key-load-delay", kMutable, InertOption{kInteger, "0", INT_MIN, INT_MAX}, {}, true},
    {"loading-process-events-interval-bytes",
     kMutable,
     InertOption{kInteger, "2097152", 1024, INT_MAX},
     {},
     true},
    {"masterauth", kMutable, InertOption{kString, ""}},
    {"masteruser", kMutable, InertOption{kString, ""}},
    {"oom-score-adj", kMutable, InertOption{kEnum, "no", 0, 0, kOomScoreAdjModes}},
    {"oom-score-adj-values", kMutable, InertOption{kOomScoreValues, "0 200 800", -2000, 2000}},
    {"proc-title-template", kMutable, InertOption{kString, "{title} {listen-addr} {server-mode}"}},
    {"propagation-error-behavior", kMutable,
     InertOption{kEnum, "ignore", 0, 0, kPropagationErrorBehaviors}},
    {"repl-backlog-size", kMutable, InertOption{kMemory, "1048576", 1, LLONG_MAX}},
    {"repl-backlog-ttl", kMutable, InertOption{kInteger, "3600", 0, LLONG_MAX}},
    {"repl-disable-tcp-nodelay", kMutable, InertOption{kBool, "no"}},
    {"repl-diskless-load", kMutable, InertOption{kEnum, "disabled", 0, 0, kDisklessLoadModes}},
    {"repl-diskless-sync", kMutable, InertOption{kBool, "yes"}},
    {"repl-diskless-sync-delay", kMutable, InertOption{kInteger, "5", 0, INT_MAX}},
    {"repl-diskless-sync-max-replicas", kMutable, InertOption{kInteger, "0", 0, INT_MAX}},
    {"repl-ping-replica-period", kMutable, InertOption{kInteger, "10", 1, INT_MAX},
     "repl-ping-slave-period"},
    {"repl-timeout", kMutable, InertOption{kInteger, "60", 1, INT_MAX}},
    {"replica-announce-ip", kMutable, InertOption{kString, ""}, "slave-announce-ip"},
    {"replica-announce-port", kMutable, InertOption{kInteger, "0", 0, 65535},
     "slave-announce-port"},
    {"replica-announced", kMutable, InertOption{kBool, "yes"}},
    {"replica-ignore-disk-write-errors", kMutable, InertOption{kBool, "no"}},
    {"replica-ignore-maxmemory", kMutable, InertOption{kBool, "yes"}, "slave-ignore-maxmemory"},
    {"replica-priority", kMutable, InertOption{kInteger, "100", 0, INT_MAX}, "slave-priority"},
    {"replica-read-only", kMutable, InertOption{kBool, "yes"}, "slave-read-only"},
    {"replica-serve-stale-data", kMutable, InertOption{kBool, "yes"}, "slave-serve-stale-data"},
    {"replicaof", kImmutable, InertOption{kReplicaOf, "", 0, 0, {}, kNoReplication}, "slaveof"},
    {"server_cpulist", kImmutable, InertOption{kString, ""}},
    {"set-proc-title", kImmutable, InertOption{kBool, "yes"}},
    {"shutdown-on-sigint", kMutable, InertOption{kFlags, "default", 0, 0, kShutdownSignalFlags}},
    {"shutdown-on-sigterm", kMutable, InertOption{kFlags, "default", 0, 0, kShutdownSignalFlags}},
    {"socket-mark-id", kImmutable, InertOption{kInteger, "0", 0, UINT_MAX}},
    {"tls-auth-clients", kMutable, InertOption{kEnum, "yes", 0, 0, kTlsAuthClients}},
    {"tls-ca-cert-dir", kMutable, InertOption{kString, ""}},
    {"tls-ca-cert-file", kMutable, InertOption{kString, ""}},
    {"tls-cert-file", kMutable, InertOption{kString, ""}},
    {"tls-ciphers", kMutable, InertOption{kString, ""}},
    {"tls-ciphersuites", kMutable, InertOption{kString, ""}},
    {"tls-client-cert-file", kMutable, InertOption{kString, ""}},
    {"tls-client-key-file", kMutable, InertOption{kString, ""}},
    {"tls-client-key-file-pass", kMutable, InertOption{kString, ""}},
    {"tls-cluster", kMutable, InertOption{kBool, "no"}},
    {"tls-dh-params-file", kMutable, InertOption{kString, ""}},
    {"tls-key-file", kMutable, InertOption{kString, ""}},
    {"tls-key-file-pass", kMutable, InertOption{kString, ""}},
    {"tls-port", kMutable, InertOption{kInteger, "0", 0, 65535, {}, kNoTls}},
    {"tls-prefer-server-ciphers", kMutable, InertOption{kBool, "no"}},
    {"tls-protocols", kMutable, InertOption{kString, ""}},
    {"tls-replication", kMutable, InertOption{kBool, "no"}},
    {"tls-session-cache-size", kMutable, InertOption{kInteger, "20480", 0, INT_MAX}},
    {"tls-session-cache-timeout", kMutable, InertOption{kInteger, "300", 0, INT_MAX}},
    {"tls-session-caching", kMutable, InertOption{kBool, "yes"}},
};

// Every option: fkvs's, then the inert ones.
const std::vector<const OptionSpec*>& all_options() {
  static const std::vector<const OptionSpec*> options = [] {
    std::vector<const OptionSpec*> list;
    for (const OptionSpec& spec : kOptions) list.push_back(&spec);
    for (const OptionSpec& spec : kInertOptions) list.push_back(&spec);
    return list;
  }();
  return options;
}

std::string_view inert_value(const Config& config, std::string_view name,
                             const InertOption& option) {
  const auto stored = config.inert_values.find(name);
  return stored == config.inert_values.end() ? option.initial : std::string_view(stored->second);
}

// The value as stored (and shown): yes/no, a number, a choice in lower case, or the text; or
// why it is refused.
struct InertValue {
  std::string value;
  Refusal refusal;
};

InertValue normalized_inert_value(const InertOption& option, Args args) {
  const auto refuse = [](std::string why) { return InertValue{{}, std::move(why)}; };
  const auto accept = [](std::string value) { return InertValue{std::move(value), std::nullopt}; };
  const std::string_view text = args.empty() ? std::string_view() : args[0];
  switch (option.kind) {
    case kBool: {
      const std::optional<bool> value = parse_yes_no(text);
      if (!value) return refuse("argument must be 'yes' or 'no'");
      return accept(*value ? "yes" : "no");
    }
    case kInteger: {
      int64_t value = 0;
      if (Refusal refusal = parse_integer(text, option.min, option.max, value)) {
        return refuse(std::move(*refusal));
      }
      return accept(std::to_string(value));
    }
    case kMemory: {
      const std::optional<uint64_t> value = parse_memory(text);
      if (!value) return refuse("argument must be a memory value");
      if (*value < static_cast<uint64_t>(option.min) ||
          *value > static_cast<uint64_t>(option.max)) {
        return refuse(range_refusal(std::to_string(option.min), std::to_string(option.max)));
      }
      return accept(std::to_string(*value));
    }
    case kEnum:
    case kFlags: {
      if (args.empty() || (option.kind == kEnum && args.size() != 1)) {
        return refuse("wrong number of arguments");
      }
      std::vector<std::string_view> words;
      for (std::string_view word : args) {
        const auto choice = std::ranges::find_if(
            option.choices, [&](std::string_view name) { return equals_nocase(name, word); });
        if (choice == option.choices.end()) {
          return refuse("argument(s) must be one of the following: " + join(option.choices, ", "));
        }
        words.push_back(*choice);
      }
      return accept(join(words, " "));
    }
    case kString:
      return accept(std::string(text));
    case kHostname:
      if (std::ranges::any_of(text, [](char c) {
            return !std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.';
          })) {
        return refuse("Hostnames may only contain alphanumeric characters, hyphens or dots");
      }
      return accept(std::string(text));
    case kOomScoreValues: {
      if (args.size() != 3) return refuse("wrong number of arguments");
      for (std::string_view word : args) {
        const std::optional<int64_t> value = parse_int64(word);
        if (!value || *value < option.min || *value > option.max) {
          return refuse("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
        }
      }
      return accept(join(args, " "));
    }
    case kReplicaOf:
      // "no one", or the "" CONFIG GET shows for it (no arguments once split), is no master.
      if (args.empty() || (args.size() == 1 && args[0].empty())) return accept("");
      if (args.size() != 2) return refuse("wrong number of arguments");
      if (equals_nocase(args[0], "no") && equals_nocase(args[1], "one")) return accept("");
      return accept(join(args, " "));
  }
  return accept(std::string(text));
}

Refusal assign_inert(const OptionSpec& spec, const InertOption& option, Config& config, Args args) {
  InertValue parsed = normalized_inert_value(option, args);
  if (parsed.refusal) return parsed.refusal;
  if (!option.unsupported.empty() && parsed.value != option.initial) {
    return std::string(option.unsupported);
  }
  config.inert_values[std::string(spec.name)] = std::move(parsed.value);
  return std::nullopt;
}

std::string format(const OptionSpec& spec, const Config& config) {
  return std::visit(
      Overloaded{
          [&](const IntegerOption& o) { return std::to_string(config.*o.field); },
          [&](const OctalOption& o) { return to_octal(config.*o.field); },
          [&](const MemoryOption& o) { return std::to_string(config.*o.field); },
          [&](const BoolOption& o) { return std::string(config.*o.field ? "yes" : "no"); },
          [&](const StringOption& o) { return config.*o.field; },
          [&](const EnumOption& o) { return config.*o.field; },
          [&](const CustomOption& o) { return o.format(config); },
          [&](const InertOption& o) { return std::string(inert_value(config, spec.name, o)); },
      },
      spec.type);
}

std::string set_failure(std::string_view name, std::string_view reason) {
  return "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " +
         std::string(reason);
}

// CONFIG REWRITE writes sizes with the largest unit that divides them, as Redis does.
std::string format_memory_units(uint64_t bytes) {
  static constexpr std::pair<uint64_t, std::string_view> kUnits[] = {
      {1024 * 1024 * 1024, "gb"}, {1024 * 1024, "mb"}, {1024, "kb"}};
  for (const auto& [size, unit] : kUnits) {
    if (bytes != 0 && bytes % size == 0) return std::to_string(bytes / size) + std::string(unit);
  }
  return std::to_string(bytes);
}

std::vector<RewriteLine> rewrite_buffer_limits(const Config& config, const Config& defaults) {
  std::vector<RewriteLine> lines;
  for (int i = 0; i < kClientClassCount; ++i) {
    const OutputBufferLimit& limit = config.client_output_buffer_limit[i];
    const OutputBufferLimit& initial = defaults.client_output_buffer_limit[i];
    const bool changed = limit.hard_bytes != initial.hard_bytes ||
                         limit.soft_bytes != initial.soft_bytes ||
                         limit.soft_seconds != initial.soft_seconds;
    lines.push_back({"client-output-buffer-limit " + std::string(kClassNames[i]) + ' ' +
                         format_memory_units(limit.hard_bytes) + ' ' +
                         format_memory_units(limit.soft_bytes) + ' ' +
                         std::to_string(limit.soft_seconds),
                     changed});
  }
  return lines;
}

std::vector<RewriteLine> rewrite_save_points(const Config& config) {
  if (config.save.empty()) return {{"save \"\"", true}};
  std::vector<RewriteLine> lines;
  for (const SavePoint& point : config.save) {
    lines.push_back(
        {"save " + std::to_string(point.seconds) + ' ' + std::to_string(point.changes), true});
  }
  return lines;
}

std::vector<RewriteLine> rewrite_lines(const OptionSpec& spec, const Config& config,
                                       const Config& defaults) {
  const std::string name(spec.name);
  const bool changed = format(spec, config) != format(spec, defaults);
  const auto plain = [&](const std::string& value) {
    return std::vector<RewriteLine>{{name + ' ' + value, changed}};
  };
  const auto quoted = [&](std::string_view value, bool needed) {
    return std::vector<RewriteLine>{{name + ' ' + resp::quote_bytes(value), needed}};
  };
  return std::visit(
      Overloaded{
          [&](const IntegerOption& o) { return plain(std::to_string(config.*o.field)); },
          [&](const OctalOption& o) { return plain(to_octal(config.*o.field)); },
          [&](const MemoryOption& o) { return plain(format_memory_units(config.*o.field)); },
          [&](const BoolOption& o) { return plain(config.*o.field ? "yes" : "no"); },
          [&](const StringOption& o) { return quoted(config.*o.field, changed); },
          [&](const EnumOption& o) { return plain(config.*o.field); },
          [&](const CustomOption& o) {
            switch (o.rewrite_as) {
              case RewriteAs::kPlain:
                return plain(o.format(config));
              case RewriteAs::kQuoted:
                return quoted(o.format(config), changed);
              case RewriteAs::kAlwaysQuoted:
                return quoted(o.format(config), true);
              case RewriteAs::kSavePoints:
                return rewrite_save_points(config);
              case RewriteAs::kBufferLimits:
                return rewrite_buffer_limits(config, defaults);
            }
            return plain(o.format(config));
          },
          [&](const InertOption& o) {
            const std::string_view value = inert_value(config, spec.name, o);
            if (o.kind == kMemory)
              return plain(format_memory_units(std::stoull(std::string(value))));
            if (o.kind == kString || o.kind == kHostname) return quoted(value, changed);
            if (o.kind == kReplicaOf && value.empty()) return plain("no one");
            return plain(std::string(value));
          },
      },
      spec.type);
}

}  // namespace

std::vector<RewriteOption> rewrite_options(const Config& config) {
  const Config defaults;
  std::vector<RewriteOption> options;
  for (const OptionSpec* spec : all_options()) {
    options.push_back({spec->name, spec->alias, rewrite_lines(*spec, config, defaults)});
  }
  return options;
}

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec* spec : all_options()) {
    if (equals_nocase(spec->name, name) ||
        (!spec->alias.empty() && equals_nocase(spec->alias, name))) {
      return spec;
    }
  }
  return nullptr;
}

bool takes_list(const OptionSpec& spec) {
  if (const auto* inert = std::get_if<InertOption>(&spec.type)) {
    return inert->kind == kFlags || inert->kind == kOomScoreValues || inert->kind == kReplicaOf;
  }
  const auto* custom = std::get_if<CustomOption>(&spec.type);
  return custom != nullptr && custom->takes_list;
}

Refusal assign(const OptionSpec& spec, Config& config, Args args, SetMode mode) {
  const std::string_view text = args.empty() ? std::string_view() : args[0];
  return std::visit(
      Overloaded{
          [&](const IntegerOption& o) {
            return parse_integer(text, o.min, o.max, config.*o.field);
          },
          [&](const OctalOption& o) -> Refusal {
            const auto value = parse_like_strtoll(text, 8);
            if (!value || value->overflowed)
              return "argument couldn't be parsed as an octal number";
            if (value->value < o.min || value->value > o.max) {
              return range_refusal(to_octal(o.min), to_octal(o.max));
            }
            config.*o.field = value->value;
            return std::nullopt;
          },
          [&](const MemoryOption& o) -> Refusal {
            const std::optional<uint64_t> value = parse_memory(text);
            if (!value) return "argument must be a memory value";
            if (*value < o.min || *value > o.max) {
              return range_refusal(std::to_string(o.min), std::to_string(o.max));
            }
            config.*o.field = *value;
            return std::nullopt;
          },
          [&](const BoolOption& o) -> Refusal {
            const std::optional<bool> value = parse_yes_no(text);
            if (!value) return "argument must be 'yes' or 'no'";
            config.*o.field = *value;
            return std::nullopt;
          },
          [&](const StringOption& o) -> Refusal {
            config.*o.field = text;
            return std::nullopt;
          },
          [&](const EnumOption& o) -> Refusal {
            const auto choice = std::ranges::find_if(
                o.choices, [&](std::string_view name) { return equals_nocase(name, text); });
            if (choice == o.choices.end()) {
              return "argument(s) must be one of the following: " + join(o.choices, ", ");
            }
            config.*o.field = *choice;
            return std::nullopt;
          },
          [&](const CustomOption& o) { return o.parse(config, args, mode); },
          [&](const InertOption& o) { return assign_inert(spec, o, config, args); },
      },
      spec.type);
}

std::vector<std::string_view> split_at_spaces(std::string_view value) {
  std::vector<std::string_view> parts;
  if (value.empty()) return parts;
  for (size_t start = 0;;) {
    const size_t space = value.find(' ', start);
    parts.push_back(value.substr(start, space - start));
    if (space == std::string_view::npos) return parts;
    start = space + 1;
  }
}

}  // namespace config_detail

using config_detail::all_options;
using config_detail::assign;
using config_detail::find_option;
using config_detail::format;
using config_detail::OptionSpec;
using config_detail::Refusal;
using config_detail::set_failure;
using config_detail::SetMode;
using config_detail::split_at_spaces;
using config_detail::takes_list;
using enum config_detail::Mutability;

std::vector<std::pair<std::string, std::string>> Config::get(
    std::span<const std::string_view> patterns) const {
  std::vector<std::pair<std::string, std::string>> found;
  // An option and its alias are two names, each shown once.
  std::vector<std::pair<const OptionSpec*, bool>> seen;
  const auto add = [&](const OptionSpec& spec, bool as_alias, std::string_view shown_name) {
    if (std::ranges::find(seen, std::pair{&spec, as_alias}) != seen.end()) return;
    seen.emplace_back(&spec, as_alias);
    found.emplace_back(shown_name, format(spec, *this));
  };
  for (std::string_view pattern : patterns) {
    if (pattern.find_first_of("*?[") == std::string_view::npos) {
      if (const OptionSpec* spec = find_option(pattern)) {
        add(*spec, !equals_nocase(spec->name, pattern), pattern);
      }
      continue;
    }
    for (const OptionSpec* spec : all_options()) {
      if (spec->hidden) continue;
      if (glob_match(pattern, spec->name, true)) add(*spec, false, spec->name);
      if (!spec->alias.empty() && glob_match(pattern, spec->alias, true)) {
        add(*spec, true, spec->alias);
      }
    }
  }
  return found;
}

bool allows_protected_action(std::string_view setting, bool is_local_client) {
  return setting == "yes" || (setting == "local" && is_local_client);
}

std::optional<std::string> Config::set(
    std::span<const std::pair<std::string_view, std::string_view>> changes,
    bool protected_allowed) {
  std::vector<const OptionSpec*> specs;
  // Duplicates are by name: an option and its alias may both be set (the
  // last one given wins), as in Redis.
  std::vector<std::string_view> names;
  for (const auto& change : changes) {
    // Not a structured binding: clang before 16 cannot capture one in a lambda.
    const std::string_view name = change.first;
    const OptionSpec* spec = find_option(name);
    if (spec == nullptr) {
      return "ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(name) +
             "'";
    }
    if (spec->mutability == kImmutable) return set_failure(name, "can't set immutable config");
    if (spec->mutability == kProtected && !protected_allowed) {
      return set_failure(name, "can't set protected config");
    }
    if (std::ranges::any_of(names,
                            [&](std::string_view seen) { return equals_nocase(seen, name); })) {
      return set_failure(name, "duplicate parameter");
    }
    names.push_back(name);
    specs.push_back(spec);
  }

  const Config before = *this;
  for (size_t i = 0; i < changes.size(); ++i) {
    const std::string_view value = changes[i].second;
    const std::vector<std::string_view> args =
        takes_list(*specs[i]) ? split_at_spaces(value) : std::vector<std::string_view>{value};
    if (Refusal refusal = assign(*specs[i], *this, args, SetMode::kConfigSet)) {
      *this = before;
      return set_failure(changes[i].first, *refusal);
    }
  }

  // Handlers see only real changes, and a failing one undoes the whole command.
  std::vector<size_t> changed;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (format(*specs[i], *this) != format(*specs[i], before)) changed.push_back(i);
  }
  const auto run_handlers = [&](size_t i) -> Refusal {
    const auto handlers = change_handlers_.find(specs[i]->name);
    if (handlers == change_handlers_.end()) return std::nullopt;
    for (const ChangeHandler& handler : handlers->second) {
      if (Refusal refusal = handler()) return refusal;
    }
    return std::nullopt;
  };
  for (size_t k = 0; k < changed.size(); ++k) {
    if (Refusal refusal = run_handlers(changed[k])) {
      *this = before;
      for (size_t undo = 0; undo <= k; ++undo) run_handlers(changed[undo]);
      return set_failure(changes[changed[k]].first, *refusal);
    }
  }
  return std::nullopt;
}

void Config::on_change(std::string_view name, ChangeHandler handler) {
  const OptionSpec* spec = find_option(name);
  if (spec == nullptr) throw std::invalid_argument("no config option " + std::string(name));
  change_handlers_[std::string(spec->name)].push_back(std::move(handler));
}

}  // namespace fkvs
