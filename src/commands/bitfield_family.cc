// BITFIELD and BITFIELD_RO: integers of 1 to 64 bits at any bit offset of a
// string, read, set and incremented in one call.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "util/bitfield.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

struct BitfieldOp {
  enum class Kind { kGet, kSet, kIncrBy };
  Kind kind;
  BitfieldType type;
  uint64_t offset;
  int64_t argument;  // SET's value, INCRBY's increment
  BitfieldOverflow overflow;
};

// A field offset: a bit offset, or #N for the Nth field of the type's width.
// As Redis, N times the width wraps in 64 bits before the range check.
std::optional<uint64_t> bitfield_offset(CommandContext& ctx, std::string_view arg, unsigned bits) {
  const bool in_fields = !arg.empty() && arg[0] == '#';
  const std::optional<int64_t> parsed = parse_int64(in_fields ? arg.substr(1) : arg);
  const auto max_bytes = static_cast<uint64_t>(ctx.server().config().proto_max_bulk_len);
  int64_t offset = parsed.value_or(-1);
  if (parsed && in_fields) offset = static_cast<int64_t>(static_cast<uint64_t>(offset) * bits);
  if (offset < 0 || (static_cast<uint64_t>(offset) >> 3) >= max_bytes) {
    ctx.reply().error(errors::kBitOffset);
    return std::nullopt;
  }
  return static_cast<uint64_t>(offset);
}

std::optional<BitfieldOverflow> parse_bitfield_overflow(std::string_view name) {
  if (equals_nocase(name, "wrap")) return BitfieldOverflow::kWrap;
  if (equals_nocase(name, "sat")) return BitfieldOverflow::kSat;
  if (equals_nocase(name, "fail")) return BitfieldOverflow::kFail;
  return std::nullopt;
}

// Reads the operations after the key, replying with the first error. OVERFLOW
// applies to the SETs and INCRBYs that follow it.
std::optional<std::vector<BitfieldOp>> parse_bitfield_ops(CommandContext& ctx) {
  std::vector<BitfieldOp> ops;
  BitfieldOverflow overflow = BitfieldOverflow::kWrap;
  auto fail = [&](std::string_view error) -> std::optional<std::vector<BitfieldOp>> {
    ctx.reply().error(error);
    return std::nullopt;
  };
  for (size_t i = 2; i < ctx.argc();) {
    const std::string_view name = ctx.arg(i);
    const size_t following = ctx.argc() - i - 1;
    BitfieldOp::Kind kind;
    if (equals_nocase(name, "get") && following >= 2) {
      kind = BitfieldOp::Kind::kGet;
    } else if (equals_nocase(name, "set") && following >= 3) {
      kind = BitfieldOp::Kind::kSet;
    } else if (equals_nocase(name, "incrby") && following >= 3) {
      kind = BitfieldOp::Kind::kIncrBy;
    } else if (equals_nocase(name, "overflow") && following >= 1) {
      const std::optional<BitfieldOverflow> parsed = parse_bitfield_overflow(ctx.arg(i + 1));
      if (!parsed) return fail(errors::kBitfieldOverflowType);
      overflow = *parsed;
      i += 2;
      continue;
    } else {
      return fail(errors::kSyntax);
    }
    const std::optional<BitfieldType> type = parse_bitfield_type(ctx.arg(i + 1));
    if (!type) return fail(errors::kBitfieldType);
    const std::optional<uint64_t> offset = bitfield_offset(ctx, ctx.arg(i + 2), type->bits);
    if (!offset) return std::nullopt;
    BitfieldOp op{kind, *type, *offset, 0, overflow};
    if (kind != BitfieldOp::Kind::kGet) {
      const std::optional<int64_t> argument = parse_int64(ctx.arg(i + 3));
      if (!argument) return fail(errors::kNotInteger);
      op.argument = *argument;
    }
    ops.push_back(op);
    i += kind == BitfieldOp::Kind::kGet ? 3 : 4;
  }
  return ops;
}

// Only GETs: the key is read, never created.
void bitfield_read(CommandContext& ctx, const std::vector<BitfieldOp>& ops) {
  Entry* entry = ctx.db().lookup_read(ctx.arg(1));
  if (entry != nullptr && !entry->value().is_string()) {
    return ctx.reply().error(errors::kWrongType);
  }
  IntScratch scratch;
  const std::string_view bytes = entry == nullptr ? "" : entry->value().string_bytes(scratch);
  ctx.reply().array(ops.size());
  for (const BitfieldOp& op : ops) {
    ctx.reply().integer(bitfield_value(op.type, read_bitfield(bytes, op.offset, op.type.bits)));
  }
}

// Some SETs or INCRBYs: as Redis, the string is created and grown to hold
// every field written before any runs, even one that OVERFLOW FAIL leaves
// unwritten. A write that happens is a change when it alters the field or the
// string had to grow; a call without changes notifies nobody.
void bitfield_write(CommandContext& ctx, const std::vector<BitfieldOp>& ops) {
  Db& db = ctx.db();
  Entry* entry = db.find(ctx.arg(1));
  if (entry != nullptr && !entry->value().is_string()) {
    return ctx.reply().error(errors::kWrongType);
  }
  uint64_t needed = 0;
  for (const BitfieldOp& op : ops) {
    if (op.kind != BitfieldOp::Kind::kGet) {
      needed = std::max(needed, ((op.offset + op.type.bits - 1) >> 3) + 1);
    }
  }
  const size_t length = entry == nullptr ? 0 : entry->value().string_length();
  const bool grows = entry == nullptr || needed > length;
  const size_t new_length = std::max<size_t>(length, static_cast<size_t>(needed));
  entry = entry == nullptr ? db.find_or_insert(ctx.arg(1)).first : db.writable(entry);
  const std::span<char> bytes(entry->value().resize_raw(new_length), new_length);
  uint64_t changes = 0;
  ctx.reply().array(ops.size());
  for (const BitfieldOp& op : ops) {
    const int64_t old_value = bitfield_value(
        op.type,
        read_bitfield(std::string_view(bytes.data(), bytes.size()), op.offset, op.type.bits));
    if (op.kind == BitfieldOp::Kind::kGet) {
      ctx.reply().integer(old_value);
      continue;
    }
    const bool is_set = op.kind == BitfieldOp::Kind::kSet;
    const std::optional<int64_t> stored = bitfield_add(op.type, is_set ? op.argument : old_value,
                                                       is_set ? 0 : op.argument, op.overflow);
    if (!stored) {
      ctx.reply().null_bulk();
      continue;
    }
    write_bitfield(bytes, op.offset, op.type.bits, static_cast<uint64_t>(*stored));
    if (grows || *stored != old_value) ++changes;
    ctx.reply().integer(is_set ? old_value : *stored);
  }
  if (changes > 0) {
    ctx.notify(keyspace_events::kString, "setbit", ctx.arg(1));
    ctx.dirty(changes);
  }
}

void bitfield_generic(CommandContext& ctx, bool read_only) {
  const std::optional<std::vector<BitfieldOp>> ops = parse_bitfield_ops(ctx);
  if (!ops) return;
  const bool writes = std::ranges::any_of(
      *ops, [](const BitfieldOp& op) { return op.kind != BitfieldOp::Kind::kGet; });
  if (!writes) return bitfield_read(ctx, *ops);
  if (read_only) return ctx.reply().error(errors::kBitfieldReadOnly);
  bitfield_write(ctx, *ops);
}

void bitfield(CommandContext& ctx) { bitfield_generic(ctx, false); }
void bitfield_ro(CommandContext& ctx) { bitfield_generic(ctx, true); }

constexpr CommandSpec kBitfieldCommands[] = {
    {"bitfield", -2, kWrite | kDenyOom, 1, 1, 1, bitfield, "bitmap",
     "Perform arbitrary bitfield integer operations on strings", "3.2.0"},
    {"bitfield_ro", -2, kReadOnly | kFast, 1, 1, 1, bitfield_ro, "bitmap",
     "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
     "6.0.0"},
};

}  // namespace

void register_bitfield_family(CommandTable& table) { table.add(kBitfieldCommands); }

}  // namespace fkvs
