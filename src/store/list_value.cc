#include "store/list_value.h"

namespace fkvs {

std::unique_ptr<Collection> ListValue::clone() const {
  return std::unique_ptr<Collection>(new ListValue(list_));
}

}  // namespace fkvs
