#include "core/change_feed.h"

#include <catch2/catch.hpp>
#include <map>

using namespace hnemu;

namespace {

std::vector<std::string> ids(const std::vector<ChangeFeed::Change>& changes) {
  std::vector<std::string> out;
  for (const ChangeFeed::Change& change : changes) {
    out.push_back(change.id);
  }
  return out;
}

}  // namespace

TEST_CASE("the change feed lists each changed resource once, at its latest change",
          "[change_feed]") {
  ChangeFeed feed;
  feed.touch("twilio", "orders", "a");
  feed.touch("twilio", "orders", "b");
  feed.touch("telnyx", "orders", "c");
  feed.touch("twilio", "orders", "a");  // again: moves to the end
  CHECK(feed.last() == 4);
  CHECK(ids(feed.since(0, 10)) == std::vector<std::string>{"b", "c", "a"});
  // A reader that saw up to 2 reads what changed after it.
  CHECK(ids(feed.since(2, 10)) == std::vector<std::string>{"c", "a"});
  CHECK(ids(feed.since(0, 2)) == std::vector<std::string>{"b", "c"});
  CHECK(ids(feed.since(0, 10, "twilio")) == std::vector<std::string>{"b", "a"});
  CHECK(feed.since(4, 10).empty());
  // The same id in another collection is another resource.
  feed.touch("twilio", "numbers", "a");
  CHECK(feed.since(0, 10).size() == 4);
}

TEST_CASE("clearing the feed starts a new generation", "[change_feed]") {
  ChangeFeed feed;
  const uint64_t first = feed.generation();
  feed.touch("fake", "orders", "x");
  feed.clear();
  CHECK(feed.generation() != first);
  CHECK(feed.since(0, 10).empty());
  CHECK(feed.last() == 0);
  ChangeScope scope(feed, "fake");
  scope.touch("orders", "y");
  REQUIRE(feed.since(0, 10).size() == 1);
  CHECK(feed.since(0, 10)[0].provider == "fake");
  ChangeScope().touch("orders", "z");  // a model without an engine says nothing, and works
}

TEST_CASE("the change feed keeps each resource at its latest change through many changes",
          "[change_feed]") {
  ChangeFeed feed;
  std::map<std::string, uint64_t> latest;  // what the feed must say: id -> its last sequence
  uint64_t sequence = 0;
  uint64_t state = 7;
  for (int i = 0; i < 5000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::string id = std::to_string((state >> 33) % 700);
    feed.touch("twilio", i % 3 == 0 ? "numbers" : "orders", id);
    latest[(i % 3 == 0 ? "numbers/" : "orders/") + id] = ++sequence;
  }
  const std::vector<ChangeFeed::Change> changes = feed.since(0, SIZE_MAX);
  REQUIRE(changes.size() == latest.size());
  uint64_t previous = 0;
  for (const ChangeFeed::Change& change : changes) {
    CHECK(change.sequence > previous);
    previous = change.sequence;
    CHECK(latest.at(change.collection + "/" + change.id) == change.sequence);
  }
  CHECK(feed.last() == sequence);
}
