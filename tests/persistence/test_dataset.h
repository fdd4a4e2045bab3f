#pragma once

#include <memory>
#include <string>
#include <vector>

#include "server/dataset_digest.h"
#include "store/db.h"

namespace fkvs {

// Sixteen databases, as a server has, for the file formats' tests.
struct Dataset {
  KeyspaceStats stats;
  std::vector<std::unique_ptr<Db>> owned;
  std::vector<Db*> dbs;
  Dataset() {
    for (int i = 0; i < 16; ++i) {
      owned.push_back(std::make_unique<Db>(stats, i));
      dbs.push_back(owned.back().get());
    }
  }
  Db& db(int index) { return *dbs[index]; }
  std::string digest() const { return dataset_digest(dbs); }
};

}  // namespace fkvs
