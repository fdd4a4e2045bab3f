#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "request_parser.h"

namespace fkvs::persistence {

// The commands of an AOF file: an incremental file, or what follows the
// RDB preamble of a base. Each is a RESP array of bulk strings; lines
// starting with '#' are annotations (aof-timestamp-enabled's "#TS:") and
// are skipped. The reader knows where transactions open and close, so a
// file cut short inside MULTI ... EXEC can be cut back to before the MULTI.
class AofReader {
 public:
  // Reads bytes from offset on.
  AofReader(std::string_view bytes, size_t offset);

  enum class Step {
    kCommand,    // args() holds the next command
    kEnd,        // the bytes end after a whole command (or annotation)
    kTruncated,  // the bytes end inside a command
  };
  // Throws FormatError, with offset() naming where, when the bytes are not
  // commands.
  Step next();
  std::span<const std::string_view> args() const { return parser_.args(); }
  // Where the command next() returned (or the malformed bytes) begins.
  size_t offset() const { return offset_; }
  // Where the last whole unit ends: after the last command outside a
  // transaction, or after the EXEC closing one.
  size_t whole_end() const { return whole_end_; }
  // A MULTI was read and its EXEC not yet.
  bool in_transaction() const { return in_transaction_; }

 private:
  std::string_view bytes_;
  size_t offset_;
  size_t next_;
  size_t whole_end_;
  bool in_transaction_ = false;
  resp::RequestParser parser_;
};

}  // namespace fkvs::persistence
