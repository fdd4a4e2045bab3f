#include "scripting/script_runner.h"

#include <spdlog/spdlog.h>

#include "commands/command_table.h"
#include "commands/errors.h"
#include "server/server.h"
#include "util/clock.h"

namespace fkvs {
namespace {

constexpr int kReplicateToAof = 1;

}  // namespace

ScriptRunner::ScriptRunner(Server& server)
    : server_(server), connection_(-1, "lua", "", false), client_(0, connection_, 0) {
  client_.authenticated = true;
  // Blocking commands answer at once, as inside EXEC (and as Redis runs them from scripts).
  client_.multi.executing = true;
}

std::string_view ScriptRunner::refuse(const Command* command, std::string_view message) {
  if (command != nullptr) command->rejected_calls++;
  resp::ReplyWriter(connection_.output(), &server_.error_stats()).error(message);
  return connection_.output().view();
}

std::string_view ScriptRunner::call(std::span<const std::string_view> argv,
                                    resp::Protocol protocol) {
  connection_.output().clear();
  const Command* command = server_.commands().find(argv[0]);
  if (command != nullptr && command->is_container() && argv.size() >= 2) {
    command = command->find_subcommand(argv[1]);
  }
  if (command == nullptr) return refuse(nullptr, "ERR Unknown Redis command called from script");
  const CommandSpec& spec = command->spec;
  const int argc = static_cast<int>(argv.size());
  if ((spec.arity > 0 && argc != spec.arity) || argc < -spec.arity) {
    return refuse(command, "ERR Wrong number of args calling Redis command from script");
  }
  if (spec.flags & kNoScript)
    return refuse(command, "ERR This Redis command is not allowed from script");
  // As Redis: a command that may replicate counts as a write here.
  if (read_only_ && (spec.flags & (kWrite | kMayReplicate))) {
    return refuse(command, "ERR Write commands are not allowed from read-only scripts.");
  }
  // Once the script wrote, it must be let finish: later writes are not refused.
  if ((spec.flags & kWrite) && !wrote_) {
    if (server_.snapshots().writes_refused()) return refuse(command, errors::kMisconf);
    if (server_.aof().writes_refused()) {
      return refuse(command,
                    "MISCONF Errors writing to the AOF file: " + server_.aof().last_write_error());
    }
    if (server_.needs_replicas_to_write()) return refuse(command, errors::kNoReplicas);
  }
  if (!allow_oom_ && !wrote_ && out_of_memory_at_start_ && (spec.flags & kDenyOom)) {
    return refuse(command, errors::kOutOfMemory);
  }
  if (spec.flags & kWrite) wrote_ = true;
  client_.protocol = protocol;
  server_.run(client_, *command, argv);
  return connection_.output().view();
}

int64_t ScriptRunner::elapsed_ms() const { return (clock::monotonic_us() - started_us_) / 1000; }

bool ScriptRunner::keep_running() {
  if (caller_ == nullptr) return true;
  if (!timed_out_) {
    const int64_t elapsed = elapsed_ms();
    if (elapsed < server_.config().busy_reply_threshold) return true;
    spdlog::warn(
        "Slow script detected: still in execution after {} milliseconds. You can try killing "
        "the script using the {} command. Script name is: {}.",
        elapsed, running_function_ != nullptr ? "FUNCTION KILL" : "SCRIPT KILL",
        running_function_ != nullptr ? std::string_view(running_function_->name) : sha_);
    timed_out_ = true;
  }
  server_.serve_while_busy(*caller_);
  if (kill_requested_) spdlog::warn("Lua script killed by user with SCRIPT KILL.");
  return !kill_requested_ && !server_.shutting_down();
}

std::string_view ScriptRunner::busy_error() const {
  return running_function_ != nullptr ? errors::kBusyFunction : errors::kBusyScript;
}

void ScriptRunner::kill(bool from_function_kill, resp::ReplyWriter& out) {
  if (!timed_out_) return out.error("NOTBUSY No scripts in execution right now.");
  if (wrote_) {
    return out.error(
        "UNKILLABLE Sorry the script already executed write commands against the dataset. You "
        "can either wait the script termination or kill the server in a hard way using the "
        "SHUTDOWN NOSAVE command.");
  }
  // SCRIPT KILL stops only scripts, FUNCTION KILL only functions.
  if (from_function_kill != (running_function_ != nullptr)) return out.error(busy_error());
  kill_requested_ = true;
  out.ok();
}

uint32_t ScriptRunner::call_flags(const Command& command,
                                  std::span<const std::string_view> args) const {
  uint32_t flags = command.spec.flags;
  if (!(flags & kPropagatesEffects) || args.size() < 2) return flags;
  uint32_t declared = 0;
  if (command.spec.name.starts_with("fcall")) {
    const scripting::Function* function = functions_.find(args[1]);
    if (function == nullptr) return flags;
    declared = function->flags;
  } else {
    scripting::ScriptDeclaration declaration;
    if (command.spec.name.starts_with("evalsha")) {
      const scripting::Script* script = engine_.find(args[1]);
      if (script == nullptr) return flags;
      declaration = script->declaration;
    } else {
      std::string error;
      if (!parse_script_declaration(args[1], declaration, error)) return flags;
    }
    if (!declaration.has_shebang) return flags;
    declared = declaration.flags;
  }
  flags &= ~(kStale | kDenyOom | kWrite | kMayReplicate);
  if (!(declared & (scripting::kScriptAllowOom | scripting::kScriptNoWrites))) flags |= kDenyOom;
  if (!(declared & scripting::kScriptNoWrites)) flags |= kWrite;
  if (declared & scripting::kScriptAllowStale) flags |= kStale;
  return flags;
}

void ScriptRunner::set_replication(int targets) {
  server_.propagation().set_calls_muted((targets & kReplicateToAof) == 0);
}

bool ScriptRunner::admit(uint32_t flags, bool read_only, resp::ReplyWriter& out) {
  // A script that may write is refused as any command that may grow memory
  // (no-writes implies allow-oom).
  if (!(flags & (scripting::kScriptAllowOom | scripting::kScriptNoWrites)) &&
      out_of_memory_at_start_) {
    out.error(errors::kOutOfMemory);
    return false;
  }
  if (flags & scripting::kScriptNoWrites) return true;
  if (server_.snapshots().writes_refused()) {
    out.error(
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
        "to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts.");
    return false;
  }
  if (server_.aof().writes_refused()) {
    out.error("MISCONF Errors writing to the AOF file: " + server_.aof().last_write_error());
    return false;
  }
  if (server_.needs_replicas_to_write()) {
    out.error(errors::kNoReplicas);
    return false;
  }
  if (read_only) {
    out.error("ERR Can not execute a script with write flag using *_ro command.");
    return false;
  }
  return true;
}

template <typename RunBody>
void ScriptRunner::run_declared(Client& caller, bool declared, uint32_t declared_flags,
                                std::span<const std::string_view> keys, bool read_only,
                                resp::ReplyWriter& out, RunBody run_body) {
  out_of_memory_at_start_ = server_.config().maxmemory != 0 && !server_.loading() &&
                            server_.eviction().make_room() == Eviction::Outcome::kOutOfMemory;
  if (declared && !admit(declared_flags, read_only, out)) return;
  read_only_ = read_only || (declared_flags & scripting::kScriptNoWrites);
  allow_oom_ = (declared_flags & scripting::kScriptAllowOom) != 0;
  wrote_ = false;
  // A SELECT inside the script does not change the caller's database (Redis 7.0).
  client_.db_index = caller.db_index;
  client_.last_interaction_ms = clock::now_ms();
  caller_ = &caller;
  client_.script_caller = &caller;
  declared_keys_ = keys;
  started_us_ = clock::monotonic_us();
  timed_out_ = kill_requested_ = false;
  run_body();
  if (timed_out_) spdlog::warn("Slow script finished after {} milliseconds.", elapsed_ms());
  caller_ = nullptr;
  client_.script_caller = nullptr;
  declared_keys_ = {};
  sha_ = {};
  running_function_ = nullptr;
  running_command_ = {};
  timed_out_ = kill_requested_ = false;
  server_.propagation().set_calls_muted(false);
  connection_.output().clear();
}

void ScriptRunner::run(Client& caller, const scripting::Script& script, std::string_view sha,
                       std::span<const std::string_view> keys,
                       std::span<const std::string_view> args, bool read_only,
                       resp::ReplyWriter& out) {
  run_declared(caller, script.declaration.has_shebang, script.declaration.flags, keys, read_only,
               out, [&] {
                 sha_ = sha;
                 engine_.run(sha, keys, args, *this, out);
               });
}

void ScriptRunner::run(Client& caller, const scripting::Function& function,
                       std::span<const std::string_view> command,
                       std::span<const std::string_view> keys,
                       std::span<const std::string_view> args, bool read_only,
                       resp::ReplyWriter& out) {
  // A function is always held to its flags, as a script with a shebang.
  run_declared(caller, true, function.flags, keys, read_only, out, [&] {
    running_function_ = &function;
    running_command_ = command;
    functions_.call(function, keys, args, *this, out);
  });
}

}  // namespace fkvs
