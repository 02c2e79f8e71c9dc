// Fuzz target: any bytes, as the body of any Twilio write or as a query, through the whole
// in-process pipeline (auth, decode, validate, model, encode). Twilio's shape, never a 5xx.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "core/wire/form.h"
#include "emulator.h"
#include "providers/twilio/kind.h"

namespace {

hnemu::Emulator& emulator() {
  static hnemu::Emulator instance;
  return instance;
}

void checkTwilioShape(const hnemu::HttpResponse& response) {
  if (response.status >= 500) {
    std::abort();
  }
  if (response.status >= 400) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.contains("code") || !body.contains("message") ||
        !body.contains("more_info") || body.value("status", 0) != response.status) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  // The first byte picks the endpoint; the rest is the body (or the query, for reads).
  static const char* const kForm = "application/x-www-form-urlencoded";
  static const char* const kTargets[][3] = {
      {"POST", "/v2/HostedNumber/Orders", kForm},
      {"POST", "/HostedNumbers/HostedNumberOrders", kForm},
      {"POST", "/v2/HostedNumber/AuthorizationDocuments", kForm},
      {"POST", "/HostedNumbers/AuthorizationDocuments", kForm},
      {"GET", "/v2/HostedNumber/Orders", ""},
      {"GET", "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers.json",
       ""},
      {"POST", "/v1/HostedNumber/Eligibility", "application/json"},
      {"POST", "/v2/HostedNumber/Orders/Bulk", "application/json"},
      {"POST", "/v3/HostedNumbers/HostedNumberOrders", kForm},
      {"POST", "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages.json", kForm},
  };
  const auto& [method, path, content_type] =
      kTargets[data[0] % (sizeof kTargets / sizeof kTargets[0])];
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  hnemu::HttpRequest request;
  request.method = method;
  request.path = path;
  request.host = "127.0.0.1:1";
  request.headers.emplace("Authorization",
                          hnemu::basicAuthorization(hnemu::twilio::kDefaultAccountSid,
                                                    hnemu::twilio::kDefaultAuthToken));
  if (std::string(method) == "GET") {
    const auto query = hnemu::wire::parseForm(rest);
    if (query.ok()) {
      request.query = query.value();
    }
    request.raw_target = std::string(path) + "?" + rest;
  } else {
    request.headers.emplace("Content-Type", content_type);
    request.body = rest;
    request.raw_target = path;
  }
  checkTwilioShape(emulator().handle(request));
  // Keep the store small so that runs stay fast and inputs stay independent.
  if (emulator().journal().entries().size() > 64) {
    emulator().reset();
  }
  return 0;
}
