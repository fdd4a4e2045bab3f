// MIGRATE: keys moved (or copied) to another server with DUMP payloads and
// RESTORE, as Redis does it: synchronously, the event loop waiting on the
// target, every step bounded by the command's timeout.
#include <optional>
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "net/blocking_connection.h"
#include "persistence/dump_payload.h"
#include "util/clock.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

constexpr int64_t kDefaultMigrateTimeoutMs = 1000;

struct MigrateOptions {
  bool copy = false;
  bool replace = false;
  std::optional<std::string_view> username;
  std::optional<std::string_view> password;
  std::vector<std::string_view> keys;
};

// The options after MIGRATE host port key db timeout; nullopt after replying with the error.
std::optional<MigrateOptions> parse_migrate_options(CommandContext& ctx) {
  MigrateOptions options;
  for (size_t i = 6; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    const size_t more = ctx.argc() - i - 1;
    if (equals_nocase(option, "copy")) {
      options.copy = true;
    } else if (equals_nocase(option, "replace")) {
      options.replace = true;
    } else if (equals_nocase(option, "auth") && more >= 1) {
      options.password = ctx.arg(++i);
    } else if (equals_nocase(option, "auth2") && more >= 2) {
      options.username = ctx.arg(++i);
      options.password = ctx.arg(++i);
    } else if (equals_nocase(option, "keys")) {
      if (!ctx.arg(3).empty()) {
        ctx.reply().error(
            "ERR When using MIGRATE KEYS option, the key argument must be set to the empty "
            "string");
        return std::nullopt;
      }
      options.keys.assign(ctx.args().begin() + static_cast<ptrdiff_t>(i) + 1, ctx.args().end());
      break;
    } else {
      ctx.reply().error(errors::kSyntax);
      return std::nullopt;
    }
  }
  if (options.keys.empty()) options.keys.push_back(ctx.arg(3));
  return options;
}

void append_request(std::string& out, std::initializer_list<std::string_view> args) {
  out += '*' + std::to_string(args.size()) + "\r\n";
  for (std::string_view arg : args) {
    out += '$' + std::to_string(arg.size()) + "\r\n";
    out += arg;
    out += "\r\n";
  }
}

// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
//         [AUTH password | AUTH2 username password] [KEYS key [key ...]]
void migrate(CommandContext& ctx) {
  std::optional<MigrateOptions> options = parse_migrate_options(ctx);
  if (!options) return;
  const std::optional<int64_t> timeout_arg = parse_int64(ctx.arg(5));
  const std::optional<int64_t> db_index = parse_int64(ctx.arg(4));
  if (!timeout_arg || !db_index) return ctx.reply().error(errors::kNotInteger);
  const int64_t timeout_ms = *timeout_arg <= 0 ? kDefaultMigrateTimeoutMs : *timeout_arg;

  // The keys that exist, each with its payload and the TTL it has left.
  struct Moving {
    std::string_view key;
    std::string payload;
    int64_t ttl_ms;
  };
  std::vector<Moving> moving;
  Db& db = ctx.db();
  for (std::string_view key : options->keys) {
    Entry* entry = db.lookup_read(key);
    if (entry == nullptr) continue;
    const int64_t expire_at = db.expire_at(entry);
    const int64_t ttl_ms = expire_at < 0 ? 0 : std::max<int64_t>(expire_at - clock::now_ms(), 1);
    moving.push_back(
        {key, persistence::make_dump_payload(entry->value(), ctx.server().config().rdbcompression),
         ttl_ms});
  }
  if (moving.empty()) return ctx.reply().simple("NOKEY");

  std::string request;
  if (options->password) {
    if (options->username) {
      append_request(request, {"AUTH", *options->username, *options->password});
    } else {
      append_request(request, {"AUTH", *options->password});
    }
  }
  const std::string db_text = std::to_string(*db_index);
  append_request(request, {"SELECT", db_text});
  for (const Moving& item : moving) {
    const std::string ttl = std::to_string(item.ttl_ms);
    if (options->replace) {
      append_request(request, {"RESTORE", item.key, ttl, item.payload, "REPLACE"});
    } else {
      append_request(request, {"RESTORE", item.key, ttl, item.payload});
    }
  }

  net::BlockingConnection target;
  if (!target.connect(std::string(ctx.arg(1)), std::string(ctx.arg(2)), timeout_ms)) {
    return ctx.reply().error("IOERR error or timeout connecting to the client");
  }
  if (!target.write_all(request, timeout_ms)) {
    return ctx.reply().error("IOERR error or timeout writing to target instance");
  }
  std::optional<std::string> auth_reply;
  if (options->password && !(auth_reply = target.read_line(timeout_ms))) {
    return ctx.reply().error("IOERR error or timeout reading to target instance");
  }
  const std::optional<std::string> select_reply = target.read_line(timeout_ms);
  if (!select_reply) return ctx.reply().error("IOERR error or timeout reading to target instance");

  // As Redis: a failed AUTH or SELECT fails every key; a key the target
  // restored is deleted here unless COPY; the first error is the reply.
  std::optional<std::string> target_error;
  bool lost_connection = false;
  std::vector<std::string_view> deleted;
  for (const Moving& item : moving) {
    const std::optional<std::string> reply = target.read_line(timeout_ms);
    if (!reply) {
      lost_connection = true;
      break;
    }
    const std::string* failed = nullptr;
    if (auth_reply && auth_reply->starts_with('-')) {
      failed = &*auth_reply;
    } else if (select_reply->starts_with('-')) {
      failed = &*select_reply;
    } else if (reply->starts_with('-')) {
      failed = &*reply;
    }
    if (failed != nullptr) {
      if (!target_error) target_error = failed->substr(1);
    } else if (!options->copy && db.erase(item.key)) {
      ctx.notify(keyspace_events::kGeneric, "del", item.key);
      deleted.push_back(item.key);
    }
  }
  if (!deleted.empty()) {
    ctx.dirty(deleted.size());
    if (ctx.propagating()) {
      std::vector<std::string_view> del{"DEL"};
      del.insert(del.end(), deleted.begin(), deleted.end());
      ctx.server().propagation().rewrite_call(del);
    }
  }
  if (target_error) {
    return ctx.reply().error("ERR Target instance replied with error: " + *target_error);
  }
  if (lost_connection) {
    return ctx.reply().error("IOERR error or timeout reading to target instance");
  }
  ctx.reply().ok();
}

const CommandSpec kMigrateCommands[] = {
    {"migrate", -6, kWrite, 3, 3, 1, migrate, "generic",
     "Atomically transfer a key from a Redis instance to another one.", "2.6.0"},
};

}  // namespace

void register_migrate_family(CommandTable& table) { table.add(kMigrateCommands); }

}  // namespace fkvs
