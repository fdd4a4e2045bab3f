#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace fkvs {

// fdatasync off the loop's thread. The AOF numbers what it writes in
// batches; request() asks for the file to be synced through a batch, and
// the thread syncs whatever was asked last, so requests made while a sync
// runs are covered together by the next one (group commit). Each finished
// sync is announced on a pipe the event loop watches.
class BackgroundSync {
 public:
  BackgroundSync();
  ~BackgroundSync();
  BackgroundSync(const BackgroundSync&) = delete;
  BackgroundSync& operator=(const BackgroundSync&) = delete;

  void start();
  // Waits for the sync in progress, if any; requests not yet begun are dropped.
  void stop();
  bool running() const { return thread_.joinable(); }

  // Syncs fd (the thread takes it: pass a dup) so that batch and all before
  // it are on disk.
  void request(int fd, uint64_t batch);
  // A sync is running or asked for (everysec skips a second rather than queue).
  bool busy();

  // Readable once a sync finished since the last collect().
  int notify_fd() const { return notify_read_; }
  struct Outcome {
    uint64_t synced_batch;  // every batch up to this one is on disk
    int error;              // errno of the last failed sync since the last collect, or 0
  };
  // Drains notify_fd() and says how far syncing has got.
  Outcome collect();

  // Tests: each sync first sleeps this long (DEBUG AOF-SYNC-DELAY).
  void set_delay_us(int64_t delay_us);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::thread thread_;
  bool stop_ = false;
  int fd_ = -1;  // to sync next, or -1
  uint64_t wanted_batch_ = 0;
  bool syncing_ = false;
  uint64_t synced_batch_ = 0;
  int error_ = 0;
  int64_t delay_us_ = 0;
  int notify_read_ = -1;
  int notify_write_ = -1;
};

}  // namespace fkvs
