#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

namespace fkvs {

class Client;
struct Command;

// CLIENT PAUSE: until a deadline (or CLIENT UNPAUSE), the commands of every
// client (ALL) or those that may write (WRITE) wait, each client in the order
// it arrived, and the dataset stays as it is: keys past their TTL read as
// missing but are not reclaimed, and nothing is evicted.
//
// A paused client's command stays unconsumed in its input buffer and is
// parsed again when the pause ends; this keeps only the order of clients.
class ClientPause {
 public:
  enum class Mode { kNone, kWrite, kAll };

  // A later pause only lengthens the current one, or widens WRITE to ALL.
  void pause(int64_t until_ms, Mode mode);
  // Whether a pause is on; ends_ms() says until when.
  bool active() const { return mode_ != Mode::kNone; }
  Mode mode() const { return mode_; }
  int64_t ends_ms() const { return until_ms_; }
  // The flags a call runs with, where they depend on its arguments (EVAL:
  // its script's shebang); without one, the command's own.
  using CallFlags = std::function<uint32_t(const Command&, std::span<const std::string_view>)>;

  // Whether command, about to run with args for client, must wait for the pause to end.
  bool holds(const Client& client, const Command& command,
             std::span<const std::string_view> args = {}, const CallFlags& flags_of = {}) const;

  // client's command waits for the end of the pause (Client::paused).
  void hold(Client& client);
  // client leaves the line (closed); harmless when it was not in it.
  void forget(Client& client);
  size_t held_count() const { return held_.size(); }

  // Ends the pause; returns the ids of the clients that waited, in order.
  std::vector<uint64_t> end();

 private:
  Mode mode_ = Mode::kNone;
  int64_t until_ms_ = 0;
  // Client ids in the order their commands were held.
  std::vector<uint64_t> held_;
};

}  // namespace fkvs
