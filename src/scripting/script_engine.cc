#include "scripting/script_engine.h"

#include <algorithm>
#include <lua.hpp>

#include "scripting/lua_sandbox.h"
#include "util/sha1.h"

namespace fkvs::scripting {
namespace {

std::string registry_name_of(std::string_view sha) { return "f_" + std::string(sha); }

}  // namespace

void ScriptEngine::flush() {
  interpreter_.reset();
  scripts_.clear();
  cached_bytes_ = 0;
}

const Script* ScriptEngine::find(std::string_view sha) const {
  if (sha.size() != 40) return nullptr;
  // ASCII only, as a SHA1 in hex is: libc's tolower is a call per character.
  std::string lower(sha);
  std::ranges::transform(lower, lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  });
  auto found = scripts_.find(lower);
  return found == scripts_.end() ? nullptr : &found->second;
}

const Script* ScriptEngine::load(std::string_view body, std::string& sha, std::string& error) {
  sha = Sha1::hex(Sha1::of(body));
  if (auto found = scripts_.find(sha); found != scripts_.end()) return &found->second;
  Script script{std::string(body), {}};
  if (!parse_script_declaration(body, script.declaration, error)) {
    error = "ERR " + error;
    return nullptr;
  }
  lua_State* L = interpreter_.state();
  const size_t skipped = script.declaration.shebang_length;
  if (luaL_loadbuffer(L, body.data() + skipped, body.size() - skipped, "@user_script") != 0) {
    error = "ERR Error compiling script (new function): ";
    if (const char* message = lua_tostring(L, -1)) error += message;
    lua_pop(L, 1);
    return nullptr;
  }
  lua_setfield(L, LUA_REGISTRYINDEX, registry_name_of(sha).c_str());
  cached_bytes_ += sizeof(Script) + sha.size() + body.size();
  return &scripts_.emplace(sha, std::move(script)).first->second;
}

void ScriptEngine::run(std::string_view sha, std::span<const std::string_view> keys,
                       std::span<const std::string_view> args, ScriptHost& host,
                       resp::ReplyWriter& out) {
  lua_State* L = interpreter_.state();
  lua_settop(L, 0);
  lua_getfield(L, LUA_REGISTRYINDEX, registry_name_of(sha).c_str());
  push_string_array(L, keys);
  set_protected_global(L, "KEYS");
  push_string_array(L, args);
  set_protected_global(L, "ARGV");
  interpreter_.call(0, sha, host, out);
}

}  // namespace fkvs::scripting
