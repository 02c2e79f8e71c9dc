#pragma once

// For the unit tests: in-process requests as a client would send them.
#include <catch2/catch.hpp>
#include <string>

#include "core/http_types.h"
#include "core/wire/form.h"
#include "emulator.h"
#include "providers/telnyx/kind.h"
#include "providers/twilio/kind.h"

namespace hnemu::testing {

// Every webhook is taken at once (204), so that runs compare without waiting on receivers.
class SilentTransport : public WebhookTransport {
 public:
  TransportResult send(const OutgoingRequest&, Millis, Millis) override {
    return {true, 204, "", ""};
  }
};

inline EmulatorOptions quietOptions() {
  EmulatorOptions options;
  options.webhook_transport = std::make_shared<SilentTransport>();
  return options;
}

// A request as a client sends it, made without Catch assertions (so threads may make them too).
// A control request's body is JSON unless `content_type` says otherwise.
inline Result<HttpRequest> clientRequest(const std::string& method, const std::string& target,
                                         const std::string& body = "",
                                         const std::string& content_type = "",
                                         const std::string& authorization = "") {
  auto request = requestFor(method, target, body);
  if (!request.ok()) {
    return request;
  }
  request.value().host = "127.0.0.1:1";
  request.value().headers.emplace("Host", "127.0.0.1:1");
  const bool control = target.rfind("/__hnemu/", 0) == 0;
  if (!content_type.empty() || (control && !body.empty())) {
    request.value().headers.emplace("Content-Type",
                                    content_type.empty() ? "application/json" : content_type);
  }
  if (!authorization.empty()) {
    request.value().headers.emplace("Authorization", authorization);
  }
  return request;
}

// A form request with the default Twilio account's credentials.
inline Result<HttpRequest> twilioRequest(const std::string& method, const std::string& target,
                                         const std::string& body = "") {
  return clientRequest(method, target, body, "application/x-www-form-urlencoded",
                       basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken));
}

inline HttpResponse send(Emulator& emulator, const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& content_type = "",
                         const std::string& authorization = "") {
  auto request = clientRequest(method, target, body, content_type, authorization);
  REQUIRE(request.ok());
  return emulator.handle(request.value());
}

inline HttpResponse sendTwilio(Emulator& emulator, const std::string& method,
                               const std::string& target, const std::string& body = "") {
  auto request = twilioRequest(method, target, body);
  REQUIRE(request.ok());
  return emulator.handle(request.value());
}

// The body of a v2 Hosted Number Order for `number`; `extra` ("&StatusCallbackUrl=...") is
// appended as given.
inline std::string twilioOrderBody(const std::string& number, const std::string& extra = "") {
  return "PhoneNumber=" + wire::percentEncode(number) +
         "&ContactPhoneNumber=%2B12344444444&AddressSid=AD11111111111111111111111111111111"
         "&Email=a%40example.com" +
         extra;
}

// The Authorization of the default Telnyx and Bandwidth accounts.
inline std::string telnyxAuthorization() { return "Bearer " + std::string(telnyx::kDefaultApiKey); }
inline std::string bandwidthAuthorization() {
  return basicAuthorization("hnemu", "hnemu-password");
}

// The body of a Bandwidth Import TN order for `tn`, on site 222 (the default account's).
inline std::string bandwidthImportOrderBody(const std::string& tn) {
  return "<ImportTnOrder><SiteId>222</SiteId><Subscriber><Name>Owner</Name><ServiceAddress>"
         "<HouseNumber>1</HouseNumber><StreetName>Main</StreetName><City>Raleigh</City>"
         "<StateCode>NC</StateCode><Zip>27601</Zip><County>Wake</County></ServiceAddress>"
         "</Subscriber><LoaAuthorizingPerson>The Owner</LoaAuthorizingPerson><TelephoneNumbers>"
         "<TelephoneNumber>" +
         tn + "</TelephoneNumber></TelephoneNumbers></ImportTnOrder>";
}

// A Telnyx document upload (multipart, boundary "b"): an LOA holding `loa`, and a bill.
inline std::string telnyxDocumentsBody(const std::string& loa = "%PDF") {
  return "--b\r\nContent-Disposition: form-data; name=\"loa\"; filename=\"l.pdf\"\r\n\r\n" + loa +
         "\r\n--b\r\nContent-Disposition: form-data; name=\"bill\"; filename=\"b.pdf\"\r\n\r\n"
         "%PDF\r\n--b--\r\n";
}

}  // namespace hnemu::testing
