#include "core/router.h"

#include <catch2/catch.hpp>

using namespace hnemu;

TEST_CASE("path templates bind parameters, with prefixes and suffixes", "[router]") {
  std::map<std::string, std::string> params;
  const auto numbers =
      PathTemplate::compile("/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json");
  REQUIRE(numbers.match("/2010-04-01/Accounts/AC1/IncomingPhoneNumbers/PN2.json", params));
  REQUIRE(params["AccountSid"] == "AC1");
  REQUIRE(params["Sid"] == "PN2");
  REQUIRE_FALSE(numbers.match("/2010-04-01/Accounts/AC1/IncomingPhoneNumbers/PN2", params));
  REQUIRE_FALSE(numbers.match("/2010-04-01/Accounts/AC1/IncomingPhoneNumbers/.json", params));
  REQUIRE_FALSE(numbers.match("/2010-04-01/Accounts/AC1/IncomingPhoneNumbers", params));
}

TEST_CASE("literals are case-sensitive unless asked", "[router]") {
  std::map<std::string, std::string> params;
  REQUIRE_FALSE(PathTemplate::compile("/api/importTnOrders").match("/api/importtnorders", params));
  REQUIRE(
      PathTemplate::compile("/api/importTnOrders", {true}).match("/api/importtnorders", params));
}

TEST_CASE("router: method, 405 and fallbacks", "[router]") {
  Router router;
  router.add("GET", "/v2/HostedNumber/Orders/{Sid}", "twilio", [](HttpRequest& r) {
    return HttpResponse::text(200, "text/plain", r.path_params["Sid"]);
  });
  router.addFallback("/v2/HostedNumber", "twilio",
                     [](HttpRequest&) { return HttpResponse::text(404, "text/plain", "twilio"); });
  router.addFallback("/v2/", "other",
                     [](HttpRequest&) { return HttpResponse::text(404, "text/plain", "other"); });

  HttpRequest get;
  get.method = "GET";
  get.path = "/v2/HostedNumber/Orders/HR1";
  const RouteMatch hit = router.match(get);
  REQUIRE(hit.handler != nullptr);
  REQUIRE((*hit.handler)(get).body == "HR1");

  HttpRequest post = get;
  post.method = "POST";
  const RouteMatch wrong_method = router.match(post);
  REQUIRE(wrong_method.handler == nullptr);
  REQUIRE(wrong_method.path_known);

  std::string provider;
  REQUIRE(router.fallbackFor("/v2/HostedNumber/Nope", &provider) != nullptr);
  REQUIRE(provider == "twilio");  // the longest prefix wins
  REQUIRE(router.fallbackFor("/v2/messaging", &provider) != nullptr);
  REQUIRE(provider == "other");
  REQUIRE(router.fallbackFor("/elsewhere", &provider) == nullptr);
}

TEST_CASE("router: credentials pick the fallback before paths do", "[router]") {
  Router router;
  router.addFallback("/v2/", "telnyx",
                     [](HttpRequest&) { return HttpResponse::text(404, "text/plain", "telnyx"); });
  router.addCredentialFallback(
      "twilio",
      [](const HttpRequest& r) {
        const auto auth = r.header("Authorization").value_or("");
        return auth == "known"    ? CredentialClaim::Known
               : auth == "shaped" ? CredentialClaim::Shaped
                                  : CredentialClaim::None;
      },
      [](HttpRequest&) { return HttpResponse::text(404, "text/plain", "twilio"); });
  router.addCredentialFallback(
      "bandwidth",
      [](const HttpRequest& r) {
        return r.header("Authorization").value_or("") == "either" ? CredentialClaim::Known
                                                                  : CredentialClaim::None;
      },
      [](HttpRequest&) { return HttpResponse::text(404, "text/plain", "bandwidth"); });

  auto owner = [&](const std::string& path, const std::string& authorization) {
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    if (!authorization.empty()) {
      request.headers.emplace("Authorization", authorization);
    }
    std::string provider;
    return router.fallbackFor(request, &provider) == nullptr ? std::string("none") : provider;
  };
  REQUIRE(owner("/v2/anything", "known") == "twilio");
  REQUIRE(owner("/v2/anything", "shaped") == "twilio");
  REQUIRE(owner("/v2/anything", "") == "telnyx");
  REQUIRE(owner("/elsewhere", "shaped") == "twilio");
  REQUIRE(owner("/elsewhere", "either") == "bandwidth");
  REQUIRE(owner("/elsewhere", "") == "none");
}
