#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reply_writer.h"

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

// One Lua 5.1 interpreter as Redis 7.0 sets it up: the sandboxed
// libraries, cjson, cmsgpack, bit and struct, the redis.* API, Redis's
// error handler and read-only globals. EVAL's scripts share one; the
// functions of FUNCTION LOAD share another.
class LuaInterpreter {
 public:
  LuaInterpreter();
  ~LuaInterpreter();
  LuaInterpreter(const LuaInterpreter&) = delete;
  LuaInterpreter& operator=(const LuaInterpreter&) = delete;

  lua_State* state() const { return lua_; }
  // A fresh interpreter in place of this one (SCRIPT FLUSH, FUNCTION FLUSH).
  void reset();
  // What the interpreter holds, in bytes (INFO's used_memory_vm_*).
  size_t memory_bytes() const;

  // Calls the function below the nargs values on top of the stack, as a
  // script: host serves its redis.call, its result (or its error, which
  // names the script as name) is written to out. The stack is left empty.
  void call(int nargs, std::string_view name, ScriptHost& host, resp::ReplyWriter& out);

  // For the redis.* functions, which run inside call().
  ScriptHost* host() { return host_; }
  bool resp3() const { return resp3_; }
  void set_resp3(bool resp3) { resp3_ = resp3; }
  // Reads redis.call's arguments (the whole Lua stack) into call_args();
  // returns Redis's error message when one is neither string nor number.
  const char* collect_call_arguments(lua_State* L);
  std::span<const std::string_view> call_args() const { return call_args_; }

 private:
  void open();
  void close();

  lua_State* lua_ = nullptr;
  ScriptHost* host_ = nullptr;
  bool resp3_ = false;
  // Calls since the last incremental collection step.
  int calls_since_gc_ = 0;
  std::vector<std::string> call_arg_storage_;
  std::vector<std::string_view> call_args_;
};

// Pushes a Lua array of the strings (KEYS, ARGV, a function's arguments).
void push_string_array(lua_State* L, std::span<const std::string_view> values);

}  // namespace fkvs::scripting
