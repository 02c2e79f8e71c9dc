#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/http_types.h"
#include "core/result.h"
#include "providers/telnyx/model.h"

// Telnyx's wire formats: JSON in and out, {"errors":[{code,title,detail,source,meta}]} errors.
namespace hnemu::telnyx::wire {

int httpStatusFor(const Error& error);
HttpResponse errorResponse(const Error& error);
HttpResponse dataResponse(const nlohmann::json& data);

// A JSON object body; anything else is 400 (not JSON) or 422 (not an object).
Result<nlohmann::json> decodeObject(const HttpRequest& request);
Result<std::vector<std::string>> stringArray(const nlohmann::json& body, const char* key,
                                             bool required);
Result<std::optional<std::string>> optionalString(const nlohmann::json& body, const char* key);

struct Page {
  size_t number = 1;
  size_t size = 20;
};
Result<Page> decodePage(const HttpRequest& request);
nlohmann::json pageMeta(const Page& page, size_t total);

nlohmann::json encodeOrder(const Order& order, const std::vector<HostedNumber>& numbers);
nlohmann::json encodeNumberSettings(const HostedNumber& number, const NumberHealth& health);
nlohmann::json encodeEligibility(const std::vector<EligibilityResult>& results);

// Checks and applies a create (every field; `name` and `whitelisted_destinations` required) or
// an update (the fields given; the rest stay) of a messaging profile.
Status applyProfileFields(const nlohmann::json& body, MessagingProfile& profile, bool creating);
nlohmann::json encodeProfile(const MessagingProfile& profile);
// An outbound message as POST /messages answers it: queued, with no carrier data for `to`.
nlohmann::json encodeMessage(const Message& message);

// The webhook body for one delivery attempt: event fields follow the virtual clock;
// meta names the attempt and the URL it went to.
nlohmann::json webhookEvent(const std::string& event_type, const std::string& event_id,
                            TimePoint occurred_at, const Order& order,
                            const std::vector<HostedNumber>& numbers);

}  // namespace hnemu::telnyx::wire
