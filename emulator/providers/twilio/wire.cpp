#include "providers/twilio/wire.h"

#include <algorithm>

#include "core/json_text.h"
#include "core/time.h"
#include "providers/twilio/errors.h"

namespace hnemu::twilio::wire {
namespace {

using hnemu::wire::formValue;
using hnemu::wire::formValues;
using nlohmann::json;

json nullable(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

std::optional<std::string> optionalValue(const FormPairs& form, std::string_view key) {
  const std::string* value = formValue(form, key);
  return value ? std::optional<std::string>(*value) : std::nullopt;
}

Result<std::optional<int>> optionalInt(const FormPairs& form, std::string_view key) {
  const std::string* value = formValue(form, key);
  if (value == nullptr) {
    return std::optional<int>();
  }
  if (value->empty() || value->size() > 9 ||
      !std::all_of(value->begin(), value->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return errors::invalidParameter(key, "must be an integer");
  }
  return std::optional<int>(std::stoi(*value));
}

Result<std::optional<bool>> optionalBool(const FormPairs& form, std::string_view key) {
  const std::string* value = formValue(form, key);
  if (value == nullptr) {
    return std::optional<bool>();
  }
  HNEMU_ASSIGN_OR_RETURN(const bool parsed, decodeBool(key, *value));
  return std::optional<bool>(parsed);
}

json capabilities(const Capabilities& caps, bool with_fax) {
  json out = {{"mms", caps.mms}, {"sms", caps.sms}, {"voice", caps.voice}};
  if (with_fax) {
    out["fax"] = caps.fax;
  }
  return out;
}

std::string withQuery(const std::string& path, const QueryParams& params) {
  std::string out = path;
  char separator = '?';
  for (const auto& [key, value] : params) {
    out += separator;
    out += hnemu::wire::percentEncode(key) + "=" + hnemu::wire::percentEncode(value);
    separator = '&';
  }
  return out;
}

QueryParams pageParams(const QueryParams& filters, size_t page_size, size_t page,
                       std::optional<size_t> offset) {
  QueryParams params = filters;
  params.emplace_back("PageSize", std::to_string(page_size));
  params.emplace_back("Page", std::to_string(page));
  if (offset) {
    params.emplace_back("PageToken", "PT" + std::to_string(*offset));
  }
  return params;
}

}  // namespace

int httpStatusFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::FailedPrecondition:
    case ErrorCode::AlreadyExists:
      return error.provider_code == "20004" ? 405 : 400;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::Unauthenticated:
      return 401;
    case ErrorCode::PermissionDenied:
      return 403;
    case ErrorCode::ResourceExhausted:
      return 429;
    case ErrorCode::PayloadTooLarge:
      return 413;
    case ErrorCode::Internal:
      return error.provider_code == "20503" ? 503 : 500;
  }
  return 500;
}

HttpResponse errorResponse(const Error& error) {
  const int status = httpStatusFor(error);
  const std::string code = error.provider_code.empty() ? "20001" : error.provider_code;
  json body = {{"code", std::stoi(code)},
               {"message", error.message},
               {"more_info", std::string(errors::kMoreInfoBase) + code},
               {"status", status}};
  return HttpResponse::json(status, jsonText(body));
}

Result<bool> decodeBool(std::string_view name, std::string_view value) {
  if (value == "true" || value == "True") {
    return true;
  }
  if (value == "false" || value == "False") {
    return false;
  }
  return errors::invalidParameter(name, "must be true or false");
}

std::string normalizePhoneNumber(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return "";
  }
  const std::string_view trimmed = text.substr(first, text.find_last_not_of(kSpace) - first + 1);
  std::string compact;
  for (const char c : trimmed) {
    if (std::string_view(" -.()").find(c) == std::string_view::npos) {
      compact.push_back(c);
    }
  }
  const bool plus = !compact.empty() && compact[0] == '+';
  const std::string_view digits = std::string_view(compact).substr(plus ? 1 : 0);
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::string(trimmed);
  }
  if (plus) {
    return compact;
  }
  if (digits.size() == 11 && digits[0] == '1') {
    return "+" + compact;
  }
  if (digits.size() == 10) {
    return "+1" + compact;
  }
  return std::string(trimmed);
}

namespace {

std::optional<std::string> optionalNumber(const FormPairs& form, std::string_view key) {
  const std::string* value = formValue(form, key);
  return value ? std::optional<std::string>(normalizePhoneNumber(*value)) : std::nullopt;
}

// v2 and preview name parameters in PascalCase, v3 in camelCase.
Result<CreateOrderInput> decodeCreateOrderNamed(const FormPairs& form, Flavor flavor,
                                                bool camel_case) {
  auto key = [camel_case](std::string_view pascal) {
    std::string out(pascal);
    if (camel_case) {
      out[0] = static_cast<char>(out[0] - 'A' + 'a');
    }
    return out;
  };
  CreateOrderInput input;
  input.flavor = flavor;
  input.camel_case = camel_case;
  input.account_sid = optionalValue(form, key("AccountSid"));
  if (const std::string* number = formValue(form, key("PhoneNumber"))) {
    input.phone_number = normalizePhoneNumber(*number);
  }
  input.friendly_name = optionalValue(form, key("FriendlyName"));
  input.unique_name = optionalValue(form, key("UniqueName"));
  input.email = optionalValue(form, key("Email"));
  input.cc_emails = formValues(form, key("CcEmails"));
  input.address_sid = optionalValue(form, key("AddressSid"));
  input.contact_title = optionalValue(form, key("ContactTitle"));
  input.contact_phone_number = optionalNumber(form, key("ContactPhoneNumber"));
  HNEMU_ASSIGN_OR_RETURN(input.sms_capability, optionalBool(form, key("SmsCapability")));
  input.sms_url = optionalValue(form, key("SmsUrl"));
  input.sms_method = optionalValue(form, key("SmsMethod"));
  input.sms_fallback_url = optionalValue(form, key("SmsFallbackUrl"));
  input.sms_fallback_method = optionalValue(form, key("SmsFallbackMethod"));
  input.sms_application_sid = optionalValue(form, key("SmsApplicationSid"));
  input.status_callback_url = optionalValue(form, key("StatusCallbackUrl"));
  input.status_callback_method = optionalValue(form, key("StatusCallbackMethod"));
  if (flavor == Flavor::Preview) {
    input.verification_type = optionalValue(form, key("VerificationType"));
    input.verification_document_sid = optionalValue(form, key("VerificationDocumentSid"));
  }
  return input;
}

}  // namespace

Result<CreateOrderInput> decodeCreateOrder(const FormPairs& form, Flavor flavor) {
  return decodeCreateOrderNamed(form, flavor, false);
}

Result<CreateOrderInput> decodeCreateOrderV3(const FormPairs& form) {
  return decodeCreateOrderNamed(form, Flavor::Preview, true);
}

Result<UpdateOrderInput> decodeUpdateOrder(const FormPairs& form, Flavor flavor) {
  UpdateOrderInput input;
  input.status = optionalValue(form, "Status");
  if (flavor == Flavor::V2) {
    HNEMU_ASSIGN_OR_RETURN(input.verification_call_delay,
                           optionalInt(form, "VerificationCallDelay"));
    input.verification_call_extension = optionalValue(form, "VerificationCallExtension");
    return input;
  }
  HNEMU_ASSIGN_OR_RETURN(input.verification_call_delay, optionalInt(form, "CallDelay"));
  input.verification_call_extension = optionalValue(form, "Extension");
  input.verification_code = optionalValue(form, "VerificationCode");
  input.friendly_name = optionalValue(form, "FriendlyName");
  input.unique_name = optionalValue(form, "UniqueName");
  input.email = optionalValue(form, "Email");
  if (formValue(form, "CcEmails") != nullptr) {
    input.cc_emails = formValues(form, "CcEmails");
  }
  input.verification_type = optionalValue(form, "VerificationType");
  input.verification_document_sid = optionalValue(form, "VerificationDocumentSid");
  return input;
}

Result<CreateDocumentInput> decodeCreateDocument(const FormPairs& form, Flavor flavor) {
  CreateDocumentInput input;
  input.flavor = flavor;
  input.order_sids = formValues(form, "HostedNumberOrderSids");
  if (const std::string* address = formValue(form, "AddressSid")) {
    input.address_sid = *address;
  }
  if (const std::string* email = formValue(form, "Email")) {
    input.email = *email;
  }
  input.cc_emails = formValues(form, "CcEmails");
  input.contact_title = optionalValue(form, "ContactTitle");
  input.contact_phone_number = optionalNumber(form, "ContactPhoneNumber");
  return input;
}

Result<UpdateDocumentInput> decodeUpdateDocument(const FormPairs& form) {
  UpdateDocumentInput input;
  if (formValue(form, "HostedNumberOrderSids") != nullptr) {
    input.order_sids = formValues(form, "HostedNumberOrderSids");
  }
  input.address_sid = optionalValue(form, "AddressSid");
  input.email = optionalValue(form, "Email");
  if (formValue(form, "CcEmails") != nullptr) {
    input.cc_emails = formValues(form, "CcEmails");
  }
  input.status = optionalValue(form, "Status");
  input.contact_title = optionalValue(form, "ContactTitle");
  input.contact_phone_number = optionalNumber(form, "ContactPhoneNumber");
  return input;
}

UpdateNumberInput decodeUpdateNumber(const FormPairs& form) {
  UpdateNumberInput input;
  input.friendly_name = optionalValue(form, "FriendlyName");
  input.sms_url = optionalValue(form, "SmsUrl");
  input.sms_method = optionalValue(form, "SmsMethod");
  input.sms_fallback_url = optionalValue(form, "SmsFallbackUrl");
  input.sms_fallback_method = optionalValue(form, "SmsFallbackMethod");
  input.status_callback = optionalValue(form, "StatusCallback");
  input.status_callback_method = optionalValue(form, "StatusCallbackMethod");
  input.sms_application_sid = optionalValue(form, "SmsApplicationSid");
  input.voice_url = optionalValue(form, "VoiceUrl");
  return input;
}

SendMessageInput decodeSendMessage(const FormPairs& form) {
  SendMessageInput input;
  input.to = optionalNumber(form, "To");
  input.from = optionalNumber(form, "From");
  input.messaging_service_sid = optionalValue(form, "MessagingServiceSid");
  input.body = optionalValue(form, "Body");
  input.media_urls = formValues(form, "MediaUrl");
  input.status_callback = optionalValue(form, "StatusCallback");
  return input;
}

namespace {

Result<json> jsonObject(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return errors::malformedBody("expected a JSON object");
  }
  return parsed;
}

Result<std::optional<std::string>> optionalJsonString(const json& object, const std::string& key,
                                                      const std::string& where) {
  if (!object.contains(key) || object[key].is_null()) {
    return std::optional<std::string>();
  }
  if (!object[key].is_string()) {
    return errors::invalidParameter(where + key, "must be a string");
  }
  return std::optional<std::string>(object[key].get<std::string>());
}

Result<const json*> jsonList(const json& object, const std::string& key, size_t max_items) {
  if (!object.contains(key)) {
    return errors::missingParameter(key);
  }
  const json& list = object[key];
  if (!list.is_array() || list.empty()) {
    return errors::invalidParameter(key, "must be a non-empty list");
  }
  if (list.size() > max_items) {
    return errors::invalidParameter(key, "must list at most " + std::to_string(max_items));
  }
  return &list;
}

}  // namespace

Result<EligibilityRequest> decodeEligibilityRequest(std::string_view body, size_t max_numbers) {
  HNEMU_ASSIGN_OR_RETURN(const json object, jsonObject(body));
  EligibilityRequest request;
  HNEMU_ASSIGN_OR_RETURN(request.friendly_name, optionalJsonString(object, "friendly_name", ""));
  HNEMU_ASSIGN_OR_RETURN(const json* numbers, jsonList(object, "phone_numbers", max_numbers));
  for (size_t i = 0; i < numbers->size(); ++i) {
    const json& item = (*numbers)[i];
    const std::string where = "phone_numbers[" + std::to_string(i) + "].";
    if (!item.is_object()) {
      return errors::invalidParameter(where.substr(0, where.size() - 1), "must be an object");
    }
    HNEMU_ASSIGN_OR_RETURN(const auto number, optionalJsonString(item, "phone_number", where));
    if (!number) {
      return errors::missingParameter(where + "phone_number");
    }
    EligibilityQuery query;
    // JSON keeps a '+', so only surrounding whitespace goes: "4565433456" is answered as a
    // number not in E.164, as in Twilio's example.
    const size_t first = number->find_first_not_of(" \t");
    query.phone_number = first == std::string::npos
                             ? ""
                             : number->substr(first, number->find_last_not_of(" \t") - first + 1);
    HNEMU_ASSIGN_OR_RETURN(query.hosting_account_sid,
                           optionalJsonString(item, "hosting_account_sid", where));
    request.queries.push_back(std::move(query));
  }
  return request;
}

Result<BulkRequestInput> decodeBulkRequest(std::string_view body, size_t max_numbers) {
  HNEMU_ASSIGN_OR_RETURN(const json object, jsonObject(body));
  BulkRequestInput request;
  HNEMU_ASSIGN_OR_RETURN(request.friendly_name, optionalJsonString(object, "FriendlyName", ""));
  HNEMU_ASSIGN_OR_RETURN(request.notification_email,
                         optionalJsonString(object, "NotificationEmail", ""));
  HNEMU_ASSIGN_OR_RETURN(const json* orders, jsonList(object, "Orders", max_numbers));
  for (size_t i = 0; i < orders->size(); ++i) {
    const json& item = (*orders)[i];
    const std::string where = "Orders[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      return errors::invalidParameter(where, "must be an object of v2 create parameters");
    }
    // An order is the form a v2 create would take: strings, booleans, lists of strings.
    FormPairs form;
    for (const auto& [key, value] : item.items()) {
      if (value.is_string()) {
        form.emplace_back(key, value.get<std::string>());
      } else if (value.is_boolean()) {
        form.emplace_back(key, value.get<bool>() ? "true" : "false");
      } else if (value.is_array() && std::all_of(value.begin(), value.end(),
                                                 [](const json& v) { return v.is_string(); })) {
        for (const json& each : value) {
          form.emplace_back(key, each.get<std::string>());
        }
      } else {
        return errors::invalidParameter(where + "." + key,
                                        "must be a string, a boolean or a list of strings");
      }
    }
    BulkOrderLine line;
    auto decoded = decodeCreateOrder(form, Flavor::V2);
    if (decoded.ok()) {
      line.input = std::move(decoded).value();
    } else {
      line.failure_reason = decoded.error().message;
      if (const std::string* number = formValue(form, "PhoneNumber")) {
        line.input.phone_number = normalizePhoneNumber(*number);
      }
      line.input.email = optionalValue(form, "Email");
      line.input.account_sid = optionalValue(form, "AccountSid");
    }
    request.lines.push_back(std::move(line));
  }
  return request;
}

json encodeOrder(const Order& order, const std::string& base) {
  json out = {
      {"sid", order.sid},
      {"account_sid", order.account_sid},
      {"incoming_phone_number_sid", order.incoming_phone_number_sid},
      {"address_sid", nullable(order.address_sid)},
      {"signing_document_sid", nullable(order.signing_document_sid)},
      {"phone_number", order.phone_number},
      {"capabilities", capabilities(order.capabilities, false)},
      {"friendly_name", nullable(order.friendly_name)},
      {"status", orderStatusName(order.status)},
      {"failure_reason", order.failure_reason},
      {"date_created", formatIso8601(order.date_created)},
      {"date_updated", formatIso8601(order.date_updated)},
      {"email", nullable(order.email)},
      {"cc_emails", order.cc_emails},
      {"verification_attempts", order.verification_attempts},
      {"verification_call_sids", order.verification_call_sids},
      {"verification_code", nullable(order.verification_code)},
      {"verification_type", order.verification_type},
  };
  if (order.flavor == Flavor::V2) {
    out["url"] = base + "/v2/HostedNumber/Orders/" + order.sid;
    out["contact_title"] = nullable(order.contact_title);
    out["contact_phone_number"] = nullable(order.contact_phone_number);
    out["bulk_hosting_request_sid"] = nullable(order.bulk_hosting_request_sid);
    out["next_step"] = nullable(order.next_step);
    out["verification_call_delay"] = order.verification_call_delay;
    out["verification_call_extension"] = nullable(order.verification_call_extension);
  } else {
    out["url"] = base + "/HostedNumbers/HostedNumberOrders/" + order.sid;
    out["unique_name"] = nullable(order.unique_name);
    out["verification_document_sid"] = nullable(order.verification_document_sid);
    out["extension"] = nullable(order.verification_call_extension);
    out["call_delay"] = order.verification_call_delay;
  }
  return out;
}

json encodeDependentOrder(const Order& order, Flavor flavor) {
  if (flavor == Flavor::Preview) {
    json full = encodeOrder(order, "");
    full.erase("url");
    return full;
  }
  // v2's reduced schema: no url, no verification fields, and a 7-value status enum in which
  // transient states read as their nearest documented neighbour.
  OrderStatus status = order.status;
  if (status == OrderStatus::TwilioProcessing || status == OrderStatus::PendingVerification) {
    status = OrderStatus::Received;
  } else if (status == OrderStatus::Testing) {
    status = OrderStatus::CarrierProcessing;
  }
  return json{
      {"sid", order.sid},
      {"bulk_hosting_request_sid", nullable(order.bulk_hosting_request_sid)},
      {"next_step", nullable(order.next_step)},
      {"account_sid", order.account_sid},
      {"incoming_phone_number_sid", order.incoming_phone_number_sid},
      {"address_sid", nullable(order.address_sid)},
      {"signing_document_sid", nullable(order.signing_document_sid)},
      {"phone_number", order.phone_number},
      {"capabilities", capabilities(order.capabilities, false)},
      {"friendly_name", nullable(order.friendly_name)},
      {"status", orderStatusName(status)},
      {"failure_reason", order.failure_reason},
      {"date_created", formatIso8601(order.date_created)},
      {"date_updated", formatIso8601(order.date_updated)},
      {"email", nullable(order.email)},
      {"cc_emails", order.cc_emails},
      {"contact_title", nullable(order.contact_title)},
      {"contact_phone_number", nullable(order.contact_phone_number)},
  };
}

json encodeDocument(const AuthorizationDocument& doc, const std::string& base) {
  const std::string url = base +
                          (doc.flavor == Flavor::V2 ? "/v2/HostedNumber/AuthorizationDocuments/"
                                                    : "/HostedNumbers/AuthorizationDocuments/") +
                          doc.sid;
  json out = {
      {"sid", doc.sid},
      {"address_sid", doc.address_sid},
      {"status", documentStatusName(doc.status)},
      {"email", doc.email},
      {"cc_emails", doc.cc_emails},
      {"date_created", formatIso8601(doc.date_created)},
      {"date_updated", formatIso8601(doc.date_updated)},
      {"url", url},
      {"links", {{"dependent_hosted_number_orders", url + "/DependentHostedNumberOrders"}}},
  };
  if (doc.flavor == Flavor::Preview) {
    out["contact_title"] = nullable(doc.contact_title);
    out["contact_phone_number"] = nullable(doc.contact_phone_number);
  }
  return out;
}

json encodeNumber(const IncomingNumber& number) {
  return json{
      {"sid", number.sid},
      {"account_sid", number.account_sid},
      {"friendly_name", number.friendly_name ? *number.friendly_name : number.phone_number},
      {"phone_number", number.phone_number},
      {"voice_url", nullable(number.voice_url)},
      {"voice_method", "POST"},
      {"voice_fallback_url", nullptr},
      {"voice_fallback_method", "POST"},
      {"voice_caller_id_lookup", false},
      {"date_created", formatRfc2822(number.date_created)},
      {"date_updated", formatRfc2822(number.date_updated)},
      {"sms_url", nullable(number.sms_url)},
      {"sms_method", number.sms_method},
      {"sms_fallback_url", nullable(number.sms_fallback_url)},
      {"sms_fallback_method", number.sms_fallback_method},
      {"address_requirements", "none"},
      {"beta", false},
      {"capabilities", capabilities(number.capabilities, true)},
      {"voice_receive_mode", "voice"},
      {"status_callback", nullable(number.status_callback)},
      {"status_callback_method", number.status_callback_method},
      {"api_version", "2010-04-01"},
      {"voice_application_sid", nullptr},
      {"sms_application_sid", nullable(number.sms_application_sid)},
      {"origin", "hosted"},
      {"trunk_sid", nullptr},
      {"emergency_status", "Inactive"},
      {"emergency_address_sid", nullptr},
      {"emergency_address_status", "unregistered"},
      {"address_sid", nullable(number.address_sid)},
      {"identity_sid", nullptr},
      {"bundle_sid", nullptr},
      {"status", number.status},
      {"type", "local"},
      {"uri", "/2010-04-01/Accounts/" + number.account_sid + "/IncomingPhoneNumbers/" + number.sid +
                  ".json"},
      {"subresource_uris",
       {{"assigned_add_ons", "/2010-04-01/Accounts/" + number.account_sid +
                                 "/IncomingPhoneNumbers/" + number.sid + "/AssignedAddOns.json"}}},
  };
}

json encodeOrderV3(const Order& order, const std::string& base) {
  return json{
      {"sid", order.sid},
      {"accountSid", order.account_sid},
      {"incomingPhoneNumberSid", order.incoming_phone_number_sid},
      {"addressSid", nullable(order.address_sid)},
      {"signingDocumentSid", nullable(order.signing_document_sid)},
      {"phoneNumber", order.phone_number},
      {"capabilities", capabilities(order.capabilities, false)},
      {"friendlyName", nullable(order.friendly_name)},
      {"uniqueName", nullable(order.unique_name)},
      {"status", orderStatusName(order.status)},
      {"failureReason", order.failure_reason},
      {"dateCreated", formatIso8601(order.date_created)},
      {"dateUpdated", formatIso8601(order.date_updated)},
      {"verificationAttempts", order.verification_attempts},
      {"email", nullable(order.email)},
      {"ccEmails", order.cc_emails},
      {"url", base + "/v3/HostedNumbers/HostedNumberOrders/" + order.sid},
      {"verificationType", order.verification_type},
      {"verificationDocumentSid", nullable(order.verification_document_sid)},
      {"extension", nullable(order.verification_call_extension)},
      {"callDelay", order.verification_call_delay},
      {"verificationCode", nullable(order.verification_code)},
      {"verificationCallSids", order.verification_call_sids},
  };
}

json encodeEligibilityResult(const EligibilityResult& result) {
  return json{
      {"phone_number", result.phone_number},
      {"account_sid", nullable(result.account_sid)},
      {"hosting_account_sid", nullable(result.account_sid)},
      {"eligibility_status", result.eligible ? "ELIGIBLE" : "INELIGIBLE"},
      {"eligibility_sub_status", result.sub_status},
      {"ineligibility_reason", nullable(result.ineligibility_reason)},
      {"next_step", result.next_step},
      {"voice_provider", nullptr},
      {"messaging_provider", nullptr},
      {"phone_number_type", nullable(result.phone_number_type)},
      {"hosting_order_sid", nullable(result.hosting_order_sid)},
      {"hosting_order_status", nullable(result.hosting_order_status)},
      {"iso_country_code", nullable(result.iso_country_code)},
      {"country", nullable(result.iso_country_code)},
      {"inventory_status", nullable(result.inventory_status)},
      {"inventory_account_sid", nullable(result.inventory_account_sid)},
      {"date_last_checked", formatIso8601(result.checked_at)},
  };
}

json encodeBulkEligibility(const BulkEligibility& check, const std::string& base) {
  json results = json::array();
  for (const EligibilityResult& result : check.results) {
    results.push_back(encodeEligibilityResult(result));
  }
  return json{
      {"request_id", check.request_id},
      {"url", base + "/v1/HostedNumber/Eligibility/Bulk/" + check.request_id},
      {"results", std::move(results)},
      {"friendly_name", nullable(check.friendly_name)},
      {"status", bulkEligibilityStatusName(check.status)},
      {"date_created", formatIso8601(check.date_created)},
      {"date_completed",
       check.date_completed ? json(formatIso8601(*check.date_completed)) : json(nullptr)},
  };
}

json encodeBulkRequest(const BulkHostingRequest& request,
                       const std::map<std::string, Order>& orders, const std::string& base,
                       const std::optional<OrderStatus>& order_status) {
  // Grouped by the orders' statuses, in the lifecycle's order; an order that could not be
  // created is failed, with that create's error as its reason.
  std::map<OrderStatus, json> groups;
  for (const BulkOrderLine& line : request.lines) {
    if (line.order_sid) {
      const auto found = orders.find(*line.order_sid);
      if (found == orders.end()) {
        continue;  // canceled (DELETE) since
      }
      const Order& order = found->second;
      groups[order.status].push_back(json{
          {"hosting_order_sid", order.sid},
          {"phone_number", order.phone_number},
          {"account_sid", order.account_sid},
          {"failure_reason",
           order.failure_reason.empty() ? json(nullptr) : json(order.failure_reason)},
          {"next_step", nullable(order.next_step)},
          {"url", base + "/v2/HostedNumber/Orders/" + order.sid},
          {"email", nullable(order.email)},
          {"signing_document_sid", nullable(order.signing_document_sid)},
      });
    } else if (line.failure_reason) {
      groups[OrderStatus::Failed].push_back(json{
          {"hosting_order_sid", nullptr},
          {"phone_number", line.input.phone_number},
          {"account_sid", line.input.account_sid.value_or(request.account_sid)},
          {"failure_reason", *line.failure_reason},
          {"next_step", "Correct the order and submit it again"},
          {"url", nullptr},
          {"email", nullable(line.input.email)},
          {"signing_document_sid", nullptr},
      });
    }
  }
  json results = json::array();
  for (auto& [status, members] : groups) {
    if (order_status && *order_status != status) {
      continue;
    }
    std::string name(orderStatusName(status));
    std::replace(name.begin(), name.end(), '-', '_');
    const bool failed = status == OrderStatus::Failed;
    results.push_back(json{
        {"order_status", name},
        {"count", std::to_string(members.size())},
        {"get_more_info", failed ? json("For more information, call the Hosted Number "
                                        "Eligibility API: https://www.twilio.com/docs/"
                                        "phone-numbers/hosted-numbers-api/eligibility-api-overview")
                                 : json(nullptr)},
        {"orders", std::move(members)},
    });
  }
  return json{
      {"bulk_hosting_sid", request.sid},
      {"request_status", bulkRequestStatusName(request.status)},
      {"friendly_name", nullable(request.friendly_name)},
      {"notification_email", nullable(request.notification_email)},
      {"date_created", formatIso8601(request.date_created)},
      {"date_completed",
       request.date_completed ? json(formatIso8601(*request.date_completed)) : json(nullptr)},
      {"url", base + "/v2/HostedNumber/Orders/Bulk/" + request.sid},
      {"total_count", request.lines.size()},
      {"results", std::move(results)},
  };
}

json encodeMessage(const Message& message) {
  const std::string uri =
      "/2010-04-01/Accounts/" + message.account_sid + "/Messages/" + message.sid;
  return json{
      {"account_sid", message.account_sid},
      {"api_version", "2010-04-01"},
      {"body", message.body},
      {"date_created", formatRfc2822(message.date_created)},
      {"date_sent", nullptr},
      {"date_updated", formatRfc2822(message.date_updated)},
      {"direction", "outbound-api"},
      {"error_code", nullptr},
      {"error_message", nullptr},
      {"from", message.from},
      {"messaging_service_sid", nullptr},
      {"num_media", std::to_string(message.media_urls.size())},
      {"num_segments", std::to_string(message.num_segments)},
      {"price", nullptr},
      {"price_unit", nullptr},
      {"sid", message.sid},
      {"status", message.status},
      {"subresource_uris", {{"media", uri + "/Media.json"}}},
      {"to", message.to},
      {"uri", uri + ".json"},
  };
}

Result<PageRequest> decodePage(const HttpRequest& request) {
  PageRequest page;
  auto number = [](std::string_view name, const std::string& text, size_t max) -> Result<size_t> {
    if (text.empty() || text.size() > 9 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return errors::invalidParameter(name, "must be a non-negative integer");
    }
    const size_t value = std::stoul(text);
    if (value > max) {
      return errors::invalidParameter(name, "must be at most " + std::to_string(max));
    }
    return value;
  };
  if (const auto size = request.queryValue("PageSize")) {
    HNEMU_ASSIGN_OR_RETURN(page.page_size, number("PageSize", *size, 1000));
    if (page.page_size == 0) {
      return errors::invalidParameter("PageSize", "must be between 1 and 1000");
    }
  }
  if (const auto index = request.queryValue("Page")) {
    HNEMU_ASSIGN_OR_RETURN(page.page, number("Page", *index, 100'000'000));
  }
  if (const auto token = request.queryValue("PageToken")) {
    if (token->size() < 3 || token->substr(0, 2) != "PT") {
      return errors::invalidParameter("PageToken", "is not a token this API issued");
    }
    HNEMU_ASSIGN_OR_RETURN(page.offset, number("PageToken", token->substr(2), 1'000'000'000));
  } else {
    page.offset = page.page * page.page_size;
  }
  return page;
}

json pageEnvelope(const std::string& base, const std::string& path, const QueryParams& filters,
                  const PageRequest& page, size_t total, json items, const std::string& key) {
  const bool has_next = page.offset + page.page_size < total;
  const std::optional<size_t> this_token =
      page.page == 0 ? std::nullopt : std::optional<size_t>(page.offset);
  json meta = {
      {"first_page_url",
       base + withQuery(path, pageParams(filters, page.page_size, 0, std::nullopt))},
      {"key", key},
      {"next_page_url",
       has_next ? json(base + withQuery(path, pageParams(filters, page.page_size, page.page + 1,
                                                         page.offset + page.page_size)))
                : json(nullptr)},
      {"page", page.page},
      {"page_size", page.page_size},
      {"previous_page_url",
       page.page > 0
           ? json(base + withQuery(path, pageParams(filters, page.page_size, page.page - 1,
                                                    page.offset >= page.page_size
                                                        ? page.offset - page.page_size
                                                        : 0)))
           : json(nullptr)},
      {"url", base + withQuery(path, pageParams(filters, page.page_size, page.page, this_token))},
  };
  return json{{"meta", std::move(meta)}, {key, std::move(items)}};
}

json flatEnvelope(const std::string& path, const QueryParams& filters, const PageRequest& page,
                  size_t total, json items, const std::string& key) {
  const bool has_next = page.offset + page.page_size < total;
  const size_t count = items.size();
  return json{
      {"first_page_uri", withQuery(path, pageParams(filters, page.page_size, 0, std::nullopt))},
      {"next_page_uri",
       has_next ? json(withQuery(path, pageParams(filters, page.page_size, page.page + 1,
                                                  page.offset + page.page_size)))
                : json(nullptr)},
      {"previous_page_uri",
       page.page > 0 ? json(withQuery(path, pageParams(filters, page.page_size, page.page - 1,
                                                       page.offset >= page.page_size
                                                           ? page.offset - page.page_size
                                                           : 0)))
                     : json(nullptr)},
      {"page", page.page},
      {"page_size", page.page_size},
      {"start", page.offset},
      {"end", count == 0 ? page.offset : page.offset + count - 1},
      {"uri", withQuery(path, pageParams(filters, page.page_size, page.page, std::nullopt))},
      {key, std::move(items)},
  };
}

FormPairs statusCallbackParams(const Order& order) {
  FormPairs params = {
      {"AccountSid", order.account_sid},
      {"HostedNumberOrderSid", order.sid},
      {"IncomingPhoneNumberSid", order.incoming_phone_number_sid},
      {"PhoneNumber", order.phone_number},
      {"Status", std::string(orderStatusName(order.status))},
      {"VerificationAttempts", std::to_string(order.verification_attempts)},
  };
  if (!order.failure_reason.empty()) {
    params.emplace_back("FailureReason", order.failure_reason);
  }
  if (order.signing_document_sid) {
    params.emplace_back("SigningDocumentSid", *order.signing_document_sid);
  }
  return params;
}

}  // namespace hnemu::twilio::wire
