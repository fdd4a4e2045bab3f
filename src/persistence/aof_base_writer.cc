#include "persistence/aof_base_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <system_error>

#include "store/collection.h"
#include "store/hash_value.h"
#include "store/list_value.h"
#include "store/set_value.h"
#include "store/stream_value.h"
#include "store/zset_value.h"
#include "util/number.h"

namespace fkvs::persistence {

namespace {

// RESP arrays of bulk strings, gathered in a buffer that a writer on a file
// descriptor flushes as it fills.
class CommandWriter {
 public:
  // fd -1 gathers everything in memory, for take().
  CommandWriter(int fd, bool incremental_fsync) : fd_(fd), incremental_fsync_(incremental_fsync) {
    if (fd_ >= 0) buffer_.reserve(kFlushBytes * 2);
  }

  void array_header(size_t count) {
    char digits[kInt64TextMax];
    buffer_ += '*';
    buffer_.append(digits, format_int64(static_cast<int64_t>(count), digits));
    buffer_ += "\r\n";
  }

  void bulk(std::string_view bytes) {
    char digits[kInt64TextMax];
    buffer_ += '$';
    buffer_.append(digits, format_int64(static_cast<int64_t>(bytes.size()), digits));
    buffer_ += "\r\n";
    if (fd_ >= 0 && bytes.size() >= kFlushBytes) {
      // A big value goes straight from the keyspace to the file rather than
      // through a copy in the buffer.
      flush();
      write_all(bytes);
    } else {
      buffer_ += bytes;
    }
    buffer_ += "\r\n";
    if (fd_ >= 0 && buffer_.size() >= kFlushBytes) flush();
  }

  void bulk_number(int64_t number) {
    char digits[kInt64TextMax];
    bulk(std::string_view(digits, format_int64(number, digits)));
  }

  void flush() {
    if (fd_ < 0) return;
    write_all(buffer_);
    buffer_.clear();
  }

  std::string take() { return std::move(buffer_); }
  uint64_t bytes_written() const { return written_ + buffer_.size(); }

 private:
  void write_all(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(), "write");
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      written_ += static_cast<uint64_t>(n);
    }
    if (incremental_fsync_ && written_ - synced_ >= kIncrementalSyncBytes) {
      if (::fdatasync(fd_) != 0) {
        throw std::system_error(errno, std::generic_category(), "fdatasync");
      }
      synced_ = written_;
    }
  }

  static constexpr size_t kFlushBytes = 64 * 1024;
  static constexpr uint64_t kIncrementalSyncBytes = 4 * 1024 * 1024;

  int fd_;
  bool incremental_fsync_;
  std::string buffer_;
  uint64_t written_ = 0;  // bytes handed to the file
  uint64_t synced_ = 0;
};

// One collection as `name key item...` commands of at most
// kAofItemsPerCommand items each. begin_item() comes before each item's
// bulks and opens a new command when the last one is full.
class BatchedCommands {
 public:
  BatchedCommands(CommandWriter& out, std::string_view name, std::string_view key, size_t items,
                  size_t bulks_per_item)
      : out_(out), name_(name), key_(key), items_left_(items), bulks_per_item_(bulks_per_item) {}

  void begin_item() {
    if (left_in_command_ == 0) {
      left_in_command_ = std::min(items_left_, kAofItemsPerCommand);
      out_.array_header(2 + left_in_command_ * bulks_per_item_);
      out_.bulk(name_);
      out_.bulk(key_);
    }
    --left_in_command_;
    --items_left_;
  }

 private:
  CommandWriter& out_;
  std::string_view name_;
  std::string_view key_;
  size_t items_left_;
  size_t bulks_per_item_;
  size_t left_in_command_ = 0;
};

void write_list(CommandWriter& out, std::string_view key, const Value& value) {
  const QuickList& list = static_cast<const ListValue*>(value.collection())->list();
  BatchedCommands commands(out, "RPUSH", key, list.size(), 1);
  IntScratch scratch;
  for (QuickList::Cursor cursor = list.first(); cursor; list.next(cursor)) {
    commands.begin_item();
    out.bulk(list.get(cursor).bytes(scratch));
  }
}

void write_set(CommandWriter& out, std::string_view key, const Value& value) {
  const auto& set = *static_cast<const SetValue*>(value.collection());
  BatchedCommands commands(out, "SADD", key, set.size(), 1);
  set.for_each([&](std::string_view member) {
    commands.begin_item();
    out.bulk(member);
  });
}

void write_zset(CommandWriter& out, std::string_view key, const Value& value) {
  const auto& zset = *static_cast<const ZSetValue*>(value.collection());
  BatchedCommands commands(out, "ZADD", key, zset.size(), 2);
  char score_text[kDoubleTextMax];
  for (auto cursor = zset.at_rank(0); cursor.valid(); cursor.next()) {
    commands.begin_item();
    out.bulk(format_double(cursor.score(), score_text));
    out.bulk(cursor.member());
  }
}

void write_hash(CommandWriter& out, std::string_view key, const Value& value) {
  // for_each is not const, but only reads.
  auto& hash = *static_cast<HashValue*>(value.collection());
  BatchedCommands commands(out, "HMSET", key, hash.size(), 2);
  hash.for_each([&](std::string_view field, std::string_view text) {
    commands.begin_item();
    out.bulk(field);
    out.bulk(text);
  });
}

void write_stream_id(CommandWriter& out, StreamId id) {
  char text[StreamId::kTextMax];
  out.bulk(std::string_view(text, id.format(text)));
}

// As Redis 7.0's rewriteStreamObject: an XADD per entry (an empty stream is
// made by an XADD MAXLEN 0), XSETID with the counters, then per group an
// XGROUP CREATE with its entries-read, and per consumer an XCLAIM ... FORCE
// of each pending entry, or XGROUP CREATECONSUMER when it has none.
void write_stream(CommandWriter& out, std::string_view key, const Value& value) {
  const auto& stream = *static_cast<const StreamValue*>(value.collection());
  if (stream.size() > 0) {
    for (auto it = stream.range(StreamId::min(), StreamId::max()); it.next();) {
      out.array_header(3 + 2 * it.field_count());
      out.bulk("XADD");
      out.bulk(key);
      write_stream_id(out, it.id());
      it.for_each_field([&](std::string_view field, std::string_view text) {
        out.bulk(field);
        out.bulk(text);
      });
    }
  } else {
    out.array_header(7);
    out.bulk("XADD");
    out.bulk(key);
    out.bulk("MAXLEN");
    out.bulk("0");
    write_stream_id(out, {0, 1});
    out.bulk("x");
    out.bulk("y");
  }
  out.array_header(7);
  out.bulk("XSETID");
  out.bulk(key);
  write_stream_id(out, stream.last_id());
  out.bulk("ENTRIESADDED");
  out.bulk_number(static_cast<int64_t>(stream.entries_added()));
  out.bulk("MAXDELETEDID");
  write_stream_id(out, stream.max_deleted_id());
  stream.for_each_group([&](const StreamGroup& group) {
    out.array_header(7);
    out.bulk("XGROUP");
    out.bulk("CREATE");
    out.bulk(key);
    out.bulk(group.name());
    write_stream_id(out, group.last_delivered_id());
    out.bulk("ENTRIESREAD");
    out.bulk_number(group.entries_read());
    group.for_each_consumer([&](const StreamConsumer& consumer) {
      if (consumer.pending_count() == 0) {
        out.array_header(5);
        out.bulk("XGROUP");
        out.bulk("CREATECONSUMER");
        out.bulk(key);
        out.bulk(group.name());
        out.bulk(consumer.name());
        return;
      }
      group.for_each_pending(StreamId::min(), StreamId::max(), &consumer,
                             [&](const PendingEntry& entry) {
                               out.array_header(12);
                               out.bulk("XCLAIM");
                               out.bulk(key);
                               out.bulk(group.name());
                               out.bulk(consumer.name());
                               out.bulk("0");
                               write_stream_id(out, entry.id);
                               out.bulk("TIME");
                               out.bulk_number(entry.delivery_time_ms);
                               out.bulk("RETRYCOUNT");
                               out.bulk_number(static_cast<int64_t>(entry.delivery_count));
                               out.bulk("JUSTID");
                               out.bulk("FORCE");
                               return true;
                             });
    });
  });
}

void write_key(CommandWriter& out, std::string_view key, const Value& value) {
  switch (value.type()) {
    case ValueType::kString: {
      IntScratch scratch;
      out.array_header(3);
      out.bulk("SET");
      out.bulk(key);
      out.bulk(value.string_bytes(scratch));
      break;
    }
    case ValueType::kList:
      write_list(out, key, value);
      break;
    case ValueType::kSet:
      write_set(out, key, value);
      break;
    case ValueType::kZSet:
      write_zset(out, key, value);
      break;
    case ValueType::kHash:
      write_hash(out, key, value);
      break;
    case ValueType::kStream:
      write_stream(out, key, value);
      break;
  }
}

void write_dataset(CommandWriter& out, std::span<Db* const> dbs, int64_t now_ms,
                   const std::function<void()>& after_each_key,
                   std::span<const std::string> function_libraries) {
  for (const std::string& code : function_libraries) {
    out.array_header(3);
    out.bulk("FUNCTION");
    out.bulk("LOAD");
    out.bulk(code);
  }
  for (size_t index = 0; index < dbs.size(); ++index) {
    const Db& db = *dbs[index];
    if (db.size() == 0) continue;
    out.array_header(2);
    out.bulk("SELECT");
    out.bulk_number(static_cast<int64_t>(index));
    db.for_each_held([&](const Entry& entry) {
      const int64_t expire_ms = db.expire_at(&entry);
      // Redis's test: a key is expired once the clock is past its time.
      if (expire_ms != -1 && expire_ms < now_ms) return;
      write_key(out, entry.key(), entry.value());
      if (expire_ms != -1) {
        out.array_header(3);
        out.bulk("PEXPIREAT");
        out.bulk(entry.key());
        out.bulk_number(expire_ms);
      }
      if (after_each_key) after_each_key();
    });
  }
}

}  // namespace

uint64_t write_aof_base(int fd, std::span<Db* const> dbs, int64_t now_ms, bool incremental_fsync,
                        const std::function<void()>& after_each_key,
                        std::span<const std::string> function_libraries) {
  CommandWriter out(fd, incremental_fsync);
  write_dataset(out, dbs, now_ms, after_each_key, function_libraries);
  out.flush();
  return out.bytes_written();
}

std::string aof_base_bytes(std::span<Db* const> dbs, int64_t now_ms,
                           std::span<const std::string> function_libraries) {
  CommandWriter out(-1, false);
  write_dataset(out, dbs, now_ms, {}, function_libraries);
  return out.take();
}

}  // namespace fkvs::persistence
