#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "persistence/aof_manifest.h"
#include "server/background_sync.h"
#include "server/durable_replies.h"
#include "server/propagation.h"

namespace fkvs {

class Client;
struct Command;
class Server;

// The append-only file in Redis 7's multi-part layout: appenddirname/ holds
// a base (an RDB image, or commands with aof-use-rdb-preamble no), incremental
// files of RESP commands written since, and the manifest naming them. It
// consumes the server's Propagation, so it logs effects, not requests.
//
// Writes are gathered per loop iteration (a batch) and written before the
// loop waits. A background thread syncs them: appendfsync always asks for
// every batch and holds the replies that depend on it until its sync ends
// (group commit; see DurableReplies), everysec asks once a second, no
// leaves it to the kernel.
//
// A rewrite (BGREWRITEAOF, auto-aof-rewrite-*) needs no rewrite buffer: the
// server switches to a new incremental file and forks; the child writes the
// new base from its copy of the data; the manifest then names the new base
// and the incremental files opened since, and the old files go.
class AppendOnlyFile final : public Propagation::Consumer {
 public:
  explicit AppendOnlyFile(Server& server);
  ~AppendOnlyFile();
  AppendOnlyFile(const AppendOnlyFile&) = delete;
  AppendOnlyFile& operator=(const AppendOnlyFile&) = delete;

  // At start-up with appendonly yes: loads the AOF into the (empty)
  // databases if there is one, then opens it for appending, creating a base
  // and manifest when there was none. Throws std::runtime_error naming the
  // file, the offset and the reason when the AOF cannot be loaded.
  void start_at_boot();
  // DEBUG LOADAOF: writes what is pending, then loads the AOF afresh into
  // the emptied databases (replayed commands are not logged again). An
  // error message when it could not be loaded.
  std::string reload();
  // CONFIG SET appendonly yes at runtime: a rewrite writes the base of the
  // data held now, and the AOF is on once it succeeds. An error message
  // when it cannot start.
  std::string turn_on();
  // CONFIG SET appendonly no: stops logging (the files stay).
  void turn_off();
  bool on() const { return state_ == State::kOn; }
  // CONFIG SET appendonly yes is still writing the first base.
  bool waiting_for_base() const { return state_ == State::kWaitingForBase; }

  // Before the loop waits: writes what this iteration logged; with
  // appendfsync always, asks for it to be synced.
  void flush();
  // The background sync announces finished syncs on this descriptor, and
  // sync_finished() is to run when it is readable.
  int sync_notify_fd() const { return sync_.notify_fd(); }
  void sync_finished();

  // appendfsync always: replies wait for the syncs they depend on.
  bool holds_replies() const;
  // The batch the reply to a call of command with args in db waits for
  // (0: none); changed says the call changed data.
  uint64_t batch_needed_by(int db, const Command& command, std::span<const std::string_view> args,
                           bool changed) const;
  // client's output from position on waits until batch is synced.
  void hold_reply(Client& client, uint64_t position, uint64_t batch) {
    replies_.hold(client, position, batch);
  }
  void forget(Client& client) { replies_.forget(client); }
  // The batch commands logged now join.
  uint64_t gathering_batch() const { return batch_; }
  // DEBUG AOF-SYNC-DELAY: each background sync first sleeps this long.
  void set_sync_delay_us(int64_t delay_us) { sync_.set_delay_us(delay_us); }
  // Per tick: the everysec sync, a finished rewrite child, auto rewrite.
  void cron();

  // BGREWRITEAOF: an error message, or empty when a rewrite started.
  std::string background_rewrite();
  bool rewrite_running() const { return child_pid_ > 0; }
  void schedule_rewrite() { rewrite_scheduled_ = true; }
  bool rewrite_scheduled() const { return rewrite_scheduled_; }
  void kill_rewrite();

  // While the last write to the AOF failed, writes are refused (MISCONF):
  // their acknowledgement would promise what the disk did not take.
  bool writes_refused() const {
    return state_ != State::kOff && (!last_write_ok_ || sync_error_ != 0);
  }
  std::string last_write_error() const;

  // INFO persistence.
  bool last_write_ok() const { return last_write_ok_; }
  bool last_rewrite_ok() const { return last_rewrite_ok_; }
  int64_t last_rewrite_seconds() const { return last_rewrite_seconds_; }
  int64_t current_rewrite_seconds() const;
  uint64_t rewrites() const { return rewrites_; }
  // What the last successful rewrite's child copied on write (aof_last_cow_size).
  uint64_t last_cow_bytes() const { return last_cow_bytes_; }
  uint64_t current_size() const { return current_size_; }
  uint64_t base_size() const { return base_size_; }
  // Commands gathered for the next write (left out of maxmemory's count).
  size_t buffered_bytes() const { return buffer_.capacity(); }

  // Propagation::Consumer
  void replay(int db, std::span<const std::string> argv) override;

 private:
  enum class State { kOff, kWaitingForBase, kOn };

  std::string directory() const;
  std::string path_in_directory(const std::string& name) const;
  // Loads manifest's files into the databases.
  void load(const persistence::AofManifest& manifest);
  // Replays the RESP commands of bytes (an incremental file, or what follows
  // an RDB preamble) from offset; returns where the last whole command ended.
  size_t replay_commands(std::string_view bytes, size_t offset, const std::string& file,
                         bool last_file);
  void write_manifest(const persistence::AofManifest& manifest);
  // Opens a new incremental file (seq) for appending; logging goes there.
  void open_incremental(uint64_t seq);
  void write_buffer();
  // Logs writes from now on, forking the child that writes the base.
  std::string start_logging_from_base();
  void fork_rewrite();
  void rewrite_done(int status);
  // Writes a base of the data held now into fd: an RDB image (aof-base 1)
  // or, with aof-use-rdb-preamble no, commands.
  void write_base(int fd, bool rdb);

  // appendfsync always: the keys argv (a logged command) wrote.
  void note_written_keys(int db, std::span<const std::string> argv);
  // Asks the background sync for everything written so far.
  void request_sync();
  // The latency monitor's "aof-write" events for a write of the buffer.
  void note_write_latency(int64_t duration_us);
  // Syncs what was written so far on this thread (before switching files,
  // reloading, turning off); replies waiting for it go. A failure is
  // handled as the background sync's is.
  void sync_here();
  // A sync failed with error: under appendfsync always the server exits.
  void sync_failed(int error);
  void release_replies(uint64_t synced_batch);

  Server& server_;
  State state_ = State::kOff;
  persistence::AofManifest manifest_;
  int fd_ = -1;
  std::string buffer_;
  int selected_db_ = -1;
  int64_t last_timestamp_s_ = 0;  // of the last "#TS:" annotation
  uint64_t current_size_ = 0;
  uint64_t base_size_ = 0;
  bool last_write_ok_ = true;
  std::string last_write_error_;
  // Bytes of the incremental file known whole: a partial write is cut back
  // to this, so the file never ends inside a command.
  uint64_t file_size_ = 0;
  int64_t last_sync_ms_ = 0;

  pid_t child_pid_ = -1;
  int64_t child_start_ms_ = 0;
  // The incremental file written now; during a rewrite, the first one the
  // new base precedes.
  uint64_t incremental_seq_ = 0;
  bool rewrite_scheduled_ = false;
  bool rewrite_base_is_rdb_ = true;  // the running rewrite's base
  bool last_rewrite_ok_ = true;
  int64_t last_rewrite_seconds_ = -1;
  int64_t last_rewrite_end_ms_ = 0;
  static constexpr int64_t kRewriteRetryDelayMs = 60 * 1000;
  uint64_t rewrites_ = 0;
  uint64_t last_cow_bytes_ = 0;

  // The batch being gathered in buffer_, the last one written to the file,
  // and the last one known synced.
  uint64_t batch_ = 1;
  uint64_t written_batch_ = 0;
  uint64_t synced_batch_ = 0;
  // errno of the last background sync when it failed (everysec: writes are
  // refused until a sync succeeds, as in Redis).
  int sync_error_ = 0;
  DurableReplies replies_;
  BackgroundSync sync_;
};

}  // namespace fkvs
