#pragma once

#include <span>
#include <vector>

#include "net/event_loop.h"

namespace fkvs::net {

// The connections that received bytes during one pass of a loop over its
// events. Their input runs after the pass, all together, so the handler can
// first prefetch for every one of them (ConnectionHandler::prefetch_input):
// at -P 1 the key lookups of several clients then wait on memory at once,
// not one after another.
class InputBatch {
 public:
  void add(Connection& conn) { pending_.push_back(&conn); }
  // The connections added and not yet run (while a busy command holds the loop).
  std::span<Connection* const> pending() const { return pending_; }

  // run_input(conn) for each connection added, in the order they were added.
  template <typename RunInput>
  void run(ConnectionHandler& handler, RunInput&& run_input) {
    if (pending_.size() > 1) {
      for (Connection* conn : pending_) handler.prefetch_input(*conn, 0);
      for (Connection* conn : pending_) handler.prefetch_input(*conn, 1);
    }
    for (Connection* conn : pending_) run_input(*conn);
    pending_.clear();
  }

 private:
  std::vector<Connection*> pending_;
};

}  // namespace fkvs::net
