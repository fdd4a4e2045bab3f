#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace fkvs {

class Server;

// The text INFO replies with, in Redis 7.0's layout: "# Server\r\nfield:value\r\n...", one
// section after another, separated by an empty line. `sections` are section names in any
// case, plus "default", "all" and "everything"; none means "default". Names INFO does not
// know are skipped, so asking only for those gives an empty text, as in Redis.
std::string build_info(Server& server, std::span<const std::string_view> sections);

// A byte count as INFO's *_human fields print it: "512B", "1.50K", "23.54G" (two decimals,
// powers of 1024, up to P).
std::string bytes_to_human(uint64_t bytes);

// Bytes of live allocations, counted by the allocator itself (used_memory).
uint64_t used_memory();

// used_memory_peak: the largest used_memory seen, after counting used (a used_memory()
// reading). INFO samples it on every call; the server cron does too, so that peaks between
// two INFO calls are seen. One reading serves both figures a reply shows: the lazy-free
// thread may free memory between two.
uint64_t sample_memory_peak(uint64_t used);

}  // namespace fkvs
