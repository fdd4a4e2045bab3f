#include "scripting/script_kill.h"

#include <lua.hpp>

namespace fkvs::scripting {
namespace {

enum class CoroutineStatus { kRunning, kSuspended, kNormal, kDead };

constexpr const char* kStatusNames[] = {"running", "suspended", "normal", "dead"};

CoroutineStatus status_of(lua_State* L, lua_State* coroutine) {
  if (coroutine == L) return CoroutineStatus::kRunning;
  if (lua_status(coroutine) == LUA_YIELD) return CoroutineStatus::kSuspended;
  if (lua_status(coroutine) != 0) return CoroutineStatus::kDead;
  lua_Debug frame;
  // Frames on its stack: it resumed another coroutine and waits for it.
  if (lua_getstack(coroutine, 0, &frame) > 0) return CoroutineStatus::kNormal;
  // Not started yet (its function waits on its stack), or returned.
  return lua_gettop(coroutine) > 0 ? CoroutineStatus::kSuspended : CoroutineStatus::kDead;
}

// Resumes coroutine with the top argc values of L. Returns how many values
// it yielded or returned (now on L), or -1 with its error on top of L.
// Once the coroutine was killed, L is killed too.
int resume_coroutine(lua_State* L, lua_State* coroutine, int argc) {
  const CoroutineStatus status = status_of(L, coroutine);
  if (!lua_checkstack(coroutine, argc)) return luaL_error(L, "too many arguments to resume");
  if (status != CoroutineStatus::kSuspended) {
    lua_pushfstring(L, "cannot resume %s coroutine", kStatusNames[static_cast<int>(status)]);
    return -1;
  }
  lua_xmove(L, coroutine, argc);
  // The coroutine's C calls count on from L's (the "C stack overflow" limit).
  lua_setlevel(L, coroutine);
  const int outcome = lua_resume(coroutine, argc);
  if (outcome != 0 && outcome != LUA_YIELD) {
    lua_xmove(coroutine, L, 1);
    if (is_killed(coroutine)) {
      lua_sethook(L, lua_gethook(coroutine), lua_gethookmask(coroutine),
                  lua_gethookcount(coroutine));
    }
    return -1;
  }
  const int results = lua_gettop(coroutine);
  if (!lua_checkstack(L, results + 1)) return luaL_error(L, "too many results to resume");
  lua_xmove(coroutine, L, results);
  return results;
}

// coroutine.resume(co, ...): true and the values, or false and the error;
// a killed coroutine's error is raised instead.
int killable_resume(lua_State* L) {
  lua_State* coroutine = lua_tothread(L, 1);
  luaL_argcheck(L, coroutine != nullptr, 1, "coroutine expected");
  const int results = resume_coroutine(L, coroutine, lua_gettop(L) - 1);
  if (results < 0) {
    if (is_killed(L)) return lua_error(L);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, -(results + 1));
  return results + 1;
}

// The function coroutine.wrap returns (its coroutine is upvalue 1): an
// error is raised in the caller, a message with the caller's position.
int call_wrapped_coroutine(lua_State* L) {
  lua_State* coroutine = lua_tothread(L, lua_upvalueindex(1));
  const int results = resume_coroutine(L, coroutine, lua_gettop(L));
  if (results >= 0) return results;
  if (lua_isstring(L, -1)) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

int killable_wrap(lua_State* L) {
  luaL_argcheck(L, lua_isfunction(L, 1) && !lua_iscfunction(L, 1), 1, "Lua function expected");
  lua_State* coroutine = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, coroutine, 1);
  lua_pushcclosure(L, call_wrapped_coroutine, 1);
  return 1;
}

// The handler xpcall runs (the script's is upvalue 1): the script's,
// unless the thread was killed.
int handler_unless_killed(lua_State* L) {
  if (is_killed(L)) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// xpcall(f, handler): true and f's results, or false and what handler made
// of the error.
int killable_xpcall(lua_State* L) {
  luaL_checkany(L, 2);
  lua_settop(L, 2);
  lua_pushcclosure(L, handler_unless_killed, 1);
  lua_insert(L, 1);
  const int status = lua_pcall(L, 0, LUA_MULTRET, 1);
  lua_pushboolean(L, status == 0);
  lua_replace(L, 1);
  return lua_gettop(L);
}

}  // namespace

void mark_killed(lua_State* L, void (*hook)(lua_State*, lua_Debug*)) {
  lua_sethook(L, hook, LUA_MASKLINE, 0);
}

// Only a killed thread's hook runs on every line.
bool is_killed(lua_State* L) { return (lua_gethookmask(L) & LUA_MASKLINE) != 0; }

void open_killable_calls(lua_State* L) {
  lua_pushcfunction(L, killable_xpcall);
  lua_setglobal(L, "xpcall");
  lua_getglobal(L, "coroutine");
  lua_pushcfunction(L, killable_resume);
  lua_setfield(L, -2, "resume");
  lua_pushcfunction(L, killable_wrap);
  lua_setfield(L, -2, "wrap");
  lua_pop(L, 1);
}

}  // namespace fkvs::scripting
