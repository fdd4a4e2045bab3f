#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "store/key_table.h"
#include "store/value.h"

namespace fkvs {

// A string Value holding bytes, as SET would store it.
inline Value string_value(std::string_view bytes) {
  Value value;
  value.set_string(bytes);
  return value;
}

// A Value owning collection, as the commands that create one store it.
template <typename T>
Value holding(std::unique_ptr<T> collection) {
  Value value;
  value.set_collection(std::move(collection));
  return value;
}

inline std::string key_name(uint64_t n) { return "key:" + std::to_string(n); }

// A string entry's value as text, whatever its encoding.
inline std::string value_text(const Entry& entry) {
  IntScratch scratch;
  return std::string(entry.value().string_bytes(scratch));
}

}  // namespace fkvs
