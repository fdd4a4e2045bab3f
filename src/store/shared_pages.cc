#include "store/shared_pages.h"

#include <malloc.h>

#include <cstdlib>

#include "fkvs_build_config.h"
#if FKVS_HAVE_MIMALLOC
#include <mimalloc.h>
#endif

namespace fkvs::shared_pages {
namespace {

#if FKVS_HAVE_MIMALLOC
// While a child lives, the server allocates from a heap of its own. Once a
// dataset has churned, the main heap's free lists point into pages all over
// it, which the child shares: each allocation would copy one. A new heap
// takes fresh pages only. When the child is gone its pages join the main
// heap, blocks still in use and all.
mi_heap_t* heap_while_shared = nullptr;
#endif

void switch_heap(bool shared) {
#if FKVS_HAVE_MIMALLOC
  if (shared) {
    heap_while_shared = mi_heap_new();
    if (heap_while_shared != nullptr) mi_heap_set_default(heap_while_shared);
  } else if (heap_while_shared != nullptr) {
    mi_heap_set_default(mi_heap_get_backing());
    mi_heap_delete(heap_while_shared);
    heap_while_shared = nullptr;
  }
#else
  (void)shared;
#endif
}

}  // namespace

void set_shared_with_child(bool shared) {
  if (shared == detail::shared_with_child) return;
  if (shared) ++detail::fork_generation;
  switch_heap(shared);
  detail::shared_with_child = shared;
}

void release(void* block) {
  if (detail::freeing_in_background || !detail::shared_with_child || block == nullptr) [[likely]] {
    std::free(block);
    return;
  }
  detail::set_aside.push_back(block);
  detail::set_aside_bytes += malloc_usable_size(block);
}

bool release_set_aside(size_t max_blocks) {
  std::vector<void*>& blocks = detail::set_aside;
  if (detail::shared_with_child) return !blocks.empty();
  for (size_t freed = 0; freed < max_blocks && !blocks.empty(); ++freed) {
    detail::set_aside_bytes -= malloc_usable_size(blocks.back());
    std::free(blocks.back());
    blocks.pop_back();
  }
  if (blocks.empty()) std::vector<void*>().swap(blocks);
  return !blocks.empty();
}

}  // namespace fkvs::shared_pages
