#include "server/propagation.h"

#include <algorithm>

namespace fkvs {

namespace {

std::vector<std::string> copy_of(std::span<const std::string_view> argv) {
  return {argv.begin(), argv.end()};
}

}  // namespace

void Propagation::remove_consumer(Consumer* consumer) {
  consumers_.erase(std::remove(consumers_.begin(), consumers_.end(), consumer), consumers_.end());
}

void Propagation::add(int db, std::span<const std::string_view> argv) {
  if (!active()) return;
  unit_.push_back({db, copy_of(argv)});
  if (depth_ == 0) deliver();
}

void Propagation::rewrite_call(std::span<const std::string_view> argv) {
  if (active()) rewritten_.push_back(copy_of(argv));
}

void Propagation::end_call(int db, std::span<const std::string_view> args) {
  if (calls_muted_) [[unlikely]] {
    rewritten_.clear();
  } else if (rewritten_.empty()) {
    unit_.push_back({db, copy_of(args)});
  } else {
    for (auto& argv : rewritten_) unit_.push_back({db, std::move(argv)});
    rewritten_.clear();
  }
  if (depth_ == 0) deliver();
}

void Propagation::end_unit() {
  if (--depth_ == 0 && !unit_.empty()) deliver();
}

void Propagation::deliver() {
  static const std::vector<std::string> kMulti = {"MULTI"};
  static const std::vector<std::string> kExec = {"EXEC"};
  const bool wrap = unit_.size() > 1;
  for (Consumer* consumer : consumers_) {
    if (wrap) consumer->replay(unit_.front().db, kMulti);
    for (const Pending& command : unit_) consumer->replay(command.db, command.argv);
    if (wrap) consumer->replay(unit_.back().db, kExec);
  }
  unit_.clear();
}

}  // namespace fkvs
