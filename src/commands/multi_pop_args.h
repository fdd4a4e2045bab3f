#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/command_context.h"

namespace fkvs {

// The shape LMPOP and ZMPOP (and BLMPOP, BZMPOP) share from numkeys on:
// numkeys key [key ...] WHERE [COUNT count], WHERE being one of two words
// (LEFT|RIGHT, MIN|MAX).
struct MultiPopArgs {
  size_t first_key;  // argument index of the first key
  size_t key_count;
  bool second_where;  // WHERE was the second word (RIGHT, MAX)
  uint64_t count;
};

// Parses them with numkeys at argument numkeys_index, or replies Redis's
// error and returns nullopt. Words are compared as C strings, as Redis
// does: "max\0x" is MAX.
std::optional<MultiPopArgs> parse_multi_pop_args(CommandContext& ctx, size_t numkeys_index,
                                                 std::string_view first_where,
                                                 std::string_view second_where);

}  // namespace fkvs
