#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "commands/command_table.h"
#include "commands/errors.h"
#include "reply_writer.h"
#include "server/client.h"
#include "server/keyspace_events.h"
#include "server/server.h"

namespace fkvs {

// How many elements of an unbounded reply go between reply_overflowed checks.
inline constexpr uint64_t kRepliesPerOverflowCheck = 1024;

// What a command handler gets: its arguments, where to reply, the client
// that sent it and the server it runs on.
class CommandContext {
 public:
  CommandContext(Server& server, Client& client, const Command& command,
                 std::span<const std::string_view> args)
      : server_(server),
        client_(client),
        command_(command),
        args_(args),
        reply_(client.conn().output(), &server.error_stats(), client.protocol) {}

  std::string_view arg(size_t index) const { return args_[index]; }
  size_t argc() const { return args_.size(); }
  std::span<const std::string_view> args() const { return args_; }

  resp::ReplyWriter& reply() { return reply_; }
  Server& server() { return server_; }
  Client& client() { return client_; }
  const Command& command() const { return command_; }
  Db& db() { return server_.db(client_.db_index); }

  // An error whose one "%s" is this command's name ("... in 'set' command").
  void reply_error_naming_command(std::string_view format) {
    reply_.error(errors::format(format, {command_.spec.name}));
  }

  // A blocking command found nothing to serve: the client waits (see
  // Server::block_client) and gets no reply now.
  // The client is served only from a key holding a `serves` value.
  // Inside EXEC nobody waits: the reply is the null array a timeout sends.
  void block(std::span<const std::string_view> keys, int64_t deadline_ms, ValueType serves) {
    if (!may_block()) return reply_.null_array();
    server_.block_client(client_, keys, deadline_ms, serves, args_);
  }
  bool may_block() const { return !client_.multi.executing; }
  // This command put elements into key: clients blocked on it may be served.
  void signal_key_ready(std::string_view key) { server_.signal_key_ready(client_.db_index, key); }

  // Checked every so often while writing a reply with no bound of its own:
  // true when the client was closed instead (see Server::reply_overflowed).
  bool reply_overflowed() { return server_.reply_overflowed(client_); }

  // A write changed key of this client's db: transactions WATCHing it
  // fail, and a keyspace notification goes out (see
  // server/keyspace_events.h for the classes, Redis's names for the events).
  void notify(uint32_t type, std::string_view event, std::string_view key) {
    server_.key_changed(type, event, key, client_.db_index);
  }

  // How this call reaches the AOF (and later replicas) when it is not as
  // sent: its effect as commands that replay the same (see Propagation).
  // The first call replaces the arguments; more add commands after it.
  void propagate_as(std::initializer_list<std::string_view> argv) {
    if (server_.propagation().active()) [[unlikely]]
      server_.propagation().rewrite_call(std::span(argv.begin(), argv.size()));
  }
  bool propagating() { return server_.propagation().active(); }

  // A write changed this many keys (INFO's rdb_changes_since_last_save).
  void dirty(uint64_t changes = 1) { server_.add_dirty(changes); }

 private:
  Server& server_;
  Client& client_;
  const Command& command_;
  std::span<const std::string_view> args_;
  resp::ReplyWriter reply_;
};

}  // namespace fkvs
