#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reply_writer.h"
#include "scripting/script_flags.h"

struct lua_State;

namespace fkvs::scripting {

// The server side of a running script: where redis.call sends commands.
class ScriptHost {
 public:
  // Runs argv for the script and returns its reply, in protocol (RESP2 or
  // RESP3, as redis.setresp chose), valid until the next call. Refusals
  // (unknown command, a write in a read-only script) are error replies.
  virtual std::string_view call(std::span<const std::string_view> argv,
                                resp::Protocol protocol) = 0;
  // redis.set_repl: which of the AOF (1) and replicas (2) hear the
  // commands the script runs from now on.
  virtual void set_replication(int targets) = 0;
  // Asked every so often while a script runs (the time limit, serving
  // SCRIPT KILL meanwhile): false ends the script with Redis's
  // "Script killed by user with SCRIPT KILL..." error.
  virtual bool keep_running() = 0;

 protected:
  ~ScriptHost() = default;
};

// A script in the cache: its source and what its shebang declares.
struct Script {
  std::string body;
  ScriptDeclaration declaration;
};

// Lua 5.1 as Redis 7.0 runs scripts: one interpreter for every script,
// the sandboxed libraries, the redis.* API, and the scripts compiled once
// and cached by the SHA1 of their source.
class ScriptEngine {
 public:
  ScriptEngine();
  ~ScriptEngine();
  ScriptEngine(const ScriptEngine&) = delete;
  ScriptEngine& operator=(const ScriptEngine&) = delete;

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
  // What the interpreter holds, in bytes (INFO's used_memory_lua).
  size_t lua_memory_bytes() const;

  // Runs the cached script of that SHA1 (as load or find gave it) with KEYS
  // and ARGV, writing its result (or its error) as the reply to out.
  void run(std::string_view sha, std::span<const std::string_view> keys,
           std::span<const std::string_view> args, ScriptHost& host, resp::ReplyWriter& out);

  // For the redis.* functions, which run inside run().
  ScriptHost* host() { return host_; }
  bool resp3() const { return resp3_; }
  void set_resp3(bool resp3) { resp3_ = resp3; }
  // Reads redis.call's arguments (the whole Lua stack) into call_args();
  // returns Redis's error message when one is neither string nor number.
  const char* collect_call_arguments(lua_State* L);
  std::span<const std::string_view> call_args() const { return call_args_; }

 private:
  void open_interpreter();
  void close_interpreter();

  lua_State* lua_ = nullptr;
  std::unordered_map<std::string, Script> scripts_;
  size_t cached_bytes_ = 0;
  ScriptHost* host_ = nullptr;
  bool resp3_ = false;
  // Scripts run since the last incremental collection step.
  int runs_since_gc_ = 0;
  std::vector<std::string> call_arg_storage_;
  std::vector<std::string_view> call_args_;
};

}  // namespace fkvs::scripting
