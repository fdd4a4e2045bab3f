#pragma once

#include <stdexcept>

namespace fkvs::persistence {

// Bytes of a file or payload that do not follow its format. what() says
// why, in words for the log or an error reply; the reader that catches it
// adds where (file, offset).
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace fkvs::persistence
