// The RDB loader on arbitrary bytes: a whole image (a dump.rdb, or the base
// of an AOF) loaded into 16 empty databases, as at start-up or DEBUG RELOAD.
//
// Input: the image itself. Its stored CRC-64 is not checked, so mutations
// reach past it; the image's last byte (the CRC's, in a whole file) picks
// the load options: bit 0 drops keys already expired, bit 1 lets a key
// appear twice (DEBUG RELOAD MERGE), bit 2 sets small encoding limits so
// that loaded values change encoding.
// Properties checked:
//  - loading either succeeds or throws FormatError (RdbLoadError); anything
//    else escapes, and the fuzzer reports it;
//  - what was loaded, written back as an image (with its CRC-64) and loaded
//    into empty databases, loads without error and holds the same keys, each
//    with the same type, encoding, size and TTL, and (hash tables aside,
//    whose order is random) the same DUMP payload: what we write we must
//    read.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "persistence/dump_payload.h"
#include "persistence/format_error.h"
#include "persistence/rdb_image.h"
#include "persistence/rdb_writer.h"
#include "store/collection.h"
#include "store/db.h"

namespace fkvs {
namespace {

constexpr int kDatabases = 16;
// "Now" for dropping expired keys: the fixtures' expiries lie on both sides.
constexpr int64_t kNowMs = 1'700'000'000'000;

[[noreturn]] void broken(const char* property, const std::string& detail) {
  std::fprintf(stderr, "rdb image fuzz: %s\n  %s\n", property, detail.c_str());
  std::abort();
}

persistence::RdbLoadOptions options_from(uint8_t bits) {
  persistence::RdbLoadOptions options;
  options.verify_checksum = false;
  options.drop_expired = (bits & 1) != 0;
  options.replace_existing = (bits & 2) != 0;
  options.now_ms = kNowMs;
  if (bits & 4) {
    options.limits.list_fill = 2;
    options.limits.list_compress_depth = 1;  // the nodes between the ends load compressed
    options.limits.hash = {4, 8};
    options.limits.set_max_intset_entries = 4;
    options.limits.zset = {4, 8};
  }
  return options;
}

// The 16 databases of a load. A run takes them empty and leaves them empty:
// constructing 32 Dbs a run, each seeding its generator from
// std::random_device, took most of the fuzzer's time, and a cleared Db is as
// a new one but for its random seeds.
class Databases {
 public:
  Databases() {
    for (int i = 0; i < kDatabases; ++i) {
      owned_[i] = std::make_unique<Db>(stats_, i);
      pointers_[i] = owned_[i].get();
    }
  }
  Databases(const Databases&) = delete;
  Databases& operator=(const Databases&) = delete;

  std::span<Db* const> all() const { return pointers_; }
  const Db& operator[](int index) const { return *owned_[index]; }

 private:
  void clear() {
    for (const auto& db : owned_) db->clear();
  }
  friend class EmptyDatabases;

  KeyspaceStats stats_;
  std::array<std::unique_ptr<Db>, kDatabases> owned_;
  std::array<Db*, kDatabases> pointers_;
};

// Lends one of the two sets of databases (0 for the load, 1 for the reload),
// kept for the whole process, and empties it when the run is done with it.
class EmptyDatabases {
 public:
  explicit EmptyDatabases(int which) : databases_(kept(which)) {}
  ~EmptyDatabases() { databases_.clear(); }
  EmptyDatabases(const EmptyDatabases&) = delete;
  EmptyDatabases& operator=(const EmptyDatabases&) = delete;

  Databases& operator*() const { return databases_; }
  Databases* operator->() const { return &databases_; }

 private:
  static Databases& kept(int which) {
    static Databases sets[2];
    return sets[which];
  }
  Databases& databases_;
};

// What a key holds, as far as a round trip must keep it.
struct KeyFacts {
  int db;
  std::string key;
  ValueType type;
  Encoding encoding;
  size_t size;  // elements, or a string's bytes
  int64_t expire_ms;
  // The value as DUMP makes it, where the encoding keeps an order of its own
  // (all but hash tables, whose order depends on each table's random seed):
  // equal values make the same bytes.
  std::string dump;

  auto tie() const { return std::tie(db, key, type, encoding, size, expire_ms, dump); }
  bool operator<(const KeyFacts& other) const { return tie() < other.tie(); }
  bool operator==(const KeyFacts& other) const { return tie() == other.tie(); }
};

std::vector<KeyFacts> facts_of(const Databases& databases) {
  std::vector<KeyFacts> facts;
  for (int i = 0; i < kDatabases; ++i) {
    const Db& db = databases[i];
    db.for_each_held([&](const Entry& entry) {
      const Value& value = entry.value();
      const size_t size = value.is_string() ? value.string_length() : value.collection()->size();
      std::string dump;
      if (value.encoding() != Encoding::kHashtable) {
        dump = persistence::make_dump_payload(value, false);
      }
      facts.push_back({i, std::string(entry.key()), value.type(), value.encoding(), size,
                       db.expire_at(&entry), std::move(dump)});
    });
  }
  std::sort(facts.begin(), facts.end());
  return facts;
}

std::string describe(const KeyFacts& fact) {
  return "db " + std::to_string(fact.db) + " key '" + fact.key.substr(0, 64) + "' " +
         Value::type_name(fact.type) + " (" + Value::encoding_name(fact.encoding) + ") size " +
         std::to_string(fact.size) + " expire " + std::to_string(fact.expire_ms) + " dump " +
         std::to_string(fact.dump.size()) + " bytes";
}

std::string first_difference(const std::vector<KeyFacts>& loaded,
                             const std::vector<KeyFacts>& reloaded) {
  for (size_t i = 0; i < std::min(loaded.size(), reloaded.size()); ++i) {
    if (!(loaded[i] == reloaded[i])) {
      return "loaded " + describe(loaded[i]) + ", reloaded " + describe(reloaded[i]);
    }
  }
  return std::to_string(loaded.size()) + " keys loaded, " + std::to_string(reloaded.size()) +
         " reloaded";
}

void check_round_trip(const Databases& loaded, const persistence::EncodingLimits& limits) {
  persistence::RdbWriter writer(true);
  persistence::write_rdb_image(writer, loaded.all(), {"7.0.15", 0, 0, false, {}}, true);
  const std::string image = writer.take();

  // Every key written comes back, however old its TTL, and none twice.
  persistence::RdbLoadOptions options;
  options.limits = limits;
  options.drop_expired = false;
  const EmptyDatabases reloaded(1);
  persistence::RdbLoadSummary summary;
  try {
    summary = persistence::load_rdb_image(image, reloaded->all(), options);
  } catch (const persistence::FormatError& error) {
    broken("the image written from what was loaded does not load", error.what());
  }
  if (!summary.checksum_checked || summary.end_offset != image.size()) {
    broken("the image written does not end with its checksum",
           std::to_string(summary.end_offset) + " of " + std::to_string(image.size()) + " bytes");
  }
  const std::vector<KeyFacts> before = facts_of(loaded);
  const std::vector<KeyFacts> after = facts_of(*reloaded);
  if (summary.keys_loaded != before.size() || before != after) {
    broken("what was loaded, written and loaded again differs", first_difference(before, after));
  }
}

}  // namespace
}  // namespace fkvs

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fkvs;
  if (size == 0) return -1;
  const std::string_view image(reinterpret_cast<const char*>(data), size);
  const persistence::RdbLoadOptions options = options_from(data[size - 1]);
  const EmptyDatabases loaded(0);
  try {
    persistence::load_rdb_image(image, loaded->all(), options);
  } catch (const persistence::FormatError&) {
    return 0;
  }
  check_round_trip(*loaded, options.limits);
  return 0;
}
