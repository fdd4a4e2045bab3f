#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fkvs {

// A pattern of SORT's BY and GET options, read as Redis reads it. "#" stands for the element
// itself. Otherwise the first '*' is replaced by the element to name a key, and a "->field"
// after the '*' (with something after the arrow) names a field of the hash at that key; the
// key is then what comes before the arrow. A pattern without '*' names nothing. Like Redis,
// which reads the pattern as a C string here, nothing after a NUL byte is searched for '#',
// '*' or "->" (though the bytes after it still belong to the key or the field).
class SortPattern {
 public:
  explicit SortPattern(std::string_view pattern);

  bool is_element() const { return is_element_; }
  // Whether the pattern has a '*': BY without one does not sort.
  bool names_keys() const { return star_.has_value(); }
  // The hash field to read, when the pattern has "->field".
  const std::optional<std::string_view>& hash_field() const { return field_; }
  // The key named for element, written into out (names_keys() must be true).
  void key_for(std::string_view element, std::string& out) const;

 private:
  bool is_element_ = false;
  std::optional<size_t> star_;
  std::string_view prefix_;
  std::string_view suffix_;
  std::optional<std::string_view> field_;
};

}  // namespace fkvs
