#include "scripting/lua_conversions.h"

#include <charconv>
#include <cstdlib>
#include <lua.hpp>
#include <string>

namespace fkvs::scripting {
namespace {

// One line of a reply, up to its CRLF: the text after the type byte and
// where the next element starts (npos when the line is cut short).
struct ReplyLine {
  std::string_view text;
  size_t next = std::string_view::npos;
};

ReplyLine read_reply_line(std::string_view reply) {
  const size_t end = reply.find("\r\n");
  if (end == std::string_view::npos) return {};
  return {reply.substr(1, end - 1), end + 2};
}

int64_t parse_reply_length(std::string_view digits) {
  int64_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

void set_field(lua_State* L, const char* field) {
  lua_pushstring(L, field);
  lua_insert(L, -2);
  lua_settable(L, -3);
}

// Pushes {field = <value on top>}.
void wrap_in_one_field_table(lua_State* L, const char* field) {
  lua_newtable(L);
  lua_insert(L, -2);
  set_field(L, field);
}

// Strips CR and LF at both ends, as Redis trims the message of an error table.
std::string_view trim_newlines(std::string_view text) {
  while (!text.empty() && (text.front() == '\r' || text.front() == '\n')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
  return text;
}

size_t push_aggregate(lua_State* L, std::string_view reply, char type, int64_t count) {
  size_t used = reply.find("\r\n") + 2;
  lua_newtable(L);
  if (type == '*') {
    for (int64_t i = 1; i <= count; ++i) {
      lua_pushnumber(L, static_cast<lua_Number>(i));
      const size_t element = push_reply(L, reply.substr(used));
      if (element == 0) {
        lua_pop(L, 2);
        return 0;
      }
      lua_settable(L, -3);
      used += element;
    }
    return used;
  }
  // A map's values, or true for each member of a set.
  const bool is_map = type == '%';
  for (int64_t i = 0; i < count; ++i) {
    const size_t key = push_reply(L, reply.substr(used));
    if (key == 0) {
      lua_pop(L, 1);
      return 0;
    }
    used += key;
    if (is_map) {
      const size_t value = push_reply(L, reply.substr(used));
      if (value == 0) {
        lua_pop(L, 2);
        return 0;
      }
      used += value;
    } else {
      lua_pushboolean(L, 1);
    }
    lua_settable(L, -3);
  }
  wrap_in_one_field_table(L, is_map ? "map" : "set");
  return used;
}

}  // namespace

bool error_table_counted(lua_State* L) {
  lua_pushstring(L, kErrorCountedField);
  lua_rawget(L, -2);
  const bool counted = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  return counted;
}

void push_error_table(lua_State* L, std::string_view text) {
  std::string_view code = "ERR";
  std::string_view message = text;
  if (!text.empty() && text.front() == '-') {
    const size_t space = text.find(' ');
    if (space == std::string_view::npos) {
      message = text.substr(1);
    } else {
      code = text.substr(1, space - 1);
      message = text.substr(space + 1);
    }
  }
  message = trim_newlines(message);
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushlstring(L, code.data(), code.size());
  lua_pushlstring(L, " ", 1);
  lua_pushlstring(L, message.data(), message.size());
  lua_concat(L, 3);
  lua_settable(L, -3);
}

size_t push_reply(lua_State* L, std::string_view reply) {
  if (reply.empty()) return 0;
  lua_checkstack(L, 8);
  const ReplyLine line = read_reply_line(reply);
  if (line.next == std::string_view::npos) return 0;
  switch (reply.front()) {
    case ':':
      lua_pushnumber(L, static_cast<lua_Number>(parse_reply_length(line.text)));
      return line.next;
    case '+':
      lua_pushlstring(L, line.text.data(), line.text.size());
      wrap_in_one_field_table(L, "ok");
      return line.next;
    case '-': {
      std::string error = "-";
      error.append(line.text);
      push_error_table(L, error);
      // The command's error was counted when it was replied.
      lua_pushstring(L, kErrorCountedField);
      lua_pushboolean(L, 1);
      lua_rawset(L, -3);
      return line.next;
    }
    case '_':
      lua_pushnil(L);
      return line.next;
    case '#':
      lua_pushboolean(L, line.text == "t");
      return line.next;
    case ',':
      lua_pushnumber(L, std::strtod(std::string(line.text).c_str(), nullptr));
      wrap_in_one_field_table(L, "double");
      return line.next;
    case '(':
      lua_pushlstring(L, line.text.data(), line.text.size());
      wrap_in_one_field_table(L, "big_number");
      return line.next;
    case '$':
    case '=': {
      const int64_t length = parse_reply_length(line.text);
      if (length < 0) {
        lua_pushboolean(L, 0);
        return line.next;
      }
      const size_t end = line.next + static_cast<size_t>(length) + 2;
      if (reply.size() < end) return 0;
      std::string_view body = reply.substr(line.next, static_cast<size_t>(length));
      if (reply.front() == '$') {
        lua_pushlstring(L, body.data(), body.size());
        return end;
      }
      // "=len\r\nfmt:text": {verbatim_string = {format = fmt, string = text}}
      lua_newtable(L);
      lua_pushstring(L, "format");
      lua_pushlstring(L, body.data(), std::min<size_t>(3, body.size()));
      lua_settable(L, -3);
      lua_pushstring(L, "string");
      body.remove_prefix(std::min<size_t>(4, body.size()));
      lua_pushlstring(L, body.data(), body.size());
      lua_settable(L, -3);
      wrap_in_one_field_table(L, "verbatim_string");
      return end;
    }
    case '*':
    case '~':
    case '%':
    case '>': {
      const int64_t count = parse_reply_length(line.text);
      if (count < 0) {
        lua_pushboolean(L, 0);
        return line.next;
      }
      return push_aggregate(L, reply, reply.front() == '>' ? '*' : reply.front(), count);
    }
    default:
      return 0;
  }
}

namespace {

// The string field `name` of the table on top, or nullptr.
const char* string_field(lua_State* L, const char* name, size_t* length) {
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  const char* value = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, length) : nullptr;
  lua_pop(L, 1);  // the string stays alive: the table holds it
  return value;
}

std::string with_spaces_for_newlines(const char* text, size_t length) {
  std::string mapped(text, length);
  for (char& c : mapped) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return mapped;
}

bool write_special_table(lua_State* L, resp::ReplyWriter& out, bool script_resp3) {
  size_t length = 0;
  if (const char* err = string_field(L, "err", &length)) {
    if (error_table_counted(L)) {
      out.error_counted_elsewhere(std::string_view(err, length));
    } else {
      out.error(std::string_view(err, length));
    }
    return true;
  }
  if (const char* ok = string_field(L, "ok", &length)) {
    out.simple(with_spaces_for_newlines(ok, length));
    return true;
  }
  lua_pushstring(L, "double");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TNUMBER) {
    out.double_number(lua_tonumber(L, -1));
    lua_pop(L, 1);
    return true;
  }
  lua_pop(L, 1);
  if (const char* digits = string_field(L, "big_number", &length)) {
    out.big_number(with_spaces_for_newlines(digits, length));
    return true;
  }
  lua_pushstring(L, "verbatim_string");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TTABLE) {
    size_t format_length = 0;
    const char* format = string_field(L, "format", &format_length);
    const char* text = string_field(L, "string", &length);
    if (format != nullptr && text != nullptr) {
      out.verbatim(std::string_view(text, length), std::string_view(format, format_length));
      lua_pop(L, 1);
      return true;
    }
  }
  lua_pop(L, 1);
  lua_pushstring(L, "map");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TTABLE) {
    const size_t token = out.begin_array();
    size_t pairs = 0;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      lua_pushvalue(L, -2);
      write_lua_value(L, out, script_resp3);  // the key
      write_lua_value(L, out, script_resp3);  // the value
      ++pairs;
    }
    out.end_map(token, pairs);
    lua_pop(L, 1);
    return true;
  }
  lua_pop(L, 1);
  lua_pushstring(L, "set");
  lua_rawget(L, -2);
  if (lua_type(L, -1) == LUA_TTABLE) {
    const size_t token = out.begin_array();
    size_t members = 0;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      write_lua_value(L, out, script_resp3);
      ++members;
    }
    out.end_set(token, members);
    lua_pop(L, 1);
    return true;
  }
  lua_pop(L, 1);
  return false;
}

}  // namespace

void write_lua_value(lua_State* L, resp::ReplyWriter& out, bool script_resp3) {
  // A table that holds itself would recurse until the C stack ends. As
  // Redis: room for 4 more values (a map's key and value on top of its
  // table) at every level, so a reply nests as deep as redis-server's
  // before it ends with this error.
  if (!lua_checkstack(L, 4)) {
    out.error("ERR reached lua stack limit");
    lua_pop(L, 1);
    return;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t length = 0;
      const char* text = lua_tolstring(L, -1, &length);
      out.bulk(std::string_view(text, length));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp3) {
        out.boolean(lua_toboolean(L, -1) != 0);
      } else if (lua_toboolean(L, -1)) {
        out.integer(1);
      } else {
        out.null_bulk();
      }
      break;
    case LUA_TNUMBER:
      out.integer(static_cast<int64_t>(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE: {
      if (write_special_table(L, out, script_resp3)) break;
      const size_t token = out.begin_array();
      size_t count = 0;
      for (int i = 1;; ++i) {
        lua_rawgeti(L, -1, i);
        if (lua_isnil(L, -1)) {
          lua_pop(L, 1);
          break;
        }
        write_lua_value(L, out, script_resp3);
        ++count;
      }
      out.end_array(token, count);
      break;
    }
    default:
      out.null_bulk();
  }
  lua_pop(L, 1);
}

}  // namespace fkvs::scripting
