#pragma once

#include <string_view>

#include "store/value.h"

namespace fkvs {

// A string Value holding bytes, as SET would store it.
inline Value string_value(std::string_view bytes) {
  Value value;
  value.set_string(bytes);
  return value;
}

}  // namespace fkvs
