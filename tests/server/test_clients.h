#pragma once

#include <memory>
#include <vector>

#include "net/connection.h"
#include "server/client.h"

namespace fkvs {

// Clients on connections with no socket, for registries that only need
// their identity and state.
struct TestClients {
  std::vector<std::unique_ptr<net::Connection>> conns;
  std::vector<std::unique_ptr<Client>> clients;
  Client& add() {
    conns.push_back(std::make_unique<net::Connection>(-1, "peer", "local", false));
    clients.push_back(std::make_unique<Client>(clients.size() + 1, *conns.back(), 0));
    return *clients.back();
  }
};

}  // namespace fkvs
