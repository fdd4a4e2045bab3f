#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include "commands/command_context.h"
#include "store/collection.h"
#include "store/db.h"

namespace fkvs {

// A key looked up by a command on one collection type T (a Collection with
// `static constexpr ValueType kType`): missing, holding another type, or
// holding a T.
template <typename T>
struct CollectionRef {
  Entry* entry = nullptr;
  T* collection = nullptr;
  bool wrong_type = false;

  explicit operator bool() const { return collection != nullptr; }
};

template <typename T>
CollectionRef<T> as_collection(Entry* entry) {
  if (entry == nullptr) return {};
  Value& value = entry->value();
  if (value.type() != T::kType) return {entry, nullptr, true};
  return {entry, static_cast<T*>(value.collection()), false};
}

// For commands that only read: counts a keyspace hit or miss, as Redis's
// lookupKeyRead does.
template <typename T>
CollectionRef<T> find_for_read(CommandContext& ctx, std::string_view key) {
  return as_collection<T>(ctx.db().lookup_read(key));
}

// For commands that write (lookupKeyWrite): no hit or miss counted.
template <typename T>
CollectionRef<T> find_for_write(CommandContext& ctx, std::string_view key) {
  return as_collection<T>(ctx.db().find(key));
}

// Stores a new collection under key (which the caller found missing).
template <typename T>
CollectionRef<T> create_collection(CommandContext& ctx, std::string_view key,
                                   std::unique_ptr<T> collection) {
  T* held = collection.get();
  Value value;
  value.set_collection(std::move(collection));
  Entry* entry = ctx.db().insert(key, std::move(value));
  return {entry, held, false};
}

// Redis never keeps an empty collection: the command that empties one
// deletes its key.
template <typename T>
bool erase_if_empty(CommandContext& ctx, CollectionRef<T>& ref) {
  if (ref.collection == nullptr || ref.collection->size() != 0) return false;
  ctx.notify(keyspace_events::kGeneric, "del", ref.entry->key());
  ctx.db().erase(ref.entry);
  ref = {};
  return true;
}

}  // namespace fkvs
