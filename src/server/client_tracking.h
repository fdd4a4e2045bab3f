#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fkvs {

// One client's CLIENT TRACKING settings (see server/tracking.h).
struct ClientTracking {
  bool on = false;
  // Invalidations for every key under a prefix, not only for keys read.
  bool bcast = false;
  // Keys read are remembered only after CLIENT CACHING YES (optin), or
  // unless CLIENT CACHING NO came first (optout).
  bool optin = false;
  bool optout = false;
  // CLIENT CACHING was given for the next command.
  bool caching = false;
  // No invalidations for the client's own writes.
  bool noloop = false;
  // The redirect target had gone when an invalidation was due.
  bool broken_redirect = false;
  // Where invalidations go: the id of another client, 0 for this one.
  uint64_t redirect = 0;
  // BCAST's prefixes, sorted ("" stands for every key).
  std::vector<std::string> prefixes;

  // Whether the keys the next command reads are remembered for this client.
  bool remembers_reads() const { return on && !bcast && (optin ? caching : !caching); }
};

}  // namespace fkvs
