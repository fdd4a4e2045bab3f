// Pub/Sub: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UN- forms, PUBLISH,
// SPUBLISH and PUBSUB.
#include <optional>
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "util/strings.h"

namespace fkvs {
namespace {

using enum SubscriptionKind;

// The first word of a (un)subscribe frame, per kind.
struct FrameWords {
  std::string_view subscribed;
  std::string_view unsubscribed;
};

FrameWords words_of(SubscriptionKind kind) {
  switch (kind) {
    case kPattern:
      return {"psubscribe", "punsubscribe"};
    case kShardChannel:
      return {"ssubscribe", "sunsubscribe"};
    case kChannel:
      break;
  }
  return {"subscribe", "unsubscribe"};
}

// name is absent when an UN- command had nothing to leave.
void reply_frame(CommandContext& ctx, std::string_view kind, std::optional<std::string_view> name,
                 int64_t count) {
  resp::ReplyWriter& reply = ctx.reply();
  reply.push(3);
  reply.bulk(kind);
  if (name) {
    reply.bulk(*name);
  } else {
    reply.null_bulk();
  }
  reply.integer(count);
}

int64_t frame_count(const Client& client, SubscriptionKind kind) {
  return static_cast<int64_t>(client.subscriptions.count_for(kind));
}

// One frame per name, in the order given, even for names already held.
void subscribe_each(CommandContext& ctx, SubscriptionKind kind) {
  Client& client = ctx.client();
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view name = ctx.arg(i);
    ctx.server().pubsub().subscribe(client, kind, name);
    reply_frame(ctx, words_of(kind).subscribed, name, frame_count(client, kind));
  }
}

// With no names, leaves everything of the kind; holding nothing, that is
// one frame with a null name.
void unsubscribe_each(CommandContext& ctx, SubscriptionKind kind) {
  Client& client = ctx.client();
  std::vector<std::string> names;
  if (ctx.argc() == 1) {
    const StringSet& current = client.subscriptions.of(kind);
    names.assign(current.begin(), current.end());
    if (names.empty()) {
      return reply_frame(ctx, words_of(kind).unsubscribed, std::nullopt, frame_count(client, kind));
    }
  } else {
    for (size_t i = 1; i < ctx.argc(); ++i) names.emplace_back(ctx.arg(i));
  }
  for (const std::string& name : names) {
    ctx.server().pubsub().unsubscribe(client, kind, name);
    reply_frame(ctx, words_of(kind).unsubscribed, name, frame_count(client, kind));
  }
}

void subscribe(CommandContext& ctx) { subscribe_each(ctx, kChannel); }
void unsubscribe(CommandContext& ctx) { unsubscribe_each(ctx, kChannel); }
void psubscribe(CommandContext& ctx) { subscribe_each(ctx, kPattern); }
void punsubscribe(CommandContext& ctx) { unsubscribe_each(ctx, kPattern); }
void ssubscribe(CommandContext& ctx) {
  // Inside EXEC, as in Redis; SUBSCRIBE is let through there for old clients' sake.
  if (!ctx.may_block()) {
    return ctx.reply().error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  }
  subscribe_each(ctx, kShardChannel);
}
void sunsubscribe(CommandContext& ctx) { unsubscribe_each(ctx, kShardChannel); }

void publish_to(CommandContext& ctx, SubscriptionKind kind) {
  size_t receivers = ctx.server().publish(kind, ctx.arg(1), ctx.arg(2));
  ctx.reply().integer(static_cast<int64_t>(receivers));
}

void publish(CommandContext& ctx) { publish_to(ctx, kChannel); }
void spublish(CommandContext& ctx) { publish_to(ctx, kShardChannel); }

// ---- PUBSUB ----

void reply_subcommand_syntax_error(CommandContext& ctx) {
  ctx.reply().error(errors::format(errors::kUnknownSubcommandOrArity,
                                   {ctx.arg(1).substr(0, 128), to_upper(ctx.arg(0))}));
}

void list_channels(CommandContext& ctx, SubscriptionKind kind) {
  if (ctx.argc() > 3) return reply_subcommand_syntax_error(ctx);
  std::optional<std::string_view> pattern;
  if (ctx.argc() == 3) pattern = ctx.arg(2);
  std::vector<std::string_view> channels = ctx.server().pubsub().active(kind, pattern);
  ctx.reply().array(channels.size());
  for (std::string_view channel : channels) ctx.reply().bulk(channel);
}

void count_subscribers(CommandContext& ctx, SubscriptionKind kind) {
  const PubSub& pubsub = ctx.server().pubsub();
  ctx.reply().array(2 * (ctx.argc() - 2));
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply().bulk(ctx.arg(i));
    ctx.reply().integer(static_cast<int64_t>(pubsub.subscriber_count(kind, ctx.arg(i))));
  }
}

void pubsub_channels(CommandContext& ctx) { list_channels(ctx, kChannel); }
void pubsub_shardchannels(CommandContext& ctx) { list_channels(ctx, kShardChannel); }
void pubsub_numsub(CommandContext& ctx) { count_subscribers(ctx, kChannel); }
void pubsub_shardnumsub(CommandContext& ctx) { count_subscribers(ctx, kShardChannel); }

void pubsub_numpat(CommandContext& ctx) {
  ctx.reply().integer(static_cast<int64_t>(ctx.server().pubsub().count(kPattern)));
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
constexpr uint32_t kPublish = kPubSub | kLoading | kStale | kFast | kMayReplicate;
constexpr uint32_t kInspect = kPubSub | kLoading | kStale;

constexpr CommandSpec kPubsubCommands[] = {
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

constexpr CommandSpec kPubsubSubcommands[] = {
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
  table.add(kPubsubCommands);
  table.add_container(kPubsubContainer, kPubsubSubcommands);
}

}  // namespace fkvs
