// MEMORY: what a key, the server and the allocator hold.
#include <malloc.h>

#include <optional>
#include <string>
#include <string_view>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "server/memory_stats.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// MEMORY USAGE key [SAMPLES count]: the bytes the key's entry and value hold,
// as the allocator sized their blocks. fkvs counts every element exactly (the
// collections keep their totals), so SAMPLES is checked and needs no effect.
void memory_usage(CommandContext& ctx) {
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    if (!equals_nocase(ctx.arg(i), "samples") || i + 1 >= ctx.argc()) {
      return ctx.reply().error(errors::kSyntax);
    }
    const std::optional<int64_t> samples = parse_int64(ctx.arg(i + 1));
    if (!samples) return ctx.reply().error(errors::kNotInteger);
    if (*samples < 0) return ctx.reply().error(errors::kSyntax);
  }
  const Entry* entry = ctx.db().peek(ctx.arg(2));
  if (entry == nullptr) return ctx.reply().null_bulk();
  const size_t entry_bytes = malloc_usable_size(const_cast<Entry*>(entry));
  ctx.reply().integer(static_cast<int64_t>(entry_bytes + entry->value().heap_bytes()));
}

// MEMORY STATS: Redis 7.0's fields in its order, a map (names and values in RESP2).
void memory_stats(CommandContext& ctx) {
  const MemoryStats stats = collect_memory_stats(ctx.server());
  resp::ReplyWriter& reply = ctx.reply();
  reply.map(27 + stats.dbs.size());
  auto field = [&](std::string_view name, uint64_t value) {
    reply.bulk(name);
    reply.integer(static_cast<int64_t>(value));
  };
  auto ratio = [&](std::string_view name, float value) {
    reply.bulk(name);
    reply.double_number(value);
  };
  field("peak.allocated", stats.peak_allocated);
  field("total.allocated", stats.total_allocated);
  field("startup.allocated", stats.startup_allocated);
  field("replication.backlog", 0);
  field("clients.slaves", 0);
  field("clients.normal", stats.clients_normal);
  field("cluster.links", 0);
  field("aof.buffer", ctx.server().aof().buffered_bytes());
  field("lua.caches", 0);
  field("functions.caches", 0);
  for (const DbMemoryOverhead& db : stats.dbs) {
    reply.bulk("db." + std::to_string(db.index));
    reply.map(3);
    field("overhead.hashtable.main", db.main_table);
    field("overhead.hashtable.expires", db.expires);
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", stats.overhead_total);
  field("keys.count", stats.keys_count);
  field("keys.bytes-per-key", stats.keys_bytes_per_key);
  field("dataset.bytes", stats.dataset_bytes);
  ratio("dataset.percentage", stats.dataset_percentage);
  ratio("peak.percentage", stats.peak_percentage);
  field("allocator.allocated", stats.allocator_allocated);
  field("allocator.active", stats.allocator_active);
  field("allocator.resident", stats.allocator_resident);
  ratio("allocator-fragmentation.ratio", stats.allocator_fragmentation_ratio());
  field("allocator-fragmentation.bytes", stats.allocator_fragmentation_bytes());
  ratio("allocator-rss.ratio", stats.allocator_rss_ratio());
  field("allocator-rss.bytes", stats.allocator_rss_bytes());
  ratio("rss-overhead.ratio", stats.rss_overhead_ratio());
  field("rss-overhead.bytes", stats.rss_overhead_bytes());
  ratio("fragmentation", stats.fragmentation_ratio());
  field("fragmentation.bytes", stats.fragmentation_bytes());
}

void memory_doctor(CommandContext& ctx) {
  ctx.reply().verbatim(memory_doctor_report(collect_memory_stats(ctx.server())));
}

void memory_malloc_stats(CommandContext& ctx) { ctx.reply().verbatim(allocator_stats_text()); }

void memory_purge(CommandContext& ctx) {
  purge_allocator();
  ctx.reply().ok();
}

void memory_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

constexpr CommandSpec kMemoryContainer = {
    "memory", -2, 0, 0, 0, 0, nullptr, "server", "A container for memory diagnostics commands",
    "4.0.0"};

constexpr CommandSpec kMemoryCommands[] = {
    {"memory|usage", -3, kReadOnly, 2, 2, 1, memory_usage, "server",
     "Estimate the memory usage of a key", "4.0.0"},
    {"memory|stats", 2, 0, 0, 0, 0, memory_stats, "server", "Show memory usage details", "4.0.0"},
    {"memory|doctor", 2, 0, 0, 0, 0, memory_doctor, "server", "Outputs memory problems report",
     "4.0.0"},
    {"memory|malloc-stats", 2, 0, 0, 0, 0, memory_malloc_stats, "server",
     "Show allocator internal stats", "4.0.0"},
    {"memory|purge", 2, 0, 0, 0, 0, memory_purge, "server", "Ask the allocator to release memory",
     "4.0.0"},
    {"memory|help", 2, kLoading | kStale, 0, 0, 0, memory_help, "server",
     "Show helpful text about the different subcommands", "4.0.0"},
};

}  // namespace

void register_memory_family(CommandTable& table) {
  table.add_container(kMemoryContainer, kMemoryCommands);
}

}  // namespace fkvs
