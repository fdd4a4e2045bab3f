#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "persistence/format_error.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "store/db.h"

namespace fkvs::persistence {

// A whole RDB image: header, aux fields, each database's keys, the EOF
// opcode and the CRC-64. It is what a dump.rdb holds, and the base of an AOF.

// The aux fields Redis 7.0 writes into a snapshot.
struct SnapshotAux {
  std::string redis_version;
  int64_t ctime_s = 0;
  int64_t used_memory = 0;
  bool aof_base = false;
  // The function libraries' code, written before the databases.
  std::vector<std::string> function_libraries;
};

// Writes every key the databases hold (dbs[i] is database i) with its TTL.
// after_each_key, if given, runs after each key is written (tests slow a
// save down with it: rdb-key-save-delay).
void write_rdb_image(RdbWriter& writer, std::span<Db* const> dbs, const SnapshotAux& aux,
                     bool checksum, const std::function<void()>& after_each_key = {});

struct RdbLoadOptions {
  EncodingLimits limits;
  // rdbchecksum: whether the stored CRC-64 is checked (a stored 0 means the
  // writer had checksums off, and is never checked).
  bool verify_checksum = true;
  // A master drops keys whose TTL has passed while it loads a snapshot.
  bool drop_expired = true;
  // DEBUG RELOAD MERGE: a key already held is replaced (else it is an error).
  bool replace_existing = false;
  int64_t now_ms = 0;
};

struct RdbLoadSummary {
  int version = 0;
  uint64_t keys_loaded = 0;
  uint64_t expired_skipped = 0;
  uint64_t empty_skipped = 0;  // empty collections, which Redis skips too
  bool checksum_checked = false;
  // Where the image ended (an AOF's commands follow its RDB preamble).
  size_t end_offset = 0;
  std::vector<std::pair<std::string, std::string>> aux;
  // The function libraries' code, for the caller to load.
  std::vector<std::string> function_libraries;
};

// A defect of an image: where it is (bytes from the start) and what it is.
class RdbLoadError : public FormatError {
 public:
  RdbLoadError(size_t offset, const std::string& reason)
      : FormatError("at offset " + std::to_string(offset) + ": " + reason),
        offset_(offset),
        reason_(reason) {}
  size_t offset() const { return offset_; }
  const std::string& reason() const { return reason_; }

 private:
  size_t offset_;
  std::string reason_;
};

// Loads an image into dbs. Throws RdbLoadError at the
// first defect; the keys loaded until then stay, for the caller to discard.
RdbLoadSummary load_rdb_image(std::string_view bytes, std::span<Db* const> dbs,
                              const RdbLoadOptions& options);

}  // namespace fkvs::persistence
