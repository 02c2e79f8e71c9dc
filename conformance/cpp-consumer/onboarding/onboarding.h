#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "onboarding/http.h"

// Onboarding a customer's existing landline for SMS with a hosted-number provider, the way each
// provider documents the flow: Twilio's Hosted Number Orders (order, verification call, LOA),
// Telnyx's hosted SMS orders (eligibility, order, SMS code, LOA and bill, review) and Bandwidth's
// Import TN orders (checker, order, LOA). Each host() follows one order to its end and returns
// how it ended; the statuses it acts on come from the provider's API, polled with a backoff that
// starts again whenever the status changes, and webhooks (Receiver) are acknowledged.
namespace onboarding {

// How the code waits between two looks at an order. In the service: sleeping(); in a test, the
// emulator's virtual clock moving on instead.
using Wait = std::function<void(std::chrono::seconds)>;
Wait sleeping();

struct Polling {
  std::chrono::seconds first{60};      // after a change
  std::chrono::seconds longest{3600};  // doubling up to this while nothing changes
  int most = 1000;                     // looks at one order before giving up
};

// The waits between looks at one order.
class Backoff {
 public:
  explicit Backoff(const Polling& polling) : polling_(polling), next_(polling.first) {}
  // How long to wait now, given whether the last look saw a change.
  std::chrono::seconds next(bool changed);

 private:
  Polling polling_;
  std::chrono::seconds next_;
};

// Who the number belongs to, as the providers' paperwork needs it.
struct Owner {
  std::string name = "Owner Inc.";
  std::string email = "owner@example.com";
  std::string contact_number = "+12344444444";
  std::string twilio_address_sid = "AD11111111111111111111111111111111";  // made with Twilio first
  std::string house_number = "1";
  std::string street = "Main";
  std::string city = "Raleigh";
  std::string state_code = "NC";
  std::string zip = "27601";
};

struct TwilioAccount {
  std::string base_url;  // https://numbers.twilio.com, or an emulator's
  std::string account_sid;
  std::string auth_token;
  std::string status_callback_url = {};  // the service's webhook endpoint; empty: none
};

class TwilioHosting {
 public:
  TwilioHosting(TwilioAccount account, Wait wait, Polling polling = {});
  // Orders hosting, asks for the verification call (again after a failed one, while Twilio
  // allows), sends the LOA once the number is verified. Returns "completed", "failed",
  // "action-required" (or, with wait_in_action_required, what follows it), "rejected-<code>"
  // when Twilio refuses the order, or "gave-up-in-<status>".
  std::string host(const std::string& number, const Owner& owner = {},
                   bool wait_in_action_required = false);

 private:
  Response call(const std::string& method, const std::string& path, const std::string& form);

  TwilioAccount account_;
  Wait wait_;
  Polling polling_;
  Http http_;
};

// The owner reads the code that reached the number (by SMS) and types it in; "" while none has.
using ReadCode = std::function<std::string(const std::string& number)>;

struct TelnyxAccount {
  std::string base_url;  // https://api.telnyx.com, or an emulator's
  std::string api_key;
  std::string messaging_profile_id = {};  // whose webhook URL gets the order's events; empty: none
};

class TelnyxHosting {
 public:
  TelnyxHosting(TelnyxAccount account, Wait wait, ReadCode read_code, Polling polling = {});
  // Checks eligibility, orders hosting, proves ownership with the SMS code (up to three
  // requests), uploads the LOA and a bill (again when review asks), and follows the order.
  // Returns "successful", the order's failure ("carrier_rejected", "failed", ...),
  // "ineligible-<status>", the number's ownership failure, "code-not-received" or
  // "gave-up-in-<status>".
  std::string host(const std::string& number);

 private:
  Response call(const std::string& method, const std::string& path, const std::string& json);
  std::string proveOwnership(const std::string& order_id, const std::string& number);

  TelnyxAccount account_;
  Wait wait_;
  ReadCode read_code_;
  Polling polling_;
  Http http_;
};

struct BandwidthAccount {
  std::string base_url;  // https://dashboard.bandwidth.com/api, or an emulator's /api
  std::string account_id;
  std::string username;
  std::string password;
  std::string site_id;  // the location (and SIP peer) imported numbers go to
  std::string sip_peer_id;
  // Where import-order notifications go, and the Basic credentials they carry; empty: none.
  std::string notification_url = {};
  std::string notification_user = {};
  std::string notification_password = {};
};

class BandwidthHosting {
 public:
  BandwidthHosting(BandwidthAccount account, Wait wait, Polling polling = {});
  // Subscribes to import-order notifications (once), checks the TN is importable, orders the
  // import, uploads the LOA and follows the order. Returns "COMPLETE", "PARTIAL", "EXCEPTION",
  // "FAILED-<code>", "not-importable-<code>" or "gave-up-in-<status>".
  std::string host(const std::string& tn, const Owner& owner = {});

 private:
  Response call(const std::string& method, const std::string& path, const std::string& body,
                const std::string& content_type = "application/xml");

  BandwidthAccount account_;
  Wait wait_;
  Polling polling_;
  Http http_;
  bool subscribed_ = false;
};

}  // namespace onboarding
