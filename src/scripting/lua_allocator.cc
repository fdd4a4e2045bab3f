#include "scripting/lua_allocator.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <lua.hpp>

namespace fkvs::scripting {
namespace {

struct LuaHeap {
  size_t used = 0;
  size_t limit = 0;
  bool limited = false;
  bool limit_reached = false;
  // The next allocation fails, whatever its size (raise_memory_error).
  bool fail_next = false;
};

// Lua 5.1's lua_Alloc: new_size 0 frees; a null ptr comes with old_size 0.
void* allocate_lua_memory(void* heap_ptr, void* ptr, size_t old_size, size_t new_size) {
  auto* heap = static_cast<LuaHeap*>(heap_ptr);
  if (new_size == 0) {
    std::free(ptr);
    heap->used -= old_size;
    return nullptr;
  }
  if (new_size > old_size) {
    const bool over_limit = heap->limited && heap->used - old_size + new_size > heap->limit;
    if (over_limit || heap->fail_next) {
      heap->limit_reached = heap->limit_reached || over_limit;
      heap->fail_next = false;
      return nullptr;
    }
  }
  void* block = std::realloc(ptr, new_size);
  if (block == nullptr) {
    // Lua counts on a shrinking block never failing: the old one still serves.
    return new_size < old_size ? ptr : nullptr;
  }
  heap->used = heap->used - old_size + new_size;
  return block;
}

LuaHeap& heap_of(lua_State* L) {
  void* heap = nullptr;
  lua_getallocf(L, &heap);
  return *static_cast<LuaHeap*>(heap);
}

// An error outside any protected call: Lua ends the process when this returns.
int report_lua_panic(lua_State* L) {
  const char* message = lua_tostring(L, -1);
  spdlog::critical("Lua: unprotected error in call to Lua API ({})",
                   message != nullptr ? message : "not a string");
  return 0;
}

}  // namespace

lua_State* new_lua_state(size_t memory_limit) {
  auto* heap = new LuaHeap{.limit = memory_limit};
  lua_State* L = lua_newstate(allocate_lua_memory, heap);
  if (L == nullptr) {
    delete heap;
    return nullptr;
  }
  lua_atpanic(L, report_lua_panic);
  return L;
}

void close_lua_state(lua_State* L) {
  LuaHeap* heap = &heap_of(L);
  lua_close(L);
  delete heap;
}

int pcall_within_memory_limit(lua_State* L, int nargs, int nresults, int error_handler) {
  LuaHeap& heap = heap_of(L);
  const bool outer_limited = heap.limited;
  heap.limited = true;
  const int status = lua_pcall(L, nargs, nresults, error_handler);
  heap.limited = outer_limited;
  if (!outer_limited && heap.limit_reached) {
    heap.limit_reached = false;
    // A full collection shrinks the string table by half at most: the
    // next ones give back the rest of what the script's strings took.
    size_t before = 0;
    do {
      before = heap.used;
      lua_gc(L, LUA_GCCOLLECT, 0);
    } while (heap.used < before);
  }
  return status;
}

int raise_memory_error(lua_State* L) {
  heap_of(L).fail_next = true;
  lua_newuserdata(L, 1);
  // Not reached: the allocation above failed and raised.
  return 0;
}

}  // namespace fkvs::scripting
