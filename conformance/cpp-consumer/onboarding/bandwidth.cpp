// Bandwidth hosted messaging (Import TN): subscribe to import-order notifications, check the TN
// with importTnChecker, create the import order, upload the LOA, and follow the order to
// COMPLETE, PARTIAL, FAILED or EXCEPTION. XML in and out.
#include <stdexcept>

#include "onboarding/onboarding.h"

namespace onboarding {
namespace {

std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string element(const std::string& name, const std::string& content) {
  return "<" + name + ">" + content + "</" + name + ">";
}

// The text of the first <name> element at or after `from`; "" when there is none.
std::string valueOf(const std::string& xml, const std::string& name, size_t from = 0) {
  const size_t open = xml.find("<" + name + ">", from);
  if (open == std::string::npos) {
    return "";
  }
  const size_t start = open + name.size() + 2;
  const size_t close = xml.find("</" + name + ">", start);
  return close == std::string::npos ? "" : xml.substr(start, close - start);
}

// The first error code inside the first <section> (ImportTnErrors, Errors), if any.
std::string firstErrorCode(const std::string& xml, const std::string& section) {
  const size_t at = xml.find("<" + section + ">");
  return at == std::string::npos ? "" : valueOf(xml, "Code", at);
}

const Response& checked(const Response& response, const std::string& what) {
  if (!response.ok()) {
    throw std::runtime_error("Bandwidth: " + what + ": " + std::to_string(response.status) + " " +
                             response.body);
  }
  return response;
}

}  // namespace

BandwidthHosting::BandwidthHosting(BandwidthAccount account, Wait wait, Polling polling)
    : account_(std::move(account)), wait_(std::move(wait)), polling_(polling) {}

Response BandwidthHosting::call(const std::string& method, const std::string& path,
                                const std::string& body, const std::string& content_type) {
  Request request;
  request.method = method;
  request.url = account_.base_url + "/accounts/" + account_.account_id + path;
  request.body = body;
  request.content_type = content_type;
  request.user = account_.username;
  request.password = account_.password;
  return http_.send(request);
}

std::string BandwidthHosting::host(const std::string& tn, const Owner& owner) {
  if (!subscribed_ && !account_.notification_url.empty()) {
    const std::string credentials = element(
        "BasicAuthentication", element("Username", escaped(account_.notification_user)) +
                                   element("Password", escaped(account_.notification_password)));
    checked(call("POST", "/subscriptions",
                 element("Subscription",
                         element("OrderType", "importtnorders") +
                             element("CallbackSubscription",
                                     element("URL", escaped(account_.notification_url)) +
                                         element("Expiry", "31536000") +
                                         element("CallbackCredentials", credentials)))),
            "subscribe");
    subscribed_ = true;
  }
  const std::string numbers = element("TelephoneNumbers", element("TelephoneNumber", tn));
  const Response importable = checked(
      call("POST", "/importTnChecker", element("ImportTnCheckerPayload", numbers)), "check");
  if (const std::string code = firstErrorCode(importable.body, "ImportTnErrors"); !code.empty()) {
    return "not-importable-" + code;
  }
  const std::string address =
      element("HouseNumber", escaped(owner.house_number)) +
      element("StreetName", escaped(owner.street)) + element("City", escaped(owner.city)) +
      element("StateCode", escaped(owner.state_code)) + element("Zip", escaped(owner.zip));
  const Response created =
      checked(call("POST", "/importTnOrders",
                   element("ImportTnOrder",
                           element("CustomerOrderId", "hosting-" + tn) +
                               element("SiteId", account_.site_id) +
                               element("SipPeerId", account_.sip_peer_id) +
                               element("Subscriber", element("Name", escaped(owner.name)) +
                                                         element("ServiceAddress", address)) +
                               element("LoaAuthorizingPerson", escaped(owner.name)) + numbers)),
              "create");
  const std::string order = "/importTnOrders/" + valueOf(created.body, "OrderId");
  checked(call("POST", order + "/loas", "%PDF-1.4 signed LOA\n%%EOF\n", "application/pdf"),
          "LOA upload");
  Backoff backoff(polling_);
  std::string status = valueOf(created.body, "ProcessingStatus");
  std::string last_seen;
  for (int look = 0; look < polling_.most; ++look) {
    wait_(backoff.next(status != last_seen));
    last_seen = status;
    const Response fetched = checked(call("GET", order, ""), "fetch");
    status = valueOf(fetched.body, "ProcessingStatus");
    if (status == "FAILED") {
      return "FAILED-" + firstErrorCode(fetched.body, "Errors");
    }
    if (status == "COMPLETE" || status == "PARTIAL" || status == "EXCEPTION") {
      return status;
    }
  }
  return "gave-up-in-" + status;
}

}  // namespace onboarding
