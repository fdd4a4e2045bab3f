#pragma once

#include <memory>
#include <string_view>
#include <utility>

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

}  // namespace fkvs
