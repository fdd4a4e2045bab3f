#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "store/list_value.h"

// The pops and moves the list commands share with their blocking forms
// (BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH): each works on a list already
// found non-empty and writes the reply the command sends.
namespace fkvs {

using ListRef = CollectionRef<ListValue>;

enum class ListEnd : uint8_t { kLeft, kRight };

// LEFT or RIGHT, in any case; nullopt for anything else.
std::optional<ListEnd> parse_list_end(std::string_view arg);

// The keyspace events of a push and a pop at end ("lpush", "rpop", ...).
constexpr std::string_view push_event(ListEnd end) {
  return end == ListEnd::kLeft ? "lpush" : "rpush";
}
constexpr std::string_view pop_event(ListEnd end) {
  return end == ListEnd::kLeft ? "lpop" : "rpop";
}

// LMPOP's and BLMPOP's arguments from numkeys on: numkeys key [key ...]
// LEFT|RIGHT [COUNT count].
struct MpopArgs {
  size_t first_key;  // argument index of the first key
  size_t key_count;
  ListEnd end;
  uint64_t count;
};

// Parses them with numkeys at argument numkeys_index, or replies Redis's
// error and returns nullopt.
std::optional<MpopArgs> parse_mpop_args(CommandContext& ctx, size_t numkeys_index);

// Pops from the first of the keys holding a list and replies [key, items]:
// true when it did, false when every key was missing (nothing replied),
// nullopt after a WRONGTYPE reply for a key of another type met first.
std::optional<bool> try_mpop_and_reply(CommandContext& ctx, const MpopArgs& args);

// Replies one list item as a bulk string.
void reply_list_item(CommandContext& ctx, const QuickList::Item& item);

// Pops one item from end and replies it as a bulk string; deletes the key
// once the list is empty.
void pop_one_and_reply(CommandContext& ctx, ListRef& list, ListEnd end);

// Pops up to count items from end and replies them as an array (LPOP key
// count); deletes the key once the list is empty.
void pop_many_and_reply(CommandContext& ctx, ListRef& list, ListEnd end, uint64_t count);

// LMPOP's reply: [key, [items]] with up to count items popped from end.
void mpop_and_reply(CommandContext& ctx, std::string_view key, ListRef& list, ListEnd end,
                    uint64_t count);

// LMOVE's work once its source is found non-empty: checks that destination
// holds a list or nothing (replying WRONGTYPE, and moving nothing, if not),
// then pops from the source's from end, pushes onto destination's to end
// (creating it) and replies the item. Source and destination may be the
// same key (a rotation). Returns false after a WRONGTYPE reply.
bool move_and_reply(CommandContext& ctx, ListRef& source, std::string_view destination,
                    ListEnd from, ListEnd to);

}  // namespace fkvs
