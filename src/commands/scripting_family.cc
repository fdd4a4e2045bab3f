// Scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. The Lua side
// lives in src/scripting; this is the commands' face of it.
#include <string>
#include <string_view>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "scripting/script_runner.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

constexpr std::string_view kNoScriptError = "NOSCRIPT No matching script. Please use EVAL.";

void eval_command(CommandContext& ctx, bool by_sha, bool read_only) {
  const std::optional<int64_t> numkeys = parse_int64(ctx.arg(2));
  if (!numkeys) return ctx.reply().error(errors::kNotInteger);
  if (*numkeys > static_cast<int64_t>(ctx.argc()) - 3) {
    return ctx.reply().error("ERR Number of keys can't be greater than number of args");
  }
  if (*numkeys < 0) return ctx.reply().error("ERR Number of keys can't be negative");
  ScriptRunner& runner = ctx.server().scripts();
  std::string sha;
  const scripting::Script* script = nullptr;
  if (by_sha) {
    script = runner.engine().find(ctx.arg(1));
    if (script == nullptr) return ctx.reply().error(kNoScriptError);
    sha = to_lower(ctx.arg(1));
  } else {
    std::string error;
    script = runner.engine().load(ctx.arg(1), sha, error);
    if (script == nullptr) return ctx.reply().error(error);
  }
  const auto keys = ctx.args().subspan(3, static_cast<size_t>(*numkeys));
  const auto args = ctx.args().subspan(3 + static_cast<size_t>(*numkeys));
  runner.run(ctx.client(), *script, sha, keys, args, read_only, ctx.reply());
}

void eval(CommandContext& ctx) { eval_command(ctx, false, false); }
void evalsha(CommandContext& ctx) { eval_command(ctx, true, false); }
void eval_ro(CommandContext& ctx) { eval_command(ctx, false, true); }
void evalsha_ro(CommandContext& ctx) { eval_command(ctx, true, true); }

void script_load(CommandContext& ctx) {
  std::string sha;
  std::string error;
  if (ctx.server().scripts().engine().load(ctx.arg(2), sha, error) == nullptr) {
    return ctx.reply().error(error);
  }
  ctx.reply().bulk(sha);
}

void script_exists(CommandContext& ctx) {
  const scripting::ScriptEngine& engine = ctx.server().scripts().engine();
  ctx.reply().array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) ctx.reply().integer(engine.find(ctx.arg(i)) ? 1 : 0);
}

// ASYNC and SYNC both flush at once: the interpreter is replaced, which
// frees its memory in one go.
void script_flush(CommandContext& ctx) {
  if (ctx.argc() > 3 || (ctx.argc() == 3 && !equals_nocase(ctx.arg(2), "sync") &&
                         !equals_nocase(ctx.arg(2), "async"))) {
    return ctx.reply().error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  }
  ctx.server().scripts().engine().flush();
  ctx.reply().ok();
}

// Served while a script runs past busy-reply-threshold (Server::on_input_while_busy).
void script_kill(CommandContext& ctx) { ctx.server().scripts().kill(false, ctx.reply()); }

void script_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

constexpr uint32_t kEvalFlags =
    kNoScript | kStale | kSkipMonitor | kMayReplicate | kNoMandatoryKeys | kPropagatesEffects;
constexpr uint32_t kEvalReadOnlyFlags =
    kReadOnly | kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys | kPropagatesEffects;

constexpr CommandSpec kScriptingCommands[] = {
    {"eval", -3, kEvalFlags, 0, 0, 0, eval, "scripting", "Execute a Lua script server side",
     "2.6.0"},
    {"evalsha", -3, kEvalFlags, 0, 0, 0, evalsha, "scripting", "Execute a Lua script server side",
     "2.6.0"},
    {"eval_ro", -3, kEvalReadOnlyFlags, 0, 0, 0, eval_ro, "scripting",
     "Execute a read-only Lua script server side", "7.0.0"},
    {"evalsha_ro", -3, kEvalReadOnlyFlags, 0, 0, 0, evalsha_ro, "scripting",
     "Execute a read-only Lua script server side", "7.0.0"},
};

constexpr CommandSpec kScriptContainer = {
    "script", -2,          0,
    0,        0,           0,
    nullptr,  "scripting", "A container for Lua scripts management commands",
    "2.6.0"};

constexpr CommandSpec kScriptCommands[] = {
    {"script|exists", -3, kNoScript, 0, 0, 0, script_exists, "scripting",
     "Check existence of scripts in the script cache.", "2.6.0"},
    {"script|flush", -2, kNoScript, 0, 0, 0, script_flush, "scripting",
     "Remove all the scripts from the script cache.", "2.6.0"},
    {"script|help", 2, kLoading | kStale, 0, 0, 0, script_help, "scripting",
     "Show helpful text about the different subcommands", "5.0.0"},
    {"script|kill", 2, kNoScript | kAllowBusy, 0, 0, 0, script_kill, "scripting",
     "Kill the script currently in execution.", "2.6.0"},
    {"script|load", 3, kNoScript | kStale, 0, 0, 0, script_load, "scripting",
     "Load the specified Lua script into the script cache.", "2.6.0"},
};

}  // namespace

void register_scripting_family(CommandTable& table) {
  table.add(kScriptingCommands);
  table.add_container(kScriptContainer, kScriptCommands);
}

}  // namespace fkvs
