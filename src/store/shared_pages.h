#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fkvs::shared_pages {

// While a forked child (BGSAVE, an AOF rewrite) shares this process's memory,
// the kernel copies every page either side writes. Redis pays for the pages of
// the small dictEntries it rewrites; fkvs would pay more, its entries holding
// key and value together, and the allocator writing into each block it frees.
// So while a child lives:
//  - a string write moves its key's entry to a new block (Db::writable), on a
//    page the server owns already, rather than writing the shared one;
//  - blocks the keyspace lets go of are set aside, not freed, and go back to
//    the allocator once the child has exited;
//  - with mimalloc, the server allocates from a heap of its own, which takes
//    fresh pages rather than free slots on shared ones.
// Setting a block aside costs no memory while the child lives: the child holds
// the page the block is on either way.

namespace detail {
inline bool shared_with_child = false;
inline uint32_t fork_generation = 0;
inline std::vector<void*> set_aside;
inline size_t set_aside_bytes = 0;
// On the lazy-free thread, blocks are always freed at once: only the serving
// thread keeps the set-aside list, and a child shares what the thread frees
// no more than what it would keep.
inline thread_local bool freeing_in_background = false;
}  // namespace detail

inline bool shared_with_child() { return detail::shared_with_child; }
// Sharing starts a new generation: blocks made in an earlier one may be on
// pages the child holds.
void set_shared_with_child(bool shared);
inline uint32_t fork_generation() { return detail::fork_generation; }

// Frees block (from malloc) now, or once no child shares it.
void release(void* block);

inline bool has_set_aside() { return !detail::set_aside.empty(); }
inline size_t set_aside_count() { return detail::set_aside.size(); }
// What the blocks set aside hold: freed as far as maxmemory is concerned.
inline size_t set_aside_bytes() { return detail::set_aside_bytes; }
// Frees up to max_blocks of the blocks set aside; true while some remain.
// Does nothing while a child still shares them.
bool release_set_aside(size_t max_blocks);

}  // namespace fkvs::shared_pages
