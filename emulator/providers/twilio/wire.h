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

Result<CreateOrderInput> decodeCreateOrder(const FormPairs& form, Flavor flavor);
Result<UpdateOrderInput> decodeUpdateOrder(const FormPairs& form, Flavor flavor);
Result<CreateDocumentInput> decodeCreateDocument(const FormPairs& form, Flavor flavor);
Result<UpdateDocumentInput> decodeUpdateDocument(const FormPairs& form);
UpdateNumberInput decodeUpdateNumber(const FormPairs& form);
Result<bool> decodeBool(std::string_view name, std::string_view value);

// `base` is scheme://host of the request, so URLs in responses lead back to the emulator.
nlohmann::json encodeOrder(const Order& order, const std::string& base);
nlohmann::json encodeDependentOrder(const Order& order, Flavor flavor);
nlohmann::json encodeDocument(const AuthorizationDocument& doc, const std::string& base);
nlohmann::json encodeNumber(const IncomingNumber& number);

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
