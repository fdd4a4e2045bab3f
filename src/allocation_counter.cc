// Counts the bytes of every live heap block of fkvs-server, so used_memory
// (INFO, and the maxmemory check before each command) is one load instead of
// a walk over mimalloc's pages, which keeps no such total in release builds.
//
// The executable's own malloc family and operator new/delete take precedence
// over mimalloc's and libc's, so every allocation of the process, libc's and
// the C++ runtime's included, passes through here on its way to mimalloc. A
// block counts its usable size, as Redis's used_memory does.
//
// Built into the server only (not the unit tests, which see the page walk).

#include <mimalloc.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <new>

namespace {

// Blocks are freed on other threads than the one that allocated them (the
// fsync thread), so the total is shared; a relaxed add is all it needs.
std::atomic<int64_t> counted_bytes{0};

inline void* counted(void* block) {
  if (block != nullptr) counted_bytes.fetch_add(mi_usable_size(block), std::memory_order_relaxed);
  return block;
}

inline void uncount(void* block) {
  if (block != nullptr) counted_bytes.fetch_sub(mi_usable_size(block), std::memory_order_relaxed);
}

void* allocate_or_throw(size_t size) {
  void* block = counted(mi_malloc(size));
  if (block == nullptr) [[unlikely]] {
    // As the standard's operator new: ask the new-handler, else throw.
    while (block == nullptr) {
      std::new_handler handler = std::get_new_handler();
      if (handler == nullptr) throw std::bad_alloc();
      handler();
      block = counted(mi_malloc(size));
    }
  }
  return block;
}

void* allocate_aligned_or_throw(size_t size, std::align_val_t alignment) {
  void* block = counted(mi_malloc_aligned(size, static_cast<size_t>(alignment)));
  if (block == nullptr) [[unlikely]]
    throw std::bad_alloc();
  return block;
}

}  // namespace

extern "C" {

// What used_memory reads (src/server/info.cc declares it weak).
int64_t fkvs_counted_heap_bytes() { return counted_bytes.load(std::memory_order_relaxed); }

void* malloc(size_t size) { return counted(mi_malloc(size)); }

void* calloc(size_t count, size_t size) { return counted(mi_calloc(count, size)); }

void* realloc(void* block, size_t size) {
  const size_t before = block != nullptr ? mi_usable_size(block) : 0;
  void* moved = mi_realloc(block, size);
  // A failed realloc leaves the block as it was; realloc(p, 0) may free it.
  if (moved == nullptr && size != 0) return nullptr;
  counted_bytes.fetch_add(static_cast<int64_t>(moved != nullptr ? mi_usable_size(moved) : 0) -
                              static_cast<int64_t>(before),
                          std::memory_order_relaxed);
  return moved;
}

void* reallocarray(void* block, size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(block, total);
}

void free(void* block) {
  uncount(block);
  mi_free(block);
}

void cfree(void* block) { free(block); }

void* aligned_alloc(size_t alignment, size_t size) {
  return counted(mi_aligned_alloc(alignment, size));
}

void* memalign(size_t alignment, size_t size) { return counted(mi_memalign(alignment, size)); }

void* valloc(size_t size) { return counted(mi_valloc(size)); }

void* pvalloc(size_t size) { return counted(mi_pvalloc(size)); }

int posix_memalign(void** out, size_t alignment, size_t size) {
  const int result = mi_posix_memalign(out, alignment, size);
  if (result == 0) counted(*out);
  return result;
}

size_t malloc_usable_size(void* block) { return block != nullptr ? mi_usable_size(block) : 0; }

}  // extern "C"

void* operator new(size_t size) { return allocate_or_throw(size); }
void* operator new[](size_t size) { return allocate_or_throw(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return malloc(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return malloc(size); }
void* operator new(size_t size, std::align_val_t alignment) {
  return allocate_aligned_or_throw(size, alignment);
}
void* operator new[](size_t size, std::align_val_t alignment) {
  return allocate_aligned_or_throw(size, alignment);
}
void* operator new(size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted(mi_malloc_aligned(size, static_cast<size_t>(alignment)));
}
void* operator new[](size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted(mi_malloc_aligned(size, static_cast<size_t>(alignment)));
}

void operator delete(void* block) noexcept { free(block); }
void operator delete[](void* block) noexcept { free(block); }
void operator delete(void* block, size_t) noexcept { free(block); }
void operator delete[](void* block, size_t) noexcept { free(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { free(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { free(block); }
void operator delete(void* block, std::align_val_t) noexcept { free(block); }
void operator delete[](void* block, std::align_val_t) noexcept { free(block); }
void operator delete(void* block, size_t, std::align_val_t) noexcept { free(block); }
void operator delete[](void* block, size_t, std::align_val_t) noexcept { free(block); }
void operator delete(void* block, std::align_val_t, const std::nothrow_t&) noexcept { free(block); }
void operator delete[](void* block, std::align_val_t, const std::nothrow_t&) noexcept {
  free(block);
}
