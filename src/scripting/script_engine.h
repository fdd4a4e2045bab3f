#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "reply_writer.h"
#include "scripting/lua_interpreter.h"
#include "scripting/script_flags.h"

namespace fkvs::scripting {

// A script in the cache: its source and what its shebang declares.
struct Script {
  std::string body;
  ScriptDeclaration declaration;
};

// EVAL's scripts as Redis 7.0 runs them: one interpreter for every
// script, each compiled once and cached by the SHA1 of its source.
class ScriptEngine {
 public:
  // Compiles body into the cache (once) and returns its entry; sha is set
  // to its SHA1 in hex. On failure returns null and sets error to the reply
  // ("ERR Error compiling script (new function): ...").
  const Script* load(std::string_view body, std::string& sha, std::string& error);
  // A cached script by its SHA1 (any case), or null.
  const Script* find(std::string_view sha) const;
  // SCRIPT FLUSH: every script goes, with the interpreter and its globals.
  void flush();
  size_t script_count() const { return scripts_.size(); }
  // What the cache holds besides the interpreter: names, sources, entries.
  size_t cached_bytes() const { return cached_bytes_; }
  // What the interpreter holds, in bytes (INFO's used_memory_vm_eval).
  size_t lua_memory_bytes() const { return interpreter_.memory_bytes(); }

  // Runs the cached script of that SHA1 (as load or find gave it) with KEYS
  // and ARGV, writing its result (or its error) as the reply to out.
  void run(std::string_view sha, std::span<const std::string_view> keys,
           std::span<const std::string_view> args, ScriptHost& host, resp::ReplyWriter& out);

 private:
  LuaInterpreter interpreter_;
  std::unordered_map<std::string, Script> scripts_;
  size_t cached_bytes_ = 0;
};

}  // namespace fkvs::scripting
