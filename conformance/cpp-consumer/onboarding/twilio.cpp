// Twilio Hosted Number Orders (numbers v2): create the order, ask for the verification call once
// it is received, call again after a failed call while Twilio allows, send the authorization
// document (the LOA) once the number is verified, and follow the order to its end.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "onboarding/onboarding.h"

namespace onboarding {
namespace {

using nlohmann::json;

json parsed(const Response& response, const std::string& what) {
  if (!response.ok()) {
    throw std::runtime_error("Twilio: " + what + ": " + std::to_string(response.status) + " " +
                             response.body);
  }
  return json::parse(response.body);
}

// A string field, "" when it is null or absent.
std::string text(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

TwilioHosting::TwilioHosting(TwilioAccount account, Wait wait, Polling polling)
    : account_(std::move(account)), wait_(std::move(wait)), polling_(polling) {}

Response TwilioHosting::call(const std::string& method, const std::string& path,
                             const std::string& form) {
  Request request;
  request.method = method;
  request.url = account_.base_url + path;
  request.body = form;
  request.content_type = "application/x-www-form-urlencoded";
  request.user = account_.account_sid;
  request.password = account_.auth_token;
  return http_.send(request);
}

std::string TwilioHosting::host(const std::string& number, const Owner& owner,
                                bool wait_in_action_required) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"PhoneNumber", number},
      {"ContactPhoneNumber", owner.contact_number},
      {"AddressSid", owner.twilio_address_sid},
      {"Email", owner.email},
      {"FriendlyName", "Hosting " + number}};
  if (!account_.status_callback_url.empty()) {
    fields.emplace_back("StatusCallbackUrl", account_.status_callback_url);
  }
  const Response created = call("POST", "/v2/HostedNumber/Orders", form(fields));
  if (created.status == 400) {
    return "rejected-" + json::parse(created.body).value("code", json(0)).dump();
  }
  json order = parsed(created, "create");
  const std::string sid = text(order, "sid");
  const std::string path = "/v2/HostedNumber/Orders/" + sid;
  const auto verify = [&] {
    return parsed(call("POST", path, form({{"Status", "pending-verification"}})), "verify");
  };
  int retried_after_attempt = 0;
  bool document_sent = false;
  Backoff backoff(polling_);
  std::string last_seen;
  for (int look = 0; look < polling_.most; ++look) {
    const std::string status = text(order, "status");
    if (status == "received") {
      order = verify();
      continue;
    }
    const int attempts = order.value("verification_attempts", 0);
    if (status == "pending-verification" && !text(order, "failure_reason").empty() &&
        attempts > retried_after_attempt) {
      // A failed call leaves the order here with a reason: the next call is ours to ask for.
      retried_after_attempt = attempts;
      order = verify();
      continue;
    }
    if (status == "verified" && !document_sent) {
      parsed(call("POST", "/v2/HostedNumber/AuthorizationDocuments",
                  form({{"HostedNumberOrderSids", sid},
                        {"AddressSid", owner.twilio_address_sid},
                        {"Email", owner.email},
                        {"ContactPhoneNumber", owner.contact_number}})),
             "authorization document");
      document_sent = true;
    }
    if (status == "completed" || status == "failed" ||
        (status == "action-required" && !wait_in_action_required)) {
      return status;
    }
    wait_(backoff.next(status != last_seen));
    last_seen = status;
    order = parsed(call("GET", path, ""), "fetch");
  }
  return "gave-up-in-" + text(order, "status");
}

}  // namespace onboarding
