// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queuing itself happens
// in Server::execute; the commands here run at once even inside MULTI
// (all but UNWATCH, which is queued like any other).
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"

namespace fkvs {
namespace {

void multi(CommandContext& ctx) {
  Transaction& transaction = ctx.client().multi;
  if (transaction.open) return ctx.reply().error(errors::kNestedMulti);
  transaction.open = true;
  ctx.reply().ok();
}

// Redis's rule: a key watched while it was alive but past its TTL, and
// still not reclaimed, counts as changed at EXEC.
bool watched_key_expired(CommandContext& ctx) {
  for (const WatchedKey& watched : ctx.client().multi.watched) {
    if (!watched.expired && ctx.server().db(watched.db).holds_expired(watched.key)) return true;
  }
  return false;
}

void exec(CommandContext& ctx) {
  Client& client = ctx.client();
  Server& server = ctx.server();
  Transaction& transaction = client.multi;
  if (!transaction.open) return ctx.reply().error(errors::kExecWithoutMulti);
  if (watched_key_expired(ctx)) transaction.watch_broken = true;
  if (transaction.aborted || transaction.watch_broken) {
    if (transaction.aborted) {
      ctx.reply().error(errors::kExecAbort);
    } else {
      ctx.reply().null_array();
    }
    return server.end_transaction(client);
  }
  // The transaction's own writes must not count against it.
  server.watched_keys().unwatch_all(client);
  transaction.executing = true;
  ctx.reply().array(transaction.queued.size());
  std::vector<std::string_view> args;
  for (const QueuedCommand& queued : transaction.queued) {
    args.assign(queued.args.begin(), queued.args.end());
    server.run(client, *queued.command, args);
  }
  server.end_transaction(client);
}

void discard(CommandContext& ctx) {
  if (!ctx.client().multi.open) return ctx.reply().error(errors::kDiscardWithoutMulti);
  ctx.server().end_transaction(ctx.client());
  ctx.reply().ok();
}

void watch(CommandContext& ctx) {
  Client& client = ctx.client();
  if (client.multi.open) return ctx.reply().error(errors::kWatchInMulti);
  // Already doomed: watching more changes nothing.
  if (client.multi.watch_broken) return ctx.reply().ok();
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view key = ctx.arg(i);
    ctx.server().watched_keys().watch(client, client.db_index, key, ctx.db().holds_expired(key));
  }
  ctx.reply().ok();
}

void unwatch(CommandContext& ctx) {
  ctx.server().watched_keys().unwatch_all(ctx.client());
  ctx.client().multi.watch_broken = false;
  ctx.reply().ok();
}

constexpr uint32_t kControl = kNoScript | kLoading | kStale | kFast | kAllowBusy;

constexpr CommandSpec kTransactionCommands[] = {
    // name      arity  flags                                   keys      handler
    {"multi", 1, kControl | kRunsInMulti, 0, 0, 0, multi, "transactions",
     "Mark the start of a transaction block", "1.2.0"},
    {"exec", 1, kNoScript | kLoading | kStale | kSkipSlowlog | kRunsInMulti, 0, 0, 0, exec,
     "transactions", "Execute all commands issued after MULTI", "1.2.0"},
    {"discard", 1, kControl | kRunsInMulti, 0, 0, 0, discard, "transactions",
     "Discard all commands issued after MULTI", "2.0.0"},
    {"watch", -2, kControl | kRunsInMulti, 1, -1, 1, watch, "transactions",
     "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0"},
    {"unwatch", 1, kControl, 0, 0, 0, unwatch, "transactions", "Forget about all watched keys",
     "2.2.0"},
};

}  // namespace

void register_transaction_family(CommandTable& table) { table.add(kTransactionCommands); }

}  // namespace fkvs
