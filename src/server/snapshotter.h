#pragma once

#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "persistence/rdb_reader.h"
#include "server/config.h"

namespace fkvs {

class Server;

// The compact-encoding limits as the configuration sets them now: what
// commands building values and loaders (RESTORE, DEBUG RELOAD, start-up)
// both go by, so a loaded value gets the encoding a command would give it.
inline persistence::EncodingLimits encoding_limits(const Config& config) {
  persistence::EncodingLimits limits;
  limits.list_fill = config.list_max_listpack_size;
  limits.list_compress_depth = config.list_compress_depth;
  limits.hash = {static_cast<size_t>(std::max<int64_t>(config.hash_max_listpack_entries, 0)),
                 static_cast<size_t>(config.hash_max_listpack_value)};
  limits.set_max_intset_entries =
      static_cast<size_t>(std::max<int64_t>(config.set_max_intset_entries, 0));
  limits.zset = {static_cast<size_t>(std::max<int64_t>(config.zset_max_listpack_entries, 0)),
                 static_cast<size_t>(config.zset_max_listpack_value)};
  return limits;
}

// The server's RDB snapshots: SAVE, BGSAVE in a forked child, the save
// points, loading at start-up, and the state INFO persistence and MISCONF
// report. The file format itself is persistence/'s.
class Snapshotter {
 public:
  explicit Snapshotter(Server& server) : server_(server) {}
  ~Snapshotter();
  Snapshotter(const Snapshotter&) = delete;
  Snapshotter& operator=(const Snapshotter&) = delete;

  // dir/dbfilename.
  std::string path() const;

  // Writes the snapshot now, in this process (SAVE, SHUTDOWN, FLUSHALL).
  // False, with the reason logged, when it failed.
  bool save();
  // Forks a child that writes the snapshot while the server goes on
  // (BGSAVE, the save points). An error message when it cannot start.
  std::string background_save();
  bool child_running() const { return child_pid_ > 0; }
  // Stops a child's save (FLUSHALL, SHUTDOWN) and removes its temp file.
  void kill_child();
  // BGSAVE SCHEDULE while another child runs: starts once it can.
  void schedule() { scheduled_ = true; }

  // Loads dir/dbfilename into the (empty) databases if it exists. Throws
  // std::runtime_error naming the file, the offset and the reason when it
  // cannot be loaded; nothing of it is left loaded then.
  void load_at_start();
  // Loads dir/dbfilename into the databases (DEBUG RELOAD): an error
  // message when it could not; with merge, its keys replace those held.
  std::string load(bool merge);

  // Per tick: reaps a finished child, then starts a background save when a
  // save point is reached or one was scheduled.
  void cron();

  // MISCONF: a background save failed, save points are set and
  // stop-writes-on-bgsave-error is on.
  bool writes_refused() const { return !last_bgsave_ok_ && writes_refused_after_failure(); }

  int64_t lastsave_unix() const { return lastsave_unix_; }
  void set_lastsave_unix(int64_t seconds) { lastsave_unix_ = seconds; }
  bool last_bgsave_ok() const { return last_bgsave_ok_; }
  int64_t last_bgsave_seconds() const { return last_bgsave_seconds_; }
  // What the last successful BGSAVE's child copied on write (rdb_last_cow_size).
  uint64_t last_cow_bytes() const { return last_cow_bytes_; }
  // Seconds the running child has been saving; -1 when none is.
  int64_t current_bgsave_seconds() const;
  uint64_t saves() const { return saves_; }
  uint64_t last_load_keys_loaded() const { return last_load_keys_loaded_; }
  uint64_t last_load_keys_expired() const { return last_load_keys_expired_; }

 private:
  bool writes_refused_after_failure() const;
  // The child finished with status (waitpid's).
  void child_done(int status);
  void saved_now();
  void remove_temp_file(pid_t child) const;

  Server& server_;
  pid_t child_pid_ = -1;
  int64_t child_start_ms_ = 0;
  uint64_t dirty_before_child_ = 0;
  int64_t lastsave_unix_ = 0;
  int64_t last_bgsave_try_unix_ = 0;
  bool last_bgsave_ok_ = true;
  int64_t last_bgsave_seconds_ = -1;
  uint64_t last_cow_bytes_ = 0;
  bool scheduled_ = false;
  uint64_t saves_ = 0;
  uint64_t last_load_keys_loaded_ = 0;
  uint64_t last_load_keys_expired_ = 0;
};

}  // namespace fkvs
