// Bitmap commands on strings: SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP.
// Bit 0 is the most significant bit of the first byte, as in Redis.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "util/bitmap.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// A bit offset whose byte fits in a string of proto-max-bulk-len bytes.
std::optional<uint64_t> bit_offset(CommandContext& ctx, std::string_view arg) {
  const std::optional<int64_t> offset = parse_int64(arg);
  const auto max_bytes = static_cast<uint64_t>(ctx.server().config().proto_max_bulk_len);
  if (!offset || *offset < 0 || (static_cast<uint64_t>(*offset) >> 3) >= max_bytes) {
    ctx.reply().error(errors::kBitOffset);
    return std::nullopt;
  }
  return static_cast<uint64_t>(*offset);
}

uint8_t bit_mask(uint64_t offset) { return static_cast<uint8_t>(0x80 >> (offset & 7)); }

// SETBIT key offset 0|1: replies the bit's old value; the string grows,
// zero-filled, to hold the bit.
void setbit(CommandContext& ctx) {
  const std::optional<uint64_t> offset = bit_offset(ctx, ctx.arg(2));
  if (!offset) return;
  const std::optional<int64_t> bit = parse_int64(ctx.arg(3));
  if (!bit || (*bit != 0 && *bit != 1)) return ctx.reply().error(errors::kBitValue);
  Db& db = ctx.db();
  Entry* entry = db.find(ctx.arg(1));
  if (entry != nullptr && !entry->value().is_string()) {
    return ctx.reply().error(errors::kWrongType);
  }
  const uint64_t byte = *offset >> 3;
  IntScratch scratch;
  const size_t length = entry == nullptr ? 0 : entry->value().string_bytes(scratch).size();
  const bool old_bit =
      byte < length &&
      (static_cast<uint8_t>(entry->value().string_bytes(scratch)[byte]) & bit_mask(*offset)) != 0;
  // A new key, a longer string or a flipped bit is a change; anything else is not.
  if (entry != nullptr && byte < length && old_bit == (*bit == 1)) {
    return ctx.reply().integer(old_bit ? 1 : 0);
  }
  entry = entry == nullptr ? db.find_or_insert(ctx.arg(1)).first : db.writable(entry);
  char* bytes = entry->value().resize_raw(std::max<size_t>(length, byte + 1));
  auto& target = reinterpret_cast<uint8_t&>(bytes[byte]);
  target = *bit == 1 ? target | bit_mask(*offset) : target & ~bit_mask(*offset);
  ctx.notify(keyspace_events::kString, "setbit", ctx.arg(1));
  ctx.dirty();
  ctx.reply().integer(old_bit ? 1 : 0);
}

void getbit(CommandContext& ctx) {
  const std::optional<uint64_t> offset = bit_offset(ctx, ctx.arg(2));
  if (!offset) return;
  Entry* entry = ctx.db().lookup_read(ctx.arg(1));
  if (entry == nullptr) return ctx.reply().integer(0);
  if (!entry->value().is_string()) return ctx.reply().error(errors::kWrongType);
  IntScratch scratch;
  const std::string_view bytes = entry->value().string_bytes(scratch);
  const uint64_t byte = *offset >> 3;
  const bool set = byte < bytes.size() && (static_cast<uint8_t>(bytes[byte]) & bit_mask(*offset));
  ctx.reply().integer(set ? 1 : 0);
}

// ---- BITCOUNT and BITPOS ----

// start and end as BITCOUNT and BITPOS take them: inclusive indexes of bytes,
// or of bits after BIT, negative ones counted from the end.
struct BitIndexRange {
  int64_t start = 0;
  int64_t end = -1;
  bool in_bits = false;
};

// Reads start [end [BYTE|BIT]] from args, replying with the error if they are bad.
std::optional<BitIndexRange> parse_bit_index_range(CommandContext& ctx,
                                                   std::span<const std::string_view> args) {
  BitIndexRange range;
  const std::optional<int64_t> start = parse_int64(args[0]);
  if (!start) {
    ctx.reply().error(errors::kNotInteger);
    return std::nullopt;
  }
  range.start = *start;
  if (args.size() < 2) return range;
  const std::optional<int64_t> end = parse_int64(args[1]);
  if (!end) {
    ctx.reply().error(errors::kNotInteger);
    return std::nullopt;
  }
  range.end = *end;
  if (args.size() < 3) return range;
  if (equals_nocase(args[2], "bit")) {
    range.in_bits = true;
  } else if (!equals_nocase(args[2], "byte")) {
    ctx.reply().error(errors::kSyntax);
    return std::nullopt;
  }
  return range;
}

struct BitSpan {
  uint64_t first_bit;
  uint64_t last_bit;
};

// The bits a range covers in a string of `length` bytes, clamped to it; none
// when it covers nothing.
std::optional<BitSpan> resolve_bit_range(const BitIndexRange& range, size_t length) {
  const auto units = static_cast<int64_t>(range.in_bits ? length * 8 : length);
  int64_t start = range.start < 0 ? range.start + units : range.start;
  int64_t end = range.end < 0 ? range.end + units : range.end;
  start = std::max<int64_t>(start, 0);
  end = std::min(std::max<int64_t>(end, 0), units - 1);
  if (start > end) return std::nullopt;
  const auto first = static_cast<uint64_t>(start);
  const auto last = static_cast<uint64_t>(end);
  if (range.in_bits) return BitSpan{first, last};
  return BitSpan{first * 8, last * 8 + 7};
}

// The string at key for a read, or nullptr when there is none; replies
// WRONGTYPE (and sets wrong_type) for another type.
const Value* string_for_read(CommandContext& ctx, std::string_view key, bool& wrong_type) {
  Entry* entry = ctx.db().lookup_read(key);
  wrong_type = entry != nullptr && !entry->value().is_string();
  if (wrong_type) ctx.reply().error(errors::kWrongType);
  return entry == nullptr || wrong_type ? nullptr : &entry->value();
}

// BITCOUNT key [start end [BYTE|BIT]]. Redis 7.0 looks the key up before it
// reads the arguments: a missing key counts 0 whatever follows.
void bitcount(CommandContext& ctx) {
  bool wrong_type = false;
  const Value* value = string_for_read(ctx, ctx.arg(1), wrong_type);
  if (wrong_type) return;
  if (value == nullptr) return ctx.reply().integer(0);
  IntScratch scratch;
  const std::string_view bytes = value->string_bytes(scratch);
  if (ctx.argc() == 2) return ctx.reply().integer(static_cast<int64_t>(count_set_bits(bytes)));
  if (ctx.argc() != 4 && ctx.argc() != 5) return ctx.reply().error(errors::kSyntax);
  const std::optional<BitIndexRange> range = parse_bit_index_range(ctx, ctx.args().subspan(2));
  if (!range) return;
  // Redis counts nothing for a reversed pair of negative indexes, before clamping.
  if (range->start < 0 && range->end < 0 && range->start > range->end) {
    return ctx.reply().integer(0);
  }
  const std::optional<BitSpan> bits = resolve_bit_range(*range, bytes.size());
  if (!bits) return ctx.reply().integer(0);
  ctx.reply().integer(
      static_cast<int64_t>(count_set_bits_in_range(bytes, bits->first_bit, bits->last_bit)));
}

// BITPOS key bit [start [end [BYTE|BIT]]]. Without an end, a string of all
// ones has its first clear bit just past its end; with one, the search stays
// inside the range and finds none.
void bitpos(CommandContext& ctx) {
  const std::optional<int64_t> bit = parse_int64(ctx.arg(2));
  if (!bit) return ctx.reply().error(errors::kNotInteger);
  if (*bit != 0 && *bit != 1) return ctx.reply().error(errors::kBitposBit);
  bool wrong_type = false;
  const Value* value = string_for_read(ctx, ctx.arg(1), wrong_type);
  if (wrong_type) return;
  if (value == nullptr) return ctx.reply().integer(*bit == 1 ? -1 : 0);
  if (ctx.argc() > 6) return ctx.reply().error(errors::kSyntax);
  IntScratch scratch;
  const std::string_view bytes = value->string_bytes(scratch);
  BitIndexRange range;
  if (ctx.argc() > 3) {
    const std::optional<BitIndexRange> parsed = parse_bit_index_range(ctx, ctx.args().subspan(3));
    if (!parsed) return;
    range = *parsed;
  }
  const bool end_given = ctx.argc() > 4;
  const std::optional<BitSpan> bits = resolve_bit_range(range, bytes.size());
  if (!bits) return ctx.reply().integer(-1);
  const std::optional<uint64_t> found =
      find_first_bit(bytes, *bit == 1, bits->first_bit, bits->last_bit);
  if (found) return ctx.reply().integer(static_cast<int64_t>(*found));
  if (*bit == 1 || end_given) return ctx.reply().integer(-1);
  ctx.reply().integer(static_cast<int64_t>(bits->last_bit + 1));
}

// ---- BITOP ----

std::optional<BitOp> parse_bitop(std::string_view name) {
  if (equals_nocase(name, "and")) return BitOp::kAnd;
  if (equals_nocase(name, "or")) return BitOp::kOr;
  if (equals_nocase(name, "xor")) return BitOp::kXor;
  if (equals_nocase(name, "not")) return BitOp::kNot;
  return std::nullopt;
}

// BITOP op destkey key [key ...]: missing keys are empty strings, shorter
// strings are zero-padded. An empty result deletes destkey.
void bitop(CommandContext& ctx) {
  const std::optional<BitOp> op = parse_bitop(ctx.arg(1));
  if (!op) return ctx.reply().error(errors::kSyntax);
  const std::span<const std::string_view> keys = ctx.args().subspan(3);
  if (*op == BitOp::kNot && keys.size() != 1) {
    return ctx.reply().error(errors::kBitopNotSingleSource);
  }
  std::vector<IntScratch> scratch(keys.size());
  std::vector<std::string_view> sources(keys.size());
  size_t longest = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    bool wrong_type = false;
    const Value* value = string_for_read(ctx, keys[i], wrong_type);
    if (wrong_type) return;
    if (value != nullptr) sources[i] = value->string_bytes(scratch[i]);
    longest = std::max(longest, sources[i].size());
  }
  const std::string_view destination = ctx.arg(2);
  Db& db = ctx.db();
  if (longest == 0) {
    if (db.erase(destination)) {
      ctx.notify(keyspace_events::kGeneric, "del", destination);
      ctx.dirty();
    }
  } else {
    Value result;
    char* out = result.make_raw_for_overwrite(longest);
    combine_bitmaps(*op, sources, std::span(out, longest));
    db.insert(destination, std::move(result));
    ctx.notify(keyspace_events::kString, "set", destination);
    ctx.dirty();
  }
  ctx.reply().integer(static_cast<int64_t>(longest));
}

constexpr CommandSpec kBitmapCommands[] = {
    {"setbit", 4, kWrite | kDenyOom, 1, 1, 1, setbit, "bitmap",
     "Sets or clears the bit at offset in the string value stored at key", "2.2.0"},
    {"getbit", 3, kReadOnly | kFast, 1, 1, 1, getbit, "bitmap",
     "Returns the bit value at offset in the string value stored at key", "2.2.0"},
    {"bitcount", -2, kReadOnly, 1, 1, 1, bitcount, "bitmap", "Count set bits in a string", "2.6.0"},
    {"bitpos", -3, kReadOnly, 1, 1, 1, bitpos, "bitmap", "Find first bit set or clear in a string",
     "2.8.7"},
    {"bitop", -4, kWrite | kDenyOom, 2, -1, 1, bitop, "bitmap",
     "Perform bitwise operations between strings", "2.6.0"},
};

}  // namespace

void register_bitmap_family(CommandTable& table) { table.add(kBitmapCommands); }

}  // namespace fkvs
