#include "commands/errors.h"

namespace fkvs::errors {

std::string format(std::string_view message, std::initializer_list<std::string_view> values) {
  std::string out;
  auto value = values.begin();
  for (size_t at = message.find("%s"); at != std::string_view::npos && value != values.end();
       at = message.find("%s")) {
    out.append(message.substr(0, at)).append(*value++);
    message.remove_prefix(at + 2);
  }
  return out.append(message);
}

}  // namespace fkvs::errors
