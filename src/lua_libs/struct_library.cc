// struct: binary packing for scripts, behaving as the struct library (by
// Roberto Ierusalimschy) that Redis 7.0.15 bundles. Written from that
// library's documented format and redis-server's observable behaviour:
//   >  <       big / little endian (native: little on the machines we run on)
//   !n         align fields to min(size, n); "!" alone is the natural alignment
//   b B h H l L T   signed/unsigned char, short, long, size_t
//   in In      n-byte signed/unsigned integers (default sizeof(int), at most 32)
//   f d        float, double
//   s          zero-terminated string;  cn  n bytes (c0: the whole string when
//              packing, the previous unpacked number's length when unpacking)
//   x          one zero byte / one skipped byte;  spaces are ignored
// A Lua error may longjmp out of any function here, so no C++ object with a
// destructor lives on these stack frames.
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstring>

#include "lua_libs/library_openers.h"

namespace fkvs::lua_libs {
namespace {

constexpr int kStructMaxIntegerSize = 32;
// The alignment "!" means without a number: the strictest of the C types.
constexpr int kStructNaturalAlignment = 8;

struct StructLayout {
  bool little_endian = true;
  int alignment = 1;
};

bool struct_is_power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

// Reads the digits after an option; `fallback` when there are none.
int struct_read_count(lua_State* L, const char** format, int fallback) {
  if (!std::isdigit(static_cast<unsigned char>(**format))) return fallback;
  int count = 0;
  while (std::isdigit(static_cast<unsigned char>(**format))) {
    int digit = **format - '0';
    if (count > INT_MAX / 10 || count * 10 > INT_MAX - digit) {
      luaL_error(L, "integral size overflow");
    }
    count = count * 10 + digit;
    ++*format;
  }
  return count;
}

// The bytes an option takes; 0 for options without data (and for 'c0' and
// 's', whose length depends on the data).
size_t struct_option_size(lua_State* L, char option, const char** format) {
  switch (option) {
    case 'b':
    case 'B':
    case 'x':
      return 1;
    case 'h':
    case 'H':
      return 2;
    case 'l':
    case 'L':
    case 'T':
      return 8;
    case 'f':
      return sizeof(float);
    case 'd':
      return sizeof(double);
    case 'c':
      return static_cast<size_t>(struct_read_count(L, format, 1));
    case 'i':
    case 'I': {
      int size = struct_read_count(L, format, sizeof(int));
      if (size > kStructMaxIntegerSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", size, kStructMaxIntegerSize);
      }
      return static_cast<size_t>(size);
    }
    default:
      return 0;
  }
}

// Padding before a field at `position`. The field's size stands for its
// alignment (capped by "!n"), even when that is not a power of two, which
// gives the library's exact (if odd) results for sizes like 3.
size_t struct_padding(size_t position, const StructLayout& layout, char option, size_t size) {
  if (size <= 1 || option == 'c' || option == 's') return 0;
  size_t align = size;
  if (align > static_cast<size_t>(layout.alignment)) align = layout.alignment;
  return (align - (position & (align - 1))) & (align - 1);
}

// Spaces, endianness and alignment; anything else is an invalid option.
void struct_apply_control(lua_State* L, char option, const char** format, StructLayout& layout) {
  switch (option) {
    case ' ':
      return;
    case '>':
      layout.little_endian = false;
      return;
    case '<':
      layout.little_endian = true;
      return;
    case '!': {
      int alignment = struct_read_count(L, format, kStructNaturalAlignment);
      if (!struct_is_power_of_two(alignment)) {
        luaL_error(L, "alignment %d is not a power of 2", alignment);
      }
      layout.alignment = alignment;
      return;
    }
    default:
      luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", option));
  }
}

// How C converts a double to a 64-bit integer on x86-64, out-of-range and NaN
// included, so packing them gives the bytes Redis gives.
uint64_t struct_number_bits(lua_Number n) {
  constexpr double kTwo63 = 9223372036854775808.0;
  auto truncate = [](double value) -> uint64_t {
    if (!(value >= -kTwo63 && value < kTwo63)) return 1ULL << 63;
    return static_cast<uint64_t>(static_cast<int64_t>(value));
  };
  if (n < 0 || !(n >= kTwo63)) return truncate(n);
  return truncate(n - kTwo63) ^ (1ULL << 63);
}

void struct_put_integer(luaL_Buffer* buffer, uint64_t value, bool little_endian, size_t size) {
  char bytes[kStructMaxIntegerSize] = {};
  for (size_t i = 0; i < size && i < 8; ++i) {
    size_t at = little_endian ? i : size - 1 - i;
    bytes[at] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
  luaL_addlstring(buffer, bytes, size);
}

void struct_put_reversible(luaL_Buffer* buffer, const void* native, size_t size,
                           bool little_endian) {
  char bytes[sizeof(double)];
  std::memcpy(bytes, native, size);
  if (!little_endian) {
    for (size_t i = 0; i < size / 2; ++i) {
      char swap = bytes[i];
      bytes[i] = bytes[size - 1 - i];
      bytes[size - 1 - i] = swap;
    }
  }
  luaL_addlstring(buffer, bytes, size);
}

int struct_pack(lua_State* L) {
  const char* format = luaL_checkstring(L, 1);
  StructLayout layout;
  int argument = 2;
  size_t position = 0;
  // A nil between the arguments and the buffer's pieces, as Redis's copy has:
  // a missing argument reads as "got nil" there.
  lua_pushnil(L);
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  while (*format != '\0') {
    char option = *format++;
    size_t size = struct_option_size(L, option, &format);
    for (size_t pad = struct_padding(position, layout, option, size); pad > 0; --pad) {
      luaL_addchar(&buffer, '\0');
      ++position;
    }
    switch (option) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I': {
        lua_Number n = luaL_checknumber(L, argument++);
        struct_put_integer(&buffer, struct_number_bits(n), layout.little_endian, size);
        break;
      }
      case 'x':
        luaL_addchar(&buffer, '\0');
        break;
      case 'f': {
        auto value = static_cast<float>(luaL_checknumber(L, argument++));
        struct_put_reversible(&buffer, &value, sizeof(value), layout.little_endian);
        break;
      }
      case 'd': {
        double value = luaL_checknumber(L, argument++);
        struct_put_reversible(&buffer, &value, sizeof(value), layout.little_endian);
        break;
      }
      case 'c':
      case 's': {
        size_t length;
        const char* text = luaL_checklstring(L, argument++, &length);
        if (option == 's') {
          size = length + 1;
          luaL_addlstring(&buffer, text, length);
          luaL_addchar(&buffer, '\0');
          break;
        }
        if (size == 0) size = length;
        // Redis's copy names the argument after the string.
        luaL_argcheck(L, length >= size, argument, "string too short");
        luaL_addlstring(&buffer, text, size);
        break;
      }
      default:
        struct_apply_control(L, option, &format, layout);
    }
    position += size;
  }
  luaL_pushresult(&buffer);
  return 1;
}

lua_Number struct_get_integer(const unsigned char* bytes, bool little_endian, bool is_signed,
                              size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) {
    value = (value << 8) | bytes[little_endian ? size - 1 - i : i];
  }
  if (!is_signed) return static_cast<lua_Number>(value);
  // The sign bit's position wraps modulo 64 for sizes over 8 bytes, as the
  // shift does on x86-64 in Redis's build.
  uint64_t sign_and_above = ~0ULL << ((size * 8 - 1) & 63);
  if (size == 0) sign_and_above = 0;
  if (value & sign_and_above) value |= sign_and_above;
  return static_cast<lua_Number>(static_cast<int64_t>(value));
}

void struct_get_reversible(void* native, const unsigned char* bytes, size_t size,
                           bool little_endian) {
  unsigned char ordered[sizeof(double)];
  for (size_t i = 0; i < size; ++i) ordered[i] = bytes[little_endian ? i : size - 1 - i];
  std::memcpy(native, ordered, size);
}

int struct_unpack(lua_State* L) {
  const char* format = luaL_checkstring(L, 1);
  size_t length;
  const char* data = luaL_checklstring(L, 2, &length);
  lua_Integer start = luaL_optinteger(L, 3, 1);
  // Only 0 is refused here: a negative start wraps, as an unsigned position
  // does in Redis's copy, and then finds the data too short.
  luaL_argcheck(L, start != 0, 3, "offset must be 1 or greater");
  auto position = static_cast<size_t>(start) - 1;
  StructLayout layout;
  int results = 0;
  while (*format != '\0') {
    char option = *format++;
    size_t size = struct_option_size(L, option, &format);
    position += struct_padding(position, layout, option, size);
    luaL_argcheck(L, size <= length && position <= length - size, 2, "data string too short");
    const auto* bytes = reinterpret_cast<const unsigned char*>(data) + position;
    // Results follow the arguments; Redis's copy checks for two slots, so the
    // same number of results overflows Lua's C stack limit.
    luaL_checkstack(L, 2, "too many results");
    switch (option) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I': {
        bool is_signed = std::islower(static_cast<unsigned char>(option));
        lua_pushnumber(L, struct_get_integer(bytes, layout.little_endian, is_signed, size));
        ++results;
        break;
      }
      case 'x':
        break;
      case 'f': {
        float value;
        struct_get_reversible(&value, bytes, sizeof(value), layout.little_endian);
        lua_pushnumber(L, value);
        ++results;
        break;
      }
      case 'd': {
        double value;
        struct_get_reversible(&value, bytes, sizeof(value), layout.little_endian);
        lua_pushnumber(L, value);
        ++results;
        break;
      }
      case 'c': {
        if (size == 0) {
          // The length is the previous result, which it replaces.
          if (results == 0 || !lua_isnumber(L, -1))
            luaL_error(L, "format 'c0' needs a previous size");
          lua_Number previous = lua_tonumber(L, -1);
          // A negative or huge length cannot fit, as in Redis's unsigned cast.
          size = previous > -1 && previous < 9007199254740992.0 ? static_cast<size_t>(previous)
                                                                : SIZE_MAX;
          lua_pop(L, 1);
          --results;
          luaL_argcheck(L, size <= length && position <= length - size, 2, "data string too short");
        }
        lua_pushlstring(L, reinterpret_cast<const char*>(bytes), size);
        ++results;
        break;
      }
      case 's': {
        const void* end = std::memchr(bytes, '\0', length - position);
        if (end == nullptr) luaL_error(L, "unfinished string in data");
        size = static_cast<size_t>(static_cast<const unsigned char*>(end) - bytes);
        lua_pushlstring(L, reinterpret_cast<const char*>(bytes), size);
        ++results;
        ++size;  // the terminating zero
        break;
      }
      default:
        struct_apply_control(L, option, &format, layout);
    }
    position += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(position) + 1);
  return results + 1;
}

int struct_size(lua_State* L) {
  const char* format = luaL_checkstring(L, 1);
  StructLayout layout;
  size_t position = 0;
  while (*format != '\0') {
    char option = *format++;
    size_t size = struct_option_size(L, option, &format);
    position += struct_padding(position, layout, option, size);
    if (option == 's') {
      luaL_argerror(L, 1, "option 's' has no fixed size");
    } else if (option == 'c' && size == 0) {
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    }
    // Unknown letters count as nothing here; only pack and unpack reject them.
    if (!std::isalnum(static_cast<unsigned char>(option))) {
      struct_apply_control(L, option, &format, layout);
    }
    position += size;
  }
  lua_pushnumber(L, static_cast<lua_Number>(position));
  return 1;
}

}  // namespace

void open_struct(lua_State* L) {
  const luaL_Reg functions[] = {
      {"pack", struct_pack},
      {"unpack", struct_unpack},
      {"size", struct_size},
      {nullptr, nullptr},
  };
  lua_newtable(L);
  luaL_register(L, nullptr, functions);
  lua_setglobal(L, "struct");
}

}  // namespace fkvs::lua_libs
