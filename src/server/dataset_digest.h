#pragma once

#include <span>
#include <string>

#include "store/db.h"

namespace fkvs {

// DEBUG DIGEST and DEBUG DIGEST-VALUE, computed as Redis 7.0 computes them
// (SHA-1 based, independent of key order and of encodings), so the same
// dataset gives the same 40 hex digits here and in redis-server: a test can
// compare a dataset across a save and load, or across the two servers.

// The whole dataset (dbs[i] is database i); 40 zeros when it is empty.
std::string dataset_digest(std::span<Db* const> dbs);

// One key's value and TTL, without its name; 40 zeros for a missing key.
std::string key_digest(Db& db, std::string_view key);

}  // namespace fkvs
