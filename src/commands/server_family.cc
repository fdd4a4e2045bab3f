// Server commands: INFO, TIME, LASTSAVE, SHUTDOWN, MONITOR, DEBUG, CONFIG and SLOWLOG.
#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "persistence/dump_payload.h"
#include "scripting/script_runner.h"
#include "server/dataset_digest.h"
#include "server/info.h"
#include "store/key_access.h"
#include "store/list_value.h"
#include "util/clock.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// ---- INFO, TIME, LASTSAVE, SHUTDOWN ----

void info(CommandContext& ctx) {
  ctx.reply().verbatim(build_info(ctx.server(), ctx.args().subspan(1)));
}

void time(CommandContext& ctx) {
  int64_t now_us = clock::wall_us();
  ctx.reply().array(2);
  ctx.reply().bulk_integer(now_us / 1000000);
  ctx.reply().bulk_integer(now_us % 1000000);
}

void lastsave(CommandContext& ctx) { ctx.reply().integer(ctx.server().lastsave_unix()); }

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. With nothing to save and no replicas to
// wait for, every accepted form starts the shutdown at once, and so none is ever left in
// progress to ABORT.
void shutdown(CommandContext& ctx) {
  bool save = false;
  bool nosave = false;
  bool other_option = false;
  bool force = false;
  bool abort = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view option = ctx.arg(i);
    if (equals_nocase(option, "nosave")) {
      nosave = true;
    } else if (equals_nocase(option, "save")) {
      save = true;
    } else if (equals_nocase(option, "now")) {
      other_option = true;
    } else if (equals_nocase(option, "force")) {
      other_option = true;
      force = true;
    } else if (equals_nocase(option, "abort")) {
      abort = true;
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }
  if ((abort && (save || nosave || other_option)) || (save && nosave)) {
    return ctx.reply().error(errors::kSyntax);
  }
  if (abort) return ctx.reply().error(errors::kNoShutdownInProgress);
  // A script past its time limit holds the data: only a shutdown that does not save it.
  if (ctx.server().scripts().busy() && !nosave)
    return ctx.reply().error(ctx.server().scripts().busy_error());
  spdlog::warn("User requested shutdown...");
  if (!ctx.server().save_before_shutdown(save, nosave) && !force) {
    return ctx.reply().error(errors::kShutdownFailed);
  }
  // As in Redis, the client that asked gets no reply, not even to what it
  // sent before; the others still get theirs (see Server::request_shutdown).
  ctx.server().kill_client(ctx.client());
  ctx.server().request_shutdown();
}

// MONITOR: from now on the client receives every command the server runs
// (Server::feed_monitors). A second MONITOR gets no reply, as in Redis.
void monitor(CommandContext& ctx) {
  Client& client = ctx.client();
  if (client.multi.executing) {
    return ctx.reply().error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  }
  if (client.monitor) return;
  ctx.server().start_monitoring(client);
  ctx.reply().ok();
}

// ---- DEBUG ----

// DEBUG SLEEP takes the seconds as strtod reads them, so "0.5" sleeps half a second and a
// string that is no number sleeps not at all.
void debug_sleep(CommandContext& ctx) {
  std::string text(ctx.arg(2));
  double seconds = std::strtod(text.c_str(), nullptr);
  // A year is past any sleep a test wants; the cap keeps the conversion defined.
  constexpr double kMaxSeconds = 365.0 * 24 * 3600;
  if (std::isfinite(seconds) && seconds > 0) {
    auto micros = static_cast<int64_t>(std::min(seconds, kMaxSeconds) * 1e6);
    // At least that long as the server's tick clock measures it too, so SLOWLOG and
    // LATENCY never show the call shorter than asked.
    const uint64_t started = clock::ticks();
    const auto wanted = static_cast<uint64_t>(static_cast<double>(micros) * clock::ticks_per_us());
    while (clock::ticks() - started < wanted) {
      const auto left_us = static_cast<int64_t>(
          static_cast<double>(wanted - (clock::ticks() - started)) / clock::ticks_per_us());
      std::this_thread::sleep_for(std::chrono::microseconds(std::max<int64_t>(left_us, 1)));
    }
  }
  ctx.reply().ok();
}

// Redis reads the flag with atoi: anything not a number turns it off.
void debug_set_active_expire(CommandContext& ctx) {
  ctx.server().set_active_expire(parse_int64(ctx.arg(2)).value_or(0) != 0);
  ctx.reply().ok();
}

void debug_digest(CommandContext& ctx) {
  ctx.reply().simple(dataset_digest(ctx.server().db_pointers()));
}

void debug_digest_value(CommandContext& ctx) {
  ctx.reply().array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) ctx.reply().simple(key_digest(ctx.db(), ctx.arg(i)));
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the dataset, load the
// snapshot back; MERGE lets loaded keys replace those NOFLUSH kept.
void debug_reload(CommandContext& ctx) {
  bool merge = false;
  bool flush = true;
  bool save = true;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (equals_nocase(ctx.arg(i), "merge")) {
      merge = true;
    } else if (equals_nocase(ctx.arg(i), "noflush")) {
      flush = false;
    } else if (equals_nocase(ctx.arg(i), "nosave")) {
      save = false;
    } else {
      return ctx.reply().error(
          "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    }
  }
  Server& server = ctx.server();
  if (save && !server.snapshots().save()) return ctx.reply().error("ERR");
  // As Redis: the functions go too (FLUSHALL keeps them).
  if (flush) {
    for (int i = 0; i < server.db_count(); ++i) server.clear_db(i);
    server.scripts().functions().flush();
  }
  if (std::string error = server.snapshots().load(merge); !error.empty()) {
    spdlog::warn("{}", error);
    return ctx.reply().error("ERR Error trying to load the RDB dump, check server logs.");
  }
  spdlog::warn("DB reloaded by DEBUG RELOAD");
  ctx.reply().ok();
}

// DEBUG LOADAOF: the dataset again from the append-only file alone.
void debug_loadaof(CommandContext& ctx) {
  Server& server = ctx.server();
  if (!server.aof().on()) return ctx.reply().ok();
  if (std::string error = server.aof().reload(); !error.empty()) {
    // As Redis: half a dataset must not go on to be logged and rewritten.
    spdlog::error("{}", error);
    spdlog::error("Failed loading the append only file by DEBUG LOADAOF; exiting.");
    spdlog::default_logger()->flush();
    std::_Exit(1);
  }
  server.reset_dirty(0);
  spdlog::warn("Append Only File loaded by DEBUG LOADAOF");
  ctx.reply().ok();
}

// DEBUG AOF-SYNC-DELAY <microseconds>: fkvs's own, for tests: each
// background AOF sync first waits this long, as a slow disk would.
void debug_aof_sync_delay(CommandContext& ctx) {
  auto delay = parse_int64(ctx.arg(2));
  if (!delay || *delay < 0) return ctx.reply().error(errors::kNotInteger);
  ctx.server().aof().set_sync_delay_us(*delay);
  ctx.reply().ok();
}

// DEBUG OBJECT key: Redis's one-line description. fkvs shares no objects,
// so the refcount is 1, and the LRU field is the key's last access second.
void debug_object(CommandContext& ctx) {
  Entry* entry = ctx.db().lookup_read_no_touch(ctx.arg(2));
  if (entry == nullptr) return ctx.reply().error("ERR no such key");
  const Value& value = entry->value();
  const size_t serialized =
      persistence::make_dump_payload(value, ctx.server().config().rdbcompression).size() -
      11;  // less the type byte, version and CRC
  const uint64_t idle = key_access::idle_seconds(entry->access_stamp(), clock::now_s());
  char text[256];
  std::snprintf(text, sizeof(text),
                "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u "
                "lru_seconds_idle:%llu",
                static_cast<const void*>(&value), Value::encoding_name(value.encoding()),
                serialized, entry->access_stamp() & 0xFFFFFF,
                static_cast<unsigned long long>(idle));
  std::string line(text);
  if (value.type() == ValueType::kList) {
    const QuickList& list = static_cast<const ListValue*>(value.collection())->list();
    const QuickList::Shape shape = list.shape();
    std::snprintf(text, sizeof(text),
                  " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%lld ql_compressed:%d "
                  "ql_uncompressed_size:%zu",
                  shape.nodes, static_cast<double>(list.size()) / static_cast<double>(shape.nodes),
                  static_cast<long long>(list.fill()), list.compress_depth() != 0 ? 1 : 0,
                  shape.listpack_bytes);
    line += text;
  }
  ctx.reply().simple(line);
}

// DEBUG QUICKLIST-PACKED-THRESHOLD <size>: items at least this big get a
// plain node of their own in every list; 0 restores the 1 GB default.
void debug_quicklist_packed_threshold(CommandContext& ctx) {
  constexpr uint64_t kDefault = uint64_t{1} << 30;
  constexpr uint64_t kMax = (uint64_t{1} << 32) - (uint64_t{1} << 20);
  const std::optional<uint64_t> bytes = parse_memory(ctx.arg(2));
  if (!bytes || *bytes > kMax) {
    return ctx.reply().error(errors::kPackedThresholdRange);
  }
  QuickList::set_packed_threshold(*bytes == 0 ? kDefault : *bytes);
  ctx.reply().ok();
}

// Redis 7.0's text, word for word, as for every HELP; it names subcommands fkvs has not
// (those answer with an error) and not fkvs's own test hook AOF-SYNC-DELAY.
void debug_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "AOF-FLUSH-SLEEP <microsec>",
      "    Server will sleep before flushing the AOF, this is used for testing.",
      "ASSERT",
      "    Crash by assertion failed.",
      "CHANGE-REPL-ID",
      "    Change the replication IDs of the instance.",
      "    Dangerous: should be used only for testing the replication subsystem.",
      "CONFIG-REWRITE-FORCE-ALL",
      "    Like CONFIG REWRITE but writes all configuration options, including",
      "    keywords not listed in original configuration file or default values.",
      "CRASH-AND-RECOVER [<milliseconds>]",
      "    Hard crash and restart after a <milliseconds> delay (default 0).",
      "DIGEST",
      "    Output a hex signature representing the current DB content.",
      "DIGEST-VALUE <key> [<key> ...]",
      "    Output a hex signature of the values of all the specified keys.",
      "ERROR <string>",
      "    Return a Redis protocol error with <string> as message. Useful for clients",
      "    unit tests to simulate Redis errors.",
      "LEAK <string>",
      "    Create a memory leak of the input string.",
      "LOG <message>",
      "    Write <message> to the server log.",
      "HTSTATS <dbid>",
      "    Return hash table statistics of the specified Redis database.",
      "HTSTATS-KEY <key>",
      "    Like HTSTATS but for the hash table stored at <key>'s value.",
      "LOADAOF",
      "    Flush the AOF buffers on disk and reload the AOF in memory.",
      "REPLICATE <string>",
      "    Replicates the provided string to replicas, allowing data divergence.",
      "MALLCTL <key> [<val>]",
      "    Get or set a malloc tuning integer.",
      "MALLCTL-STR <key> [<val>]",
      "    Get or set a malloc tuning string.",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "DROP-CLUSTER-PACKET-FILTER <packet-type>",
      "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
      "OOM",
      "    Crash the server simulating an out-of-memory error.",
      "PANIC",
      "    Crash the server simulating a panic.",
      "POPULATE <count> [<prefix>] [<size>]",
      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
      "    it is used instead of the 'key' prefix. These are not propagated to",
      "    replicas. Cluster slots are not respected so keys not belonging to the",
      "    current node can be created in cluster mode.",
      "PROTOCOL <type>",
      "    Reply with a test value of the specified type. <type> can be: string,",
      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
      "    true, false.",
      "RELOAD [option ...]",
      "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
      "    * MERGE: conflicting keys will be loaded from RDB.",
      "    * NOFLUSH: the existing database will not be removed before load, but",
      "      conflicting keys will generate an exception and kill the server.",
      "    * NOSAVE: the database will be loaded from an existing RDB file.",
      "    Examples:",
      "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
      "      the database.",
      "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
      "      existing RDB file.",
      "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
      "      file to the database.",
      "RESTART [<milliseconds>]",
      "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
      "SDSLEN <key>",
      "    Show low level SDS string info representing `key` and value.",
      "SEGFAULT",
      "    Crash the server with sigsegv.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "QUICKLIST-PACKED-THRESHOLD <size>",
      "    Sets the threshold for elements to be inserted as plain vs packed nodes",
      "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
      "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
      "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "STRINGMATCH-TEST",
      "    Run a fuzz tester against the stringmatchlen() function.",
      "STRUCTSIZE",
      "    Return the size of different Redis core C structures.",
      "LISTPACK <key>",
      "    Show low level info about the listpack encoding of <key>.",
      "QUICKLIST <key> [<0|1>]",
      "    Show low level info about the quicklist encoding of <key>.",
      "    The optional argument (0 by default) sets the level of detail",
      "CLIENT-EVICTION",
      "    Show low level client eviction pools info (maxmemory-clients).",
      "PAUSE-CRON <0|1>",
      "    Stop periodic cron job processing.",
      "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
      "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
      "    In case NEVER is provided the last observed peak will never be reset",
      "    In case RESET is provided the peak reset time will be restored to the default value",
      "REPLYBUFFER RESIZING <0|1>",
      "    Enable or disable the reply buffer resize cron job",
      "CLUSTERLINK KILL <to|from|all> <node-id>",
      "    Kills the link based on the direction to/from (both) with the provided node.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

// DEBUG is a plain command in Redis, not a container: it checks each subcommand's arity
// itself and answers anything else with one combined error.
void debug(CommandContext& ctx) {
  std::string_view sub = ctx.arg(1);
  if (equals_nocase(sub, "sleep") && ctx.argc() == 3) return debug_sleep(ctx);
  if (equals_nocase(sub, "set-active-expire") && ctx.argc() == 3) {
    return debug_set_active_expire(ctx);
  }
  if (equals_nocase(sub, "help") && ctx.argc() == 2) return debug_help(ctx);
  if (equals_nocase(sub, "reload")) return debug_reload(ctx);
  if (equals_nocase(sub, "loadaof") && ctx.argc() == 2) return debug_loadaof(ctx);
  if (equals_nocase(sub, "aof-sync-delay") && ctx.argc() == 3) return debug_aof_sync_delay(ctx);
  if (equals_nocase(sub, "object") && ctx.argc() == 3) return debug_object(ctx);
  if (equals_nocase(sub, "quicklist-packed-threshold") && ctx.argc() == 3) {
    return debug_quicklist_packed_threshold(ctx);
  }
  if (equals_nocase(sub, "digest") && ctx.argc() == 2) return debug_digest(ctx);
  if (equals_nocase(sub, "digest-value")) return debug_digest_value(ctx);
  ctx.reply().error(errors::format(errors::kUnknownSubcommandOrArity,
                                   {sub.substr(0, 128), to_upper(ctx.arg(0))}));
}

// ---- CONFIG ----

void config_get(CommandContext& ctx) {
  auto options = ctx.server().config().get(ctx.args().subspan(2));
  ctx.reply().map(options.size());
  for (const auto& [name, value] : options) {
    ctx.reply().bulk(name);
    ctx.reply().bulk(value);
  }
}

void config_set(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) return ctx.reply().error(errors::kSyntax);
  std::vector<std::pair<std::string_view, std::string_view>> changes;
  for (size_t i = 2; i < ctx.argc(); i += 2) changes.emplace_back(ctx.arg(i), ctx.arg(i + 1));
  Config& config = ctx.server().config();
  const bool protected_allowed =
      allows_protected_action(config.enable_protected_configs, ctx.client().is_local());
  if (auto error = config.set(changes, protected_allowed)) return ctx.reply().error(*error);
  ctx.reply().ok();
}

void config_resetstat(CommandContext& ctx) {
  Server& server = ctx.server();
  ServerStats& stats = server.stats();
  stats = ServerStats{};
  // Open connections keep counting their own bytes, and INFO adds them to these totals.
  // Starting the totals at minus what they have counted so far (unsigned arithmetic wraps
  // back) makes INFO count from zero now, as Redis does, without touching the connections.
  for (const auto& [id, client] : server.clients()) {
    stats.total_net_input_bytes -= client->conn().bytes_received;
    stats.total_net_output_bytes -= client->conn().bytes_sent;
  }
  server.keyspace_stats() = KeyspaceStats{};
  server.error_stats().reset();
  server.commands().reset_stats();
  server.eviction().reset_stats();
  server.lazy_free().reset_stats();
  ctx.reply().ok();
}

void config_rewrite(CommandContext& ctx) {
  const Config& config = ctx.server().config();
  if (config.config_file.empty()) return ctx.reply().error(errors::kNoConfigFile);
  if (std::optional<std::string> error = rewrite_config_file(config)) {
    spdlog::warn("CONFIG-REWRITE failed: {}", *error);
    return ctx.reply().error("ERR Rewriting config file: " + *error);
  }
  spdlog::info("CONFIG REWRITE executed with success.");
  ctx.reply().ok();
}

void config_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

// ---- SLOWLOG ----

// SLOWLOG GET [count]: the newest count entries (10 by default, -1 for all).
void slowlog_get(CommandContext& ctx) {
  const auto& entries = ctx.server().slow_log().entries();
  int64_t count = 10;
  if (ctx.argc() > 3) {
    return ctx.reply().error(
        errors::format(errors::kUnknownSubcommandOrArity, {ctx.arg(1).substr(0, 128), "SLOWLOG"}));
  }
  if (ctx.argc() == 3) {
    const std::optional<int64_t> parsed = parse_int64(ctx.arg(2));
    if (!parsed || *parsed < -1) {
      return ctx.reply().error("ERR count should be greater than or equal to -1");
    }
    count = *parsed;
  }
  const size_t shown =
      count == -1 ? entries.size() : std::min(entries.size(), static_cast<size_t>(count));
  ctx.reply().array(shown);
  for (size_t i = 0; i < shown; ++i) {
    const SlowLog::Entry& entry = entries[i];
    ctx.reply().array(6);
    ctx.reply().integer(static_cast<int64_t>(entry.id));
    ctx.reply().integer(entry.unix_s);
    ctx.reply().integer(entry.duration_us);
    ctx.reply().array(entry.args.size());
    for (const std::string& arg : entry.args) ctx.reply().bulk(arg);
    ctx.reply().bulk(entry.peer);
    ctx.reply().bulk(entry.client_name);
  }
}

void slowlog_len(CommandContext& ctx) {
  ctx.reply().integer(static_cast<int64_t>(ctx.server().slow_log().entries().size()));
}

void slowlog_reset(CommandContext& ctx) {
  ctx.server().slow_log().reset();
  ctx.reply().ok();
}

void slowlog_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

constexpr CommandSpec kServerCommands[] = {
    {"info", -1, kLoading | kStale, 0, 0, 0, info, "server",
     "Get information and statistics about the server", "1.0.0"},
    {"time", 1, kLoading | kStale | kFast, 0, 0, 0, time, "server",
     "Return the current server time", "2.6.0"},
    {"lastsave", 1, kLoading | kStale | kFast, 0, 0, 0, lastsave, "server",
     "Get the UNIX time stamp of the last successful save to disk", "1.0.0"},
    {"shutdown", -1, kAdminCommandFlags | kNoMulti | kAllowBusy, 0, 0, 0, shutdown, "server",
     "Synchronously save the dataset to disk and then shut down the server", "1.0.0"},
    {"monitor", 1, kAdminCommandFlags, 0, 0, 0, monitor, "server",
     "Listen for all requests received by the server in real time", "1.0.0"},
    {"debug", -2, kAdminCommandFlags | kProtectedCommand, 0, 0, 0, debug, "server",
     "A container for debugging commands", "1.0.0"},
};

// The dispatcher always resolves a CONFIG subcommand, so the container has no handler.
constexpr CommandSpec kConfigContainer = {
    "config", -2, 0, 0, 0, 0, nullptr, "server", "A container for server configuration commands",
    "2.0.0"};

constexpr CommandSpec kConfigCommands[] = {
    {"config|get", -3, kAdminCommandFlags, 0, 0, 0, config_get, "server",
     "Get the values of configuration parameters", "2.0.0"},
    {"config|set", -4, kAdminCommandFlags, 0, 0, 0, config_set, "server",
     "Set configuration parameters to the given values", "2.0.0"},
    {"config|resetstat", 2, kAdminCommandFlags, 0, 0, 0, config_resetstat, "server",
     "Reset the stats returned by INFO", "2.0.0"},
    {"config|rewrite", 2, kAdminCommandFlags, 0, 0, 0, config_rewrite, "server",
     "Rewrite the configuration file with the in memory configuration", "2.8.0"},
    {"config|help", 2, kLoading | kStale, 0, 0, 0, config_help, "server",
     "Show helpful text about the different subcommands", "5.0.0"},
};

constexpr CommandSpec kSlowlogContainer = {
    "slowlog", -2, 0, 0, 0, 0, nullptr, "server", "A container for slow log commands", "2.2.12"};

constexpr CommandSpec kSlowlogCommands[] = {
    {"slowlog|get", -2, kAdmin | kLoading | kStale, 0, 0, 0, slowlog_get, "server",
     "Get the slow log's entries", "2.2.12"},
    {"slowlog|len", 2, kAdmin | kLoading | kStale, 0, 0, 0, slowlog_len, "server",
     "Get the slow log's length", "2.2.12"},
    {"slowlog|reset", 2, kAdmin | kLoading | kStale, 0, 0, 0, slowlog_reset, "server",
     "Clear all entries from the slow log", "2.2.12"},
    {"slowlog|help", 2, kLoading | kStale, 0, 0, 0, slowlog_help, "server",
     "Show helpful text about the different subcommands", "6.2.0"},
};

}  // namespace

void register_server_family(CommandTable& table) {
  table.add(kServerCommands);
  table.add_container(kConfigContainer, kConfigCommands);
  table.add_container(kSlowlogContainer, kSlowlogCommands);
}

}  // namespace fkvs
