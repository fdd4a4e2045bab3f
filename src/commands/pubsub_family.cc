// Pub/Sub: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UN- forms, PUBLISH,
// SPUBLISH and PUBSUB.
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// What a (un)subscribe command acts on; each kind has its own reply words.
enum class Target { kChannel, kPattern, kShardChannel };

struct TargetWords {
  std::string_view subscribed;
  std::string_view unsubscribed;
};

TargetWords words_of(Target target) {
  switch (target) {
    case Target::kChannel:
      return {"subscribe", "unsubscribe"};
    case Target::kPattern:
      return {"psubscribe", "punsubscribe"};
    case Target::kShardChannel:
      return {"ssubscribe", "sunsubscribe"};
  }
  return {};
}

StringSet& held(Client& client, Target target) {
  switch (target) {
    case Target::kChannel:
      return client.subscriptions.channels;
    case Target::kPattern:
      return client.subscriptions.patterns;
    case Target::kShardChannel:
      return client.subscriptions.shard_channels;
  }
  return client.subscriptions.channels;
}

// The count each frame carries: Redis 7.0 counts shard channels apart.
int64_t subscription_count(const Client& client, Target target) {
  const Subscriptions& held = client.subscriptions;
  size_t count = target == Target::kShardChannel ? held.shard_channels.size()
                                                 : held.channel_and_pattern_count();
  return static_cast<int64_t>(count);
}

void join(PubSub& pubsub, Client& client, Target target, std::string_view name) {
  if (target == Target::kPattern) {
    pubsub.psubscribe(client, name);
  } else {
    pubsub.subscribe(
        client, target == Target::kChannel ? ChannelScope::kGlobal : ChannelScope::kShard, name);
  }
}

void leave(PubSub& pubsub, Client& client, Target target, std::string_view name) {
  if (target == Target::kPattern) {
    pubsub.punsubscribe(client, name);
  } else {
    pubsub.unsubscribe(
        client, target == Target::kChannel ? ChannelScope::kGlobal : ChannelScope::kShard, name);
  }
}

void reply_frame(CommandContext& ctx, std::string_view kind, const std::string_view* name,
                 int64_t count) {
  resp::ReplyWriter& reply = ctx.reply();
  reply.array(3);
  reply.bulk(kind);
  if (name != nullptr) {
    reply.bulk(*name);
  } else {
    reply.null_bulk();
  }
  reply.integer(count);
}

// One frame per name, in the order given, even for names already held.
void subscribe_each(CommandContext& ctx, Target target) {
  Client& client = ctx.client();
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view name = ctx.arg(i);
    join(ctx.server().pubsub(), client, target, name);
    reply_frame(ctx, words_of(target).subscribed, &name, subscription_count(client, target));
  }
}

// With no names, leaves everything of the kind; holding nothing, that is
// one frame with a null name.
void unsubscribe_each(CommandContext& ctx, Target target) {
  Client& client = ctx.client();
  std::vector<std::string> names;
  if (ctx.argc() == 1) {
    const StringSet& current = held(client, target);
    names.assign(current.begin(), current.end());
    if (names.empty()) {
      return reply_frame(ctx, words_of(target).unsubscribed, nullptr,
                         subscription_count(client, target));
    }
  } else {
    for (size_t i = 1; i < ctx.argc(); ++i) names.emplace_back(ctx.arg(i));
  }
  for (const std::string& name : names) {
    leave(ctx.server().pubsub(), client, target, name);
    std::string_view view = name;
    reply_frame(ctx, words_of(target).unsubscribed, &view, subscription_count(client, target));
  }
}

void subscribe(CommandContext& ctx) { subscribe_each(ctx, Target::kChannel); }
void unsubscribe(CommandContext& ctx) { unsubscribe_each(ctx, Target::kChannel); }
void psubscribe(CommandContext& ctx) { subscribe_each(ctx, Target::kPattern); }
void punsubscribe(CommandContext& ctx) { unsubscribe_each(ctx, Target::kPattern); }
void ssubscribe(CommandContext& ctx) {
  // Inside EXEC, as in Redis; SUBSCRIBE is let through there for old clients' sake.
  if (!ctx.may_block()) {
    return ctx.reply().error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  }
  subscribe_each(ctx, Target::kShardChannel);
}
void sunsubscribe(CommandContext& ctx) { unsubscribe_each(ctx, Target::kShardChannel); }

void publish(CommandContext& ctx) {
  size_t receivers = ctx.server().publish(ChannelScope::kGlobal, ctx.arg(1), ctx.arg(2));
  ctx.reply().integer(static_cast<int64_t>(receivers));
}

void spublish(CommandContext& ctx) {
  size_t receivers = ctx.server().publish(ChannelScope::kShard, ctx.arg(1), ctx.arg(2));
  ctx.reply().integer(static_cast<int64_t>(receivers));
}

// ---- PUBSUB ----

void reply_subcommand_syntax_error(CommandContext& ctx) {
  ctx.reply().error(errors::format(errors::kUnknownSubcommandOrArity,
                                   {ctx.arg(1).substr(0, 128), to_upper(ctx.arg(0))}));
}

void list_channels(CommandContext& ctx, ChannelScope scope) {
  if (ctx.argc() > 3) return reply_subcommand_syntax_error(ctx);
  std::optional<std::string_view> pattern;
  if (ctx.argc() == 3) pattern = ctx.arg(2);
  std::vector<std::string_view> channels = ctx.server().pubsub().active_channels(scope, pattern);
  ctx.reply().array(channels.size());
  for (std::string_view channel : channels) ctx.reply().bulk(channel);
}

void count_subscribers(CommandContext& ctx, ChannelScope scope) {
  const PubSub& pubsub = ctx.server().pubsub();
  ctx.reply().array(2 * (ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply().bulk(ctx.arg(i));
    ctx.reply().integer(static_cast<int64_t>(pubsub.subscriber_count(scope, ctx.arg(i))));
  }
}

void pubsub_channels(CommandContext& ctx) { list_channels(ctx, ChannelScope::kGlobal); }
void pubsub_shardchannels(CommandContext& ctx) { list_channels(ctx, ChannelScope::kShard); }
void pubsub_numsub(CommandContext& ctx) { count_subscribers(ctx, ChannelScope::kGlobal); }
void pubsub_shardnumsub(CommandContext& ctx) { count_subscribers(ctx, ChannelScope::kShard); }

void pubsub_numpat(CommandContext& ctx) {
  ctx.reply().integer(static_cast<int64_t>(ctx.server().pubsub().pattern_count()));
}

void pubsub_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

constexpr uint32_t kSubscribe = kPubSub | kNoScript | kLoading | kStale | kSubscriberAllowed;
constexpr uint32_t kPublish = kPubSub | kLoading | kStale | kFast;
constexpr uint32_t kInspect = kPubSub | kLoading | kStale;

constexpr CommandSpec kCommands[] = {
    // name           arity flags       keys      handler
    {"subscribe", -2, kSubscribe, 0, 0, 0, subscribe, "pubsub",
     "Listen for messages published to the given channels", "2.0.0"},
    {"unsubscribe", -1, kSubscribe, 0, 0, 0, unsubscribe, "pubsub",
     "Stop listening for messages posted to the given channels", "2.0.0"},
    {"psubscribe", -2, kSubscribe, 0, 0, 0, psubscribe, "pubsub",
     "Listen for messages published to channels matching the given patterns", "2.0.0"},
    {"punsubscribe", -1, kSubscribe, 0, 0, 0, punsubscribe, "pubsub",
     "Stop listening for messages posted to channels matching the given patterns", "2.0.0"},
    // Shard channels count as keys, as in Redis (a cluster routes them by slot).
    {"ssubscribe", -2, kSubscribe, 1, -1, 1, ssubscribe, "pubsub",
     "Listen for messages published to the given shard channels", "7.0.0"},
    {"sunsubscribe", -1, kSubscribe, 1, -1, 1, sunsubscribe, "pubsub",
     "Stop listening for messages posted to the given shard channels", "7.0.0"},
    {"publish", 3, kPublish, 0, 0, 0, publish, "pubsub", "Post a message to a channel", "2.0.0"},
    {"spublish", 3, kPublish, 1, 1, 1, spublish, "pubsub", "Post a message to a shard channel",
     "7.0.0"},
};

constexpr CommandSpec kPubsubContainer = {
    "pubsub", -2, 0, 0, 0, 0, nullptr, "pubsub", "A container for Pub/Sub commands", "2.8.0"};

constexpr CommandSpec kPubsubCommands[] = {
    {"pubsub|channels", -2, kInspect, 0, 0, 0, pubsub_channels, "pubsub", "List active channels",
     "2.8.0"},
    {"pubsub|numsub", -2, kInspect, 0, 0, 0, pubsub_numsub, "pubsub",
     "Get the count of subscribers for channels", "2.8.0"},
    {"pubsub|numpat", 2, kInspect, 0, 0, 0, pubsub_numpat, "pubsub",
     "Get the count of unique patterns pattern subscriptions", "2.8.0"},
    {"pubsub|shardchannels", -2, kInspect, 0, 0, 0, pubsub_shardchannels, "pubsub",
     "List active shard channels", "7.0.0"},
    {"pubsub|shardnumsub", -2, kInspect, 0, 0, 0, pubsub_shardnumsub, "pubsub",
     "Get the count of subscribers for shard channels", "7.0.0"},
    {"pubsub|help", 2, kLoading | kStale, 0, 0, 0, pubsub_help, "pubsub",
     "Show helpful text about the different subcommands", "6.2.0"},
};

}  // namespace

void register_pubsub_family(CommandTable& table) {
  table.add(kCommands);
  table.add_container(kPubsubContainer, kPubsubCommands);
}

}  // namespace fkvs
