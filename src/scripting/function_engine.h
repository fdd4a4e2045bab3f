#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "reply_writer.h"
#include "scripting/lua_interpreter.h"

namespace fkvs::scripting {

// A function a library registered (redis.register_function).
struct Function {
  std::string name;
  std::optional<std::string> description;
  uint32_t flags = 0;  // ScriptFlag bits
  // The callback, a reference in the interpreter's registry.
  int callback = 0;
};

// What one FUNCTION LOAD made: the library's name, its code and its functions.
struct Library {
  std::string name;
  std::string code;
  std::vector<Function> functions;
};

// How libraries join those already loaded (FUNCTION RESTORE's policies).
enum class JoinPolicy {
  kAppend,   // a library of the same name is an error
  kReplace,  // a library of the same name is replaced
  kFlush,    // every library loaded before goes
};

// The functions of Redis 7.0 (FUNCTION LOAD, FCALL): libraries of Lua code
// that register functions when loaded, all in one interpreter of their own.
// A library's code sees only redis.register_function, redis.log and the
// version while it loads (for at most 500 ms); its functions see what EVAL's
// scripts see, and get their keys and arguments as parameters.
class FunctionEngine {
 public:
  FunctionEngine();

  // FUNCTION LOAD: the library's name, or nullopt with error set to the reply.
  std::optional<std::string> load(std::string_view code, bool replace, std::string& error);
  // Loads every code and joins them as policy says, all or none (FUNCTION
  // RESTORE, an RDB file's functions). False with error set when refused.
  bool load_all(std::span<const std::string> codes, JoinPolicy policy, std::string& error);
  // FUNCTION DELETE: false when there is no such library.
  bool remove(std::string_view library_name);
  // FUNCTION FLUSH: every library goes, with the interpreter.
  void flush();

  // A function by its name (any case), or null.
  const Function* find(std::string_view name) const;
  // Runs the function (as find gave it) with its keys and arguments,
  // writing its result (or its error) as the reply to out.
  void call(const Function& function, std::span<const std::string_view> keys,
            std::span<const std::string_view> args, ScriptHost& host, resp::ReplyWriter& out);

  // By name (case matters for libraries, as in Redis).
  const std::map<std::string, Library>& libraries() const { return libraries_; }
  size_t function_count() const { return functions_.size(); }
  // Every library's code, as FUNCTION LOAD took it (what snapshots keep).
  std::vector<std::string> codes() const;
  // INFO's used_memory_functions and used_memory_vm_functions.
  size_t cached_bytes() const;
  size_t lua_memory_bytes() const { return interpreter_.memory_bytes(); }

  // redis.register_function, while a library loads: null when it is
  // called at any other time.
  Library* loading() { return loading_; }

 private:
  // Runs code's registration; null with error set when it fails.
  std::unique_ptr<Library> compile(std::string_view code, std::string& error);
  // Why added cannot join as policy says (empty when they can); replaced
  // gets the names of the libraries they would replace.
  std::string join_refusal(const std::vector<std::unique_ptr<Library>>& added, JoinPolicy policy,
                           std::unordered_set<std::string>& replaced) const;
  // Joins compiled libraries; on refusal they are released.
  bool join(std::vector<std::unique_ptr<Library>>& added, JoinPolicy policy, std::string& error);
  void release(const Library& library);
  void prepare_interpreter();

  LuaInterpreter interpreter_;
  std::map<std::string, Library> libraries_;
  struct FunctionEntry {
    const Library* library;
    const Function* function;
  };
  // By lower-case name.
  std::unordered_map<std::string, FunctionEntry> functions_;
  Library* loading_ = nullptr;
};

}  // namespace fkvs::scripting
