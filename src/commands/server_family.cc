// Server commands: INFO, TIME, LASTSAVE, SHUTDOWN, DEBUG, CONFIG, COMMAND, SLOWLOG and MEMORY.
#include <malloc.h>
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
#include "server/dataset_digest.h"
#include "server/info.h"
#include "util/clock.h"
#include "util/glob.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// ---- INFO, TIME, LASTSAVE, SHUTDOWN ----

void info(CommandContext& ctx) {
  ctx.reply().bulk(build_info(ctx.server(), ctx.args().subspan(1)));
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
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
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
  if (flush) {
    for (int i = 0; i < server.db_count(); ++i) server.clear_db(i);
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
  const uint64_t idle = clock::now_s() - std::min(clock::now_s(), entry->access_time_s());
  char text[256];
  std::snprintf(text, sizeof(text),
                "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u "
                "lru_seconds_idle:%llu",
                static_cast<const void*>(&value), Value::encoding_name(value.encoding()),
                serialized, entry->access_time_s() & 0xFFFFFF,
                static_cast<unsigned long long>(idle));
  ctx.reply().simple(text);
}

void debug_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DIGEST",
      "    Output a hex signature representing the current DB content.",
      "LOADAOF",
      "    Flush the AOF buffers on disk and reload the AOF in memory.",
      "OBJECT <key>",
      "    Show low level info about the `key` and associated value.",
      "DIGEST-VALUE <key> [<key> ...]",
      "    Output a hex signature of the values of all the specified keys.",
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
      "AOF-SYNC-DELAY <microseconds>",
      "    (fkvs) Make each background AOF fsync wait this long first, as a slow disk",
      "    would.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
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
  if (equals_nocase(sub, "digest") && ctx.argc() == 2) return debug_digest(ctx);
  if (equals_nocase(sub, "digest-value")) return debug_digest_value(ctx);
  ctx.reply().error(errors::format(errors::kUnknownSubcommandOrArity,
                                   {sub.substr(0, 128), to_upper(ctx.arg(0))}));
}

// ---- CONFIG ----

void config_get(CommandContext& ctx) {
  auto options = ctx.server().config().get(ctx.args().subspan(2));
  ctx.reply().array(options.size() * 2);
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

// ---- MEMORY ----

// MEMORY USAGE key [SAMPLES count]: the bytes the key's entry and value hold,
// as the allocator sized their blocks. fkvs counts every element exactly (the
// collections keep their totals), so SAMPLES is checked and needs no effect.
void memory_usage(CommandContext& ctx) {
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    if (!equals_nocase(ctx.arg(i), "samples") || i + 1 >= ctx.argc()) {
      return ctx.reply().error(errors::kSyntax);
    }
    const std::optional<int64_t> samples = parse_int64(ctx.arg(i + 1));
    if (!samples) return ctx.reply().error(errors::kNotInteger);
    if (*samples < 0) return ctx.reply().error(errors::kSyntax);
  }
  const Entry* entry = ctx.db().peek(ctx.arg(2));
  if (entry == nullptr) return ctx.reply().null_bulk();
  const size_t entry_bytes = malloc_usable_size(const_cast<Entry*>(entry));
  ctx.reply().integer(static_cast<int64_t>(entry_bytes + entry->value().heap_bytes()));
}

// ---- COMMAND ----

// COMMAND INFO's flag names, in the order Redis lists them.
constexpr std::pair<uint32_t, std::string_view> kFlagNames[] = {
    {kWrite, "write"},
    {kReadOnly, "readonly"},
    {kDenyOom, "denyoom"},
    {kAdmin, "admin"},
    {kPubSub, "pubsub"},
    {kNoScript, "noscript"},
    {kBlocking, "blocking"},
    {kLoading, "loading"},
    {kStale, "stale"},
    {kSkipMonitor, "skip_monitor"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kMayReplicate, "may_replicate"},
    {kNoAsyncLoading, "no_async_loading"},
    {kNoMulti, "no_multi"},
    {kAllowBusy, "allow_busy"},
};

// ACL categories in the order Redis lists them, and the one each COMMAND DOCS group implies.
constexpr std::string_view kCategoryOrder[] = {
    "@keyspace",   "@read",        "@write",     "@set",         "@sortedset", "@list",
    "@hash",       "@string",      "@bitmap",    "@hyperloglog", "@geo",       "@stream",
    "@pubsub",     "@admin",       "@fast",      "@slow",        "@blocking",  "@dangerous",
    "@connection", "@transaction", "@scripting",
};

constexpr std::pair<std::string_view, std::string_view> kGroupCategories[] = {
    {"generic", "@keyspace"},
    {"string", "@string"},
    {"list", "@list"},
    {"set", "@set"},
    {"sorted-set", "@sortedset"},
    {"hash", "@hash"},
    {"bitmap", "@bitmap"},
    {"hyperloglog", "@hyperloglog"},
    {"geo", "@geo"},
    {"stream", "@stream"},
    {"connection", "@connection"},
    {"transactions", "@transaction"},
    {"scripting", "@scripting"},
};

bool has_category(const CommandSpec& spec, std::string_view category) {
  if (category == "@write") return (spec.flags & kWrite) != 0;
  if (category == "@read") return (spec.flags & kReadOnly) != 0;
  if (category == "@admin" || category == "@dangerous") return (spec.flags & kAdmin) != 0;
  if (category == "@fast") return (spec.flags & kFast) != 0;
  if (category == "@slow") return (spec.flags & kFast) == 0;
  if (category == "@blocking") return (spec.flags & kBlocking) != 0;
  if (category == "@pubsub" && (spec.flags & kPubSub) != 0) return true;
  // A pure container (no handler of its own) has no data-type category, as in Redis.
  if (spec.handler == nullptr) return false;
  for (const auto& [group, implied] : kGroupCategories) {
    if (group == spec.group && implied == category) return true;
  }
  return false;
}

// A command's ACL categories: the ones Redis derives from the flags, plus the data-type
// category its group names. Categories Redis assigns by hand (@dangerous on KEYS or INFO,
// which are not admin) cannot be derived and are missing.
std::vector<std::string_view> acl_categories(const CommandSpec& spec) {
  std::vector<std::string_view> categories;
  for (std::string_view category : kCategoryOrder) {
    if (has_category(spec, category)) categories.push_back(category);
  }
  return categories;
}

// Redis 7.0's ten-field COMMAND INFO entry. Tips and key specifications are not in the
// table, so those arrays are empty; clients fall back on first/last/step.
void reply_command_info(resp::ReplyWriter& reply, const Command& command) {
  const CommandSpec& spec = command.spec;
  reply.array(10);
  reply.bulk(spec.name);
  reply.integer(spec.arity);
  size_t flag_count = 0;
  for (const auto& [flag, name] : kFlagNames) flag_count += (spec.flags & flag) ? 1 : 0;
  reply.array(flag_count);
  for (const auto& [flag, name] : kFlagNames) {
    if (spec.flags & flag) reply.simple(name);
  }
  reply.integer(spec.first_key);
  reply.integer(spec.last_key);
  reply.integer(spec.key_step);
  std::vector<std::string_view> categories = acl_categories(spec);
  reply.array(categories.size());
  for (std::string_view category : categories) reply.simple(category);
  reply.empty_array();  // tips
  reply.empty_array();  // key specifications
  reply.array(command.subcommands.size());
  for (const Command& sub : command.subcommands) reply_command_info(reply, sub);
}

// COMMAND DOCS's map for one command, sent as a flat array as RESP2 sends maps. Only the
// fields the table knows; redis-cli builds its hints from summary, since and group.
void reply_command_docs(resp::ReplyWriter& reply, const Command& command) {
  const CommandSpec& spec = command.spec;
  reply.array(command.is_container() ? 8 : 6);
  reply.bulk("summary");
  reply.bulk(spec.summary);
  reply.bulk("since");
  reply.bulk(spec.since);
  reply.bulk("group");
  reply.bulk(spec.group);
  if (!command.is_container()) return;
  reply.bulk("subcommands");
  reply.array(command.subcommands.size() * 2);
  for (const Command& sub : command.subcommands) {
    reply.bulk(sub.spec.name);
    reply_command_docs(reply, sub);
  }
}

// A command by the name COMMAND INFO and DOCS take: "get", or "config|get" for a subcommand.
const Command* find_by_full_name(const CommandTable& table, std::string_view name) {
  size_t bar = name.find('|');
  const Command* command = table.find(name.substr(0, bar));
  if (command == nullptr || bar == std::string_view::npos) return command;
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  return command->find_subcommand(sub);
}

void command_all(CommandContext& ctx) {
  const auto& commands = ctx.server().commands().commands();
  ctx.reply().array(commands.size());
  for (const Command& command : commands) reply_command_info(ctx.reply(), command);
}

void command_count(CommandContext& ctx) {
  ctx.reply().integer(static_cast<int64_t>(ctx.server().commands().commands().size()));
}

void command_info(CommandContext& ctx) {
  if (ctx.argc() == 2) return command_all(ctx);
  ctx.reply().array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const Command* command = find_by_full_name(ctx.server().commands(), ctx.arg(i));
    if (command == nullptr) {
      ctx.reply().null_bulk();
    } else {
      reply_command_info(ctx.reply(), *command);
    }
  }
}

void command_docs(CommandContext& ctx) {
  const CommandTable& table = ctx.server().commands();
  resp::ReplyWriter& reply = ctx.reply();
  if (ctx.argc() == 2) {
    reply.array(table.commands().size() * 2);
    for (const Command& command : table.commands()) {
      reply.bulk(command.spec.name);
      reply_command_docs(reply, command);
    }
    return;
  }
  // Names that are not commands are left out of the map.
  size_t token = reply.begin_array();
  size_t found = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const Command* command = find_by_full_name(table, ctx.arg(i));
    if (command == nullptr) continue;
    reply.bulk(command->spec.name);
    reply_command_docs(reply, *command);
    found += 2;
  }
  reply.end_array(token, found);
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: every command
// name, subcommands included ("config|get"), that passes the filter.
void command_list(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCategory, kPattern };
  Filter filter = Filter::kNone;
  std::string_view argument;
  if (ctx.argc() == 5 && equals_nocase(ctx.arg(2), "filterby")) {
    argument = ctx.arg(4);
    if (equals_nocase(ctx.arg(3), "module")) {
      filter = Filter::kModule;
    } else if (equals_nocase(ctx.arg(3), "aclcat")) {
      filter = Filter::kAclCategory;
    } else if (equals_nocase(ctx.arg(3), "pattern")) {
      filter = Filter::kPattern;
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  } else if (ctx.argc() != 2) {
    return ctx.reply().error(errors::kSyntax);
  }
  auto passes = [&](const Command& command) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;  // no modules are loaded
      case Filter::kAclCategory:
        for (std::string_view category : acl_categories(command.spec)) {
          if (equals_nocase(category.substr(1), argument)) return true;
        }
        return false;
      case Filter::kPattern:
        return glob_match(argument, command.spec.name, true);
    }
    return false;
  };
  resp::ReplyWriter& reply = ctx.reply();
  size_t token = reply.begin_array();
  size_t count = 0;
  for (const Command& command : ctx.server().commands().commands()) {
    if (passes(command)) {
      reply.bulk(command.spec.name);
      ++count;
    }
    for (const Command& sub : command.subcommands) {
      if (!passes(sub)) continue;
      reply.bulk(sub.spec.name);
      ++count;
    }
  }
  reply.end_array(token, count);
}

void command_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

constexpr uint32_t kAdminFlags = kAdmin | kNoScript | kLoading | kStale;

constexpr CommandSpec kCommands[] = {
    {"info", -1, kLoading | kStale, 0, 0, 0, info, "server",
     "Get information and statistics about the server", "1.0.0"},
    {"time", 1, kLoading | kStale | kFast, 0, 0, 0, time, "server",
     "Return the current server time", "2.6.0"},
    {"lastsave", 1, kLoading | kStale | kFast, 0, 0, 0, lastsave, "server",
     "Get the UNIX time stamp of the last successful save to disk", "1.0.0"},
    {"shutdown", -1, kAdminFlags | kNoMulti | kAllowBusy, 0, 0, 0, shutdown, "server",
     "Synchronously save the dataset to disk and then shut down the server", "1.0.0"},
    {"monitor", 1, kAdminFlags, 0, 0, 0, monitor, "server",
     "Listen for all requests received by the server in real time", "1.0.0"},
    {"debug", -2, kAdminFlags | kProtectedCommand, 0, 0, 0, debug, "server",
     "A container for debugging commands", "1.0.0"},
};

// The dispatcher always resolves a CONFIG subcommand, so the container has no handler.
constexpr CommandSpec kConfigContainer = {
    "config", -2, 0, 0, 0, 0, nullptr, "server", "A container for server configuration commands",
    "2.0.0"};

constexpr CommandSpec kConfigCommands[] = {
    {"config|get", -3, kAdminFlags, 0, 0, 0, config_get, "server",
     "Get the values of configuration parameters", "2.0.0"},
    {"config|set", -4, kAdminFlags, 0, 0, 0, config_set, "server",
     "Set configuration parameters to the given values", "2.0.0"},
    {"config|resetstat", 2, kAdminFlags, 0, 0, 0, config_resetstat, "server",
     "Reset the stats returned by INFO", "2.0.0"},
    {"config|help", 2, kLoading | kStale, 0, 0, 0, config_help, "server",
     "Show helpful text about the different subcommands", "5.0.0"},
};

constexpr CommandSpec kMemoryContainer = {
    "memory", -2, 0, 0, 0, 0, nullptr, "server", "A container for memory diagnostics commands",
    "4.0.0"};

constexpr CommandSpec kMemoryCommands[] = {
    {"memory|usage", -3, kReadOnly, 2, 2, 1, memory_usage, "server",
     "Estimate the memory usage of a key", "4.0.0"},
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

// Bare COMMAND runs the container's own handler.
constexpr CommandSpec kCommandContainer = {
    "command",   -1,       kLoading | kStale,
    0,           0,        0,
    command_all, "server", "Get array of Redis command details",
    "2.8.13"};

constexpr CommandSpec kCommandCommands[] = {
    {"command|count", 2, kLoading | kStale, 0, 0, 0, command_count, "server",
     "Get total number of Redis commands", "2.8.13"},
    {"command|list", -2, kLoading | kStale, 0, 0, 0, command_list, "server",
     "Get an array of Redis command names", "7.0.0"},
    {"command|info", -2, kLoading | kStale, 0, 0, 0, command_info, "server",
     "Get array of specific Redis command details, or all when no argument is given.", "2.8.13"},
    {"command|docs", -2, kLoading | kStale, 0, 0, 0, command_docs, "server",
     "Get array of specific Redis command documentation", "7.0.0"},
    {"command|help", 2, kLoading | kStale, 0, 0, 0, command_help, "server",
     "Show helpful text about the different subcommands", "5.0.0"},
};

}  // namespace

void register_server_family(CommandTable& table) {
  table.add(kCommands);
  table.add_container(kConfigContainer, kConfigCommands);
  table.add_container(kCommandContainer, kCommandCommands);
  table.add_container(kSlowlogContainer, kSlowlogCommands);
  table.add_container(kMemoryContainer, kMemoryCommands);
}

}  // namespace fkvs
