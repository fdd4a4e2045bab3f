// COMMAND and its subcommands: what the command table says about each command.
#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/key_specs.h"
#include "util/glob.h"
#include "util/strings.h"

namespace fkvs {
namespace {

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
    {kSkipSlowlog, "skip_slowlog"},
    {kFast, "fast"},
    {kNoAuth, "no_auth"},
    {kNoMandatoryKeys, "no_mandatory_keys"},
    // (may_replicate is not shown: Redis hides it.)
    {kNoAsyncLoading, "no_async_loading"},
    {kNoMulti, "no_multi"},
    {kMovableKeys, "movablekeys"},
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
  // SORT is "generic" but Redis files it under the types it sorts (kAssignedCategories).
  if (spec.name == "sort" || spec.name == "sort_ro") return false;
  for (const auto& [group, implied] : kGroupCategories) {
    if (group == spec.group && implied == category) return true;
  }
  return false;
}

// The categories Redis 7.0 gives fkvs's commands by hand, beyond those their flags and
// group imply ("command" stands for the container and its subcommands).
constexpr std::pair<std::string_view, std::string_view> kAssignedCategories[] = {
    {"command", "@connection"}, {"dbsize", "@keyspace"},   {"flushall", "@keyspace"},
    {"flushall", "@dangerous"}, {"flushdb", "@keyspace"},  {"flushdb", "@dangerous"},
    {"info", "@dangerous"},     {"keys", "@dangerous"},    {"lastsave", "@admin"},
    {"lastsave", "@dangerous"}, {"restore", "@dangerous"}, {"swapdb", "@keyspace"},
    {"swapdb", "@dangerous"},   {"sort", "@set"},          {"sort", "@sortedset"},
    {"sort", "@list"},          {"sort", "@dangerous"},    {"sort_ro", "@set"},
    {"sort_ro", "@sortedset"},  {"sort_ro", "@list"},      {"sort_ro", "@dangerous"},
    {"migrate", "@dangerous"},
};

bool has_assigned_category(std::string_view name, std::string_view category) {
  const std::string_view command = name.substr(0, name.find('|'));
  for (const auto& [assigned_to, assigned] : kAssignedCategories) {
    if (assigned_to == command && assigned == category) return true;
  }
  return false;
}

// A command's ACL categories: the ones Redis derives from the flags, the data-type
// category its group names, and those Redis assigns by hand.
std::vector<std::string_view> acl_categories(const CommandSpec& spec) {
  std::vector<std::string_view> categories;
  for (std::string_view category : kCategoryOrder) {
    if (has_category(spec, category) || has_assigned_category(spec.name, category)) {
      categories.push_back(category);
    }
  }
  return categories;
}

// Redis 7.0's command tips for fkvs's commands: hints to clients and cluster proxies.
struct CommandTips {
  std::string_view command;
  std::array<std::string_view, 3> tips;  // unused slots empty
};

constexpr std::string_view kNondeterministic = "nondeterministic_output";
constexpr std::string_view kAnyOrder = "nondeterministic_output_order";

constexpr CommandTips kCommandTips[] = {
    {"client|info", {kNondeterministic}},
    {"client|list", {kNondeterministic}},
    {"command", {kAnyOrder}},
    {"command|docs", {kAnyOrder}},
    {"command|info", {kAnyOrder}},
    {"command|list", {kAnyOrder}},
    {"config|set", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"dbsize", {"request_policy:all_shards", "response_policy:agg_sum"}},
    {"del", {"request_policy:multi_shard", "response_policy:agg_sum"}},
    {"dump", {kNondeterministic}},
    {"exists", {"request_policy:multi_shard", "response_policy:agg_sum"}},
    {"flushall", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"flushdb", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|delete", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|flush", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|kill", {"request_policy:all_shards", "response_policy:one_succeeded"}},
    {"function|list", {kAnyOrder}},
    {"function|load", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|restore", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"function|stats", {kNondeterministic, "request_policy:all_shards", "response_policy:special"}},
    {"hgetall", {kAnyOrder}},
    {"hkeys", {kAnyOrder}},
    {"hrandfield", {kNondeterministic}},
    {"hscan", {kNondeterministic}},
    {"hvals", {kAnyOrder}},
    {"info", {kNondeterministic, "request_policy:all_shards", "response_policy:special"}},
    {"keys", {"request_policy:all_shards", kAnyOrder}},
    {"lastsave", {kNondeterministic}},
    {"latency|doctor", {kNondeterministic, "request_policy:all_nodes", "response_policy:special"}},
    {"latency|graph", {kNondeterministic, "request_policy:all_nodes", "response_policy:special"}},
    {"latency|histogram",
     {kNondeterministic, "request_policy:all_nodes", "response_policy:special"}},
    {"latency|history", {kNondeterministic, "request_policy:all_nodes", "response_policy:special"}},
    {"latency|latest", {kNondeterministic, "request_policy:all_nodes", "response_policy:special"}},
    {"latency|reset", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"memory|doctor", {kNondeterministic, "request_policy:all_shards", "response_policy:special"}},
    {"memory|malloc-stats",
     {kNondeterministic, "request_policy:all_shards", "response_policy:special"}},
    {"memory|purge", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"memory|stats", {kNondeterministic, "request_policy:all_shards", "response_policy:special"}},
    {"mget", {"request_policy:multi_shard"}},
    {"migrate", {kNondeterministic}},
    {"mset", {"request_policy:multi_shard", "response_policy:all_succeeded"}},
    {"msetnx", {"request_policy:multi_shard", "response_policy:agg_min"}},
    {"object|encoding", {kNondeterministic}},
    {"object|freq", {kNondeterministic}},
    {"object|idletime", {kNondeterministic}},
    {"object|refcount", {kNondeterministic}},
    {"ping", {"request_policy:all_shards", "response_policy:all_succeeded"}},
    {"pttl", {kNondeterministic}},
    {"randomkey", {"request_policy:all_shards", kNondeterministic}},
    {"scan", {kNondeterministic, "request_policy:special"}},
    {"script|exists", {"request_policy:all_shards", "response_policy:agg_logical_and"}},
    {"script|flush", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"script|kill", {"request_policy:all_shards", "response_policy:one_succeeded"}},
    {"script|load", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"sdiff", {kAnyOrder}},
    {"sinter", {kAnyOrder}},
    {"slowlog|get", {"request_policy:all_nodes", kNondeterministic}},
    {"slowlog|len", {"request_policy:all_nodes", "response_policy:agg_sum", kNondeterministic}},
    {"slowlog|reset", {"request_policy:all_nodes", "response_policy:all_succeeded"}},
    {"smembers", {kAnyOrder}},
    {"spop", {kNondeterministic}},
    {"srandmember", {kNondeterministic}},
    {"sscan", {kNondeterministic}},
    {"sunion", {kAnyOrder}},
    {"time", {kNondeterministic}},
    {"touch", {"request_policy:multi_shard", "response_policy:agg_sum"}},
    {"ttl", {kNondeterministic}},
    {"unlink", {"request_policy:multi_shard", "response_policy:agg_sum"}},
    {"xadd", {kNondeterministic}},
    {"xautoclaim", {kNondeterministic}},
    {"xclaim", {kNondeterministic}},
    {"xinfo|consumers", {kNondeterministic}},
    {"xpending", {kNondeterministic}},
    {"xtrim", {kNondeterministic}},
    {"zrandmember", {kNondeterministic}},
    {"zscan", {kNondeterministic}},
};
static_assert(std::ranges::is_sorted(kCommandTips, {}, &CommandTips::command));

std::vector<std::string_view> command_tips(std::string_view name) {
  std::vector<std::string_view> tips;
  const auto* found = std::ranges::lower_bound(kCommandTips, name, {}, &CommandTips::command);
  if (found == std::end(kCommandTips) || found->command != name) return tips;
  for (std::string_view tip : found->tips) {
    if (!tip.empty()) tips.push_back(tip);
  }
  return tips;
}

// The notes Redis 7.0 attaches to the key specs of fkvs's commands.
std::string_view key_spec_notes(std::string_view command) {
  if (command == "set") return "RW and ACCESS due to the optional `GET` argument";
  if (command == "getex") return "RW and UPDATE because it changes the TTL";
  if (command == "bitfield") return "This command allows both access and modification of the key";
  if (command == "xadd") return "UPDATE instead of INSERT because of the optional trimming feature";
  if (command == "pfcount") {
    return "RW because it may change the internal representation of the key, and propagate to "
           "replicas";
  }
  if (command == "eval" || command == "evalsha" || command == "fcall") {
    return "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
  }
  if (command == "eval_ro" || command == "evalsha_ro" || command == "fcall_ro") {
    return "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";
  }
  return {};
}

// One key specification as Redis 7.0 describes it: flags, where the search begins (an
// argument index) and how the keys are found from there (a range, or a count of keys).
void reply_key_spec(resp::ReplyWriter& reply, std::string_view command, const KeySpec& spec) {
  const std::string_view notes = spec.notes.empty() ? key_spec_notes(command) : spec.notes;
  reply.map(notes.empty() ? 3 : 4);
  if (!notes.empty()) {
    reply.bulk("notes");
    reply.bulk(notes);
  }
  reply.bulk("flags");
  const std::vector<std::string_view> flags = key_flag_names(spec.flags);
  reply.set(flags.size());
  for (std::string_view flag : flags) reply.simple(flag);
  if (spec.search == KeySpec::Search::kUnknown) {
    for (std::string_view part : {"begin_search", "find_keys"}) {
      reply.bulk(part);
      reply.map(2);
      reply.bulk("type");
      reply.bulk("unknown");
      reply.bulk("spec");
      reply.map(0);
    }
    return;
  }
  reply.bulk("begin_search");
  reply.map(2);
  reply.bulk("type");
  if (spec.keyword.empty()) {
    reply.bulk("index");
    reply.bulk("spec");
    reply.map(1);
    reply.bulk("index");
    reply.integer(spec.begin);
  } else {
    reply.bulk("keyword");
    reply.bulk("spec");
    reply.map(2);
    reply.bulk("keyword");
    reply.bulk(spec.keyword);
    reply.bulk("startfrom");
    reply.integer(spec.begin);
  }
  reply.bulk("find_keys");
  reply.map(2);
  reply.bulk("type");
  const bool counted = spec.search == KeySpec::Search::kCounted;
  reply.bulk(counted ? "keynum" : "range");
  reply.bulk("spec");
  reply.map(3);
  reply.bulk(counted ? "keynumidx" : "lastkey");
  reply.integer(counted ? 0 : spec.last);
  reply.bulk(counted ? "firstkey" : "keystep");
  reply.integer(counted ? 1 : spec.step);
  reply.bulk(counted ? "keystep" : "limit");
  reply.integer(counted ? spec.step : spec.limit);
}

// Redis 7.0's ten-field COMMAND INFO entry, its lists of names sets in RESP3.
void reply_command_info(resp::ReplyWriter& reply, const Command& command) {
  const CommandSpec& spec = command.spec;
  reply.array(10);
  reply.bulk(spec.name);
  reply.integer(spec.arity);
  size_t flag_count = 0;
  for (const auto& [flag, name] : kFlagNames) flag_count += (spec.flags & flag) ? 1 : 0;
  reply.set(flag_count);
  for (const auto& [flag, name] : kFlagNames) {
    if (spec.flags & flag) reply.simple(name);
  }
  reply.integer(spec.first_key);
  reply.integer(spec.last_key);
  reply.integer(spec.key_step);
  std::vector<std::string_view> categories = acl_categories(spec);
  reply.set(categories.size());
  for (std::string_view category : categories) reply.simple(category);
  const std::vector<std::string_view> tips = command_tips(spec.name);
  reply.set(tips.size());
  for (std::string_view tip : tips) reply.bulk(tip);
  reply.set(command.key_specs.size());
  for (const KeySpec& key_spec : command.key_specs) reply_key_spec(reply, spec.name, key_spec);
  // Redis sends an empty set for a command without subcommands, an array otherwise.
  if (!command.is_container()) return reply.set(0);
  reply.array(command.subcommands.size());
  for (const Command& sub : command.subcommands) reply_command_info(reply, sub);
}

// COMMAND DOCS's map for one command. Only the fields the table knows; redis-cli builds its
// hints from summary, since and group.
void reply_command_docs(resp::ReplyWriter& reply, const Command& command) {
  const CommandSpec& spec = command.spec;
  reply.map(command.is_container() ? 4 : 3);
  reply.bulk("summary");
  reply.bulk(spec.summary);
  reply.bulk("since");
  reply.bulk(spec.since);
  reply.bulk("group");
  reply.bulk(spec.group);
  if (!command.is_container()) return;
  reply.bulk("subcommands");
  reply.map(command.subcommands.size());
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
    reply.map(table.commands().size());
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
    ++found;
  }
  reply.end_map(token, found);
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

// COMMAND GETKEYS and GETKEYSANDFLAGS: the keys of a call, found by the command's key specs.
void reply_keys(CommandContext& ctx, bool with_flags) {
  const std::span<const std::string_view> call = ctx.args().subspan(2);
  const Command* command = ctx.server().commands().find(call[0]);
  // As Redis looks a call up: a container with arguments means one of its subcommands.
  if (command != nullptr && command->is_container() && call.size() > 1) {
    command = command->find_subcommand(call[1]);
  }
  if (command == nullptr) return ctx.reply().error(errors::kGetKeysInvalidCommand);
  if (!has_key_arguments(command->key_specs)) return ctx.reply().error(errors::kGetKeysNoKeys);
  const int arity = command->spec.arity;
  const int argc = static_cast<int>(call.size());
  if ((arity > 0 && arity != argc) || argc < -arity) {
    return ctx.reply().error(errors::kGetKeysInvalidArity);
  }
  const std::optional<std::vector<KeyPosition>> keys = find_keys(command->key_specs, call);
  // As Redis: no keys is an answer for a command whose keys are optional (EVAL ... 0).
  if (!keys || keys->empty()) {
    if (command->spec.flags & kNoMandatoryKeys) return ctx.reply().array(0);
    return ctx.reply().error(errors::kGetKeysInvalidArguments);
  }
  resp::ReplyWriter& reply = ctx.reply();
  reply.array(keys->size());
  for (const KeyPosition& key : *keys) {
    if (!with_flags) {
      reply.bulk(call[key.index]);
      continue;
    }
    reply.array(2);
    reply.bulk(call[key.index]);
    const std::vector<std::string_view> flags = key_flag_names(key.flags);
    reply.set(flags.size());
    for (std::string_view flag : flags) reply.simple(flag);
  }
}

void command_getkeys(CommandContext& ctx) { reply_keys(ctx, false); }

void command_getkeysandflags(CommandContext& ctx) { reply_keys(ctx, true); }

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
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

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
    {"command|getkeys", -4, kLoading | kStale, 0, 0, 0, command_getkeys, "server",
     "Extract keys given a full Redis command", "2.8.13"},
    {"command|getkeysandflags", -4, kLoading | kStale, 0, 0, 0, command_getkeysandflags, "server",
     "Extract keys and access flags given a full Redis command", "7.0.0"},
    {"command|help", 2, kLoading | kStale, 0, 0, 0, command_help, "server",
     "Show helpful text about the different subcommands", "5.0.0"},
};

}  // namespace

void register_command_family(CommandTable& table) {
  table.add_container(kCommandContainer, kCommandCommands);
}

}  // namespace fkvs
