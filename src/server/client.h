#pragma once

#include <cstdint>
#include <string>

#include "net/connection.h"
#include "net/socket_util.h"
#include "reply_writer.h"
#include "request_parser.h"
#include "server/client_tracking.h"
#include "server/subscriptions.h"
#include "server/transaction.h"

namespace fkvs {

struct Command;

// The server's state for one connected client: what Redis keeps in its
// client struct (selected db, name, auth) next to the connection's buffers.
class Client {
 public:
  Client(uint64_t id, net::Connection& conn, int64_t now_ms)
      : last_interaction_ms(now_ms), id_(id), conn_(&conn), created_ms_(now_ms) {}

  uint64_t id() const { return id_; }
  net::Connection& conn() { return *conn_; }
  const net::Connection& conn() const { return *conn_; }
  resp::RequestParser& parser() { return parser_; }
  // On the unix socket or at 127.0.0.1 or ::1: what enable-debug-command local lets in.
  bool is_local() const {
    return conn_->is_unix() || net::is_local_host_address(conn_->peer_address());
  }

  int64_t last_interaction_ms;
  int db_index = 0;
  // HELLO 3 switches to RESP3; RESET and HELLO 2 back.
  resp::Protocol protocol = resp::Protocol::kResp2;
  bool authenticated = false;
  // In MONITOR mode: sees every command the server runs (CLIENT LIST flag O).
  bool monitor = false;
  std::string name;
  std::string lib_name;
  std::string lib_ver;
  const Command* last_command = nullptr;
  // Waiting in BLPOP or another blocking command (BlockedClients keeps the
  // wait); its further input waits too.
  bool blocked = false;
  // Set when a blocked client's command, run again for a ready key, found
  // nothing to serve and asked to keep waiting.
  bool keeps_waiting = false;
  // Its next command waits for CLIENT PAUSE to end (ClientPause keeps the
  // line); shown as blocked, as in Redis.
  bool paused = false;
  int64_t created_ms() const { return created_ms_; }
  Subscriptions subscriptions;
  Transaction multi;
  // CLIENT TRACKING (see server/tracking.h).
  ClientTracking tracking;
  // When the output first went over the soft limit (0 = not over it).
  int64_t soft_limit_reached_ms = 0;
  // Bytes of the largest query buffer seen since the last cron (qbuf-peak).
  size_t query_peak = 0;
  // CLIENT NO-EVICT ON: never closed for maxmemory-clients (flag e).
  bool no_evict = false;
  // CLIENT REPLY: OFF silences every reply; SKIP the reply to the next
  // command, which then runs with skip_this_reply set (CLIENT REPLY ON
  // clears it, so its own +OK goes out).
  bool replies_off = false;
  bool skip_next_reply = false;
  bool skip_this_reply = false;
  bool controls_replies() const { return replies_off || skip_next_reply; }
  // Set on the scripts' own client while a script runs: the client whose
  // EVAL it is (client tracking acts for that one).
  Client* script_caller = nullptr;
  // A command that blocked while its reply was silenced: its reply, when it
  // is served or times out, is dropped too.
  bool blocked_reply_silenced = false;

  // What this client holds in buffers and queued commands, as CLIENT LIST's
  // tot-mem (less the arguments of a command it is running) and
  // maxmemory-clients count it.
  size_t memory_bytes() const {
    return sizeof(Client) + sizeof(net::Connection) + conn_->input().capacity() +
           conn_->output_capacity() + multi.queued_bytes;
  }

 private:
  uint64_t id_;
  net::Connection* conn_;
  int64_t created_ms_;
  resp::RequestParser parser_;
};

}  // namespace fkvs
