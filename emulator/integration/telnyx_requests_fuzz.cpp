// Fuzz target: any bytes as the JSON or multipart body of every Telnyx write (hosted orders and
// numbers, messaging profiles, messages), through the whole in-process pipeline. Telnyx's error
// shape, never a 5xx.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "emulator.h"
#include "providers/telnyx/routes.h"

namespace {

hnemu::Emulator& emulator() {
  static hnemu::Emulator instance;
  return instance;
}

std::string existingOrder() {
  hnemu::HttpRequest request;
  request.method = "POST";
  request.path = "/v2/messaging_hosted_number_orders";
  request.headers.emplace("Authorization", "Bearer " + std::string(hnemu::telnyx::kDefaultApiKey));
  request.body = R"({"phone_numbers":["+13125550001"]})";
  const auto response = emulator().handle(request);
  return nlohmann::json::parse(response.body)["data"]["id"].get<std::string>();
}

std::string existingProfile() {
  hnemu::HttpRequest request;
  request.method = "POST";
  request.path = "/v2/messaging_profiles";
  request.headers.emplace("Authorization", "Bearer " + std::string(hnemu::telnyx::kDefaultApiKey));
  request.body = R"({"name":"fuzz","whitelisted_destinations":["US"]})";
  const auto response = emulator().handle(request);
  return nlohmann::json::parse(response.body)["data"]["id"].get<std::string>();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  static const std::string order = existingOrder();
  static const std::string profile = existingProfile();
  static const std::string kTargets[][3] = {
      {"POST", "/v2/messaging_hosted_number_orders", "application/json"},
      {"POST", "/v2/messaging_hosted_number_orders/eligibility_numbers_check", "application/json"},
      {"POST", "/v2/messaging_hosted_number_orders/" + order + "/verification_codes",
       "application/json"},
      {"POST", "/v2/messaging_hosted_number_orders/" + order + "/validation_codes",
       "application/json"},
      {"POST", "/v2/messaging_hosted_number_orders/" + order + "/actions/file_upload",
       "multipart/form-data; boundary=b"},
      {"PATCH", "/v2/messaging_hosted_numbers/+13125550001", "application/json"},
      {"POST", "/v2/messaging_profiles", "application/json"},
      {"PATCH", "/v2/messaging_profiles/" + profile, "application/json"},
      {"POST", "/v2/messages", "application/json"},
  };
  const auto& target = kTargets[data[0] % (sizeof kTargets / sizeof kTargets[0])];
  hnemu::HttpRequest request;
  request.method = target[0];
  request.path = target[1];
  request.headers.emplace("Authorization", "Bearer " + std::string(hnemu::telnyx::kDefaultApiKey));
  request.headers.emplace("Content-Type", target[2]);
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  const hnemu::HttpResponse response = emulator().handle(request);
  if (response.status >= 500) {
    std::abort();
  }
  if (response.status >= 400) {
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.contains("errors") || !body["errors"].is_array() ||
        !body["errors"][0]["code"].is_string() || !body["errors"][0].contains("title")) {
      std::abort();
    }
  }
  return 0;
}
