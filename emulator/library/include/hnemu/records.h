#pragma once

#include <cstdint>
#include <string>
#include <vector>

// What happened in an emulator, as hnemu::Emulator's inbox(), calls(), webhooks() and journal()
// give it: the fields a test asserts on most, typed, and each record whole as JSON text (`json`),
// exactly as the control API shows it (emulator/control/README.md). Times are the virtual
// clock's, ISO 8601 in UTC with milliseconds ("2026-01-05T09:01:00.000Z").
namespace hnemu {
inline namespace api {

// A verification code that reached a number (Telnyx sends it by SMS).
struct InboxMessage {
  std::string provider;
  std::string to;      // the number, E.164
  std::string method;  // "sms"
  std::string body;    // the text as the owner reads it
  std::string code;    // the code in it
  std::string sent_at;
  std::string delivered_at;
  std::string json;
};

// A verification call placed to a number (Twilio calls it and the owner keys in the code).
struct Call {
  std::string provider;
  std::string sid;  // "CA…"
  std::string to;
  int attempt = 0;      // 1 for the order's first call
  std::string code;     // the code the order expects
  std::string outcome;  // "queued", "in-progress", then "verified", "wrong-code" or "no-answer"
  std::string placed_at;
  std::string json;
};

// One try at delivering a webhook.
struct WebhookAttempt {
  int number = 0;  // 1 for the first
  std::string time;
  std::string url;
  bool forged = false;     // sent with a corrupted signature (a scenario's tamper_webhooks)
  bool connected = false;  // the receiver answered at all
  int status = 0;          // its HTTP status, when it answered
  std::string error;       // why not, when it did not
};

// A webhook (Twilio status callback, Telnyx event, Bandwidth notification) to a client.
struct WebhookDelivery {
  std::uint64_t id = 0;
  std::string provider;
  std::string event;        // the provider's event name, when it has one
  std::string status;       // the status it announces
  std::string resource_id;  // the order it is about
  std::string method;
  std::string url;
  std::string body;
  std::string state;  // "pending", "retrying", "delivered" or "failed"
  std::vector<WebhookAttempt> attempts;
  std::string json;
};

// A request a client made to a provider's API (control requests are not journaled).
struct JournalEntry {
  std::uint64_t sequence = 0;
  std::string time;  // when it was answered
  std::string method;
  std::string path;
  std::string query;
  int status = 0;  // 0: the connection was dropped by an injected fault
  std::string provider;
  std::string account;
  std::string route;  // the matched path template ("/v2/HostedNumber/Orders/{Sid}")
  std::string request_body;
  std::string response_body;  // both bodies cut at 4 KiB
  std::string json;
};

}  // namespace api
}  // namespace hnemu
