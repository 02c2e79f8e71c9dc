#include "core/ids.h"

#include <catch2/catch.hpp>
#include <regex>
#include <set>

using namespace hnemu;

TEST_CASE("same seed, same ids, another seed, other ids", "[ids]") {
  IdGenerator a(42);
  IdGenerator b(42);
  IdGenerator c(43);
  const std::string first = a.sid("HR");
  REQUIRE(first == b.sid("HR"));
  REQUIRE(first != c.sid("HR"));
  REQUIRE(a.uuid() == b.uuid());
  REQUIRE(a.digits(6) == b.digits(6));
  a.reseed(42);
  REQUIRE(a.sid("HR") == first);
}

TEST_CASE("id shapes", "[ids]") {
  IdGenerator ids(7);
  REQUIRE(std::regex_match(ids.sid("PX"), std::regex("PX[0-9a-f]{32}")));
  REQUIRE(std::regex_match(
      ids.uuid(),
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  REQUIRE(std::regex_match(ids.digits(6), std::regex("[0-9]{6}")));
}

TEST_CASE("ids do not repeat", "[ids]") {
  IdGenerator ids(1);
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    REQUIRE(seen.insert(ids.sid("CA")).second);
  }
}

TEST_CASE("verification codes use every digit", "[ids]") {
  IdGenerator ids(3);
  std::set<char> digits;
  const std::string code = ids.digits(2000);
  digits.insert(code.begin(), code.end());
  REQUIRE(digits.size() == 10);
}
