// Bitmap commands on strings: SETBIT and GETBIT. Bit 0 is the most
// significant bit of the first byte, as in Redis.
#include <cstdint>
#include <optional>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "util/number.h"

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

constexpr CommandSpec kBitmapCommands[] = {
    {"setbit", 4, kWrite | kDenyOom, 1, 1, 1, setbit, "bitmap",
     "Sets or clears the bit at offset in the string value stored at key", "2.2.0"},
    {"getbit", 3, kReadOnly | kFast, 1, 1, 1, getbit, "bitmap",
     "Returns the bit value at offset in the string value stored at key", "2.2.0"},
};

}  // namespace

void register_bitmap_family(CommandTable& table) { table.add(kBitmapCommands); }

}  // namespace fkvs
