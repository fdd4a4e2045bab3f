// Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET, CLIENT.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "fkvs_build_config.h"
#include "util/clock.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

void ping(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    return ctx.reply().error("ERR wrong number of arguments for 'ping' command");
  }
  // A RESP2 subscriber's replies share the stream with messages, so it gets a frame.
  if (ctx.client().subscriptions.any() && !ctx.reply().resp3()) {
    ctx.reply().array(2);
    ctx.reply().bulk("pong");
    return ctx.reply().bulk(ctx.argc() == 2 ? ctx.arg(1) : "");
  }
  if (ctx.argc() == 2) return ctx.reply().bulk(ctx.arg(1));
  ctx.reply().raw("+PONG\r\n");
}

void echo(CommandContext& ctx) { ctx.reply().bulk(ctx.arg(1)); }

void quit(CommandContext& ctx) {
  ctx.reply().ok();
  ctx.client().conn().close_after_flush();
}

void select(CommandContext& ctx) {
  auto index = parse_int64(ctx.arg(1));
  if (!index) return ctx.reply().error(errors::kNotInteger);
  if (*index < 0 || *index >= ctx.server().db_count()) {
    return ctx.reply().error(errors::kDbIndexOutOfRange);
  }
  ctx.client().db_index = static_cast<int>(*index);
  ctx.reply().ok();
}

void mark_authenticated(Client& client) {
  client.authenticated = true;
  client.parser().set_unauthenticated(false);
}

// The default user is the only one: with requirepass set it needs that
// password, without it any password is accepted ("nopass").
bool check_credentials(CommandContext& ctx, std::string_view user, std::string_view password) {
  if (user != "default") return false;
  const std::string& required = ctx.server().config().requirepass;
  return required.empty() || required == password;
}

void auth(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply().error(errors::kSyntax);
  if (ctx.argc() == 2 && ctx.server().config().requirepass.empty()) {
    return ctx.reply().error(errors::kAuthNoPassword);
  }
  std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : "default";
  if (!check_credentials(ctx, user, ctx.arg(ctx.argc() - 1))) {
    return ctx.reply().error(errors::kWrongPass);
  }
  mark_authenticated(ctx.client());
  ctx.reply().ok();
}

// A client name may not contain spaces, newlines or other special characters.
bool valid_client_name(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

void hello(CommandContext& ctx) {
  Client& client = ctx.client();
  std::optional<resp::Protocol> protocol;
  if (ctx.argc() >= 2) {
    auto version = parse_int64(ctx.arg(1));
    if (!version) {
      return ctx.reply().error("ERR Protocol version is not an integer or out of range");
    }
    if (*version != 2 && *version != 3) return ctx.reply().error(errors::kNoProto);
    protocol = *version == 3 ? resp::Protocol::kResp3 : resp::Protocol::kResp2;
  }
  std::string_view new_name;
  bool set_name = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    size_t left = ctx.argc() - i - 1;
    if (equals_nocase(ctx.arg(i), "auth") && left >= 2) {
      if (!check_credentials(ctx, ctx.arg(i + 1), ctx.arg(i + 2))) {
        return ctx.reply().error(errors::kWrongPass);
      }
      mark_authenticated(client);
      i += 2;
    } else if (equals_nocase(ctx.arg(i), "setname") && left >= 1) {
      new_name = ctx.arg(i + 1);
      set_name = true;
      if (!valid_client_name(new_name)) {
        return ctx.reply().error(errors::kBadClientName);
      }
      i += 1;
    } else {
      return ctx.reply().error("ERR Syntax error in HELLO option '" + std::string(ctx.arg(i)) +
                               "'");
    }
  }
  if (!client.authenticated) {
    return ctx.reply().error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time");
  }
  if (set_name) client.name = std::string(new_name);
  if (protocol) client.protocol = *protocol;
  // The reply is already in the protocol asked for.
  resp::ReplyWriter reply(client.conn().output(), nullptr, client.protocol);
  reply.map(7);
  reply.bulk("server");
  reply.bulk("redis");
  reply.bulk("version");
  reply.bulk(FKVS_REDIS_COMPAT_VERSION);
  reply.bulk("proto");
  reply.integer(static_cast<int>(client.protocol));
  reply.bulk("id");
  reply.integer(static_cast<int64_t>(client.id()));
  reply.bulk("mode");
  reply.bulk("standalone");
  reply.bulk("role");
  reply.bulk("master");
  reply.bulk("modules");
  reply.empty_array();
}

void reset(CommandContext& ctx) {
  Client& client = ctx.client();
  client.db_index = 0;
  client.protocol = resp::Protocol::kResp2;
  client.name.clear();
  client.authenticated = ctx.server().config().requirepass.empty();
  client.parser().set_unauthenticated(!client.authenticated);
  ctx.server().pubsub().leave_all(client);
  ctx.server().stop_monitoring(client);
  ctx.server().end_transaction(client);
  ctx.server().tracking().disable(client);
  ctx.reply().simple("RESET");
}

// CLIENT LIST's flags: one letter per state, in Redis's order; N for none.
std::string client_flags(const Client& client) {
  std::string flags;
  if (client.monitor) flags += 'O';
  if (client.subscriptions.any()) flags += 'P';
  if (client.multi.open) flags += 'x';
  if (client.blocked || client.paused) flags += 'b';
  if (client.tracking.on) flags += 't';
  if (client.tracking.broken_redirect) flags += 'R';
  if (client.tracking.bcast) flags += 'B';
  if (client.multi.watch_broken) flags += 'd';
  if (client.conn().closing_after_flush()) flags += 'c';
  if (client.conn().closing_now()) flags += 'A';
  if (client.conn().is_unix()) flags += 'U';
  if (client.no_evict) flags += 'e';
  if (flags.empty()) flags = "N";
  return flags;
}

// One CLIENT LIST line, in Redis 7.0's field order. current_args is the
// command being run when the line describes the calling client.
std::string describe_client(const Client& client, std::span<const std::string_view> current_args) {
  const net::Connection& conn = client.conn();
  int64_t now = clock::now_ms();
  size_t argv_mem = 0;
  for (std::string_view arg : current_args) argv_mem += arg.size();
  const size_t total_mem = client.memory_bytes() + argv_mem;
  std::string line;
  line.reserve(320);
  auto field = [&line](std::string_view name, const auto& value) {
    if (!line.empty()) line += ' ';
    line += name;
    line += '=';
    if constexpr (std::is_convertible_v<decltype(value), std::string_view>) {
      line += std::string_view(value);
    } else {
      line += std::to_string(value);
    }
  };
  field("id", client.id());
  field("addr", conn.peer_address());
  field("laddr", conn.local_address());
  field("fd", conn.fd());
  field("name", client.name);
  field("age", (now - client.created_ms()) / 1000);
  field("idle", (now - client.last_interaction_ms) / 1000);
  const Subscriptions& subscriptions = client.subscriptions;
  field("flags", client_flags(client));
  field("db", client.db_index);
  field("sub", subscriptions.channels.size());
  field("psub", subscriptions.patterns.size());
  field("ssub", subscriptions.shard_channels.size());
  field("multi", client.multi.open ? static_cast<int64_t>(client.multi.queued.size()) : -1);
  field("qbuf", conn.input().size());
  field("qbuf-free", conn.input().tail_room());
  field("argv-mem", argv_mem);
  field("multi-mem", client.multi.queued_bytes);
  field("rbs", conn.input().capacity());
  field("rbp", client.query_peak);
  field("obl", 0);
  field("oll", 0);
  field("omem", conn.pending_output());
  field("tot-mem", total_mem);
  field("events", conn.waiting_writable ? "rw" : "r");
  field("cmd", client.last_command ? client.last_command->spec.name : "NULL");
  field("user", "default");
  field("redir", client.tracking.on ? static_cast<int64_t>(client.tracking.redirect) : -1);
  field("resp", static_cast<int>(client.protocol));
  // Redis 7.2 added these two for CLIENT SETINFO; clients parse by name.
  field("lib-name", client.lib_name);
  field("lib-ver", client.lib_ver);
  line += '\n';
  return line;
}

void client_id(CommandContext& ctx) {
  ctx.reply().integer(static_cast<int64_t>(ctx.client().id()));
}

void client_setname(CommandContext& ctx) {
  if (!valid_client_name(ctx.arg(2))) {
    return ctx.reply().error(errors::kBadClientName);
  }
  ctx.client().name = std::string(ctx.arg(2));
  ctx.reply().ok();
}

// CLIENT REPLY ON|OFF|SKIP: OFF and SKIP are not answered themselves.
void client_reply(CommandContext& ctx) {
  const std::string_view setting = ctx.arg(2);
  Client& client = ctx.client();
  if (equals_nocase(setting, "on")) {
    client.replies_off = client.skip_next_reply = client.skip_this_reply = false;
    ctx.reply().ok();
  } else if (equals_nocase(setting, "off")) {
    client.replies_off = true;
  } else if (equals_nocase(setting, "skip")) {
    if (!client.replies_off) client.skip_next_reply = true;
  } else {
    ctx.reply().error(errors::kSyntax);
  }
}

// CLIENT NO-EVICT ON|OFF
void client_no_evict(CommandContext& ctx) {
  const std::string_view setting = ctx.arg(2);
  if (equals_nocase(setting, "on")) {
    ctx.client().no_evict = true;
  } else if (equals_nocase(setting, "off")) {
    ctx.client().no_evict = false;
  } else {
    return ctx.reply().error(errors::kSyntax);
  }
  ctx.reply().ok();
}

void client_getname(CommandContext& ctx) {
  if (ctx.client().name.empty()) return ctx.reply().null_bulk();
  ctx.reply().bulk(ctx.client().name);
}

std::span<const std::string_view> args_if_caller(CommandContext& ctx, const Client& client) {
  if (&client == &ctx.client()) return ctx.args();
  return {};
}

// The client types CLIENT LIST and CLIENT KILL filter on. fkvs has neither
// replicas nor masters, so no client is of those types.
enum class ClientType { kNormal, kReplica, kPubsub, kMaster };

std::optional<ClientType> parse_client_type(std::string_view name) {
  if (equals_nocase(name, "normal")) return ClientType::kNormal;
  if (equals_nocase(name, "replica") || equals_nocase(name, "slave")) return ClientType::kReplica;
  if (equals_nocase(name, "pubsub")) return ClientType::kPubsub;
  if (equals_nocase(name, "master")) return ClientType::kMaster;
  return std::nullopt;
}

// As Redis: a client subscribed to anything is a Pub/Sub client (MONITOR
// clients are normal ones).
ClientType type_of(const Client& client) {
  return client.subscriptions.any() ? ClientType::kPubsub : ClientType::kNormal;
}

std::string unknown_client_type(std::string_view name) {
  return errors::format("ERR Unknown client type '%s'", {name});
}

// Every client, oldest first (the order Redis keeps them in).
std::vector<const Client*> clients_by_age(Server& server) {
  std::vector<const Client*> clients;
  clients.reserve(server.clients().size());
  for (const auto& [id, client] : server.clients()) clients.push_back(client);
  std::ranges::sort(clients, {}, &Client::id);
  return clients;
}

// CLIENT LIST [TYPE type | ID id [id ...]]: Redis 7.0 takes one filter or
// none, and lists the IDs asked for in their order, repeats included.
void client_list(CommandContext& ctx) {
  std::vector<const Client*> listed;
  if (ctx.argc() == 4 && equals_nocase(ctx.arg(2), "type")) {
    const auto type = parse_client_type(ctx.arg(3));
    if (!type) return ctx.reply().error(unknown_client_type(ctx.arg(3)));
    for (const Client* client : clients_by_age(ctx.server())) {
      if (type_of(*client) == *type) listed.push_back(client);
    }
  } else if (ctx.argc() > 3 && equals_nocase(ctx.arg(2), "id")) {
    for (size_t i = 3; i < ctx.argc(); ++i) {
      auto id = parse_int64(ctx.arg(i));
      if (!id) return ctx.reply().error("ERR Invalid client ID");
      auto found = ctx.server().clients().find(static_cast<uint64_t>(*id));
      if (found != ctx.server().clients().end()) listed.push_back(found->second);
    }
  } else if (ctx.argc() != 2) {
    return ctx.reply().error(errors::kSyntax);
  } else {
    listed = clients_by_age(ctx.server());
  }
  std::string text;
  for (const Client* client : listed) {
    text += describe_client(*client, args_if_caller(ctx, *client));
  }
  ctx.reply().verbatim(text);
}

void client_info(CommandContext& ctx) {
  ctx.reply().verbatim(describe_client(ctx.client(), ctx.args()));
}

void client_setinfo(CommandContext& ctx) {
  std::string_view attribute = ctx.arg(2);
  std::string_view value = ctx.arg(3);
  if (!valid_client_name(value) && !value.empty()) {
    return ctx.reply().error("ERR " + std::string(attribute) +
                             " cannot contain spaces, newlines or special characters.");
  }
  if (equals_nocase(attribute, "lib-name")) {
    ctx.client().lib_name = std::string(value);
  } else if (equals_nocase(attribute, "lib-ver")) {
    ctx.client().lib_ver = std::string(value);
  } else {
    return ctx.reply().error("ERR Unrecognized option '" + std::string(attribute) + "'");
  }
  ctx.reply().ok();
}

// A client that kills itself still gets the reply, as in Redis.
void kill(CommandContext& ctx, Client& client) {
  if (&client == &ctx.client()) {
    client.conn().close_after_flush();
  } else {
    ctx.server().kill_client(client);
  }
}

// What CLIENT KILL's filters ask for; a client must match all of them.
struct KillFilter {
  std::optional<std::string_view> addr;
  std::optional<std::string_view> laddr;
  std::optional<ClientType> type;
  uint64_t id = 0;  // 0: any
  bool skip_me = true;

  bool matches(const Client& client, const Client& caller) const {
    if (addr && client.conn().peer_address() != *addr) return false;
    if (laddr && client.conn().local_address() != *laddr) return false;
    if (type && type_of(client) != *type) return false;
    if (id != 0 && client.id() != id) return false;
    return !(skip_me && &client == &caller);
  }
};

// Reads CLIENT KILL's <option> <value> pairs in order, as Redis does, so the
// first bad one is the error; nullopt once the error is written.
std::optional<KillFilter> parse_kill_filter(CommandContext& ctx) {
  KillFilter filter;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    const std::string_view option = ctx.arg(i);
    if (i + 1 >= ctx.argc()) {
      ctx.reply().error(errors::kSyntax);
      return std::nullopt;
    }
    const std::string_view value = ctx.arg(i + 1);
    if (equals_nocase(option, "id")) {
      auto id = parse_int64(value);
      if (!id || *id <= 0) {
        ctx.reply().error("ERR client-id should be greater than 0");
        return std::nullopt;
      }
      filter.id = static_cast<uint64_t>(*id);
    } else if (equals_nocase(option, "type")) {
      filter.type = parse_client_type(value);
      if (!filter.type) {
        ctx.reply().error(unknown_client_type(value));
        return std::nullopt;
      }
    } else if (equals_nocase(option, "addr")) {
      filter.addr = value;
    } else if (equals_nocase(option, "laddr")) {
      filter.laddr = value;
    } else if (equals_nocase(option, "user")) {
      // "default" is the only user; every client is authenticated as it.
      if (value != "default") {
        ctx.reply().error(errors::format("ERR No such user '%s'", {value}));
        return std::nullopt;
      }
    } else if (equals_nocase(option, "skipme")) {
      if (equals_nocase(value, "yes")) {
        filter.skip_me = true;
      } else if (equals_nocase(value, "no")) {
        filter.skip_me = false;
      } else {
        ctx.reply().error(errors::kSyntax);
        return std::nullopt;
      }
    } else {
      ctx.reply().error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return filter;
}

// CLIENT KILL addr:port (the old form, which may kill the caller and
// answers OK) or CLIENT KILL <option> <value> ... (answers how many).
void client_kill(CommandContext& ctx) {
  const bool old_form = ctx.argc() == 3;
  std::optional<KillFilter> filter;
  if (old_form) {
    filter.emplace();
    filter->addr = ctx.arg(2);
    filter->skip_me = false;
  } else {
    filter = parse_kill_filter(ctx);
    if (!filter) return;
  }
  std::vector<Client*> victims;
  for (const auto& [id, client] : ctx.server().clients()) {
    if (filter->matches(*client, ctx.client())) victims.push_back(client);
  }
  for (Client* victim : victims) kill(ctx, *victim);
  if (!old_form) return ctx.reply().integer(static_cast<int64_t>(victims.size()));
  if (victims.empty()) return ctx.reply().error("ERR No such client");
  ctx.reply().ok();
}

// CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout,
// as in Redis.
void client_pause(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    return ctx.reply().error(
        errors::format(errors::kUnknownSubcommandOrArity, {ctx.arg(1).substr(0, 128), "CLIENT"}));
  }
  ClientPause::Mode mode = ClientPause::Mode::kAll;
  if (ctx.argc() == 4) {
    if (equals_nocase(ctx.arg(3), "write")) {
      mode = ClientPause::Mode::kWrite;
    } else if (!equals_nocase(ctx.arg(3), "all")) {
      return ctx.reply().error("ERR CLIENT PAUSE mode must be WRITE or ALL");
    }
  }
  auto timeout_ms = parse_int64(ctx.arg(2));
  if (!timeout_ms) return ctx.reply().error("ERR timeout is not an integer or out of range");
  if (*timeout_ms < 0) return ctx.reply().error(errors::kTimeoutNegative);
  // As Redis 7.0: a timeout too large for the clock wraps around, so the
  // pause is over at once.
  const int64_t until_ms = static_cast<int64_t>(static_cast<uint64_t>(clock::now_ms()) +
                                                static_cast<uint64_t>(*timeout_ms));
  ctx.server().pause_clients(until_ms, mode);
  ctx.reply().ok();
}

void client_unpause(CommandContext& ctx) {
  ctx.server().unpause_clients();
  ctx.reply().ok();
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a blocking command's wait as if it
// timed out, or with an error.
void client_unblock(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    return ctx.reply().error(errors::kUnblockArity);
  }
  auto id = parse_int64(ctx.arg(2));
  if (!id) return ctx.reply().error(errors::kNotInteger);
  bool with_error = false;
  if (ctx.argc() == 4) {
    if (equals_nocase(ctx.arg(3), "error")) {
      with_error = true;
    } else if (!equals_nocase(ctx.arg(3), "timeout")) {
      return ctx.reply().error(errors::kUnblockReason);
    }
  }
  Server& server = ctx.server();
  auto found = server.clients().find(static_cast<uint64_t>(*id));
  if (found == server.clients().end() || !found->second->blocked) return ctx.reply().integer(0);
  server.unblock_client(*found->second, with_error);
  ctx.reply().integer(1);
}

void client_help(CommandContext& ctx) {
  // Redis 7.0's text, word for word; SETINFO (a 7.2 addition fkvs also has) is not in it.
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

constexpr uint32_t kConnection = kFast | kNoScript | kLoading | kStale;

constexpr CommandSpec kConnectionCommands[] = {
    // name      arity  flags                            keys     handler
    {"ping", -1, kFast | kSentinel | kSubscriberAllowed, 0, 0, 0, ping, "connection",
     "Ping the server", "1.0.0"},
    {"echo", 2, kFast | kLoading | kStale, 0, 0, 0, echo, "connection", "Echo the given string",
     "1.0.0"},
    {"quit", -1, kAllowBusy | kNoAuth | kConnection | kSubscriberAllowed | kRunsInMulti, 0, 0, 0,
     quit, "connection", "Close the connection", "1.0.0"},
    {"select", 2, kFast | kLoading | kStale, 0, 0, 0, select, "connection",
     "Change the selected database for the current connection", "1.0.0"},
    {"auth", -2, kNoAuth | kConnection | kSentinel | kAllowBusy, 0, 0, 0, auth, "connection",
     "Authenticate to the server", "1.0.0"},
    {"hello", -1, kNoAuth | kConnection | kSentinel | kAllowBusy, 0, 0, 0, hello, "connection",
     "Handshake with Redis", "6.0.0"},
    {"reset", 1, kNoAuth | kConnection | kAllowBusy | kSubscriberAllowed | kRunsInMulti, 0, 0, 0,
     reset, "connection", "Reset the connection", "6.2.0"},
};

constexpr CommandSpec kClientContainer = {"client",
                                          -2,
                                          kSentinel,
                                          0,
                                          0,
                                          0,
                                          nullptr,
                                          "connection",
                                          "A container for client connection commands",
                                          "2.4.0"};

constexpr uint32_t kClientFlags = kNoScript | kLoading | kStale | kSentinel;

constexpr CommandSpec kClientCommands[] = {
    {"client|id", 2, kClientFlags, 0, 0, 0, client_id, "connection",
     "Returns the client ID for the current connection", "5.0.0"},
    {"client|setname", 3, kClientFlags, 0, 0, 0, client_setname, "connection",
     "Set the current connection name", "2.6.9"},
    {"client|reply", 3, kClientFlags, 0, 0, 0, client_reply, "connection",
     "Instruct the server whether to reply to commands", "3.2.0"},
    {"client|no-evict", 3, kAdmin | kClientFlags, 0, 0, 0, client_no_evict, "connection",
     "Set client eviction mode for the current connection", "7.0.0"},
    {"client|getname", 2, kClientFlags, 0, 0, 0, client_getname, "connection",
     "Get the current connection name", "2.6.9"},
    {"client|list", -2, kAdmin | kClientFlags, 0, 0, 0, client_list, "connection",
     "Get the list of client connections", "2.4.0"},
    {"client|info", 2, kClientFlags, 0, 0, 0, client_info, "connection",
     "Returns information about the current client connection.", "6.2.0"},
    {"client|setinfo", 4, kClientFlags, 0, 0, 0, client_setinfo, "connection",
     "Set client or connection specific info", "7.2.0"},
    {"client|kill", -3, kAdmin | kClientFlags, 0, 0, 0, client_kill, "connection",
     "Kill the connection of a client", "2.4.0"},
    {"client|unblock", -3, kAdmin | kClientFlags, 0, 0, 0, client_unblock, "connection",
     "Unblock a client blocked in a blocking command from a different connection", "5.0.0"},
    {"client|pause", -3, kAdmin | kClientFlags, 0, 0, 0, client_pause, "connection",
     "Stop processing commands from clients for some time", "2.9.50"},
    {"client|unpause", 2, kAdmin | kClientFlags, 0, 0, 0, client_unpause, "connection",
     "Resume processing of clients that were paused", "6.2.0"},
    {"client|help", 2, kLoading | kStale | kSentinel, 0, 0, 0, client_help, "connection",
     "Show helpful text about the different subcommands", "5.0.0"},
};

}  // namespace

void register_connection_family(CommandTable& table) {
  table.add(kConnectionCommands);
  table.add_container(kClientContainer, kClientCommands);
}

}  // namespace fkvs
