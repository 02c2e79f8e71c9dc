#include "core/resource_digest.h"

#include <catch2/catch.hpp>
#include <string>

using hnemu::ResourceDigest;

TEST_CASE("a resource digest depends on the resources, not on the order they were set",
          "[digest]") {
  const std::string a = R"({"sid":"a","status":"received"})";
  const std::string b = R"({"sid":"b","status":"verified"})";
  ResourceDigest one;
  one.set("twilio", "orders", "a", &a);
  one.set("twilio", "orders", "b", &b);
  ResourceDigest other;
  other.set("twilio", "orders", "b", &b);
  other.set("twilio", "orders", "a", &a);
  CHECK(one.hex() == other.hex());
  CHECK(one.size() == 2);

  SECTION("a change to one resource changes it; changing it back restores it") {
    const std::string before = one.hex();
    const std::string changed = R"({"sid":"a","status":"failed"})";
    one.set("twilio", "orders", "a", &changed);
    CHECK(one.hex() != before);
    one.set("twilio", "orders", "a", &a);
    CHECK(one.hex() == before);
  }
  SECTION("a removed resource leaves the digest of the rest") {
    one.set("twilio", "orders", "b", nullptr);
    ResourceDigest only_a;
    only_a.set("twilio", "orders", "a", &a);
    CHECK(one.hex() == only_a.hex());
    one.set("twilio", "orders", "a", nullptr);
    CHECK(one.hex() == ResourceDigest().hex());
    CHECK(one.size() == 0);
  }
  SECTION("the same text under another key is another resource") {
    ResourceDigest moved;
    moved.set("twilio", "orders", "a", &b);
    moved.set("twilio", "orders", "b", &a);
    CHECK(moved.hex() != one.hex());
    ResourceDigest elsewhere;
    elsewhere.set("telnyx", "orders", "a", &a);
    elsewhere.set("twilio", "orders", "b", &b);
    CHECK(elsewhere.hex() != one.hex());
  }
  SECTION("many resources added and all removed come back to the empty digest (carries hold)") {
    ResourceDigest many;
    for (int i = 0; i < 2000; ++i) {
      const std::string text = std::to_string(i * 7919);
      many.set("p", "c", std::to_string(i), &text);
    }
    for (int i = 0; i < 2000; ++i) {
      many.set("p", "c", std::to_string(i), nullptr);
    }
    CHECK(many.hex() == ResourceDigest().hex());
  }
}
