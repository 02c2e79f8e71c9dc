#include "core/encoded_cache.h"

#include <catch2/catch.hpp>

namespace hnemu {

TEST_CASE("encoded cache: a text is found only at the version it was stored for",
          "[encoded_cache]") {
  EncodedCache cache(100);
  CHECK_FALSE(cache.find("HR1", 1));
  cache.store("HR1", 1, "one");
  CHECK(cache.find("HR1", 1) == std::optional<std::string>("one"));
  CHECK_FALSE(cache.find("HR1", 2));  // the resource changed since
  cache.store("HR1", 2, "two");
  CHECK(cache.find("HR1", 2) == std::optional<std::string>("two"));
  CHECK_FALSE(cache.find("HR1", 1));
  CHECK(cache.size() == 1);
  CHECK(cache.bytes() == 3);
  // Version 0 is a resource nothing versions: never kept, and it drops what was kept before.
  cache.store("HR1", 0, "zero");
  CHECK_FALSE(cache.find("HR1", 0));
  CHECK_FALSE(cache.find("HR1", 2));
  cache.store("HR1", 3, "three");
  cache.clear();
  CHECK_FALSE(cache.find("HR1", 3));
  CHECK(cache.bytes() == 0);
}

TEST_CASE("encoded cache: an answer is encoded once per version, then kept", "[encoded_cache]") {
  EncodedCache cache(100);
  int encoded = 0;
  const auto answer = [&](uint64_t version) {
    return cache.keptOr("HR1", version, [&] { return "v" + std::to_string(++encoded); });
  };
  CHECK(answer(1) == "v1");
  CHECK(answer(1) == "v1");
  CHECK(answer(2) == "v2");  // the resource changed: encoded again
  CHECK(answer(2) == "v2");
  CHECK(answer(0) == "v3");  // no version: encoded every time
  CHECK(answer(0) == "v4");
  CHECK(encoded == 4);
}

TEST_CASE("encoded cache: holds at most its capacity in bytes", "[encoded_cache]") {
  EncodedCache cache(10);
  for (int i = 0; i < 100; ++i) {
    cache.store("HR" + std::to_string(i), 1, "abcd");
    CHECK(cache.bytes() <= 10);
    CHECK(cache.bytes() == 4 * cache.size());
  }
  CHECK(cache.size() == 2);
  CHECK(cache.find("HR99", 1));          // the newest is always kept
  cache.store("HR99", 2, "abcdefghij");  // a bigger text in its place, still within capacity
  CHECK(cache.bytes() == 10);
  CHECK(cache.find("HR99", 2));
  cache.store("big", 1, "abcdefghijk");  // larger than the whole capacity: not kept
  CHECK_FALSE(cache.find("big", 1));
  CHECK(cache.find("HR99", 2));
  EncodedCache none(0);
  none.store("HR1", 1, "text");
  CHECK_FALSE(none.find("HR1", 1));
}

}  // namespace hnemu
