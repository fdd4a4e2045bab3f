#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs::persistence {

// Redis 7's multi-part AOF manifest (appenddirname/<appendfilename>.manifest):
// one line per file, "file <name> seq <n> type <b|h|i>", naming the base
// (an RDB or AOF image), the incremental files written since (in order),
// and history files a rewrite has replaced and that are to be deleted.
struct AofManifest {
  enum class FileType : char { kBase = 'b', kHistory = 'h', kIncremental = 'i' };
  struct File {
    std::string name;
    uint64_t seq = 0;
    FileType type = FileType::kIncremental;
    bool operator==(const File&) const = default;
  };

  std::optional<File> base;
  std::vector<File> incrementals;  // in the order they are replayed
  std::vector<File> history;

  // The manifest text, as Redis writes it (names quoted as Redis quotes
  // them when they hold spaces, quotes, backslashes or unprintable bytes).
  std::string format() const;
  // Parses manifest text; throws FormatError (with the line number) for a
  // line Redis would refuse: an unknown type, a missing name, seq or type,
  // a second base, incrementals out of seq order, a path for a name, a line
  // of 1024 bytes or more before its newline, a last line with no newline,
  // unbalanced quotes, a blank line, empty text. Lines starting with '#' are
  // skipped and unknown keys ignored, as Redis does. A seq must be 1 to
  // 2^63-1 in decimal (Redis's atoll is laxer).
  static AofManifest parse(std::string_view text);

  // File names as Redis 7 makes them from appendfilename:
  // "<prefix>.<seq>.base.rdb" (or ".base.aof"), "<prefix>.<seq>.incr.aof",
  // "<prefix>.manifest".
  static std::string base_name(std::string_view prefix, uint64_t seq, bool rdb);
  static std::string incremental_name(std::string_view prefix, uint64_t seq);
  static std::string manifest_name(std::string_view prefix);

  // The next seq numbers to use.
  uint64_t next_base_seq() const;
  uint64_t next_incremental_seq() const;
};

}  // namespace fkvs::persistence
