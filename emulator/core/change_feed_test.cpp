#include "core/change_feed.h"

#include <catch2/catch.hpp>

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
