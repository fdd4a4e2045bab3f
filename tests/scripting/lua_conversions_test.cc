#include "scripting/lua_conversions.h"

#include <doctest/doctest.h>

#include <lua.hpp>
#include <string>
#include <string_view>

#include "byte_buffer.h"

namespace fkvs::scripting {
namespace {

// A reply read into Lua and written back, in the given protocol.
std::string round_trip(std::string_view reply, resp::Protocol protocol, bool script_resp3) {
  lua_State* L = luaL_newstate();
  const size_t used = push_reply(L, reply);
  REQUIRE(used == reply.size());
  resp::ByteBuffer out;
  resp::ReplyWriter writer(out, nullptr, protocol);
  write_lua_value(L, writer, script_resp3);
  CHECK(lua_gettop(L) == 0);
  lua_close(L);
  return std::string(out.view());
}

std::string lua_to_reply(const char* chunk, resp::Protocol protocol = resp::Protocol::kResp2) {
  lua_State* L = luaL_newstate();
  REQUIRE(luaL_loadstring(L, chunk) == 0);
  REQUIRE(lua_pcall(L, 0, 1, 0) == 0);
  resp::ByteBuffer out;
  resp::ReplyWriter writer(out, nullptr, protocol);
  write_lua_value(L, writer, false);
  lua_close(L);
  return std::string(out.view());
}

TEST_CASE("lua conversions: RESP2 replies come back unchanged") {
  for (std::string_view reply :
       {":42\r\n", ":-7\r\n", "$3\r\nabc\r\n", "$0\r\n\r\n", "+OK\r\n", "-ERR bad thing\r\n",
        "-WRONGTYPE Operation\r\n", "*2\r\n:1\r\n$1\r\nx\r\n", "*0\r\n",
        "*2\r\n*1\r\n:1\r\n+QUEUED\r\n"}) {
    CHECK(round_trip(reply, resp::Protocol::kResp2, false) == reply);
  }
}

TEST_CASE("lua conversions: RESP2 nulls become false, which goes back as a null bulk") {
  CHECK(round_trip("$-1\r\n", resp::Protocol::kResp2, false) == "$-1\r\n");
  CHECK(round_trip("*-1\r\n", resp::Protocol::kResp2, false) == "$-1\r\n");
}

TEST_CASE("lua conversions: an error without a code gets ERR") {
  CHECK(round_trip("-oops\r\n", resp::Protocol::kResp2, false) == "-ERR oops\r\n");
}

TEST_CASE("lua conversions: RESP3 types under RESP3 and their RESP2 forms") {
  CHECK(round_trip(",1.5\r\n", resp::Protocol::kResp3, true) == ",1.5\r\n");
  CHECK(round_trip(",1.5\r\n", resp::Protocol::kResp2, true) == "$3\r\n1.5\r\n");
  CHECK(round_trip("#t\r\n", resp::Protocol::kResp3, true) == "#t\r\n");
  CHECK(round_trip("#f\r\n", resp::Protocol::kResp2, true) == ":0\r\n");
  CHECK(round_trip("%1\r\n$1\r\nk\r\n$1\r\nv\r\n", resp::Protocol::kResp3, true) ==
        "%1\r\n$1\r\nk\r\n$1\r\nv\r\n");
  CHECK(round_trip("%1\r\n$1\r\nk\r\n$1\r\nv\r\n", resp::Protocol::kResp2, true) ==
        "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
  CHECK(round_trip("~1\r\n$1\r\nm\r\n", resp::Protocol::kResp3, true) == "~1\r\n$1\r\nm\r\n");
  CHECK(round_trip("(123\r\n", resp::Protocol::kResp3, true) == "(123\r\n");
  CHECK(round_trip("=8\r\ntxt:text\r\n", resp::Protocol::kResp3, true) == "=8\r\ntxt:text\r\n");
  CHECK(round_trip("=8\r\ntxt:text\r\n", resp::Protocol::kResp2, true) == "$4\r\ntext\r\n");
}

TEST_CASE("lua conversions: RESP3 null becomes nil") {
  lua_State* L = luaL_newstate();
  CHECK(push_reply(L, "_\r\n") == 3);
  CHECK(lua_isnil(L, -1));
  lua_close(L);
}

TEST_CASE("lua conversions: a reply cut short pushes nothing") {
  lua_State* L = luaL_newstate();
  for (std::string_view partial : {"", ":1", "$3\r\nab", "*2\r\n:1\r\n", "%1\r\n$1\r\nk\r\n"}) {
    CHECK(push_reply(L, partial) == 0);
    CHECK(lua_gettop(L) == 0);
  }
  lua_close(L);
}

TEST_CASE("lua conversions: Lua values to replies") {
  CHECK(lua_to_reply("return 3.99") == ":3\r\n");
  CHECK(lua_to_reply("return -3.99") == ":-3\r\n");
  CHECK(lua_to_reply("return 'x'") == "$1\r\nx\r\n");
  CHECK(lua_to_reply("return true") == ":1\r\n");
  CHECK(lua_to_reply("return false") == "$-1\r\n");
  CHECK(lua_to_reply("return nil") == "$-1\r\n");
  CHECK(lua_to_reply("return nil", resp::Protocol::kResp3) == "_\r\n");
  CHECK(lua_to_reply("return {1, 2, nil, 4}") == "*2\r\n:1\r\n:2\r\n");
  CHECK(lua_to_reply("return {ok='fine\\r\\nx'}") == "+fine  x\r\n");
  CHECK(lua_to_reply("return {err='MY bad', ok='x'}") == "-MY bad\r\n");
  CHECK(lua_to_reply("return {double=2}", resp::Protocol::kResp3) == ",2\r\n");
}

TEST_CASE("lua conversions: a table holding itself ends in an error, not a crash") {
  const std::string reply = lua_to_reply("local t = {} t[1] = t return t");
  CHECK(reply.find("-ERR reached lua stack limit\r\n") != std::string::npos);
}

TEST_CASE("lua conversions: error tables keep or add the code") {
  lua_State* L = luaL_newstate();
  push_error_table(L, "-WRONGTYPE Operation against a key\r\n");
  lua_getfield(L, -1, "err");
  CHECK(std::string(lua_tostring(L, -1)) == "WRONGTYPE Operation against a key");
  push_error_table(L, "Something failed");
  lua_getfield(L, -1, "err");
  CHECK(std::string(lua_tostring(L, -1)) == "ERR Something failed");
  lua_close(L);
}

}  // namespace
}  // namespace fkvs::scripting
