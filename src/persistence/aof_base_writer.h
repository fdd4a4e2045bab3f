#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "store/db.h"

namespace fkvs::persistence {

// The base of an AOF as Redis 7.0 writes it with aof-use-rdb-preamble no:
// the dataset as the commands that rebuild it, each a RESP array of bulk
// strings. First each function library is one FUNCTION LOAD. Every database holding keys opens with
// SELECT <n>, in order; then each key is one SET, or RPUSH / SADD / ZADD / HMSET commands of at
// most kAofItemsPerCommand items, or for a stream an XADD per entry, XSETID, and XGROUP CREATE,
// XCLAIM and XGROUP CREATECONSUMER for its groups, followed by PEXPIREAT <unix ms> when it
// has a TTL. Keys whose TTL had passed at now_ms are left out (a key
// expiring exactly at now_ms is still live, as in Redis).

// Items (list elements, set members, sorted-set or hash pairs) per command,
// Redis's AOF_REWRITE_ITEMS_PER_CMD: a collection of millions written as one
// command would need the whole of it in one buffer to load again.
inline constexpr size_t kAofItemsPerCommand = 64;

// Streams the base to fd in chunks of 64 KiB, so a big dataset is never
// built in memory. With incremental_fsync (aof-rewrite-incremental-fsync),
// the file is synced every 4 MiB so the kernel never holds much of it dirty.
// after_each_key, if given, runs after each key is written (rdb-key-save-delay
// slows a rewrite down as it does a save). Returns the bytes written; throws
// std::system_error when a write or sync fails.
uint64_t write_aof_base(int fd, std::span<Db* const> dbs, int64_t now_ms, bool incremental_fsync,
                        const std::function<void()>& after_each_key = {},
                        std::span<const std::string> function_libraries = {});

// The same bytes, gathered in memory.
std::string aof_base_bytes(std::span<Db* const> dbs, int64_t now_ms,
                           std::span<const std::string> function_libraries = {});

}  // namespace fkvs::persistence
