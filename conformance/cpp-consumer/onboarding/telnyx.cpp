// Telnyx hosted SMS: check eligibility, create the order, prove ownership with the SMS code the
// owner reads off the phone, upload the LOA and a bill (again when review rejects a document),
// and follow the order to successful or a failure.
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "onboarding/onboarding.h"

namespace onboarding {
namespace {

using nlohmann::json;

// How long the owner is given to read the code off the phone before looking again.
constexpr std::chrono::seconds kCodeWait{15};
constexpr int kCodeRequests = 3;
constexpr int kUploads = 3;

const std::set<std::string> kFailures = {"failed", "carrier_rejected", "ineligible_carrier",
                                         "compliance_review_failed", "deleted"};
// Review rejected a document: upload them again.
const std::set<std::string> kResubmit = {"loa_file_invalid", "incomplete_documentation",
                                         "incorrect_billing_information"};

json parsed(const Response& response, const std::string& what) {
  if (!response.ok()) {
    throw std::runtime_error("Telnyx: " + what + ": " + std::to_string(response.status) + " " +
                             response.body);
  }
  return json::parse(response.body);
}

std::string text(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// The status of `number` in an order (or a validation answer).
std::string numberStatus(const json& order, const std::string& number) {
  for (const json& each : order.value("phone_numbers", json::array())) {
    if (text(each, "phone_number") == number) {
      return text(each, "status");
    }
  }
  return "";
}

}  // namespace

TelnyxHosting::TelnyxHosting(TelnyxAccount account, Wait wait, ReadCode read_code, Polling polling)
    : account_(std::move(account)),
      wait_(std::move(wait)),
      read_code_(std::move(read_code)),
      polling_(polling) {}

Response TelnyxHosting::call(const std::string& method, const std::string& path,
                             const std::string& body) {
  Request request;
  request.method = method;
  request.url = account_.base_url + "/v2/messaging_hosted_number_orders" + path;
  request.body = body;
  request.content_type = "application/json";
  request.bearer = account_.api_key;
  return http_.send(request);
}

std::string TelnyxHosting::proveOwnership(const std::string& order_id, const std::string& number) {
  const std::string path = "/" + order_id;
  for (int requested = 0; requested < kCodeRequests; ++requested) {
    parsed(
        call("POST", path + "/verification_codes",
             json{{"phone_numbers", json::array({number})}, {"verification_method", "sms"}}.dump()),
        "verification codes");
    wait_(kCodeWait);
    const std::string code = read_code_(number);
    if (code.empty()) {
      continue;  // it never arrived: ask for another
    }
    const json validated =
        parsed(call("POST", path + "/validation_codes",
                    json{{"verification_codes",
                          json::array({json{{"phone_number", number}, {"code", code}}})}}
                        .dump()),
               "validation codes");
    const std::string status = numberStatus(validated["data"], number);
    if (status == "verified" || status == "already_verified") {
      return "verified";
    }
    const std::string now = numberStatus(parsed(call("GET", path, ""), "fetch")["data"], number);
    if (now != "pending") {
      return now;
    }
  }
  return "code-not-received";
}

std::string TelnyxHosting::host(const std::string& number) {
  const json eligibility = parsed(call("POST", "/eligibility_numbers_check",
                                       json{{"phone_numbers", json::array({number})}}.dump()),
                                  "eligibility");
  const json& checked = eligibility["phone_numbers"].at(0);
  if (!checked.value("eligible", false)) {
    return "ineligible-" + text(checked, "eligible_status");
  }
  json request{{"phone_numbers", json::array({number})}};
  if (!account_.messaging_profile_id.empty()) {
    request["messaging_profile_id"] = account_.messaging_profile_id;
  }
  json order = parsed(call("POST", "", request.dump()), "create")["data"];
  if (text(order, "status") != "pending") {
    return text(order, "status");
  }
  const std::string path = "/" + text(order, "id");
  if (const std::string ownership = proveOwnership(text(order, "id"), number);
      ownership != "verified") {
    return ownership;
  }
  int uploads = 0;
  Backoff backoff(polling_);
  std::string last_seen;
  for (int look = 0; look < polling_.most; ++look) {
    const std::string status = text(order, "status");
    if (status == "pending" || (kResubmit.count(status) > 0 && uploads < kUploads)) {
      ++uploads;
      Request upload;
      upload.method = "POST";
      upload.url =
          account_.base_url + "/v2/messaging_hosted_number_orders" + path + "/actions/file_upload";
      upload.bearer = account_.api_key;
      upload.files = {{"loa", "%PDF-1.4 signed LOA\n%%EOF\n"},
                      {"bill", "%PDF-1.4 a recent bill\n%%EOF\n"}};
      order = parsed(http_.send(upload), "file upload")["data"];
      continue;
    }
    if (status == "successful" || kFailures.count(status) > 0 || kResubmit.count(status) > 0) {
      return status;
    }
    wait_(backoff.next(status != last_seen));
    last_seen = status;
    order = parsed(call("GET", path, ""), "fetch")["data"];
  }
  return "gave-up-in-" + text(order, "status");
}

}  // namespace onboarding
