// The blocking list commands: BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH. Each
// serves at once when a key holds a list, and otherwise blocks the client
// (Server::block_client); a push to one of its keys runs the command again.
#include <optional>
#include <string_view>

#include "commands/block_timeout.h"
#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/list_ops.h"

namespace fkvs {
namespace {

// BLPOP and BRPOP key [key ...] timeout: the timeout is read first, then
// the keys in order; a key of another type met before a list is an error.
void blocking_pop(CommandContext& ctx, ListEnd end) {
  const std::optional<int64_t> deadline = parse_block_timeout(ctx, ctx.arg(ctx.argc() - 1));
  if (!deadline) return;
  const auto keys = ctx.args().subspan(1, ctx.argc() - 2);
  for (std::string_view key : keys) {
    ListRef ref = find_for_write<ListValue>(ctx, key);
    if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
    if (!ref) continue;
    ctx.reply().array(2);
    ctx.reply().bulk(key);
    return pop_one_and_reply(ctx, ref, end);
  }
  ctx.block(keys, *deadline, ValueType::kList);
}

void blpop(CommandContext& ctx) { blocking_pop(ctx, ListEnd::kLeft); }
void brpop(CommandContext& ctx) { blocking_pop(ctx, ListEnd::kRight); }

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
void blmpop(CommandContext& ctx) {
  const std::optional<int64_t> deadline = parse_block_timeout(ctx, ctx.arg(1));
  if (!deadline) return;
  const std::optional<MpopArgs> args = parse_mpop_args(ctx, 2);
  if (!args) return;
  const std::optional<bool> popped = try_mpop_and_reply(ctx, *args);
  if (popped && !*popped)
    ctx.block(ctx.args().subspan(args->first_key, args->key_count), *deadline, ValueType::kList);
}

// BLMOVE and BRPOPLPUSH block on their source only; the destination's type
// is checked once the source has something to move.
void blocking_move(CommandContext& ctx, ListEnd from, ListEnd to, std::string_view timeout) {
  const std::optional<int64_t> deadline = parse_block_timeout(ctx, timeout);
  if (!deadline) return;
  ListRef source = find_for_write<ListValue>(ctx, ctx.arg(1));
  if (source.wrong_type) return ctx.reply().error(errors::kWrongType);
  // Inside EXEC it answers at once, and with a null bulk, as Redis does.
  if (!source && !ctx.may_block()) return ctx.reply().null_bulk();
  if (!source) return ctx.block(ctx.args().subspan(1, 1), *deadline, ValueType::kList);
  move_and_reply(ctx, source, ctx.arg(2), from, to);
}

void blmove(CommandContext& ctx) {
  const std::optional<ListEnd> from = parse_list_end(ctx.arg(3));
  const std::optional<ListEnd> to = parse_list_end(ctx.arg(4));
  if (!from || !to) return ctx.reply().error(errors::kSyntax);
  blocking_move(ctx, *from, *to, ctx.arg(5));
}

void brpoplpush(CommandContext& ctx) {
  blocking_move(ctx, ListEnd::kRight, ListEnd::kLeft, ctx.arg(3));
}

constexpr uint32_t kBlockingWrite = kWrite | kNoScript | kBlocking;

// clang-format off
constexpr CommandSpec kListBlockingCommands[] = {
    // name        arity flags                       first last step handler
    {"blpop",        -3, kBlockingWrite,               1, -2, 1, blpop, "list",
     "Remove and get the first element in a list, or block until one is available", "2.0.0"},
    {"brpop",        -3, kBlockingWrite,               1, -2, 1, brpop, "list",
     "Remove and get the last element in a list, or block until one is available", "2.0.0"},
    // The keys follow numkeys (Redis marks BLMPOP movablekeys, 0 0 0).
    {"blmpop",       -5, kWrite | kBlocking,               0,  0, 0, blmpop, "list",
     "Pop elements from a list, or block until one is available", "7.0.0"},
    {"blmove",        6, kBlockingWrite | kDenyOom,    1,  2, 1, blmove, "list",
     "Pop an element from a list, push it to another list and return it; or block until one "
     "is available", "6.2.0"},
    {"brpoplpush",    4, kBlockingWrite | kDenyOom,    1,  2, 1, brpoplpush, "list",
     "Pop an element from a list, push it to another list and return it; or block until one "
     "is available", "2.2.0"},
};
// clang-format on

}  // namespace

void register_list_blocking_family(CommandTable& table) { table.add(kListBlockingCommands); }

}  // namespace fkvs
