#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs {

// The one path by which writes leave the dataset: each change is described
// as commands whose replay gives the same data (effects, not requests:
// EXPIRE becomes PEXPIREAT, SPOP becomes SREM, a served BLPOP an LPOP, an
// expired key a DEL), and every consumer (the AOF now; replicas, keyspace
// tracking later) receives the same stream.
//
// Commands are gathered per execution unit (one top-level command, EXEC
// with its queue, one expiry) and delivered when the unit ends, wrapped in
// MULTI/EXEC when a unit produced more than one, so a consumer never sees
// half of a transaction.
class Propagation {
 public:
  class Consumer {
   public:
    // argv runs in database db.
    virtual void replay(int db, std::span<const std::string> argv) = 0;

   protected:
    ~Consumer() = default;
  };

  // Whether anyone consumes: when not, nothing is gathered at all.
  bool active() const { return !consumers_.empty(); }
  void add_consumer(Consumer* consumer) { consumers_.push_back(consumer); }
  void remove_consumer(Consumer* consumer);

  // A unit starts and ends around each top-level command; nested calls
  // (EXEC's queue) stay in the outer unit.
  void begin_unit() { ++depth_; }
  void end_unit();

  // One command of the current unit (or delivered at once outside any).
  void add(int db, std::span<const std::string_view> argv);
  void add(int db, std::initializer_list<std::string_view> argv) {
    add(db, std::span<const std::string_view>(argv.begin(), argv.size()));
  }

  // A command handler's say in how its own call propagates: the first
  // replaces the call's arguments, later ones add commands after it.
  void rewrite_call(std::span<const std::string_view> argv);
  // The call ended having changed the dataset: its rewrites, or its own
  // arguments, join the unit.
  void end_call(int db, std::span<const std::string_view> args);
  // The call ended without changing anything: its rewrites are dropped.
  void discard_call() { rewritten_.clear(); }
  // A script's redis.set_repl without REPL_AOF: the calls that end while
  // muted join no unit.
  void set_calls_muted(bool muted) { calls_muted_ = muted; }

 private:
  struct Pending {
    int db;
    std::vector<std::string> argv;
  };
  void deliver();

  std::vector<Consumer*> consumers_;
  int depth_ = 0;
  std::vector<Pending> unit_;
  std::vector<std::vector<std::string>> rewritten_;
  bool calls_muted_ = false;
};

}  // namespace fkvs
