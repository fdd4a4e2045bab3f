#include "server/watched_keys.h"

#include <doctest/doctest.h>

#include "../store/test_values.h"
#include "store/db.h"
#include "test_clients.h"
#include "util/clock.h"

namespace fkvs {
namespace {

TEST_CASE("watched_keys: a change breaks every watcher of that key of that db only") {
  TestClients made;
  Client& a = made.add();
  Client& b = made.add();
  Client& c = made.add();
  WatchedKeys watched;
  CHECK(watched.empty());
  watched.watch(a, 0, "k", false);
  watched.watch(a, 0, "k", false);  // once is enough
  watched.watch(b, 0, "k", false);
  watched.watch(c, 1, "k", false);
  watched.watch(c, 0, "other", false);
  CHECK(a.multi.watched.size() == 1);

  watched.touch(0, "unwatched", nullptr);
  watched.touch(2, "k", nullptr);
  CHECK_FALSE(a.multi.watch_broken);
  watched.touch(0, "k", nullptr);
  CHECK(a.multi.watch_broken);
  CHECK(b.multi.watch_broken);
  CHECK_FALSE(c.multi.watch_broken);
  // A broken transaction drops its watches; the others keep theirs.
  CHECK(a.multi.watched.empty());
  CHECK(c.multi.watched.size() == 2);
  watched.unwatch_all(c);
  CHECK(watched.empty());
}

TEST_CASE("watched_keys: reclaiming a key that was expired when watched is no change") {
  TestClients made;
  Client& a = made.add();
  WatchedKeys watched;
  KeyspaceStats stats;
  Db db(stats);
  watched.watch(a, 0, "k", true);
  watched.touch(0, "k", nullptr);  // the reclaiming
  CHECK_FALSE(a.multi.watch_broken);
  CHECK_FALSE(a.multi.watched.front().expired);
  watched.touch(0, "k", &db);  // any change after it is one
  CHECK(a.multi.watch_broken);

  Client& b = made.add();
  Client& c = made.add();
  watched.watch(b, 0, "gone", true);
  watched.watch(c, 0, "back", true);
  db.insert("back", string_value("v"));
  // Asked of the database: still absent is no change, there again is one.
  watched.touch(0, "gone", &db);
  watched.touch(0, "back", &db);
  CHECK_FALSE(b.multi.watch_broken);
  CHECK(c.multi.watch_broken);
}

TEST_CASE("watched_keys: flushing breaks watchers of keys that were there") {
  TestClients made;
  Client& present = made.add();
  Client& absent = made.add();
  KeyspaceStats stats;
  Db db(stats);
  db.insert("here", string_value("v"));
  WatchedKeys watched;
  watched.watch(present, 0, "here", false);
  watched.watch(absent, 0, "missing", false);
  watched.touch_all(0, db, nullptr);
  CHECK(present.multi.watch_broken);
  CHECK_FALSE(absent.multi.watch_broken);
}

TEST_CASE("watched_keys: swapping breaks watchers of keys on either side") {
  TestClients made;
  Client& here = made.add();
  Client& there = made.add();
  Client& nowhere = made.add();
  Client& expired_both = made.add();
  KeyspaceStats stats;
  Db first(stats, 0);
  Db second(stats, 1);
  first.insert("a", string_value("v"));
  second.insert("b", string_value("v"));
  for (Db* db : {&first, &second}) {
    Entry* entry = db->insert("gone", string_value("v"));
    db->set_expire(entry, clock::now_ms() - 1000);
  }
  WatchedKeys watched;
  watched.watch(here, 0, "a", false);
  watched.watch(there, 0, "b", false);
  watched.watch(nowhere, 0, "c", false);
  watched.watch(expired_both, 0, "gone", true);
  watched.touch_all(0, first, &second);
  watched.touch_all(1, second, &first);
  CHECK(here.multi.watch_broken);
  CHECK(there.multi.watch_broken);
  CHECK_FALSE(nowhere.multi.watch_broken);
  // Logically absent before and after.
  CHECK_FALSE(expired_both.multi.watch_broken);
}

}  // namespace
}  // namespace fkvs
