#include "core/wire/multipart.h"

#include <catch2/catch.hpp>

using namespace hnemu::wire;

namespace {
const std::string kBoundary = "----formdata-undici-036283230630";
}

TEST_CASE("multipart: the Telnyx SDK's upload, zero parts, and curl's", "[multipart]") {
  SECTION("two file parts with any content type") {
    const std::string body =
        "--" + kBoundary +
        "\r\nContent-Disposition: form-data; name=\"loa\"; filename=\"loa.pdf\""
        "\r\nContent-Type: application/octet-stream\r\n\r\n%PDF-1.4\r\nbody\r\n--" +
        kBoundary +
        "\r\nContent-Disposition: form-data; name=\"bill\"; filename=\"b.pdf\""
        "\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--" +
        kBoundary + "--\r\n";
    const auto parts = parseMultipart(body, kBoundary);
    REQUIRE(parts.ok());
    REQUIRE(parts.value().size() == 2);
    REQUIRE(parts.value()[0].name == "loa");
    REQUIRE(parts.value()[0].filename == "loa.pdf");
    REQUIRE(parts.value()[0].content_type == "application/octet-stream");
    REQUIRE(parts.value()[0].data == "%PDF-1.4\r\nbody");
    REQUIRE(parts.value()[1].content_type == "application/pdf");
  }
  SECTION("the SDK's body with no files is a closing boundary only") {
    const auto parts = parseMultipart("--" + kBoundary + "--\r\n", kBoundary);
    REQUIRE(parts.ok());
    REQUIRE(parts.value().empty());
  }
  SECTION("preamble and epilogue are ignored") {
    const std::string body =
        "preamble\r\n--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--\r\nepilogue";
    const auto parts = parseMultipart(body, "b");
    REQUIRE(parts.ok());
    REQUIRE(parts.value().at(0).name == "x");
    REQUIRE(parts.value().at(0).data == "1");
  }
  SECTION("malformed bodies are errors, not guesses") {
    REQUIRE_FALSE(parseMultipart("", "b").ok());
    REQUIRE_FALSE(
        parseMultipart("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nno end", "b").ok());
    REQUIRE_FALSE(parseMultipart("--b\r\nno-colon\r\n\r\n1\r\n--b--", "b").ok());
    REQUIRE_FALSE(
        parseMultipart("--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--", "b").ok());
    REQUIRE_FALSE(parseMultipart("--bX", "b").ok());
  }
}

TEST_CASE("multipart boundary from the Content-Type", "[multipart]") {
  REQUIRE(multipartBoundary("multipart/form-data; boundary=" + kBoundary).value() == kBoundary);
  REQUIRE(multipartBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"").value() ==
          "a b");
  REQUIRE_FALSE(multipartBoundary("application/json").ok());
  REQUIRE_FALSE(multipartBoundary("multipart/form-data").ok());
}
