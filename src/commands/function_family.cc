// Functions: FUNCTION and FCALL, FCALL_RO. The libraries and their Lua side
// live in src/scripting/function_engine; this is the commands' face of it.
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "persistence/dump_payload.h"
#include "persistence/format_error.h"
#include "scripting/script_flags.h"
#include "scripting/script_runner.h"
#include "util/glob.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

void fcall_command(CommandContext& ctx, bool read_only) {
  ScriptRunner& runner = ctx.server().scripts();
  const scripting::Function* function = runner.functions().find(ctx.arg(1));
  if (function == nullptr) return ctx.reply().error("ERR Function not found");
  const std::optional<int64_t> numkeys = parse_int64(ctx.arg(2));
  if (!numkeys) return ctx.reply().error("ERR Bad number of keys provided");
  if (*numkeys > static_cast<int64_t>(ctx.argc()) - 3) {
    return ctx.reply().error("ERR Number of keys can't be greater than number of args");
  }
  if (*numkeys < 0) return ctx.reply().error("ERR Number of keys can't be negative");
  const auto keys = ctx.args().subspan(3, static_cast<size_t>(*numkeys));
  const auto args = ctx.args().subspan(3 + static_cast<size_t>(*numkeys));
  runner.run(ctx.client(), *function, ctx.args(), keys, args, read_only, ctx.reply());
}

void fcall(CommandContext& ctx) { fcall_command(ctx, false); }
void fcall_ro(CommandContext& ctx) { fcall_command(ctx, true); }

void unknown_function_subcommand(CommandContext& ctx) {
  ctx.reply().error(
      errors::format(errors::kUnknownSubcommandOrArity, {ctx.arg(1).substr(0, 128), "FUNCTION"}));
}

// FUNCTION LOAD [REPLACE] code
void function_load(CommandContext& ctx) {
  bool replace = false;
  for (size_t i = 2; i + 1 < ctx.argc(); ++i) {
    if (!equals_nocase(ctx.arg(i), "replace")) {
      return ctx.reply().error("ERR Unknown option given: " + std::string(ctx.arg(i)));
    }
    replace = true;
  }
  std::string error;
  const std::optional<std::string> name =
      ctx.server().scripts().functions().load(ctx.arg(ctx.argc() - 1), replace, error);
  if (!name) return ctx.reply().error("ERR " + error);
  ctx.server().add_dirty(1);
  ctx.reply().bulk(*name);
}

void function_delete(CommandContext& ctx) {
  if (!ctx.server().scripts().functions().remove(ctx.arg(2))) {
    return ctx.reply().error("ERR Library not found");
  }
  ctx.server().add_dirty(1);
  ctx.reply().ok();
}

// ASYNC and SYNC both flush at once: the interpreter is replaced, which
// frees its memory in one go.
void function_flush(CommandContext& ctx) {
  if (ctx.argc() > 3) return unknown_function_subcommand(ctx);
  if (ctx.argc() == 3 && !equals_nocase(ctx.arg(2), "sync") &&
      !equals_nocase(ctx.arg(2), "async")) {
    return ctx.reply().error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  }
  ctx.server().scripts().functions().flush();
  ctx.server().add_dirty(1);
  ctx.reply().ok();
}

void function_dump(CommandContext& ctx) {
  const std::vector<std::string> codes = ctx.server().scripts().functions().codes();
  const std::vector<std::string_view> views(codes.begin(), codes.end());
  ctx.reply().bulk(
      persistence::make_function_dump_payload(views, ctx.server().config().rdbcompression));
}

// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]
void function_restore(CommandContext& ctx) {
  if (ctx.argc() > 4) return unknown_function_subcommand(ctx);
  scripting::JoinPolicy policy = scripting::JoinPolicy::kAppend;
  if (ctx.argc() == 4) {
    const std::string_view given = ctx.arg(3);
    if (equals_nocase(given, "flush")) {
      policy = scripting::JoinPolicy::kFlush;
    } else if (equals_nocase(given, "replace")) {
      policy = scripting::JoinPolicy::kReplace;
    } else if (!equals_nocase(given, "append")) {
      return ctx.reply().error(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
  }
  const std::string_view payload = ctx.arg(2);
  if (!persistence::dump_trailer_valid(payload)) {
    return ctx.reply().error("ERR DUMP payload version or checksum are wrong");
  }
  std::vector<std::string> codes;
  try {
    codes = persistence::read_function_dump_payload(payload);
  } catch (const persistence::FormatError& error) {
    return ctx.reply().error("ERR " + std::string(error.what()));
  }
  std::string error;
  if (!ctx.server().scripts().functions().load_all(codes, policy, error)) {
    return ctx.reply().error("ERR " + error);
  }
  ctx.server().add_dirty(1);
  ctx.reply().ok();
}

void reply_library(resp::ReplyWriter& reply, const scripting::Library& library, bool with_code) {
  reply.map(with_code ? 4 : 3);
  reply.bulk("library_name");
  reply.bulk(library.name);
  reply.bulk("engine");
  reply.bulk("LUA");
  reply.bulk("functions");
  reply.array(library.functions.size());
  for (const scripting::Function& function : library.functions) {
    reply.map(3);
    reply.bulk("name");
    reply.bulk(function.name);
    reply.bulk("description");
    if (function.description) {
      reply.bulk(*function.description);
    } else {
      reply.null_bulk();
    }
    reply.bulk("flags");
    const std::vector<std::string_view> flags = scripting::script_flag_names(function.flags);
    reply.set(flags.size());
    for (std::string_view flag : flags) reply.simple(flag);
  }
  if (with_code) {
    reply.bulk("library_code");
    reply.bulk(library.code);
  }
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
void function_list(CommandContext& ctx) {
  bool with_code = false;
  std::optional<std::string_view> pattern;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (!with_code && equals_nocase(ctx.arg(i), "withcode")) {
      with_code = true;
      continue;
    }
    if (!pattern && equals_nocase(ctx.arg(i), "libraryname")) {
      if (i + 1 >= ctx.argc()) return ctx.reply().error("ERR library name argument was not given");
      pattern = ctx.arg(++i);
      continue;
    }
    return ctx.reply().error("ERR Unknown argument " + std::string(ctx.arg(i)));
  }
  const size_t token = ctx.reply().begin_array();
  size_t count = 0;
  for (const auto& [name, library] : ctx.server().scripts().functions().libraries()) {
    if (pattern && !glob_match(*pattern, name, true)) continue;
    reply_library(ctx.reply(), library, with_code);
    ++count;
  }
  ctx.reply().end_array(token, count);
}

// Served while a function runs past busy-reply-threshold; refused while a script does.
void function_stats(CommandContext& ctx) {
  ScriptRunner& runner = ctx.server().scripts();
  if (runner.busy() && runner.running_function() == nullptr) {
    return ctx.reply().error(runner.busy_error());
  }
  ctx.reply().map(2);
  ctx.reply().bulk("running_script");
  if (const scripting::Function* function = runner.running_function()) {
    ctx.reply().map(3);
    ctx.reply().bulk("name");
    ctx.reply().bulk(function->name);
    ctx.reply().bulk("command");
    ctx.reply().array(runner.running_command().size());
    for (std::string_view arg : runner.running_command()) ctx.reply().bulk(arg);
    ctx.reply().bulk("duration_ms");
    ctx.reply().integer(runner.running_ms());
  } else {
    ctx.reply().null_bulk();
  }
  const scripting::FunctionEngine& functions = runner.functions();
  ctx.reply().bulk("engines");
  ctx.reply().map(1);
  ctx.reply().bulk("LUA");
  ctx.reply().map(2);
  ctx.reply().bulk("libraries_count");
  ctx.reply().integer(static_cast<int64_t>(functions.libraries().size()));
  ctx.reply().bulk("functions_count");
  ctx.reply().integer(static_cast<int64_t>(functions.function_count()));
}

void function_kill(CommandContext& ctx) { ctx.server().scripts().kill(true, ctx.reply()); }

void function_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME "
      "argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored "
      "using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a "
      "restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
      "abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
      "replace the old",
      "      libraries with the new libraries (notice that even on this option there is a "
      "chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

constexpr uint32_t kFcallFlags =
    kNoScript | kStale | kSkipMonitor | kMayReplicate | kNoMandatoryKeys | kPropagatesEffects;
constexpr uint32_t kFcallReadOnlyFlags =
    kReadOnly | kNoScript | kStale | kSkipMonitor | kNoMandatoryKeys | kPropagatesEffects;

constexpr CommandSpec kFunctionCallCommands[] = {
    {"fcall", -3, kFcallFlags, 0, 0, 0, fcall, "scripting", "Invoke a function", "7.0.0"},
    {"fcall_ro", -3, kFcallReadOnlyFlags, 0, 0, 0, fcall_ro, "scripting",
     "Invoke a read-only function", "7.0.0"},
};

constexpr CommandSpec kFunctionContainer = {
    "function", -2, 0, 0, 0, 0, nullptr, "scripting", "A container for function commands", "7.0.0"};

constexpr CommandSpec kFunctionCommands[] = {
    {"function|delete", 3, kWrite | kNoScript, 0, 0, 0, function_delete, "scripting",
     "Delete a function by name", "7.0.0"},
    {"function|dump", 2, kNoScript, 0, 0, 0, function_dump, "scripting",
     "Dump all functions into a serialized binary payload", "7.0.0"},
    {"function|flush", -2, kWrite | kNoScript, 0, 0, 0, function_flush, "scripting",
     "Deleting all functions", "7.0.0"},
    {"function|help", 2, kLoading | kStale, 0, 0, 0, function_help, "scripting",
     "Show helpful text about the different subcommands", "7.0.0"},
    {"function|kill", 2, kNoScript | kAllowBusy, 0, 0, 0, function_kill, "scripting",
     "Kill the function currently in execution.", "7.0.0"},
    {"function|list", -2, kNoScript, 0, 0, 0, function_list, "scripting",
     "List information about all the functions", "7.0.0"},
    {"function|load", -3, kWrite | kDenyOom | kNoScript, 0, 0, 0, function_load, "scripting",
     "Create a function with the given arguments (name, code, description)", "7.0.0"},
    {"function|restore", -3, kWrite | kDenyOom | kNoScript, 0, 0, 0, function_restore, "scripting",
     "Restore all the functions on the given payload", "7.0.0"},
    {"function|stats", 2, kNoScript | kAllowBusy, 0, 0, 0, function_stats, "scripting",
     "Return information about the function currently running (name, description, duration)",
     "7.0.0"},
};

}  // namespace

void register_function_family(CommandTable& table) {
  table.add(kFunctionCallCommands);
  table.add_container(kFunctionContainer, kFunctionCommands);
}

}  // namespace fkvs
