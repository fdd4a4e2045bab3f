// Persistence commands: SAVE, BGSAVE, BGREWRITEAOF, DUMP and RESTORE.
#include <optional>
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "persistence/dump_payload.h"
#include "persistence/format_error.h"
#include "store/key_access.h"
#include "util/clock.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

void save(CommandContext& ctx) {
  Snapshotter& snapshots = ctx.server().snapshots();
  if (snapshots.child_running()) return ctx.reply().error(errors::kBackgroundSaveInProgress);
  if (!snapshots.save()) return ctx.reply().error("ERR");
  ctx.reply().ok();
}

// BGSAVE [SCHEDULE]. Inside MULTI the save is scheduled rather than forked
// mid-transaction, as Redis does.
void bgsave(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.argc() > 1) {
    if (ctx.argc() != 2 || !equals_nocase(ctx.arg(1), "schedule")) {
      return ctx.reply().error(errors::kSyntax);
    }
    schedule = true;
  }
  Snapshotter& snapshots = ctx.server().snapshots();
  if (snapshots.child_running()) return ctx.reply().error(errors::kBackgroundSaveInProgress);
  if (ctx.server().aof().rewrite_running() || ctx.client().multi.executing) {
    if (!schedule && !ctx.client().multi.executing) {
      return ctx.reply().error(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
          "SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    snapshots.schedule();
    return ctx.reply().simple("Background saving scheduled");
  }
  if (std::string error = snapshots.background_save(); !error.empty()) {
    return ctx.reply().error(error);
  }
  ctx.reply().simple("Background saving started");
}

// BGREWRITEAOF: inside MULTI or while a snapshot child runs, it waits its turn.
void bgrewriteaof(CommandContext& ctx) {
  AppendOnlyFile& aof = ctx.server().aof();
  if (aof.rewrite_running()) {
    return ctx.reply().error("ERR Background append only file rewriting already in progress");
  }
  if (ctx.server().snapshots().child_running() || ctx.client().multi.executing) {
    aof.schedule_rewrite();
    return ctx.reply().simple("Background append only file rewriting scheduled");
  }
  if (std::string error = aof.background_rewrite(); !error.empty()) {
    return ctx.reply().error(error);
  }
  ctx.reply().simple("Background append only file rewriting started");
}

void dump(CommandContext& ctx) {
  Entry* entry = ctx.db().lookup_read(ctx.arg(1));
  if (entry == nullptr) return ctx.reply().null_bulk();
  ctx.reply().bulk(
      persistence::make_dump_payload(entry->value(), ctx.server().config().rdbcompression));
}

// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void restore(CommandContext& ctx) {
  bool replace = false;
  bool absolute_ttl = false;
  std::optional<int64_t> idle_seconds;
  std::optional<int64_t> frequency;
  for (size_t i = 4; i < ctx.argc(); ++i) {
    const bool has_value = i + 1 < ctx.argc();
    const std::string_view option = ctx.arg(i);
    if (equals_nocase(option, "replace")) {
      replace = true;
    } else if (equals_nocase(option, "absttl")) {
      absolute_ttl = true;
    } else if (equals_nocase(option, "idletime") && has_value && !frequency) {
      idle_seconds = parse_int64(ctx.arg(++i));
      if (!idle_seconds) return ctx.reply().error(errors::kNotInteger);
      if (*idle_seconds < 0) return ctx.reply().error(errors::kInvalidIdletime);
    } else if (equals_nocase(option, "freq") && has_value && !idle_seconds) {
      frequency = parse_int64(ctx.arg(++i));
      if (!frequency) return ctx.reply().error(errors::kNotInteger);
      if (*frequency < 0 || *frequency > 255) return ctx.reply().error(errors::kInvalidFreq);
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }
  const std::string_view key = ctx.arg(1);
  Db& db = ctx.db();
  if (!replace && db.find(key) != nullptr) return ctx.reply().error(errors::kBusyKey);
  auto ttl = parse_int64(ctx.arg(2));
  if (!ttl) return ctx.reply().error(errors::kNotInteger);
  if (*ttl < 0) return ctx.reply().error(errors::kInvalidTtl);
  const std::string_view payload = ctx.arg(3);
  if (!persistence::dump_trailer_valid(payload)) {
    return ctx.reply().error(errors::kDumpPayloadInvalid);
  }
  Value value;
  try {
    value = persistence::read_dump_payload(payload, encoding_limits(ctx.server().config()));
  } catch (const persistence::FormatError&) {
    return ctx.reply().error(errors::kBadDataFormat);
  }
  const bool deleted = replace && db.erase(key);
  int64_t expire_at = *ttl;
  // A relative TTL that overflows the clock is as good as forever away.
  if (expire_at != 0 && !absolute_ttl) {
    expire_at = expire_at > INT64_MAX - clock::now_ms() ? INT64_MAX : expire_at + clock::now_ms();
  }
  if (expire_at != 0 && expire_at <= clock::now_ms() && !ctx.server().loading()) {
    // Already expired: the key is gone, as if restored and expired at once.
    if (deleted) {
      ctx.notify(keyspace_events::kGeneric, "del", key);
      ctx.propagate_as({"DEL", key});
      ctx.dirty();
    }
    return ctx.reply().ok();
  }
  Entry* entry = db.insert(key, std::move(value));
  if (expire_at != 0) db.set_expire(entry, expire_at);
  if (expire_at != 0 && !absolute_ttl && ctx.propagating()) [[unlikely]] {
    // The TTL goes out absolute, as Redis propagates it.
    std::vector<std::string> argv(ctx.args().begin(), ctx.args().end());
    argv[2] = std::to_string(expire_at);
    argv.push_back("ABSTTL");
    std::vector<std::string_view> views(argv.begin(), argv.end());
    ctx.server().propagation().rewrite_call(views);
  }
  // Each applies only under the policy that tracks it, as in Redis.
  if (key_access::settings.lfu) {
    if (frequency) db.set_access_counter(entry, static_cast<uint8_t>(*frequency));
  } else if (idle_seconds) {
    db.set_idle_seconds(entry, *idle_seconds);
  }
  ctx.notify(keyspace_events::kGeneric, "restore", key);
  const ValueType type = entry->value().type();
  if (type == ValueType::kList || type == ValueType::kZSet) ctx.signal_key_ready(key);
  ctx.dirty();
  ctx.reply().ok();
}

constexpr uint32_t kSaveFlags = kAdmin | kNoScript | kNoAsyncLoading;

const CommandSpec kPersistenceCommands[] = {
    {"save", 1, kSaveFlags | kNoMulti, 0, 0, 0, save, "server",
     "Synchronously save the dataset to disk", "1.0.0"},
    {"bgsave", -1, kSaveFlags, 0, 0, 0, bgsave, "server", "Asynchronously save the dataset to disk",
     "1.0.0"},
    {"bgrewriteaof", 1, kSaveFlags, 0, 0, 0, bgrewriteaof, "server",
     "Asynchronously rewrite the append-only file", "1.0.0"},
    {"dump", 2, kReadOnly, 1, 1, 1, dump, "generic",
     "Return a serialized version of the value stored at the specified key.", "2.6.0"},
    {"restore", -4, kWrite | kDenyOom, 1, 1, 1, restore, "generic",
     "Create a key using the provided serialized value, previously obtained using DUMP.", "2.6.0"},
};

}  // namespace

void register_persistence_family(CommandTable& table) { table.add(kPersistenceCommands); }

}  // namespace fkvs
