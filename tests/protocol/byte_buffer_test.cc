#include "byte_buffer.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>

namespace fkvs::resp {
namespace {

TEST_CASE("byte buffer: append and consume keep the unconsumed bytes in order") {
  ByteBuffer buffer;
  CHECK(buffer.empty());
  CHECK(buffer.capacity() == 0);
  buffer.append("hello ");
  buffer.append("world", 5);
  buffer.push_back('!');
  CHECK(buffer.view() == "hello world!");
  buffer.consume(6);
  CHECK(buffer.view() == "world!");
  CHECK(buffer.size() == 6);
  buffer.append("?");
  CHECK(buffer.view() == "world!?");
}

TEST_CASE("byte buffer: consuming everything rewinds to the start of the storage") {
  ByteBuffer buffer;
  buffer.append("abcdef");
  const char* start = buffer.data();
  buffer.consume(2);
  CHECK(buffer.data() == start + 2);
  buffer.consume(4);
  CHECK(buffer.empty());
  CHECK(buffer.data() == start);
  CHECK(buffer.tail_room() == buffer.capacity());
}

TEST_CASE("byte buffer: clear drops everything and keeps the storage") {
  ByteBuffer buffer;
  buffer.append("abc");
  size_t capacity = buffer.capacity();
  buffer.clear();
  CHECK(buffer.empty());
  CHECK(buffer.capacity() == capacity);
}

TEST_CASE("byte buffer: prepare hands out room that commit makes visible") {
  ByteBuffer buffer;
  buffer.append("ab");
  char* room = buffer.prepare(3);
  CHECK(buffer.tail_room() >= 3);
  room[0] = 'c';
  room[1] = 'd';
  CHECK(buffer.view() == "ab");
  buffer.commit(2);
  CHECK(buffer.view() == "abcd");
}

TEST_CASE("byte buffer: a consumed prefix is reclaimed by sliding before growing") {
  ByteBuffer buffer;
  buffer.append(std::string(4000, 'x'));
  size_t capacity = buffer.capacity();
  const char* storage = buffer.data();
  buffer.consume(3900);
  buffer.append(std::string(50, 'y'));
  CHECK(buffer.data() == storage + 3900);
  // The tail is full now: the 150 live bytes move to the front instead of the
  // storage growing.
  buffer.append(std::string(500, 'z'));
  CHECK(buffer.capacity() == capacity);
  CHECK(buffer.data() == storage);
  CHECK(buffer.view() == std::string(100, 'x') + std::string(50, 'y') + std::string(500, 'z'));
}

TEST_CASE("byte buffer: growing keeps the contents and at least doubles") {
  ByteBuffer buffer;
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    std::string piece = std::to_string(i) + ",";
    buffer.append(piece);
    expected += piece;
  }
  buffer.consume(10);
  expected.erase(0, 10);
  size_t capacity = buffer.capacity();
  buffer.append(std::string(capacity, 'q'));
  expected += std::string(capacity, 'q');
  CHECK(buffer.view() == expected);
  CHECK(buffer.capacity() >= 2 * capacity);
}

TEST_CASE("byte buffer: reserve_more makes room once for a large value") {
  ByteBuffer buffer;
  buffer.append("head");
  buffer.reserve_more(1 << 20);
  CHECK(buffer.tail_room() >= (1u << 20));
  const char* data = buffer.data();
  std::string chunk(4096, 'v');
  for (int i = 0; i < 256; ++i) buffer.append(chunk);
  CHECK(buffer.data() == data);
  CHECK(buffer.size() == 4 + 256 * 4096);
}

TEST_CASE("byte buffer: shrink_to keeps the bytes and truncate drops the tail") {
  ByteBuffer buffer;
  buffer.append(std::string(100000, 'x'));
  buffer.consume(99990);
  buffer.append("abc");
  buffer.shrink_to(64);  // room for the 13 bytes held and a little more
  CHECK(buffer.capacity() == 64);
  CHECK(buffer.view() == "xxxxxxxxxxabc");
  buffer.shrink_to(1000);  // never grows
  CHECK(buffer.capacity() == 64);
  buffer.shrink_to(0);  // never below what it holds
  CHECK(buffer.capacity() == 13);
  buffer.truncate(10);
  CHECK(buffer.view() == "xxxxxxxxxx");
  buffer.truncate(20);  // past the end changes nothing
  CHECK(buffer.size() == 10);
  buffer.consume(10);
  buffer.shrink_to(0);  // empty: the storage goes
  CHECK(buffer.capacity() == 0);
  buffer.append("again");
  CHECK(buffer.view() == "again");
}

TEST_CASE("byte buffer: release_if_idle frees only large empty storage") {
  ByteBuffer buffer;
  buffer.append(std::string(100000, 'x'));
  buffer.release_if_idle(16384);
  CHECK(buffer.size() == 100000);

  buffer.consume(100000);
  buffer.release_if_idle(1 << 20);
  CHECK(buffer.capacity() > 0);

  buffer.release_if_idle(16384);
  CHECK(buffer.capacity() == 0);
  buffer.append("again");
  CHECK(buffer.view() == "again");
}

TEST_CASE("byte buffer: moving transfers the contents") {
  ByteBuffer source;
  source.append("payload");
  source.consume(3);
  ByteBuffer moved(std::move(source));
  CHECK(moved.view() == "load");
  CHECK(source.capacity() == 0);  // NOLINT(bugprone-use-after-move): moved-from state is defined
  CHECK(source.empty());

  ByteBuffer assigned;
  assigned.append("old");
  assigned = std::move(moved);
  CHECK(assigned.view() == "load");
  CHECK(moved.empty());
}

}  // namespace
}  // namespace fkvs::resp
