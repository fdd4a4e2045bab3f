#pragma once

#include <string>
#include <string_view>

namespace fkvs {

// Tells a service manager when the server is ready and when it stops:
// systemd through sd_notify's datagram on $NOTIFY_SOCKET, upstart by
// stopping itself with SIGSTOP once ready (upstart's "expect stop").
class Supervisor {
 public:
  // mode is the supervised option: no, upstart, systemd or auto.
  explicit Supervisor(std::string_view mode);

  // INFO's process_supervised: no, upstart or systemd.
  const char* name() const;
  // Listeners accept connections and the data is loaded.
  void ready(std::string_view status);
  void stopping();

 private:
  enum class Kind { kNone, kUpstart, kSystemd };
  // One sd_notify message ("READY=1\nSTATUS=..."); false when it could not go.
  bool notify_systemd(std::string_view message) const;

  Kind kind_ = Kind::kNone;
  std::string notify_socket_;
};

}  // namespace fkvs
