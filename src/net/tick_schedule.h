#pragma once

#include <algorithm>
#include <cstdint>

#include "net/event_loop.h"
#include "util/clock.h"

namespace fkvs::net {

// When the handler's cron (on_tick) is next due; every backend waits no
// longer than this and runs the tick the same way.
class TickSchedule {
 public:
  void set_interval_ms(int interval_ms) { interval_us_ = int64_t{interval_ms} * 1000; }
  void start() { next_us_ = clock::monotonic_us() + interval_us_; }
  // How long a wait may last before the tick is due; 0 when it is.
  int64_t wait_budget_us() const { return std::max<int64_t>(0, next_us_ - clock::monotonic_us()); }
  void run_if_due(ConnectionHandler& handler) {
    if (clock::monotonic_us() < next_us_) return;
    clock::update();
    handler.on_tick();
    next_us_ = clock::monotonic_us() + interval_us_;
  }

 private:
  int64_t interval_us_ = 100000;
  int64_t next_us_ = 0;
};

}  // namespace fkvs::net
