#include "providers/telnyx/wire.h"

#include <algorithm>

#include "core/json_text.h"
#include "core/phone.h"
#include "core/time.h"
#include "providers/telnyx/errors.h"

namespace hnemu::telnyx {

std::string_view errors::titleFor(std::string_view code) {
  static constexpr std::pair<std::string_view, std::string_view> kTitles[] = {
      {"10001", "Inactive phone number"},
      {"10002", "Invalid phone number"},
      {"10003", "Invalid URL"},
      {"10004", "Missing required parameter"},
      {"10005", "Resource not found"},
      {"10006", "Invalid ID"},
      {"10007", "Unexpected error"},
      {"10008", "Request timeout"},
      {"10009", "Authentication failed"},
      {"10010", "Authorization failed"},
      {"10011", "Too many requests"},
      {"10012", "Duplicate resource"},
      {"10013", "Missing association"},
      {"10014", "Unsupported Media Type"},
      {"10015", "Bad Request"},
      {"10016", "Phone number must be in +E.164 format"},
      {"10017", "Associated resource does not exist"},
  };
  for (const auto& [candidate, title] : kTitles) {
    if (candidate == code) {
      return title;
    }
  }
  return "Unexpected error";
}

namespace wire {

using nlohmann::json;

int httpStatusFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::Unauthenticated:
      return 401;
    case ErrorCode::PermissionDenied:
      return 403;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::AlreadyExists:
      return 409;
    case ErrorCode::PayloadTooLarge:
      return 413;
    case ErrorCode::ResourceExhausted:
      return 429;
    case ErrorCode::Internal:
      return 500;
    case ErrorCode::InvalidArgument:
      // Unparseable bodies are 400; well-formed but invalid ones are 422.
      if (error.provider_code == "10014") {
        return 415;
      }
      return error.message.rfind("The request body is not valid JSON", 0) == 0 ? 400 : 422;
    case ErrorCode::FailedPrecondition:
      return 422;
  }
  return 500;
}

HttpResponse errorResponse(const Error& error) {
  const std::string code = error.provider_code.empty() ? "10007" : error.provider_code;
  std::string detail = error.message;
  std::string pointer;
  if (const size_t newline = detail.find('\n'); newline != std::string::npos) {
    pointer = detail.substr(newline + 1);
    detail.resize(newline);
  }
  json item = {{"code", code},
               {"title", errors::titleFor(code)},
               {"detail", detail},
               {"meta", {{"url", "https://developers.telnyx.com/docs/overview/errors/" + code}}}};
  if (!pointer.empty()) {
    item["source"] = {{"pointer", pointer}};
  }
  return HttpResponse::json(httpStatusFor(error), jsonText(json{{"errors", json::array({item})}}));
}

HttpResponse dataResponse(const json& data) {
  return HttpResponse::json(200, jsonText(json{{"data", data}}));
}

Result<json> decodeObject(const HttpRequest& request) {
  if (request.body.empty()) {
    return json::object();
  }
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    return errors::malformedJson("it could not be parsed");
  }
  if (!body.is_object()) {
    return errors::badRequest("The request body must be a JSON object.", "/");
  }
  return body;
}

Result<std::vector<std::string>> stringArray(const json& body, const char* key, bool required) {
  const std::string pointer = std::string("/") + key;
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) {
      return errors::missingParameter(pointer);
    }
    return std::vector<std::string>{};
  }
  if (!it->is_array()) {
    return errors::badRequest(std::string("'") + key + "' must be an array of strings.", pointer);
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return errors::badRequest(std::string("'") + key + "' must be an array of strings.",
                                pointer + "/" + std::to_string(i));
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

Result<std::optional<std::string>> optionalString(const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    return std::optional<std::string>();
  }
  if (!it->is_string()) {
    return errors::badRequest(std::string("'") + key + "' must be a string.",
                              std::string("/") + key);
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<Page> decodePage(const HttpRequest& request) {
  Page page;
  auto read = [&](const char* name, size_t& field, size_t max) -> Status {
    const auto text = request.queryValue(name);
    if (!text) {
      return {};
    }
    if (text->empty() || text->size() > 9 ||
        !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoul(*text) < 1 || std::stoul(*text) > max) {
      Error error = errors::badRequest(
          "The provided 'page' parameter is invalid. It must be an object with 'size' and/or "
          "'number' with numeric values.",
          name);
      error.message = error.message.substr(0, error.message.find('\n')) + "\n" + name;
      return error;
    }
    field = std::stoul(*text);
    return {};
  };
  HNEMU_RETURN_IF_ERROR(read("page[number]", page.number, 100'000'000));
  HNEMU_RETURN_IF_ERROR(read("page[size]", page.size, 250));
  return page;
}

json pageMeta(const Page& page, size_t total) {
  const size_t pages = std::max<size_t>(1, (total + page.size - 1) / page.size);
  return json{{"page_number", page.number},
              {"page_size", page.size},
              {"total_pages", pages},
              {"total_results", total}};
}

json encodeOrder(const Order& order, const std::vector<HostedNumber>& numbers) {
  json phone_numbers = json::array();
  for (const HostedNumber& number : numbers) {
    phone_numbers.push_back({{"id", number.id},
                             {"record_type", "messaging_hosted_number"},
                             {"phone_number", number.phone_number},
                             {"status", numberStatusName(number.status)}});
  }
  return json{
      {"id", order.id},
      {"record_type", "messaging_hosted_number_order"},
      {"messaging_profile_id",
       order.messaging_profile_id ? json(*order.messaging_profile_id) : json(nullptr)},
      {"status", orderStatusName(order.status)},
      {"phone_numbers", std::move(phone_numbers)},
      {"created_at", formatIso8601Millis(order.created_at)},
      {"updated_at", formatIso8601Millis(order.updated_at)},
  };
}

json encodeNumberSettings(const HostedNumber& number) {
  const bool active = number.status == NumberStatus::Successful;
  const bool toll_free = isNanpTollFree(number.phone_number);
  json sms_feature = {{"domestic_two_way", true},
                      {"international_inbound", false},
                      {"international_outbound", false}};
  return json{
      {"id", number.id},
      {"record_type", "messaging_settings"},
      {"phone_number", number.phone_number},
      {"messaging_profile_id",
       number.messaging_profile_id ? json(*number.messaging_profile_id) : json(nullptr)},
      {"country_code", "US"},
      {"type", toll_free ? "toll-free" : "long-code"},
      {"messaging_product", number.messaging_product},
      {"traffic_type", number.messaging_product},
      {"eligible_messaging_products", json::array({"A2P"})},
      {"features", {{"sms", active ? sms_feature : json(nullptr)}, {"mms", nullptr}}},
      {"health", nullptr},
      {"tags", number.tags},
      {"hosted_status", numberStatusName(number.status)},
      {"order_id", number.order_id},
      {"created_at", formatIso8601Millis(number.created_at)},
      {"updated_at", formatIso8601Millis(number.updated_at)},
  };
}

json encodeEligibility(const std::vector<EligibilityResult>& results) {
  json numbers = json::array();
  for (const EligibilityResult& result : results) {
    numbers.push_back({{"phone_number", result.phone_number},
                       {"eligible", result.status == Eligibility::Eligible},
                       {"eligible_status", eligibilityName(result.status)},
                       {"detail", eligibilityDetail(result.status)}});
  }
  return json{{"phone_numbers", std::move(numbers)}};
}

json webhookEvent(const std::string& event_type, const std::string& event_id, TimePoint occurred_at,
                  const Order& order, const std::vector<HostedNumber>& numbers) {
  json listed = json::array();
  for (const HostedNumber& number : numbers) {
    listed.push_back({{"value", number.phone_number}, {"status", numberStatusName(number.status)}});
  }
  return json{
      {"event_type", "messaging_hosted_numbers_orders." + event_type},
      {"id", event_id},
      {"occurred_at", formatIso8601Millis(occurred_at)},
      {"record_type", "event"},
      {"payload",
       {{"order_id", order.id},
        {"order_status", orderStatusName(order.status)},
        {"numbers", std::move(listed)},
        {"profile_id",
         order.messaging_profile_id ? json(*order.messaging_profile_id) : json(nullptr)},
        {"user_id", order.user_id},
        {"decision", "pending"},
        {"approval_deadline", nullptr}}},
  };
}

}  // namespace wire
}  // namespace hnemu::telnyx
