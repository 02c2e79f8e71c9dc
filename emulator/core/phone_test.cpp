#include "core/phone.h"

#include <catch2/catch.hpp>

using namespace hnemu;

TEST_CASE("NANP areas: US, Canada, the other countries, invalid and malformed", "[phone]") {
  REQUIRE(nanpArea("+13125550101") == NanpArea::UnitedStates);
  REQUIRE(nanpArea("+18005550100") == NanpArea::UnitedStates);  // toll-free
  REQUIRE(nanpArea("+17875550100") == NanpArea::UnitedStates);  // Puerto Rico, a territory
  REQUIRE(nanpArea("+14165550100") == NanpArea::Canada);        // Toronto
  REQUIRE(nanpArea("+16005550100") == NanpArea::Canada);        // non-geographic
  REQUIRE(nanpArea("+18765550100") == NanpArea::Caribbean);     // Jamaica
  REQUIRE(nanpArea("+14415550100") == NanpArea::Caribbean);     // Bermuda
  REQUIRE(nanpArea("+10005550100") == NanpArea::Invalid);
  REQUIRE(nanpArea("+12125050100") == NanpArea::UnitedStates);
  REQUIRE(nanpArea("+12120550100") == NanpArea::Invalid);   // exchange starting with 0
  REQUIRE(nanpArea("+12115550100") == NanpArea::Invalid);   // N11 area code
  REQUIRE(nanpArea("+13129110100") == NanpArea::Invalid);   // N11 exchange
  REQUIRE(nanpArea("+1212555010") == NanpArea::Malformed);  // 9 digits
  REQUIRE(nanpArea("+121255501000") == NanpArea::Malformed);
  REQUIRE(nanpArea("+442071838750") == NanpArea::NotNanp);
  REQUIRE(nanpArea("") == NanpArea::NotNanp);
}
