#include "testing/openapi.h"

#include <catch2/catch.hpp>

using hnemu::testing::OpenApi;
using nlohmann::json;

namespace {

OpenApi document() {
  return OpenApi(json::parse(R"({
    "openapi": "3.0.1",
    "paths": {
      "/v2/Things/{Sid}": {
        "get": {"responses": {"200": {"content": {"application/json": {
          "schema": {"$ref": "#/components/schemas/thing"}}}}}},
        "delete": {"responses": {"204": {"description": "gone"}}}
      },
      "/2010-04-01/Accounts/{AccountSid}/Things.json": {
        "post": {"responses": {"201": {"description": "made"}}}
      }
    },
    "components": {"schemas": {
      "thing": {"type": "object", "required": ["sid"], "properties": {
        "sid": {"type": "string", "pattern": "^TH[0-9a-f]{2}$", "minLength": 4, "maxLength": 4},
        "status": {"$ref": "#/components/schemas/status", "nullable": true},
        "count": {"type": "integer", "minimum": 0, "maximum": 9},
        "note": {"type": "string", "nullable": true},
        "tags": {"type": "array", "items": {"type": "string"}},
        "either": {"type": ["string", "null"]},
        "one": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "closed": {"type": "object", "additionalProperties": false,
                   "properties": {"a": {"type": "boolean"}}}
      }},
      "status": {"type": "string", "enum": ["on", "off"]}
    }}
  })"));
}

}  // namespace

TEST_CASE("openapi: an answer that matches its schema has no problems") {
  const OpenApi api = document();
  const auto get = api.operation("GET", "/v2/Things/THab");
  REQUIRE(get);
  CHECK(get->path == "/v2/Things/{Sid}");
  CHECK(api.checkResponse(*get, 200,
                          R"({"sid":"THab","status":null,"count":3,"note":null,"tags":["x"],)"
                          R"("either":null,"one":2,"closed":{"a":true},"extra":1})")
            .empty());
  const auto del = api.operation("DELETE", "/v2/Things/THab");
  REQUIRE(del);
  CHECK(api.checkResponse(*del, 204, "").empty());
  CHECK(api.operation("POST", "/2010-04-01/Accounts/AC1/Things.json"));
  CHECK(api.operations().size() == 3);
}

TEST_CASE("openapi: each kind of mismatch is named") {
  const OpenApi api = document();
  const auto get = api.operation("GET", "/v2/Things/THab");
  REQUIRE(get);
  auto problems = [&](const std::string& body, int status = 200) {
    return api.checkResponse(*get, status, body);
  };
  CHECK(problems(R"({"sid":"THab"})", 201).at(0).find("status not declared") != std::string::npos);
  CHECK(problems("not json").at(0).find("not JSON") != std::string::npos);
  CHECK(problems(R"({})").at(0).find("lacks the required \"sid\"") != std::string::npos);
  CHECK(problems(R"({"sid":"XXab"})").at(0).find("does not match") != std::string::npos);
  CHECK(problems(R"({"sid":"THa"})").size() == 2);  // too short, and so not the pattern
  CHECK(problems(R"({"sid":"THab","status":"dim"})").at(0).find("is not one of") !=
        std::string::npos);
  CHECK(problems(R"({"sid":"THab","count":"3"})").at(0).find("is not of type") !=
        std::string::npos);
  CHECK(problems(R"({"sid":"THab","count":10})").at(0).find("is above") != std::string::npos);
  CHECK(problems(R"({"sid":"THab","count":1.5})").at(0).find("is not of type") !=
        std::string::npos);
  CHECK(problems(R"({"sid":"THab","tags":[1]})").at(0).find("$.tags[0]") != std::string::npos);
  CHECK(problems(R"({"sid":"THab","either":3})").at(0).find("is not of type") != std::string::npos);
  CHECK(problems(R"({"sid":"THab","one":true})").at(0).find("matches 0 of its oneOf") !=
        std::string::npos);
  CHECK(problems(R"({"sid":"THab","closed":{"b":1}})").at(0).find("$.closed.b") !=
        std::string::npos);
  CHECK(problems(R"({"sid":"THab","note":null,"status":null})").empty());
  const auto del = api.operation("DELETE", "/v2/Things/THab");
  REQUIRE(del);
  CHECK(api.checkResponse(*del, 204, "{}").at(0).find("a body where none is declared") !=
        std::string::npos);
  CHECK_FALSE(api.operation("PUT", "/v2/Things/THab"));
  CHECK_FALSE(api.operation("GET", "/v2/Things/THab/more"));
}
