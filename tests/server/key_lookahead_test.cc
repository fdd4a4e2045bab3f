#include "server/key_lookahead.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/key_table.h"

namespace fkvs {
namespace {

std::string get_request(const std::string& key) {
  return "*2\r\n$3\r\nGET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n";
}

// Runs a pass over stream as the server does: before_running for each
// request, then its bytes are consumed. Returns the requests peeked.
size_t run_pass(const std::vector<std::string>& requests, const KeyTable& keys) {
  std::string stream;
  for (const std::string& request : requests) stream += request;
  KeyLookahead lookahead;
  size_t offset = 0;
  for (const std::string& request : requests) {
    lookahead.before_running(std::string_view(stream).substr(offset), request.size(), keys);
    offset += request.size();
  }
  return lookahead.requests_peeked();
}

TEST_CASE("key_lookahead: peeks every request after the first exactly once") {
  KeyTable keys;
  for (int i = 0; i < 1000; ++i) keys.insert("key:" + std::to_string(i));
  std::vector<std::string> requests;
  for (int i = 0; i < 100; ++i) requests.push_back(get_request("key:" + std::to_string(i)));
  CHECK(run_pass(requests, keys) == 99);
  CHECK(run_pass({requests[0]}, keys) == 0);
}

TEST_CASE("key_lookahead: starts over after a request it could not peek") {
  KeyTable keys;
  std::vector<std::string> requests;
  for (int i = 0; i < 20; ++i) requests.push_back(get_request("k" + std::to_string(i)));
  requests[10] = "GET inline-key\r\n";
  // Requests 1-9 and 11-19 are peeked; the inline one never is.
  CHECK(run_pass(requests, keys) == 18);
}

TEST_CASE("key_lookahead: a request longer than peeked (an empty one before it) resyncs") {
  KeyTable keys;
  std::vector<std::string> requests;
  for (int i = 0; i < 20; ++i) requests.push_back(get_request("k" + std::to_string(i)));
  // The parser hands "*0" and the request after it over as one.
  requests[5] = "*0\r\n" + requests[5];
  // Requests 1-4 peeked; the one carrying "*0" could not be; 6-19 after it.
  CHECK(run_pass(requests, keys) == 18);
}

TEST_CASE("key_lookahead: hints are safe on an empty table and while it resizes") {
  KeyTable keys;
  std::vector<std::string> requests;
  for (int i = 0; i < 50; ++i) requests.push_back(get_request("key:" + std::to_string(i)));
  CHECK(run_pass(requests, keys) == 49);
  for (int i = 0; !keys.is_rehashing() && i < 100000; ++i) keys.insert("key:" + std::to_string(i));
  REQUIRE(keys.is_rehashing());
  CHECK(run_pass(requests, keys) == 49);
  keys.clear();
  CHECK(run_pass(requests, keys) == 49);
}

}  // namespace
}  // namespace fkvs
