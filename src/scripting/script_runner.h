#pragma once

#include <span>
#include <string_view>

#include "net/connection.h"
#include "reply_writer.h"
#include "scripting/function_engine.h"
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
  scripting::FunctionEngine& functions() { return functions_; }

  // EVAL, EVALSHA and their _RO forms, once the script was found: its
  // shebang's checks, then the run, its reply to out.
  void run(Client& caller, const scripting::Script& script, std::string_view sha,
           std::span<const std::string_view> keys, std::span<const std::string_view> args,
           bool read_only, resp::ReplyWriter& out);
  // FCALL and FCALL_RO, once the function was found: the checks of its
  // flags, then the run. command is the caller's (FUNCTION STATS shows it).
  void run(Client& caller, const scripting::Function& function,
           std::span<const std::string_view> command, std::span<const std::string_view> keys,
           std::span<const std::string_view> args, bool read_only, resp::ReplyWriter& out);

  // The flags a call of command runs with: for EVAL and EVALSHA of a
  // script with a shebang, and for FCALL, those the script's or the
  // function's flags give it (as Redis, for CLIENT PAUSE WRITE: a
  // no-writes script is no write); otherwise the command's.
  uint32_t call_flags(const Command& command, std::span<const std::string_view> args) const;

  // ScriptHost
  std::string_view call(std::span<const std::string_view> argv, resp::Protocol protocol) override;
  void set_replication(int targets) override;
  bool keep_running() override;

  // The running script's KEYS (client tracking remembers them for its caller).
  std::span<const std::string_view> declared_keys() const { return declared_keys_; }

  // A script ran past busy-reply-threshold and is still running: other
  // clients get busy_error(), and SCRIPT KILL (FUNCTION KILL for a
  // function) and SHUTDOWN NOSAVE are served.
  bool busy() const { return timed_out_; }
  std::string_view busy_error() const;
  // SCRIPT KILL (from_function_kill false) or FUNCTION KILL: ends the
  // running script or function unless it already wrote.
  void kill(bool from_function_kill, resp::ReplyWriter& out);
  // FUNCTION STATS's running_script: the function, the command that runs
  // it, for how long. Null when none runs (and for a script: as Redis,
  // FUNCTION STATS is then refused with busy_error()).
  const scripting::Function* running_function() const { return running_function_; }
  std::span<const std::string_view> running_command() const { return running_command_; }
  int64_t running_ms() const { return elapsed_ms(); }

 private:
  int64_t elapsed_ms() const;
  // A refusal of the script's command (null when unknown), as its reply;
  // counted as Redis counts a rejected call.
  std::string_view refuse(const Command* command, std::string_view message);
  // Redis's checks on a shebang script or a function before it runs;
  // false when out holds the refusal.
  bool admit(uint32_t declared_flags, bool read_only, resp::ReplyWriter& out);
  // What both kinds of run share: the checks, the state while it runs, and
  // run_body, which runs the script or the function.
  template <typename RunBody>
  void run_declared(Client& caller, bool declared, uint32_t declared_flags,
                    std::span<const std::string_view> keys, bool read_only, resp::ReplyWriter& out,
                    RunBody run_body);

  Server& server_;
  scripting::ScriptEngine engine_;
  scripting::FunctionEngine functions_;
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
  // The running script's SHA1, or the running function and its command.
  std::string_view sha_;
  const scripting::Function* running_function_ = nullptr;
  std::span<const std::string_view> running_command_;
  int64_t started_us_ = 0;
  bool timed_out_ = false;
  bool kill_requested_ = false;
};

}  // namespace fkvs
