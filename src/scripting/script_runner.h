#pragma once

#include <span>
#include <string_view>

#include "net/connection.h"
#include "reply_writer.h"
#include "scripting/script_engine.h"
#include "server/client.h"

namespace fkvs {

class Server;

// Runs scripts for the server: the interpreter, and the client the
// scripts' commands run as. Those commands go through the server's own
// dispatch (Server::run), so every command works from a script, counts in
// the statistics, reaches WATCH, keyspace notifications and the AOF as
// when a client sends it; their replies land in that client's output,
// where redis.call reads them back.
class ScriptRunner final : public scripting::ScriptHost {
 public:
  explicit ScriptRunner(Server& server);

  scripting::ScriptEngine& engine() { return engine_; }

  // EVAL, EVALSHA and their _RO forms, once the script was found: its
  // shebang's checks, then the run, its reply to out.
  void run(Client& caller, const scripting::Script& script, std::string_view sha,
           std::span<const std::string_view> keys, std::span<const std::string_view> args,
           bool read_only, resp::ReplyWriter& out);

  // The flags a call of command runs with: for EVAL and EVALSHA of a
  // script with a shebang, those its flags give it (as Redis, for CLIENT
  // PAUSE WRITE: a no-writes script is no write); otherwise the command's.
  uint32_t call_flags(const Command& command, std::span<const std::string_view> args) const;

  // ScriptHost
  std::string_view call(std::span<const std::string_view> argv, resp::Protocol protocol) override;
  void set_replication(int targets) override;
  bool keep_running() override;

  // The running script's KEYS (client tracking remembers them for its caller).
  std::span<const std::string_view> declared_keys() const { return declared_keys_; }

  // A script ran past busy-reply-threshold and is still running: other
  // clients get -BUSY, and SCRIPT KILL and SHUTDOWN NOSAVE are served.
  bool busy() const { return timed_out_; }
  // SCRIPT KILL: ends the running script unless it already wrote.
  void kill(resp::ReplyWriter& out);

 private:
  int64_t elapsed_ms() const;
  // A refusal of the script's command (null when unknown), as its reply;
  // counted as Redis counts a rejected call.
  std::string_view refuse(const Command* command, std::string_view message);
  // Redis's checks on a shebang script before it runs; false when out holds the refusal.
  bool admit(const scripting::ScriptDeclaration& declaration, bool read_only,
             resp::ReplyWriter& out);

  Server& server_;
  scripting::ScriptEngine engine_;
  // No socket behind it: nothing is ever sent or read.
  net::Connection connection_;
  Client client_;
  // The running script: refused writes (EVAL_RO, no-writes), its memory
  // checks, and whether it wrote already (it cannot be refused a write then).
  bool read_only_ = false;
  bool allow_oom_ = false;
  bool out_of_memory_at_start_ = false;
  bool wrote_ = false;
  // The client whose script runs (null when none), since when, and whether
  // it went past the threshold or was asked to stop.
  Client* caller_ = nullptr;
  std::span<const std::string_view> declared_keys_;
  std::string_view sha_;
  int64_t started_us_ = 0;
  bool timed_out_ = false;
  bool kill_requested_ = false;
};

}  // namespace fkvs
