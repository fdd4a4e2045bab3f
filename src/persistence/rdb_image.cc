#include "persistence/rdb_image.h"

#include <array>
#include <cstdlib>
#include <string>

#include "persistence/crc64.h"
#include "persistence/rdb_format.h"

namespace fkvs::persistence {

void write_rdb_image(RdbWriter& writer, std::span<Db* const> dbs, const SnapshotAux& aux,
                     bool checksum, const std::function<void()>& after_each_key) {
  writer.write_header();
  writer.write_aux("redis-ver", aux.redis_version);
  writer.write_aux("redis-bits", int64_t{sizeof(void*) * 8});
  writer.write_aux("ctime", aux.ctime_s);
  writer.write_aux("used-mem", aux.used_memory);
  writer.write_aux("aof-base", int64_t{aux.aof_base ? 1 : 0});
  for (const std::string& code : aux.function_libraries) writer.write_function_library(code);
  for (size_t index = 0; index < dbs.size(); ++index) {
    const Db& db = *dbs[index];
    if (db.size() == 0) continue;
    writer.write_select_db(static_cast<int>(index));
    writer.write_resize_db(db.size(), db.expires_count());
    db.for_each_held([&](const Entry& entry) {
      writer.write_entry(entry.key(), entry.value(), db.expire_at(&entry));
      if (after_each_key) after_each_key();
    });
  }
  writer.write_end(checksum);
}

namespace {

// Keys go into their Db a few keys after they are read: meanwhile the bucket
// each lands in, and then the first entry of its chain, come from memory
// while the next keys are decoded. With millions of keys, those cache misses
// are most of a load.
class KeyInserter {
 public:
  KeyInserter(const RdbLoadOptions& options, RdbLoadSummary& summary)
      : options_(options), summary_(summary) {}

  // offset and db_index say where the key was, should it be refused.
  void add(Db& db, std::string_view key, Value&& value, int64_t expire_ms, size_t offset,
           uint64_t db_index) {
    Pending& slot = ring_[added_ % kDepth];
    if (added_ >= kDepth) insert(slot);
    slot.db = &db;
    slot.key.assign(key);
    slot.hash = db.keys().hash(key);
    slot.value = std::move(value);
    slot.expire_ms = expire_ms;
    slot.offset = offset;
    slot.db_index = db_index;
    db.keys().prefetch_bucket(slot.hash);
    if (added_ >= kChainLag) {
      const Pending& earlier = ring_[(added_ - kChainLag) % kDepth];
      earlier.db->keys().prefetch_chain(earlier.hash);
    }
    ++added_;
  }

  // Inserts every key still waiting, in the order they were read.
  void flush() {
    for (uint64_t n = added_ > kDepth ? added_ - kDepth : 0; n < added_; ++n) {
      insert(ring_[n % kDepth]);
    }
    added_ = 0;
  }

 private:
  // Deep enough for a bucket to arrive while the keys in between decode;
  // the chain's first entry is fetched halfway.
  static constexpr uint64_t kDepth = 8;
  static constexpr uint64_t kChainLag = kDepth / 2;

  struct Pending {
    Db* db = nullptr;
    std::string key;
    uint64_t hash = 0;
    Value value;
    int64_t expire_ms = -1;
    size_t offset = 0;
    uint64_t db_index = 0;
  };

  void insert(Pending& pending) {
    Db& db = *pending.db;
    // insert_absent leaves value alone when the key is held.
    auto [entry, inserted] = db.insert_absent(pending.key, pending.hash, std::move(pending.value));
    if (!inserted) {
      if (!options_.replace_existing) {
        throw RdbLoadError(pending.offset, "the key '" + pending.key.substr(0, 128) +
                                               "' appears twice in database " +
                                               std::to_string(pending.db_index));
      }
      entry = db.insert(pending.key, std::move(pending.value));
    }
    if (pending.expire_ms != -1) db.set_expire(entry, pending.expire_ms);
    ++summary_.keys_loaded;
  }

  const RdbLoadOptions& options_;
  RdbLoadSummary& summary_;
  std::array<Pending, kDepth> ring_;
  uint64_t added_ = 0;
};

int read_version(RdbReader& reader) {
  std::string_view header = reader.read_bytes(rdb::kHeaderBytes);
  if (header.substr(0, rdb::kMagic.size()) != rdb::kMagic) {
    throw FormatError("not an RDB file (no REDIS signature)");
  }
  int version = 0;
  for (char digit : header.substr(rdb::kMagic.size())) {
    if (digit < '0' || digit > '9') throw FormatError("the RDB version is not a number");
    version = version * 10 + (digit - '0');
  }
  if (version < rdb::kOldestReadableVersion || version > rdb::kVersion) {
    throw FormatError("can't handle RDB format version " + std::to_string(version));
  }
  return version;
}

}  // namespace

RdbLoadSummary load_rdb_image(std::string_view bytes, std::span<Db* const> dbs,
                              const RdbLoadOptions& options) {
  RdbReader reader(bytes);
  RdbLoadSummary summary;
  // What was being read, for the message of an error: which key of which
  // database says more to a user than an offset alone. Built only for an
  // error: per key it would cost a formatted string.
  std::string context;
  std::string key;  // reused, so each key costs no allocation of its own
  bool reading_key = false;
  uint64_t db_index = 0;
  try {
    summary.version = read_version(reader);
    KeyInserter inserter(options, summary);
    Db* db = dbs.empty() ? nullptr : dbs[0];
    int64_t expire_ms = -1;
    std::string key_scratch;
    std::string aux_scratch;
    for (;;) {
      const uint8_t opcode = reader.read_byte();
      switch (opcode) {
        case rdb::kExpireTimeMs:
          expire_ms = static_cast<int64_t>(reader.read_u64_little_endian());
          continue;
        case rdb::kExpireTimeSeconds:
          expire_ms = int64_t{reader.read_u32_little_endian()} * 1000;
          continue;
        case rdb::kFreq:
          reader.read_byte();  // LFU counters start afresh here
          continue;
        case rdb::kIdle:
          reader.read_length();
          continue;
        case rdb::kSelectDb: {
          const uint64_t index = reader.read_length();
          db_index = index;
          if (index >= dbs.size()) {
            throw FormatError("the file uses database " + std::to_string(index) +
                              ", but the server has " + std::to_string(dbs.size()) +
                              " (see the databases option)");
          }
          db = dbs[index];
          continue;
        }
        case rdb::kResizeDb: {
          // Sized once rather than grown step by step; a size the bytes left
          // could not hold is a lie, and sizes nothing.
          const uint64_t keys = reader.read_length();
          reader.read_length();
          if (db != nullptr && keys <= reader.remaining() / 3) db->reserve(keys);
          continue;
        }
        case rdb::kAux: {
          std::string name(reader.read_string(key_scratch));
          summary.aux.emplace_back(std::move(name), std::string(reader.read_string(aux_scratch)));
          continue;
        }
        case rdb::kModuleAux:
          throw FormatError("module data is not supported");
        case rdb::kFunction:
          throw FormatError("Pre-release function format not supported");
        case rdb::kFunction2:
          summary.function_libraries.emplace_back(reader.read_string(aux_scratch));
          continue;
        case rdb::kEof:
          break;
        default: {
          RdbReader::check_type(opcode);
          const size_t key_offset = reader.offset();
          key.assign(reader.read_string(key_scratch));
          reading_key = true;
          Value value;
          const bool held = reader.read_value(opcode, options.limits, value);
          if (db == nullptr) throw FormatError("a key outside any database");
          if (!held) {
            ++summary.empty_skipped;
          } else if (options.drop_expired && expire_ms != -1 && expire_ms < options.now_ms) {
            ++summary.expired_skipped;
          } else {
            inserter.add(*db, key, std::move(value), expire_ms, key_offset, db_index);
          }
          expire_ms = -1;
          reading_key = false;
          continue;
        }
      }
      break;
    }
    inserter.flush();
    if (summary.version >= 5) {
      context = " (reading the checksum)";
      const size_t covered = reader.offset();
      const uint64_t stored = reader.read_u64_little_endian();
      if (options.verify_checksum && stored != 0) {
        const uint64_t computed = crc64(0, bytes.data(), covered);
        if (computed != stored) {
          char message[96];
          std::snprintf(
              message, sizeof(message), "wrong RDB checksum: expected %016llx, got %016llx",
              static_cast<unsigned long long>(stored), static_cast<unsigned long long>(computed));
          throw FormatError(message);
        }
        summary.checksum_checked = true;
      }
    }
    summary.end_offset = reader.offset();
  } catch (const RdbLoadError&) {
    throw;
  } catch (const FormatError& error) {
    if (reading_key) {
      context = " (reading key '" + key.substr(0, 128) + "' of database " +
                std::to_string(db_index) + ")";
    }
    throw RdbLoadError(reader.offset(), error.what() + context);
  }
  return summary;
}

}  // namespace fkvs::persistence
