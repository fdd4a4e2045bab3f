#include "store/shared_pages.h"

#include <cstdlib>

namespace fkvs::shared_pages {

void set_shared_with_child(bool shared) {
  if (shared && !detail::shared_with_child) ++detail::fork_generation;
  detail::shared_with_child = shared;
}

void release(void* block) {
  if (!detail::shared_with_child || block == nullptr) [[likely]] {
    std::free(block);
    return;
  }
  detail::set_aside.push_back(block);
}

bool release_set_aside(size_t max_blocks) {
  std::vector<void*>& blocks = detail::set_aside;
  if (detail::shared_with_child) return !blocks.empty();
  for (size_t freed = 0; freed < max_blocks && !blocks.empty(); ++freed) {
    std::free(blocks.back());
    blocks.pop_back();
  }
  if (blocks.empty()) std::vector<void*>().swap(blocks);
  return !blocks.empty();
}

}  // namespace fkvs::shared_pages
