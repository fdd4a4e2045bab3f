#include "commands/sort_pattern.h"

namespace fkvs {

SortPattern::SortPattern(std::string_view pattern) {
  const std::string_view searched = pattern.substr(0, pattern.find('\0'));
  is_element_ = searched == "#";
  const size_t star = searched.find('*');
  if (star == std::string_view::npos) return;
  star_ = star;
  size_t key_end = pattern.size();
  const size_t arrow = searched.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < searched.size()) {
    field_ = pattern.substr(arrow + 2);
    key_end = arrow;
  }
  prefix_ = pattern.substr(0, star);
  suffix_ = pattern.substr(star + 1, key_end - star - 1);
}

void SortPattern::key_for(std::string_view element, std::string& out) const {
  out.clear();
  out.reserve(prefix_.size() + element.size() + suffix_.size());
  out.append(prefix_).append(element).append(suffix_);
}

}  // namespace fkvs
