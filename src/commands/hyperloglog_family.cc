// HyperLogLog commands on strings in Redis 7.0's HLL format (see store/hyperloglog.h):
// PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST.
#include <cstdint>
#include <random>
#include <span>
#include <string_view>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "store/hyperloglog.h"
#include "store/hyperloglog_self_test.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// A string value's bytes as an HLL that updates grow and shrink in place.
class ValueHllBuffer final : public hll::Buffer {
 public:
  explicit ValueHllBuffer(Value& value) : value_(value) { resize(value.string_length()); }
  std::span<uint8_t> bytes() override { return bytes_; }
  std::span<uint8_t> resize(size_t length) override {
    bytes_ = {reinterpret_cast<uint8_t*>(value_.resize_raw(length)), length};
    return bytes_;
  }

 private:
  Value& value_;
  std::span<uint8_t> bytes_;
};

std::span<const uint8_t> hll_bytes(const Entry& entry, IntScratch& scratch) {
  const std::string_view bytes = entry.value().string_bytes(scratch);
  return {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
}

// Whether entry holds an HLL; if not, the error is replied.
bool holds_hll(CommandContext& ctx, const Entry& entry) {
  if (!entry.value().is_string()) {
    ctx.reply().error(errors::kWrongType);
    return false;
  }
  IntScratch scratch;
  if (!hll::has_valid_header(entry.value().string_bytes(scratch))) {
    ctx.reply().error(errors::kNotHyperLogLog);
    return false;
  }
  return true;
}

// The entry a write of key's HLL goes to, created as an empty HLL if absent.
Entry* writable_hll(Db& db, std::string_view key, Entry* entry) {
  if (entry != nullptr) return db.writable(entry);
  entry = db.find_or_insert(key).first;
  entry->value().set_text(hll::empty_sparse());
  return entry;
}

// No class of notify-keyspace-events: the change reaches watchers and trackers only.
constexpr uint32_t kNoKeyspaceEvent = 0;

size_t sparse_max_bytes(CommandContext& ctx) { return ctx.server().config().hll_sparse_max_bytes; }

void pfadd(CommandContext& ctx) {
  Db& db = ctx.db();
  const std::string_view key = ctx.arg(1);
  Entry* entry = db.find(key);
  if (entry != nullptr && !holds_hll(ctx, *entry)) return;
  // Creating the key counts as an update, even with no elements.
  uint64_t updates = entry == nullptr ? 1 : 0;
  entry = writable_hll(db, key, entry);
  ValueHllBuffer hll(entry->value());
  const size_t max_bytes = sparse_max_bytes(ctx);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    switch (hll::add(hll, ctx.arg(i), max_bytes)) {
      case hll::Update::kChanged:
        ++updates;
        break;
      case hll::Update::kUnchanged:
        break;
      case hll::Update::kCorrupt:
        return ctx.reply().error(errors::kCorruptHyperLogLog);
    }
  }
  if (updates == 0) return ctx.reply().integer(0);
  hll::invalidate_cached_cardinality(hll.bytes());
  ctx.notify(keyspace_events::kString, "pfadd", key);
  ctx.dirty(updates);
  ctx.reply().integer(1);
}

// PFCOUNT of several keys: the estimate of their union, the keys left as they are.
void pfcount_union(CommandContext& ctx) {
  hll::Registers max{};
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const Entry* entry = ctx.db().lookup_read(ctx.arg(i));
    if (entry == nullptr) continue;
    if (!holds_hll(ctx, *entry)) return;
    IntScratch scratch;
    if (!hll::merge_into(max, hll_bytes(*entry, scratch))) {
      return ctx.reply().error(errors::kCorruptHyperLogLog);
    }
  }
  ctx.reply().integer(static_cast<int64_t>(hll::estimate(max)));
}

// PFCOUNT of one key answers from the cached cardinality, or computes and caches it.
void pfcount(CommandContext& ctx) {
  if (ctx.argc() > 2) return pfcount_union(ctx);
  Db& db = ctx.db();
  const std::string_view key = ctx.arg(1);
  Entry* entry = db.lookup_read(key);
  if (entry == nullptr) return ctx.reply().integer(0);
  if (!holds_hll(ctx, *entry)) return;
  IntScratch scratch;
  const std::span<const uint8_t> bytes = hll_bytes(*entry, scratch);
  if (const std::optional<uint64_t> cached = hll::cached_cardinality(bytes)) {
    return ctx.reply().integer(static_cast<int64_t>(*cached));
  }
  const std::optional<uint64_t> cardinality = hll::estimate(bytes);
  if (!cardinality) return ctx.reply().error(errors::kCorruptHyperLogLog);
  ValueHllBuffer hll(db.writable(entry)->value());
  hll::store_cached_cardinality(hll.bytes(), *cardinality);
  // The value changed, so watchers and replicas hear of it; Redis sends no keyspace event.
  ctx.notify(kNoKeyspaceEvent, {}, key);
  ctx.dirty();
  ctx.reply().integer(static_cast<int64_t>(*cardinality));
}

// PFMERGE dest source...: dest (a source itself) takes the union. It turns dense when a
// source is dense; otherwise the registers go in one by one and it may stay sparse.
void pfmerge(CommandContext& ctx) {
  Db& db = ctx.db();
  hll::Registers max{};
  bool any_dense = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const Entry* entry = db.lookup_read(ctx.arg(i));
    if (entry == nullptr) continue;
    if (!holds_hll(ctx, *entry)) return;
    IntScratch scratch;
    const std::span<const uint8_t> bytes = hll_bytes(*entry, scratch);
    any_dense = any_dense || hll::encoding_of(bytes) == hll::Encoding::kDense;
    if (!hll::merge_into(max, bytes)) return ctx.reply().error(errors::kCorruptHyperLogLog);
  }
  const std::string_view key = ctx.arg(1);
  ValueHllBuffer hll(writable_hll(db, key, db.find(key))->value());
  if (any_dense && !hll::convert_to_dense(hll)) {
    return ctx.reply().error(errors::kCorruptHyperLogLog);
  }
  const size_t max_bytes = sparse_max_bytes(ctx);
  for (uint32_t index = 0; index < hll::kRegisterCount; ++index) {
    if (max[index] != 0) hll::raise_register(hll, index, max[index], max_bytes);
  }
  hll::invalidate_cached_cardinality(hll.bytes());
  // Redis names the event "pfadd": a merge adds many elements at once.
  ctx.notify(keyspace_events::kString, "pfadd", key);
  ctx.dirty();
  ctx.reply().ok();
}

// PFDEBUG's conversion to dense; false after replying the error.
bool pfdebug_to_dense(CommandContext& ctx, ValueHllBuffer& hll) {
  if (!hll::convert_to_dense(hll)) {
    ctx.reply().error(errors::kCorruptHyperLogLog);
    return false;
  }
  ctx.dirty();  // a new encoding propagates, as in Redis
  return true;
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key.
void pfdebug(CommandContext& ctx) {
  const std::string_view subcommand = ctx.arg(1);
  Db& db = ctx.db();
  Entry* entry = db.find(ctx.arg(2));
  if (entry == nullptr) return ctx.reply().error(errors::kPfdebugNoKey);
  if (!holds_hll(ctx, *entry)) return;
  ValueHllBuffer hll(db.writable(entry)->value());
  const bool sparse = hll::encoding_of(hll.bytes()) == hll::Encoding::kSparse;
  if (option_is(subcommand, "getreg")) {
    if (sparse && !pfdebug_to_dense(ctx, hll)) return;
    ctx.reply().array(hll::kRegisterCount);
    for (size_t index = 0; index < hll::kRegisterCount; ++index) {
      ctx.reply().integer(hll::dense_register(hll.bytes(), index));
    }
  } else if (option_is(subcommand, "decode")) {
    if (!sparse) return ctx.reply().error(errors::kPfdebugNotSparse);
    ctx.reply().bulk(hll::describe_sparse(hll.bytes()));
  } else if (option_is(subcommand, "encoding")) {
    ctx.reply().simple(sparse ? "sparse" : "dense");
  } else if (option_is(subcommand, "todense")) {
    if (sparse && !pfdebug_to_dense(ctx, hll)) return;
    ctx.reply().integer(sparse ? 1 : 0);
  } else {
    ctx.reply().error(errors::format(errors::kPfdebugUnknown, {up_to_nul(subcommand)}));
  }
}

void pfselftest(CommandContext& ctx) {
  const std::optional<std::string> failure =
      hll::self_test(sparse_max_bytes(ctx), std::random_device{}());
  if (failure) return ctx.reply().error(*failure);
  ctx.reply().ok();
}

constexpr CommandSpec kHyperLogLogCommands[] = {
    {"pfadd", -2, kWrite | kDenyOom | kFast, 1, 1, 1, pfadd, "hyperloglog",
     "Adds the specified elements to the specified HyperLogLog.", "2.8.9"},
    {"pfcount", -2, kReadOnly | kMayReplicate, 1, -1, 1, pfcount, "hyperloglog",
     "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
     "2.8.9"},
    {"pfmerge", -2, kWrite | kDenyOom, 1, -1, 1, pfmerge, "hyperloglog",
     "Merge N different HyperLogLogs into a single one.", "2.8.9"},
    {"pfdebug", 3, kWrite | kDenyOom | kAdmin, 2, 2, 1, pfdebug, "hyperloglog",
     "Internal commands for debugging HyperLogLog values", "2.8.9"},
    {"pfselftest", 1, kAdmin, 0, 0, 0, pfselftest, "hyperloglog",
     "An internal command for testing HyperLogLog values", "2.8.9"},
};

}  // namespace

void register_hyperloglog_family(CommandTable& table) { table.add(kHyperLogLogCommands); }

}  // namespace fkvs
