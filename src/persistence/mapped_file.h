#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fkvs::persistence {

// A file mapped read-only into memory, so a loader reads a multi-gigabyte
// snapshot without a second copy of it on the heap.
class MappedFile {
 public:
  // Throws std::system_error when the file cannot be opened or mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace fkvs::persistence
