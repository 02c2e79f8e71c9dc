// Fuzz target: any bytes as the XML body of every Bandwidth write, or as the query of its
// searches, through the whole in-process pipeline: an answer in Bandwidth's shape, never a 5xx.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "emulator.h"
#include "providers/bandwidth/routes.h"

namespace {

hnemu::Emulator& emulator() {
  static hnemu::Emulator instance;
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  static const std::string kBase =
      "/api/accounts/" + std::string(hnemu::bandwidth::kDefaultAccountId);
  static const std::string kTargets[][2] = {
      {"POST", kBase + "/importTnChecker"},
      {"POST", kBase + "/importtnorders"},
      {"POST", kBase + "/removeImportedTnOrders"},
      {"POST", kBase + "/subscriptions"},
      {"PUT", kBase + "/subscriptions/00000000-0000-4000-8000-000000000000"},
      {"GET", kBase + "/inserviceNumbers"},
  };
  const auto& target = kTargets[data[0] % (sizeof kTargets / sizeof kTargets[0])];
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  // A search takes the input as its query string, a write as its body.
  const bool search = target[0] == "GET";
  auto made = hnemu::requestFor(target[0], search ? target[1] + "?" + input : target[1],
                                search ? "" : input);
  if (!made.ok()) {
    return 0;
  }
  hnemu::HttpRequest& request = made.value();
  request.headers.emplace("Authorization",
                          hnemu::basicAuthorization(hnemu::bandwidth::kDefaultUsername,
                                                    hnemu::bandwidth::kDefaultPassword));
  request.headers.emplace("Content-Type", "application/xml");
  const hnemu::HttpResponse response = emulator().handle(request);
  if (response.status >= 500) {
    std::abort();
  }
  if (response.status >= 400 && response.status != 401 && response.body.find("<?xml") != 0) {
    std::abort();  // every refusal but 401 carries an XML body
  }
  return 0;
}
