// cmsgpack: MessagePack for scripts, behaving as lua-cmsgpack 0.4.0 does in
// Redis 7.0.15. Written from the MessagePack specification and redis-server's
// observable behaviour: the format choices (smallest integer encoding, float32
// when a double survives the round trip, str8 for 32-255 bytes, no bin or ext
// types when decoding), the table-as-array rule, the nesting limit and the
// error strings. A Lua error may longjmp out of any function here, so no
// C++ object with a destructor lives on these stack frames.
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

#include "lua_libs/library_openers.h"

namespace fkvs::lua_libs {
namespace {

// Tables nested deeper than this encode as nil, as Redis's copy does.
constexpr int kMsgpackMaxNesting = 16;
// Lua 5.1 refuses to grow one C function's stack past LUAI_MAXCSTACK slots;
// the checks below use the same slot counts as Redis so the same inputs fail.
constexpr const char* kMsgpackTooManyValues =
    "too many return values at once; use unpack_one or unpack_limit instead.";

// The encoder's output buffer is a userdata kept as pack's upvalue: an error
// mid-encode (a longjmp) leaks nothing, and it takes no stack slot, so the
// stack limits below fall where Redis's fall.
struct MsgpackOutput {
  std::string bytes;
};

// Past this, the buffer is released after each pack rather than kept.
constexpr size_t kMsgpackKeptCapacity = size_t{1} << 20;

int msgpack_output_gc(lua_State* L) {
  static_cast<MsgpackOutput*>(lua_touserdata(L, 1))->~MsgpackOutput();
  return 0;
}

void append_big_endian(std::string& out, uint8_t type, uint64_t value, int width) {
  out.push_back(static_cast<char>(type));
  for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void encode_msgpack_integer(std::string& out, int64_t n) {
  if (n >= 0) {
    auto u = static_cast<uint64_t>(n);
    if (u <= 0x7f) {
      out.push_back(static_cast<char>(u));
    } else if (u <= 0xff) {
      append_big_endian(out, 0xcc, u, 1);
    } else if (u <= 0xffff) {
      append_big_endian(out, 0xcd, u, 2);
    } else if (u <= 0xffffffffULL) {
      append_big_endian(out, 0xce, u, 4);
    } else {
      append_big_endian(out, 0xcf, u, 8);
    }
    return;
  }
  auto bits = static_cast<uint64_t>(n);
  if (n >= -32) {
    out.push_back(static_cast<char>(bits & 0xff));
  } else if (n >= -128) {
    append_big_endian(out, 0xd0, bits, 1);
  } else if (n >= -32768) {
    append_big_endian(out, 0xd1, bits, 2);
  } else if (n >= INT32_MIN) {
    append_big_endian(out, 0xd2, bits, 4);
  } else {
    append_big_endian(out, 0xd3, bits, 8);
  }
}

void encode_msgpack_number(std::string& out, lua_Number n) {
  // Whole numbers in int64 range are integers (-0.0 included, as 0).
  if (n >= -9223372036854775808.0 && n < 9223372036854775808.0) {
    auto whole = static_cast<int64_t>(n);
    if (static_cast<lua_Number>(whole) == n) return encode_msgpack_integer(out, whole);
  }
  auto narrow = static_cast<float>(n);
  if (static_cast<lua_Number>(narrow) == n) {
    uint32_t bits;
    std::memcpy(&bits, &narrow, sizeof(bits));
    return append_big_endian(out, 0xca, bits, 4);
  }
  uint64_t bits;
  std::memcpy(&bits, &n, sizeof(bits));
  append_big_endian(out, 0xcb, bits, 8);
}

void encode_msgpack_string(std::string& out, const char* data, size_t length) {
  if (length < 32) {
    out.push_back(static_cast<char>(0xa0 | length));
  } else if (length <= 0xff) {
    append_big_endian(out, 0xd9, length, 1);
  } else if (length <= 0xffff) {
    append_big_endian(out, 0xda, length, 2);
  } else {
    append_big_endian(out, 0xdb, length, 4);
  }
  out.append(data, length);
}

void encode_msgpack_header(std::string& out, size_t count, uint8_t fix_type, uint8_t type16) {
  if (count <= 15) {
    out.push_back(static_cast<char>(fix_type | count));
  } else if (count <= 0xffff) {
    append_big_endian(out, type16, count, 2);
  } else {
    append_big_endian(out, type16 + 1, count, 4);
  }
}

// A table is an array when every key is a positive whole number and the
// largest equals the count: {1,2,nil,4} is a map. Empty tables are arrays.
bool msgpack_table_is_array(lua_State* L, int table, size_t* length) {
  size_t count = 0;
  lua_Number largest = 0;
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TNUMBER) {
      lua_pop(L, 1);
      return false;
    }
    lua_Number key = lua_tonumber(L, -1);
    if (key <= 0 || key >= 9223372036854775808.0 ||
        static_cast<lua_Number>(static_cast<int64_t>(key)) != key) {
      lua_pop(L, 1);
      return false;
    }
    ++count;
    if (key > largest) largest = key;
  }
  *length = count;
  return largest == static_cast<lua_Number>(count);
}

void encode_msgpack_value(lua_State* L, std::string& out, int level);

void encode_msgpack_table(lua_State* L, std::string& out, int level) {
  int table = lua_gettop(L);
  luaL_checkstack(L, 2, "in function table_is_an_array");
  size_t length = 0;
  if (msgpack_table_is_array(L, table, &length)) {
    encode_msgpack_header(out, length, 0x90, 0xdc);
    for (size_t i = 1; i <= length; ++i) {
      lua_rawgeti(L, table, static_cast<int>(i));
      encode_msgpack_value(L, out, level + 1);
      lua_pop(L, 1);
    }
    return;
  }
  luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
  size_t pairs = 0;
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    lua_pop(L, 1);
    ++pairs;
  }
  encode_msgpack_header(out, pairs, 0x80, 0xde);
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    lua_pushvalue(L, -2);
    encode_msgpack_value(L, out, level + 1);  // the key
    lua_pop(L, 1);
    encode_msgpack_value(L, out, level + 1);  // the value
    lua_pop(L, 1);
  }
}

// Encodes the value on top of the stack, leaving it there.
void encode_msgpack_value(lua_State* L, std::string& out, int level) {
  switch (lua_type(L, -1)) {
    case LUA_TBOOLEAN:
      out.push_back(lua_toboolean(L, -1) ? '\xc3' : '\xc2');
      return;
    case LUA_TNUMBER:
      return encode_msgpack_number(out, lua_tonumber(L, -1));
    case LUA_TSTRING: {
      size_t length;
      const char* data = lua_tolstring(L, -1, &length);
      return encode_msgpack_string(out, data, length);
    }
    case LUA_TTABLE:
      if (level < kMsgpackMaxNesting) return encode_msgpack_table(L, out, level);
      break;
  }
  out.push_back('\xc0');  // nil, and whatever has no MessagePack form
}

int msgpack_pack(lua_State* L) {
  int arguments = lua_gettop(L);
  if (arguments == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  // Redis's copy keeps one encoded piece per argument on the stack.
  if (!lua_checkstack(L, arguments)) {
    return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  }
  auto* output = static_cast<MsgpackOutput*>(lua_touserdata(L, lua_upvalueindex(1)));
  output->bytes.clear();
  bool out_of_memory = false;
  try {
    for (int i = 1; i <= arguments; ++i) {
      lua_pushvalue(L, i);
      encode_msgpack_value(L, output->bytes, 0);
      lua_pop(L, 1);
      lua_pushboolean(L, 1);  // where Redis's copy holds this argument's piece
    }
  } catch (const std::bad_alloc&) {
    out_of_memory = true;
  }
  if (out_of_memory) {
    std::string().swap(output->bytes);
    return luaL_error(L, "not enough memory");
  }
  lua_settop(L, arguments);
  lua_pushlstring(L, output->bytes.data(), output->bytes.size());
  if (output->bytes.capacity() > kMsgpackKeptCapacity) std::string().swap(output->bytes);
  return 1;
}

struct MsgpackInput {
  const uint8_t* next;
  size_t left;
};

[[noreturn]] void msgpack_missing_bytes(lua_State* L) {
  luaL_error(L, "Missing bytes in input.");
  __builtin_unreachable();
}

const uint8_t* take_msgpack_bytes(lua_State* L, MsgpackInput& in, size_t count) {
  if (in.left < count) msgpack_missing_bytes(L);
  const uint8_t* taken = in.next;
  in.next += count;
  in.left -= count;
  return taken;
}

uint64_t take_msgpack_big_endian(lua_State* L, MsgpackInput& in, int width) {
  const uint8_t* bytes = take_msgpack_bytes(L, in, static_cast<size_t>(width));
  uint64_t value = 0;
  for (int i = 0; i < width; ++i) value = (value << 8) | bytes[i];
  return value;
}

void decode_msgpack_value(lua_State* L, MsgpackInput& in);

void decode_msgpack_array(lua_State* L, MsgpackInput& in, uint64_t count) {
  luaL_checkstack(L, 2, "in function mp_decode_to_lua_array");
  lua_newtable(L);
  for (uint64_t i = 1; i <= count; ++i) {
    lua_pushnumber(L, static_cast<lua_Number>(i));
    decode_msgpack_value(L, in);
    lua_settable(L, -3);
  }
}

void decode_msgpack_map(lua_State* L, MsgpackInput& in, uint64_t count) {
  lua_newtable(L);
  for (uint64_t i = 0; i < count; ++i) {
    decode_msgpack_value(L, in);
    decode_msgpack_value(L, in);
    lua_settable(L, -3);  // a nil key raises "table index is nil", as in Redis
  }
}

void push_msgpack_string(lua_State* L, MsgpackInput& in, uint64_t length) {
  const uint8_t* bytes = take_msgpack_bytes(L, in, length);
  lua_pushlstring(L, reinterpret_cast<const char*>(bytes), length);
}

// Decodes one object and pushes it.
void decode_msgpack_value(lua_State* L, MsgpackInput& in) {
  luaL_checkstack(L, 1, kMsgpackTooManyValues);
  uint8_t type = *take_msgpack_bytes(L, in, 1);
  if (type <= 0x7f) return lua_pushnumber(L, type);
  if (type >= 0xe0) return lua_pushnumber(L, static_cast<int8_t>(type));
  if ((type & 0xe0) == 0xa0) return push_msgpack_string(L, in, type & 0x1f);
  if ((type & 0xf0) == 0x90) return decode_msgpack_array(L, in, type & 0x0f);
  if ((type & 0xf0) == 0x80) return decode_msgpack_map(L, in, type & 0x0f);
  switch (type) {
    case 0xc0:
      return lua_pushnil(L);
    case 0xc2:
      return lua_pushboolean(L, 0);
    case 0xc3:
      return lua_pushboolean(L, 1);
    case 0xca: {
      auto bits = static_cast<uint32_t>(take_msgpack_big_endian(L, in, 4));
      float value;
      std::memcpy(&value, &bits, sizeof(value));
      return lua_pushnumber(L, value);
    }
    case 0xcb: {
      uint64_t bits = take_msgpack_big_endian(L, in, 8);
      double value;
      std::memcpy(&value, &bits, sizeof(value));
      return lua_pushnumber(L, value);
    }
    case 0xcc:
      return lua_pushnumber(L, take_msgpack_big_endian(L, in, 1));
    case 0xcd:
      return lua_pushnumber(L, take_msgpack_big_endian(L, in, 2));
    case 0xce:
      return lua_pushnumber(L, take_msgpack_big_endian(L, in, 4));
    // Redis's copy reads uint64 as a signed number: 2^64-1 decodes as -1.
    case 0xcf:
      return lua_pushnumber(L, static_cast<int64_t>(take_msgpack_big_endian(L, in, 8)));
    case 0xd0:
      return lua_pushnumber(L, static_cast<int8_t>(take_msgpack_big_endian(L, in, 1)));
    case 0xd1:
      return lua_pushnumber(L, static_cast<int16_t>(take_msgpack_big_endian(L, in, 2)));
    case 0xd2:
      return lua_pushnumber(L, static_cast<int32_t>(take_msgpack_big_endian(L, in, 4)));
    case 0xd3:
      return lua_pushnumber(L, static_cast<int64_t>(take_msgpack_big_endian(L, in, 8)));
    case 0xd9:
      return push_msgpack_string(L, in, take_msgpack_big_endian(L, in, 1));
    case 0xda:
      return push_msgpack_string(L, in, take_msgpack_big_endian(L, in, 2));
    case 0xdb:
      return push_msgpack_string(L, in, take_msgpack_big_endian(L, in, 4));
    case 0xdc:
      return decode_msgpack_array(L, in, take_msgpack_big_endian(L, in, 2));
    case 0xdd:
      return decode_msgpack_array(L, in, take_msgpack_big_endian(L, in, 4));
    case 0xde:
      return decode_msgpack_map(L, in, take_msgpack_big_endian(L, in, 2));
    case 0xdf:
      return decode_msgpack_map(L, in, take_msgpack_big_endian(L, in, 4));
  }
  luaL_error(L, "Bad data format in input.");
}

// Decodes up to `limit` objects from byte `offset`. Limit and offset 0 mean
// everything, with only the objects as results; otherwise the first result is
// where the next object starts, or -1 when the input is used up (limit 0 with
// an offset decodes nothing, as in Redis).
int msgpack_unpack_objects(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t length;
  const char* data = luaL_checklstring(L, 1, &length);
  if (offset < 0 || limit < 0) {
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(length));
  }
  if (static_cast<size_t>(offset) > length) {
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(length));
  }
  lua_settop(L, 1);  // the input stays anchored; the results follow it
  MsgpackInput in{reinterpret_cast<const uint8_t*>(data) + offset,
                  length - static_cast<size_t>(offset)};
  bool decode_all = limit == 0 && offset == 0;
  lua_Integer decoded = 0;
  while (in.left > 0 && (decode_all || decoded < limit)) {
    decode_msgpack_value(L, in);
    ++decoded;
  }
  if (decode_all) return static_cast<int>(decoded);
  luaL_checkstack(L, 1, "in function mp_unpack_full");
  lua_Integer next = in.left > 0 ? static_cast<lua_Integer>(length - in.left) : -1;
  lua_pushinteger(L, next);
  lua_insert(L, 2);
  return static_cast<int>(decoded) + 1;
}

int msgpack_unpack(lua_State* L) { return msgpack_unpack_objects(L, 0, 0); }

int msgpack_unpack_one(lua_State* L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  return msgpack_unpack_objects(L, 1, offset);
}

int msgpack_unpack_limit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  return msgpack_unpack_objects(L, limit, offset);
}

}  // namespace

void open_cmsgpack(lua_State* L) {
  const luaL_Reg functions[] = {
      {"unpack", msgpack_unpack},
      {"unpack_one", msgpack_unpack_one},
      {"unpack_limit", msgpack_unpack_limit},
      {nullptr, nullptr},
  };
  lua_newtable(L);
  luaL_register(L, nullptr, functions);

  new (lua_newuserdata(L, sizeof(MsgpackOutput))) MsgpackOutput();
  lua_newtable(L);
  lua_pushcfunction(L, msgpack_output_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_pushcclosure(L, msgpack_pack, 1);
  lua_setfield(L, -2, "pack");

  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  lua_setglobal(L, "cmsgpack");
}

}  // namespace fkvs::lua_libs
