#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace fkvs::persistence {

// Redis's own serialized encodings of small collections, byte for byte as
// redis-server writes and reads them in RDB files and DUMP payloads: the
// listpack (7.0), the ziplist (3.2 to 6.2) and the intset. Every reader
// checks every length and offset against the blob and throws FormatError on
// anything malformed; none ever reads outside the blob.

// Builds a Redis listpack: u32 total bytes, u16 entry count (65535 when
// there are more), the entries, 0xFF.
class ListpackBuilder {
 public:
  ListpackBuilder();
  // Appends a string entry; text that is a canonical int64 ("12", "-7", not
  // "012", "+1" or "1.0") becomes an integer entry, as lpAppend does.
  void append(std::string_view bytes);
  void append_integer(int64_t value);
  size_t entries() const { return entries_; }
  // The finished listpack. The builder is empty again afterwards.
  std::string finish();

 private:
  std::string bytes_;
  size_t entries_ = 0;
};

// Calls visit with each entry of a listpack in order; integer entries are
// passed as their decimal text. The header's byte count must equal the
// blob's size, and its entry count (unless 65535) the entries found.
void for_each_listpack_entry(std::string_view blob,
                             const std::function<void(std::string_view)>& visit);

// The same for a ziplist (u32 bytes, u32 tail offset, u16 count, entries
// with their previous-entry lengths, 0xFF).
void for_each_ziplist_entry(std::string_view blob,
                            const std::function<void(std::string_view)>& visit);

// An intset: u32 encoding (2, 4 or 8 bytes per member), u32 length, then the
// members little-endian, strictly ascending. Written in the narrowest width
// that holds every member.
std::string encode_intset(std::span<const int64_t> ascending);
void for_each_intset_member(std::string_view blob, const std::function<void(int64_t)>& visit);

}  // namespace fkvs::persistence
