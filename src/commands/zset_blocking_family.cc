// The blocking sorted-set pops: BZPOPMIN, BZPOPMAX and BZMPOP. Each serves
// at once when a key holds a sorted set, and otherwise blocks the client
// (Server::block_client); a ZADD or a stored result at one of its keys runs
// the command again.
#include <optional>
#include <string_view>

#include "commands/block_timeout.h"
#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/zset_common.h"

namespace fkvs {
namespace {

// BZPOPMIN and BZPOPMAX key [key ...] timeout: the timeout first, then the
// keys in order; a key of another type met before a sorted set is an error.
void blocking_pop(CommandContext& ctx, bool max) {
  const std::optional<int64_t> deadline = parse_block_timeout(ctx, ctx.arg(ctx.argc() - 1));
  if (!deadline) return;
  const auto keys = ctx.args().subspan(1, ctx.argc() - 2);
  for (std::string_view key : keys) {
    auto ref = find_for_write<ZSetValue>(ctx, key);
    if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
    if (ref) return zset_pop(ctx, ref, key, max, 1, ZPopReply::kKeyThenOne);
  }
  ctx.block(keys, *deadline, ValueType::kZSet);
}

void bzpopmin(CommandContext& ctx) { blocking_pop(ctx, false); }
void bzpopmax(CommandContext& ctx) { blocking_pop(ctx, true); }

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
void bzmpop(CommandContext& ctx) {
  const std::optional<int64_t> deadline = parse_block_timeout(ctx, ctx.arg(1));
  if (!deadline) return;
  const std::optional<ZMpopArgs> args = parse_zmpop_args(ctx, 2);
  if (!args) return;
  const std::optional<bool> popped = try_zmpop_and_reply(ctx, *args);
  if (popped && !*popped) {
    ctx.block(ctx.args().subspan(args->first_key, args->key_count), *deadline, ValueType::kZSet);
  }
}

constexpr uint32_t kBlockingWrite = kWrite | kNoScript | kBlocking | kFast;

// clang-format off
constexpr CommandSpec kZsetBlockingCommands[] = {
    // name      arity flags            first last step handler
    {"bzpopmin",   -3, kBlockingWrite,    1, -2, 1, bzpopmin, "sorted-set",
     "Remove and return the member with the lowest score from one or more sorted sets, or block "
     "until one is available", "5.0.0"},
    {"bzpopmax",   -3, kBlockingWrite,    1, -2, 1, bzpopmax, "sorted-set",
     "Remove and return the member with the highest score from one or more sorted sets, or block "
     "until one is available", "5.0.0"},
    // The keys follow numkeys (Redis marks BZMPOP movablekeys, 0 0 0).
    {"bzmpop",     -5, kWrite | kNoScript | kBlocking, 0, 0, 0, bzmpop, "sorted-set",
     "Remove and return members with scores in a sorted set or block until one is available",
     "7.0.0"},
};
// clang-format on

}  // namespace

void register_zset_blocking_family(CommandTable& table) { table.add(kZsetBlockingCommands); }

}  // namespace fkvs
