#include "core/journal.h"

#include <catch2/catch.hpp>

using namespace hnemu;

namespace {

JournalEntry request(const std::string& path) {
  JournalEntry entry;
  entry.method = "GET";
  entry.path = path;
  entry.status = 200;
  return entry;
}

}  // namespace

TEST_CASE("journal: bounded, newest first out, and a clear is visible", "[journal]") {
  Journal journal(3);
  for (int i = 1; i <= 5; ++i) {
    journal.record(request("/" + std::to_string(i)));
  }
  REQUIRE(journal.size() == 3);
  REQUIRE(journal.dropped() == 2);
  const auto newest = journal.newest(2);
  REQUIRE(newest.size() == 2);
  REQUIRE(newest[0].path == "/4");
  REQUIRE(newest[1].path == "/5");
  REQUIRE(journal.newest(10).size() == 3);
  REQUIRE(journal.entries(3, 1).front().sequence == 4);

  const uint64_t generation = journal.generation();
  journal.clear();
  REQUIRE(journal.generation() == generation + 1);
  REQUIRE(journal.size() == 0);
  REQUIRE(journal.newest(5).empty());
  // Sequences go on after a clear, so "after N" never returns an entry seen before it.
  journal.record(request("/6"));
  REQUIRE(journal.entries().front().sequence == 6);
}
