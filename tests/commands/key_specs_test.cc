#include "commands/key_specs.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using fkvs::find_keys;
using fkvs::key_specs_of;

// The keys find_keys finds in a call, with their flags' names: "a:RW,access,delete".
std::vector<std::string> keys_of(std::vector<std::string_view> call) {
  const auto keys = find_keys(key_specs_of(call[0]), call);
  if (!keys) return {"invalid"};
  std::vector<std::string> found;
  for (const fkvs::KeyPosition& key : *keys) {
    std::string flags;
    for (std::string_view flag : fkvs::key_flag_names(key.flags)) {
      if (!flags.empty()) flags += ',';
      flags += flag;
    }
    found.push_back(std::string(call[key.index]) + ':' + flags);
  }
  return found;
}

using Keys = std::vector<std::string>;

TEST_CASE("key specs: ranges, steps and counts from the end") {
  CHECK(keys_of({"get", "k"}) == Keys{"k:RO,access"});
  CHECK(keys_of({"mset", "a", "1", "b", "2"}) == Keys{"a:OW,update", "b:OW,update"});
  CHECK(keys_of({"blpop", "a", "b", "0"}) == Keys{"a:RW,access,delete", "b:RW,access,delete"});
  CHECK(keys_of({"lmove", "s", "d", "left", "right"}) == Keys{"s:RW,access,delete", "d:RW,insert"});
  CHECK(keys_of({"object|encoding", "encoding", "k"}) == Keys{"k:RO"});
}

TEST_CASE("key specs: keys after a numkeys argument") {
  CHECK(keys_of({"zunionstore", "d", "2", "a", "b", "weights", "1", "2"}) ==
        Keys{"d:OW,update", "a:RO,access", "b:RO,access"});
  CHECK(keys_of({"lmpop", "2", "a", "b", "left"}) ==
        Keys{"a:RW,access,delete", "b:RW,access,delete"});
  CHECK(keys_of({"blmpop", "0", "1", "a", "left"}) == Keys{"a:RW,access,delete"});
  CHECK(keys_of({"sintercard", "1", "a", "b"}) == Keys{"a:RO,access"});
}

TEST_CASE("key specs: a numkeys only atoi() reads gives the keys without flags, counted first") {
  CHECK(keys_of({"zunion", "2x", "a", "b"}) == Keys{"a:", "b:"});
  CHECK(keys_of({"zunionstore", "d", "+1", "a"}) == Keys{"a:", "d:"});
  CHECK(keys_of({"lmpop", "3x", "a", "b", "left"}) == Keys{"a:", "b:", "left:"});
  CHECK(keys_of({"lmpop", "3x", "a", "b"}) == Keys{"invalid"});
}

TEST_CASE("key specs: a numkeys that is not a count of keys present is invalid") {
  CHECK(keys_of({"zunionstore", "d", "3", "a", "b"}) == Keys{"invalid"});
  CHECK(keys_of({"zunionstore", "d", "0", "a"}) == Keys{"invalid"});
  CHECK(keys_of({"zunionstore", "d", "-1", "a"}) == Keys{"invalid"});
  CHECK(keys_of({"lmpop", "x", "a", "left"}) == Keys{"invalid"});
}

TEST_CASE("key specs: SET reads its key only with GET") {
  CHECK(keys_of({"set", "k", "v"}) == Keys{"k:OW,update"});
  CHECK(keys_of({"set", "k", "v", "nx"}) == Keys{"k:OW,update"});
  CHECK(keys_of({"set", "k", "v", "xx", "GeT"}) == Keys{"k:RW,access,update"});
}

TEST_CASE("key specs: movable keys and shard channels") {
  CHECK(fkvs::has_movable_keys(key_specs_of("zunionstore")));
  CHECK(fkvs::has_movable_keys(key_specs_of("lmpop")));
  CHECK_FALSE(fkvs::has_movable_keys(key_specs_of("mset")));
  CHECK_FALSE(fkvs::has_movable_keys(key_specs_of("ping")));
  CHECK(key_specs_of("ping").empty());
  CHECK_FALSE(fkvs::has_key_arguments(key_specs_of("spublish")));
  CHECK(fkvs::has_key_arguments(key_specs_of("exists")));
}

TEST_CASE("key specs: SORT's destination is found as Redis's sortGetKeys finds it") {
  CHECK(keys_of({"sort", "abc", "store", "def"}) == Keys{"abc:RO,access", "def:OW,update"});
  CHECK(keys_of({"sort", "abc", "store", "invalid", "store", "stillbad", "store", "def"}) ==
        Keys{"abc:RO,access", "def:OW,update"});
  CHECK(keys_of({"sort", "abc", "limit", "store", "x"}) == Keys{"abc:RO,access"});
  CHECK(keys_of({"sort", "abc", "get", "store", "x"}) == Keys{"abc:RO,access"});
  CHECK(keys_of({"sort", "abc", "by", "w_*", "STORE", "d"}) ==
        Keys{"abc:RO,access", "d:OW,update"});
  CHECK(keys_of({"sort", "abc", "store"}) == Keys{"abc:RO,access"});
  // STORE's argument is not skipped: a STORE right after STORE names the key after it.
  CHECK(keys_of({"sort", "abc", "store", "store", "x"}) == Keys{"abc:RO,access", "x:OW,update"});
  CHECK(keys_of({"sort_ro", "abc", "store", "x"}) == Keys{"abc:RO,access"});
  CHECK(fkvs::has_movable_keys(key_specs_of("sort")));
  CHECK(fkvs::has_movable_keys(key_specs_of("sort_ro")));
  CHECK(key_specs_of("sort").size() == 3);
  CHECK(key_specs_of("sort_ro").size() == 2);
}

}  // namespace
