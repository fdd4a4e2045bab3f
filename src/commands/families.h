#pragma once

namespace fkvs {

class CommandTable;

// Each command family adds its rows to the table; Server calls these in order.
void register_connection_family(CommandTable& table);
// CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO: after register_connection_family.
void register_tracking_family(CommandTable& table);
void register_string_family(CommandTable& table);
void register_bitmap_family(CommandTable& table);
void register_bitfield_family(CommandTable& table);
void register_key_family(CommandTable& table);
void register_list_family(CommandTable& table);
void register_list_blocking_family(CommandTable& table);
void register_hash_family(CommandTable& table);
void register_set_family(CommandTable& table);
void register_zset_family(CommandTable& table);
void register_zset_blocking_family(CommandTable& table);
void register_pubsub_family(CommandTable& table);
void register_transaction_family(CommandTable& table);
void register_server_family(CommandTable& table);
void register_command_family(CommandTable& table);
void register_memory_family(CommandTable& table);
void register_latency_family(CommandTable& table);
void register_persistence_family(CommandTable& table);
void register_migrate_family(CommandTable& table);
void register_scripting_family(CommandTable& table);
void register_function_family(CommandTable& table);
void register_stream_family(CommandTable& table);
void register_stream_read_family(CommandTable& table);
void register_stream_group_family(CommandTable& table);
void register_stream_claim_family(CommandTable& table);
void register_stream_info_family(CommandTable& table);
void register_hyperloglog_family(CommandTable& table);
void register_sort_family(CommandTable& table);
void register_lcs_family(CommandTable& table);
void register_geo_family(CommandTable& table);

}  // namespace fkvs
