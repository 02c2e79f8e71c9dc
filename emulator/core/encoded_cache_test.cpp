#include "core/encoded_cache.h"

#include <catch2/catch.hpp>

namespace hnemu {

TEST_CASE("encoded cache: a text is found only at the version it was stored for",
          "[encoded_cache]") {
  EncodedCache cache(4);
  CHECK_FALSE(cache.find("HR1", 1));
  cache.store("HR1", 1, "one");
  CHECK(cache.find("HR1", 1) == std::optional<std::string>("one"));
  CHECK_FALSE(cache.find("HR1", 2));  // the resource changed since
  cache.store("HR1", 2, "two");
  CHECK(cache.find("HR1", 2) == std::optional<std::string>("two"));
  CHECK_FALSE(cache.find("HR1", 1));
  CHECK(cache.size() == 1);
  cache.clear();
  CHECK_FALSE(cache.find("HR1", 2));
}

TEST_CASE("encoded cache: holds at most its capacity", "[encoded_cache]") {
  EncodedCache cache(3);
  for (int i = 0; i < 100; ++i) {
    cache.store("HR" + std::to_string(i), 1, "text");
    CHECK(cache.size() <= 3);
  }
  CHECK(cache.find("HR99", 1));  // the newest is always kept
  EncodedCache none(0);
  none.store("HR1", 1, "text");
  CHECK_FALSE(none.find("HR1", 1));
}

}  // namespace hnemu
