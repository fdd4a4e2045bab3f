#pragma once

#include <cstdint>

namespace fkvs {

// Server-wide counters for INFO stats (reset by CONFIG RESETSTAT).
struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_net_input_bytes = 0;
  uint64_t total_net_output_bytes = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t client_output_buffer_limit_disconnections = 0;
  uint64_t evicted_clients = 0;  // closed for maxmemory-clients

  // instantaneous_ops_per_sec: samples of the command counter, taken by the cron.
  static constexpr int kSamples = 16;
  uint64_t op_samples[kSamples] = {};
  int op_sample_index = 0;
  uint64_t last_sample_commands = 0;
  int64_t last_sample_ms = 0;
};

}  // namespace fkvs
