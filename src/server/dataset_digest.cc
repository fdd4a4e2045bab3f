#include "server/dataset_digest.h"

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>

#include "store/collection.h"
#include "store/hash_value.h"
#include "store/list_value.h"
#include "store/set_value.h"
#include "store/stream_value.h"
#include "store/zset_value.h"
#include "util/number.h"
#include "util/sha1.h"

namespace fkvs {

namespace {

using Digest = Sha1::Digest;

// Order-independent: XOR of the bytes' hash into the digest.
void xor_in(Digest& digest, const void* bytes, size_t length) {
  Sha1 sha;
  sha.update(bytes, length);
  const Digest hash = sha.finish();
  for (size_t i = 0; i < digest.size(); ++i) digest[i] ^= hash[i];
}

// Order-dependent: XOR the bytes in, then hash the digest itself.
void mix_in(Digest& digest, const void* bytes, size_t length) {
  xor_in(digest, bytes, length);
  digest = Sha1::of({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

void mix_in(Digest& digest, std::string_view bytes) { mix_in(digest, bytes.data(), bytes.size()); }

// Redis's numbers for the types (OBJ_STRING ...), which the digest mixes in.
uint32_t redis_type_number(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return 0;
    case ValueType::kList:
      return 1;
    case ValueType::kSet:
      return 2;
    case ValueType::kZSet:
      return 3;
    case ValueType::kHash:
      return 4;
    case ValueType::kStream:
      return 6;
  }
  return 0;
}

void mix_value(Digest& digest, const Value& value, bool has_ttl) {
  const uint32_t type = htonl(redis_type_number(value.type()));
  mix_in(digest, &type, sizeof(type));
  switch (value.type()) {
    case ValueType::kString: {
      IntScratch scratch;
      mix_in(digest, value.string_bytes(scratch));
      break;
    }
    case ValueType::kList: {
      const QuickList& list = static_cast<const ListValue*>(value.collection())->list();
      IntScratch scratch;
      for (auto cursor = list.first(); cursor; list.next(cursor)) {
        mix_in(digest, list.get(cursor).bytes(scratch));
      }
      break;
    }
    case ValueType::kSet:
      static_cast<const SetValue*>(value.collection())->for_each([&](std::string_view member) {
        xor_in(digest, member.data(), member.size());
      });
      break;
    case ValueType::kZSet: {
      const auto& zset = *static_cast<const ZSetValue*>(value.collection());
      char score_text[kDoubleTextMax];
      for (auto cursor = zset.at_rank(0); cursor.valid(); cursor.next()) {
        Digest element{};
        mix_in(element, cursor.member());
        mix_in(element, format_double(cursor.score(), score_text));
        xor_in(digest, element.data(), element.size());
      }
      break;
    }
    case ValueType::kHash:
      static_cast<HashValue*>(value.collection())
          ->for_each([&](std::string_view field, std::string_view text) {
            Digest element{};
            mix_in(element, field);
            mix_in(element, text);
            xor_in(digest, element.data(), element.size());
          });
      break;
    case ValueType::kStream: {
      // Each entry's ID, written "ms.seq" as Redis's digest does, then its
      // fields and values; the groups are not part of it.
      const auto& stream = *static_cast<const StreamValue*>(value.collection());
      for (auto it = stream.range(StreamId::min(), StreamId::max()); it.next();) {
        const std::string id = std::to_string(it.id().ms) + "." + std::to_string(it.id().seq);
        mix_in(digest, id);
        it.for_each_field([&](std::string_view field, std::string_view text) {
          mix_in(digest, field);
          mix_in(digest, text);
        });
      }
      break;
    }
  }
  if (has_ttl) xor_in(digest, "!!expire!!", 10);
}

}  // namespace

std::string dataset_digest(std::span<Db* const> dbs) {
  Digest total{};
  for (size_t index = 0; index < dbs.size(); ++index) {
    const Db& db = *dbs[index];
    if (db.size() == 0) continue;
    // The database number is mixed in, so the same keys in another
    // database give another digest.
    const uint32_t number = htonl(static_cast<uint32_t>(index));
    mix_in(total, &number, sizeof(number));
    db.for_each_held([&](const Entry& entry) {
      Digest key_digest{};
      mix_in(key_digest, entry.key());
      mix_value(key_digest, entry.value(), entry.has_ttl());
      xor_in(total, key_digest.data(), key_digest.size());
    });
  }
  return Sha1::hex(total);
}

std::string key_digest(Db& db, std::string_view key) {
  Digest digest{};
  if (const Entry* entry = db.lookup_read_no_touch(key))
    mix_value(digest, entry->value(), entry->has_ttl());
  return Sha1::hex(digest);
}

}  // namespace fkvs
