#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/http_types.h"
#include "core/result.h"
#include "core/wire/form.h"
#include "providers/twilio/model.h"

// Twilio's wire formats: form-encoded requests in, JSON out, {code,message,more_info,status}
// errors.
namespace hnemu::twilio::wire {

using hnemu::wire::FormPairs;

int httpStatusFor(const Error& error);
HttpResponse errorResponse(const Error& error);

// A phone-number parameter as Twilio reads it: surrounding whitespace (a literal '+' sent
// unencoded decodes to a space) and the separators " -.()" go; 11 digits starting with 1, or 10
// digits, are a NANP number and gain "+1"/"+". Anything else is returned trimmed, to be refused.
std::string normalizePhoneNumber(std::string_view text);

Result<CreateOrderInput> decodeCreateOrder(const FormPairs& form, Flavor flavor);
// numbers v3: preview's parameters in camelCase (phoneNumber, smsCapability, accountSid, ...).
Result<CreateOrderInput> decodeCreateOrderV3(const FormPairs& form);
Result<UpdateOrderInput> decodeUpdateOrder(const FormPairs& form, Flavor flavor);
Result<CreateDocumentInput> decodeCreateDocument(const FormPairs& form, Flavor flavor);
Result<UpdateDocumentInput> decodeUpdateDocument(const FormPairs& form);
UpdateNumberInput decodeUpdateNumber(const FormPairs& form);
SendMessageInput decodeSendMessage(const FormPairs& form);

// The JSON bodies of numbers v1 eligibility ({"phone_numbers":[{"phone_number",
// "hosting_account_sid"?}],"friendly_name"?}) and numbers v2 bulk hosting
// ({"FriendlyName"?,"NotificationEmail"?,"Orders":[{v2 create parameters}]}); at most
// `max_numbers` numbers or orders.
struct EligibilityRequest {
  std::optional<std::string> friendly_name;
  std::vector<EligibilityQuery> queries;
};
Result<EligibilityRequest> decodeEligibilityRequest(std::string_view body, size_t max_numbers);
struct BulkRequestInput {
  std::optional<std::string> friendly_name;
  std::optional<std::string> notification_email;
  std::vector<BulkOrderLine> lines;
};
Result<BulkRequestInput> decodeBulkRequest(std::string_view body, size_t max_numbers);
Result<bool> decodeBool(std::string_view name, std::string_view value);

// `base` is scheme://host of the request, so URLs in responses lead back to the emulator.
nlohmann::json encodeOrder(const Order& order, const std::string& base);
nlohmann::json encodeDependentOrder(const Order& order, Flavor flavor);
nlohmann::json encodeDocument(const AuthorizationDocument& doc, const std::string& base);
nlohmann::json encodeNumber(const IncomingNumber& number);
nlohmann::json encodeOrderV3(const Order& order, const std::string& base);
nlohmann::json encodeEligibilityResult(const EligibilityResult& result);
nlohmann::json encodeBulkEligibility(const BulkEligibility& check, const std::string& base);
// `orders` gives each created order's current state; `order_status` keeps one group
// (hyphens or underscores, as the API spells it in results).
nlohmann::json encodeBulkRequest(const BulkHostingRequest& request,
                                 const std::map<std::string, Order>& orders,
                                 const std::string& base,
                                 const std::optional<OrderStatus>& order_status);
nlohmann::json encodeMessage(const Message& message);

struct PageRequest {
  size_t page_size = 50;
  size_t page = 0;
  size_t offset = 0;
};
Result<PageRequest> decodePage(const HttpRequest& request);

// The numbers-v2/preview envelope: {"meta":{...,"key":"items"},"items":[...]} with absolute URLs.
// `filters` are echoed into every URL, before PageSize and Page.
nlohmann::json pageEnvelope(const std::string& base, const std::string& path,
                            const QueryParams& filters, const PageRequest& page, size_t total,
                            nlohmann::json items, const std::string& key = "items");
// Api v2010's flat envelope with relative *_uri fields.
nlohmann::json flatEnvelope(const std::string& path, const QueryParams& filters,
                            const PageRequest& page, size_t total, nlohmann::json items,
                            const std::string& key);

// The status callback body: emulator-defined names (Twilio documents none), PascalCase as
// Twilio's other webhooks.
FormPairs statusCallbackParams(const Order& order);

}  // namespace hnemu::twilio::wire
