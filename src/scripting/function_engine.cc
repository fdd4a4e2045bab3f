#include "scripting/function_engine.h"

#include <lua.hpp>
#include <unordered_set>

#include "scripting/library_metadata.h"
#include "scripting/lua_allocator.h"
#include "scripting/lua_conversions.h"
#include "scripting/lua_sandbox.h"
#include "scripting/redis_api.h"
#include "scripting/script_flags.h"
#include "scripting/script_kill.h"
#include "util/clock.h"
#include "util/strings.h"

namespace fkvs::scripting {
namespace {

constexpr const char* kLoadGlobals = "fkvs_library_load_globals";
constexpr const char* kLoadDeadline = "fkvs_library_load_deadline";
// As Redis: a library's code has half a second to register its functions.
constexpr int64_t kLoadTimeoutUs = 500'000;
constexpr int kLoadInstructionsPerCheck = 100000;
constexpr const char* kBadNameError =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one "
    "character long";

// A string argument whole (a name may hold a NUL, which makes it invalid).
std::string string_at(lua_State* L, int index) {
  size_t length = 0;
  const char* text = lua_tolstring(L, index, &length);
  return std::string(text, length);
}

FunctionEngine& function_engine_of(lua_State* L) {
  return *static_cast<FunctionEngine*>(lua_touserdata(L, lua_upvalueindex(1)));
}

int raise_registration_error(lua_State* L, std::string_view message) {
  push_error_table(L, message);
  return lua_error(L);
}

// Reads redis.register_function's arguments into function (the callback
// left on top of the stack); a message when they are wrong.
const char* read_registration(lua_State* L, Function& function) {
  const int argc = lua_gettop(L);
  // Named arguments: slot 2 receives the callback.
  if (argc == 1) lua_pushnil(L);
  if (argc == 2) {
    if (!lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
    if (!lua_isfunction(L, 2)) {
      return "second argument to redis.register_function must be a function";
    }
    function.name = string_at(L, 1);
    lua_settop(L, 2);
    return nullptr;
  }
  if (argc != 1) return "wrong number of arguments to redis.register_function";
  if (!lua_istable(L, 1)) {
    return "calling redis.register_function with a single argument is only applicable to Lua "
           "table (representing named arguments).";
  }
  bool named = false;
  bool has_callback = false;
  lua_pushnil(L);
  while (lua_next(L, 1) != 0) {
    // (A number key is never converted in place: lua_next would lose its way.)
    if (lua_type(L, -2) == LUA_TNUMBER) return "unknown argument given to redis.register_function";
    if (lua_type(L, -2) != LUA_TSTRING) {
      return "named argument key given to redis.register_function is not a string";
    }
    const std::string key = string_at(L, -2);
    if (key == "function_name") {
      if (!lua_isstring(L, -1)) {
        return "function_name argument given to redis.register_function must be a string";
      }
      function.name = string_at(L, -1);
      named = true;
    } else if (key == "description") {
      if (!lua_isstring(L, -1)) {
        return "description argument given to redis.register_function must be a string";
      }
      function.description = string_at(L, -1);
    } else if (key == "callback") {
      if (!lua_isfunction(L, -1)) {
        return "callback argument given to redis.register_function must be a function";
      }
      lua_pushvalue(L, -1);
      lua_replace(L, 2);
      has_callback = true;
    } else if (key == "flags") {
      if (!lua_istable(L, -1)) {
        return "flags argument to redis.register_function must be a table representing function "
               "flags";
      }
      const int flags_table = lua_gettop(L);
      for (int i = 1;; ++i) {
        lua_rawgeti(L, flags_table, i);
        if (lua_isnil(L, -1)) {
          lua_pop(L, 1);
          break;
        }
        const std::optional<ScriptFlag> flag =
            lua_type(L, -1) == LUA_TSTRING ? script_flag_named(string_at(L, -1)) : std::nullopt;
        if (!flag) return "unknown flag given";
        function.flags |= *flag;
        lua_pop(L, 1);
      }
    } else {
      return "unknown argument given to redis.register_function";
    }
    lua_pop(L, 1);
  }
  if (!named) return "redis.register_function must get a function name argument";
  if (!has_callback) return "redis.register_function must get a callback argument";
  lua_settop(L, 2);
  return nullptr;
}

int register_function(lua_State* L) {
  FunctionEngine& engine = function_engine_of(L);
  Library* library = engine.loading();
  if (library == nullptr) {
    return raise_registration_error(
        L, "redis.register_function can only be called on FUNCTION LOAD command");
  }
  Function function;
  if (const char* problem = read_registration(L, function)) {
    return raise_registration_error(L, problem);
  }
  if (!valid_library_name(function.name)) return raise_registration_error(L, kBadNameError);
  // As Redis: names that differ in case only are two functions of the
  // library (FCALL, which ignores case, finds the later one).
  for (const Function& registered : library->functions) {
    if (registered.name == function.name) {
      return raise_registration_error(L, "Function already exists in the library");
    }
  }
  function.callback = luaL_ref(L, LUA_REGISTRYINDEX);
  library->functions.push_back(std::move(function));
  return 0;
}

// Counts the load's time: past the limit, the load fails (and a pcall in
// the code cannot catch it: the hook fires on every line from then on).
void load_deadline_hook(lua_State* L, lua_Debug*) {
  lua_getfield(L, LUA_REGISTRYINDEX, kLoadDeadline);
  const auto deadline = static_cast<int64_t>(lua_tonumber(L, -1));
  lua_pop(L, 1);
  if (clock::monotonic_us() <= deadline) return;
  mark_killed(L, load_deadline_hook);
  push_error_table(L, "FUNCTION LOAD timeout");
  lua_error(L);
}

// The metadata of code, checked as Redis checks it before running the code.
bool read_metadata(std::string_view code, LibraryMetadata& metadata, std::string& error) {
  if (!parse_library_metadata(code, metadata, error)) return false;
  if (!equals_nocase(metadata.engine, "lua")) {
    error = "Engine '" + metadata.engine + "' not found";
    return false;
  }
  if (!valid_library_name(metadata.name)) {
    error = kBadNameError;
    return false;
  }
  return true;
}

}  // namespace

FunctionEngine::FunctionEngine() { prepare_interpreter(); }

// The globals a library's code reads while it loads: only a read-only
// `redis` with register_function, log and the version; anything else is
// Redis's nonexistent-global error.
void FunctionEngine::prepare_interpreter() {
  lua_State* L = interpreter_.state();
  lua_newtable(L);
  lua_pushlightuserdata(L, this);
  lua_pushcclosure(L, register_function, 1);
  lua_setfield(L, -2, "register_function");
  set_log_and_version_fields(L);
  const int library_api = lua_gettop(L);
  set_missing_field_error(L, library_api);
  lua_newtable(L);
  push_readonly_proxy(L, library_api);
  lua_setfield(L, -2, "redis");
  set_missing_field_error(L, lua_gettop(L));
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadGlobals);
  lua_pop(L, 1);
}

std::unique_ptr<Library> FunctionEngine::compile(std::string_view code, std::string& error) {
  LibraryMetadata metadata;
  if (!read_metadata(code, metadata, error)) return nullptr;
  lua_State* L = interpreter_.state();
  lua_settop(L, 0);
  const size_t skipped = metadata.line_length;
  if (luaL_loadbuffer(L, code.data() + skipped, code.size() - skipped, "@user_function") != 0) {
    error = "Error compiling function: ";
    if (const char* message = lua_tostring(L, -1)) error += message;
    lua_settop(L, 0);
    return nullptr;
  }
  auto library = std::make_unique<Library>(Library{metadata.name, std::string(code), {}});
  lua_getfield(L, LUA_REGISTRYINDEX, kLoadGlobals);
  set_globals_source(L);
  lua_pushnumber(L, static_cast<lua_Number>(clock::monotonic_us() + kLoadTimeoutUs));
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadDeadline);
  lua_sethook(L, load_deadline_hook, LUA_MASKCOUNT, kLoadInstructionsPerCheck);
  loading_ = library.get();
  const int status = pcall_within_memory_limit(L, 0, 0, 0);
  loading_ = nullptr;
  lua_sethook(L, nullptr, 0, 0);
  push_real_globals(L);
  set_globals_source(L);
  std::string problem;
  if (status != 0) {
    problem = "Error registering functions: ";
    if (lua_istable(L, -1)) {
      lua_pushstring(L, "err");
      lua_rawget(L, -2);
      if (const char* message = lua_tostring(L, -1)) problem += message;
    } else if (const char* message = lua_tostring(L, -1)) {
      problem += "ERR ";
      problem += message;
    }
  } else if (library->functions.empty()) {
    problem = "No functions registered";
  }
  lua_settop(L, 0);
  if (!problem.empty()) {
    release(*library);
    error = std::move(problem);
    return nullptr;
  }
  return library;
}

void FunctionEngine::release(const Library& library) {
  for (const Function& function : library.functions) {
    luaL_unref(interpreter_.state(), LUA_REGISTRYINDEX, function.callback);
  }
}

std::string FunctionEngine::join_refusal(const std::vector<std::unique_ptr<Library>>& added,
                                         JoinPolicy policy,
                                         std::unordered_set<std::string>& replaced) const {
  std::unordered_set<std::string> added_names;
  for (const auto& library : added) {
    const bool held = libraries_.contains(library->name);
    if (!added_names.insert(library->name).second || (held && policy == JoinPolicy::kAppend)) {
      return "Library " + library->name + " already exists";
    }
    if (held && policy == JoinPolicy::kReplace) replaced.insert(library->name);
  }
  std::unordered_map<std::string, const Library*> added_functions;
  for (const auto& library : added) {
    for (const Function& function : library->functions) {
      const std::string key = to_lower(function.name);
      auto [claimed, first] = added_functions.emplace(key, library.get());
      bool taken = !first && claimed->second != library.get();
      if (!taken && policy != JoinPolicy::kFlush) {
        auto found = functions_.find(key);
        taken = found != functions_.end() && !replaced.contains(found->second.library->name);
      }
      if (taken) return "Function " + function.name + " already exists";
    }
  }
  return {};
}

bool FunctionEngine::join(std::vector<std::unique_ptr<Library>>& added, JoinPolicy policy,
                          std::string& error) {
  std::unordered_set<std::string> replaced;
  if (std::string refusal = join_refusal(added, policy, replaced); !refusal.empty()) {
    for (const auto& library : added) release(*library);
    added.clear();
    error = std::move(refusal);
    return false;
  }
  if (policy == JoinPolicy::kFlush) {
    // Not flush(): the new libraries live in this interpreter.
    for (const auto& [name, library] : libraries_) release(library);
    libraries_.clear();
    functions_.clear();
  }
  for (const std::string& name : replaced) remove(name);
  for (auto& library : added) {
    std::string name = library->name;
    Library& joined = libraries_.emplace(std::move(name), std::move(*library)).first->second;
    for (const Function& function : joined.functions) {
      functions_[to_lower(function.name)] = {&joined, &function};
    }
  }
  added.clear();
  return true;
}

std::optional<std::string> FunctionEngine::load(std::string_view code, bool replace,
                                                std::string& error) {
  LibraryMetadata metadata;
  if (!read_metadata(code, metadata, error)) return std::nullopt;
  if (!replace && libraries_.contains(metadata.name)) {
    error = "Library '" + metadata.name + "' already exists";
    return std::nullopt;
  }
  std::vector<std::unique_ptr<Library>> added;
  added.push_back(compile(code, error));
  if (added.back() == nullptr) return std::nullopt;
  if (!join(added, replace ? JoinPolicy::kReplace : JoinPolicy::kAppend, error)) {
    return std::nullopt;
  }
  return metadata.name;
}

bool FunctionEngine::load_all(std::span<const std::string> codes, JoinPolicy policy,
                              std::string& error) {
  std::vector<std::unique_ptr<Library>> added;
  for (const std::string& code : codes) {
    added.push_back(compile(code, error));
    if (added.back() == nullptr) {
      added.pop_back();
      for (const auto& library : added) release(*library);
      return false;
    }
  }
  return join(added, policy, error);
}

bool FunctionEngine::remove(std::string_view library_name) {
  auto found = libraries_.find(std::string(library_name));
  if (found == libraries_.end()) return false;
  for (const Function& function : found->second.functions) {
    auto entry = functions_.find(to_lower(function.name));
    if (entry != functions_.end() && entry->second.library == &found->second)
      functions_.erase(entry);
  }
  release(found->second);
  libraries_.erase(found);
  return true;
}

void FunctionEngine::flush() {
  libraries_.clear();
  functions_.clear();
  interpreter_.reset();
  prepare_interpreter();
}

const Function* FunctionEngine::find(std::string_view name) const {
  auto found = functions_.find(to_lower(name));
  return found == functions_.end() ? nullptr : found->second.function;
}

void FunctionEngine::call(const Function& function, std::span<const std::string_view> keys,
                          std::span<const std::string_view> args, ScriptHost& host,
                          resp::ReplyWriter& out) {
  lua_State* L = interpreter_.state();
  lua_settop(L, 0);
  lua_rawgeti(L, LUA_REGISTRYINDEX, function.callback);
  push_string_array(L, keys);
  push_string_array(L, args);
  interpreter_.call(2, function.name, host, out);
}

std::vector<std::string> FunctionEngine::codes() const {
  std::vector<std::string> codes;
  for (const auto& [name, library] : libraries_) codes.push_back(library.code);
  return codes;
}

size_t FunctionEngine::cached_bytes() const {
  size_t bytes = 0;
  for (const auto& [name, library] : libraries_) {
    bytes += sizeof(Library) + 2 * name.size() + library.code.size();
    for (const Function& function : library.functions) {
      bytes += sizeof(Function) + 2 * function.name.size() +
               (function.description ? function.description->size() : 0);
    }
  }
  return bytes;
}

}  // namespace fkvs::scripting
