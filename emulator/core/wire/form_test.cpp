#include "core/wire/form.h"

#include <catch2/catch.hpp>

using namespace hnemu::wire;

TEST_CASE("form decoding", "[form]") {
  SECTION("repeated keys stay in order") {
    const auto form = parseForm("CcEmails=a%40x.com&CcEmails=b%40x.com&Email=o%40x.com");
    REQUIRE(form.ok());
    REQUIRE(formValues(form.value(), "CcEmails") == std::vector<std::string>{"a@x.com", "b@x.com"});
    REQUIRE(*formValue(form.value(), "Email") == "o@x.com");
  }
  SECTION("plus and %20 are both spaces; %2B is a plus") {
    const auto form = parseForm("A=My+number&B=My%20number&C=%2B14153608311");
    REQUIRE(form.ok());
    REQUIRE(*formValue(form.value(), "A") == "My number");
    REQUIRE(*formValue(form.value(), "B") == "My number");
    REQUIRE(*formValue(form.value(), "C") == "+14153608311");
  }
  SECTION("empty body, empty pairs, keys without values") {
    REQUIRE(parseForm("").value().empty());
    const auto form = parseForm("&&A&B=&");
    REQUIRE(form.ok());
    REQUIRE(form.value().size() == 2);
    REQUIRE(formValue(form.value(), "A")->empty());
  }
  SECTION("names are case-sensitive") {
    const auto form = parseForm("phonenumber=1");
    REQUIRE(formValue(form.value(), "PhoneNumber") == nullptr);
  }
  SECTION("malformed escapes and invalid UTF-8 are errors") {
    REQUIRE_FALSE(parseForm("A=%").ok());
    REQUIRE_FALSE(parseForm("A=%4").ok());
    REQUIRE_FALSE(parseForm("A=%zz").ok());
    REQUIRE_FALSE(parseForm("A=%FF%FE").ok());
    REQUIRE_FALSE(parseForm("A=%C0%AF").ok());  // overlong
    REQUIRE(parseForm("A=%E2%9C%93").ok());     // a check mark
  }
}

TEST_CASE("form encoding matches the Twilio SDK", "[form]") {
  REQUIRE(encodeForm({{"FriendlyName", "My number"}, {"PhoneNumber", "+14153608311"}}) ==
          "FriendlyName=My%20number&PhoneNumber=%2B14153608311");
  REQUIRE(percentEncode("a@b.com") == "a%40b.com");
}

TEST_CASE("UTF-8 validation", "[form]") {
  REQUIRE(isValidUtf8("plain"));
  REQUIRE(isValidUtf8("\xF0\x9F\x98\x80"));
  REQUIRE_FALSE(isValidUtf8("\xF0\x9F\x98"));
  REQUIRE_FALSE(isValidUtf8("\xED\xA0\x80"));  // a surrogate
  REQUIRE_FALSE(isValidUtf8("\xC3"));
}
