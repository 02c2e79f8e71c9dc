#include "providers/telnyx/wire.h"

#include <algorithm>
#include <cctype>

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
      {"40305", "Invalid 'from' address"},
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
      if (error.provider_code == "40305") {
        return 400;  // as Telnyx answers a bad sender
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
  std::string title(errors::titleFor(code));
  if (const size_t newline = detail.find('\n'); newline != std::string::npos) {
    pointer = detail.substr(newline + 1);
    detail.resize(newline);
    if (const size_t second = pointer.find('\n'); second != std::string::npos) {
      title = pointer.substr(second + 1);
      pointer.resize(second);
    }
  }
  json item = {{"code", code},
               {"title", title},
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
  // Telnyx's own example of this error: pointer page/number (or page/size), its own title.
  auto read = [&](const char* name, const char* pointer, size_t& field, size_t max) -> Status {
    const auto text = request.queryValue(name);
    if (!text) {
      return {};
    }
    if (text->empty() || text->size() > 9 ||
        !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoul(*text) < 1 || std::stoul(*text) > max) {
      return errors::withTitle(
          errors::badRequest("The provided 'page' parameter is invalid. It must be an object "
                             "with 'size' and/or 'number' with numeric values.",
                             pointer),
          "Invalid pagination");
    }
    field = std::stoul(*text);
    return {};
  };
  HNEMU_RETURN_IF_ERROR(read("page[number]", "page/number", page.number, 100'000'000));
  HNEMU_RETURN_IF_ERROR(read("page[size]", "page/size", page.size, 250));
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

json encodeNumberSettings(const HostedNumber& number, const NumberHealth& health) {
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
      {"health",
       {{"message_count", health.message_count},
        {"inbound_outbound_ratio", health.inbound_outbound_ratio},
        {"success_ratio", health.success_ratio},
        {"spam_ratio", health.spam_ratio}}},
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
  // An internal transfer's decision, and its deadline (unix seconds) once approval is asked for;
  // "pending" for every other order, as Telnyx documents.
  const auto& transfer = order.internal_transfer;
  const json decision = transfer ? transferDecisionName(transfer->decision) : "pending";
  const json deadline = transfer && event_type != "internal_transfer_detected"
                            ? json(std::chrono::duration_cast<std::chrono::seconds>(
                                       transfer->approval_deadline.time_since_epoch())
                                       .count())
                            : json(nullptr);
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
        {"decision", decision},
        {"approval_deadline", deadline}}},
  };
}

namespace {

Status requireType(bool ok, const std::string& pointer, const char* what) {
  if (!ok) {
    return errors::badRequest(
        "'" + pointer.substr(pointer.rfind('/') + 1) + "' must be " + what + ".", pointer);
  }
  return {};
}

bool isUrl(const std::string& text) {
  return text.size() <= 2000 && (text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0) &&
         text.find_first_of(" \t\r\n") == std::string::npos && text.size() > text.find("//") + 2;
}

bool matchesAll(const std::string& text, size_t min, size_t max, bool (*allowed)(char)) {
  return text.size() >= min && text.size() <= max &&
         std::all_of(text.begin(), text.end(), [&](char c) { return allowed(c); });
}

Status readBool(const json& body, const char* key, bool& field) {
  const auto it = body.find(key);
  if (it == body.end()) {
    return {};
  }
  HNEMU_RETURN_IF_ERROR(requireType(it->is_boolean(), std::string("/") + key, "a boolean"));
  field = it->get<bool>();
  return {};
}

// A URL field: null or "" clears it.
Status readUrl(const json& body, const char* key, std::string& field) {
  const auto it = body.find(key);
  if (it == body.end()) {
    return {};
  }
  const std::string pointer = std::string("/") + key;
  if (it->is_null()) {
    field.clear();
    return {};
  }
  HNEMU_RETURN_IF_ERROR(requireType(it->is_string(), pointer, "a string"));
  const std::string url = it->get<std::string>();
  if (!url.empty() && !isUrl(url)) {
    return errors::invalidUrl(pointer);
  }
  field = url;
  return {};
}

Result<NumberPoolSettings> decodeNumberPool(const json& value) {
  const std::string base = "/number_pool_settings";
  HNEMU_RETURN_IF_ERROR(requireType(value.is_object(), base, "an object or null"));
  NumberPoolSettings pool;
  for (const auto& [key, field] :
       {std::pair<const char*, double*>{"long_code_weight", &pool.long_code_weight},
        {"toll_free_weight", &pool.toll_free_weight}}) {
    const std::string pointer = base + "/" + key;
    if (!value.contains(key)) {
      return errors::badRequest("'" + std::string(key) + "' is required.", pointer);
    }
    HNEMU_RETURN_IF_ERROR(requireType(value[key].is_number() && value[key].get<double>() >= 0,
                                      pointer, "a non-negative number"));
    *field = value[key].get<double>();
  }
  if (!value.contains("skip_unhealthy")) {
    return errors::badRequest("'skip_unhealthy' is required.", base + "/skip_unhealthy");
  }
  for (const auto& [key, field] :
       {std::pair<const char*, bool*>{"skip_unhealthy", &pool.skip_unhealthy},
        {"geomatch", &pool.geomatch},
        {"sticky_sender", &pool.sticky_sender}}) {
    if (value.contains(key)) {
      HNEMU_RETURN_IF_ERROR(requireType(value[key].is_boolean(), base + "/" + key, "a boolean"));
      *field = value[key].get<bool>();
    }
  }
  return pool;
}

Result<UrlShortenerSettings> decodeUrlShortener(const json& value) {
  const std::string base = "/url_shortener_settings";
  HNEMU_RETURN_IF_ERROR(requireType(value.is_object(), base, "an object or null"));
  UrlShortenerSettings shortener;
  if (!value.contains("domain")) {
    return errors::badRequest("'domain' is required.", base + "/domain");
  }
  for (const auto& [key, field] :
       {std::pair<const char*, std::string*>{"domain", &shortener.domain},
        {"prefix", &shortener.prefix}}) {
    if (value.contains(key)) {
      HNEMU_RETURN_IF_ERROR(requireType(value[key].is_string(), base + "/" + key, "a string"));
      *field = value[key].get<std::string>();
    }
  }
  for (const auto& [key, field] :
       {std::pair<const char*, bool*>{"replace_blacklist_only", &shortener.replace_blacklist_only},
        {"send_webhooks", &shortener.send_webhooks}}) {
    if (value.contains(key)) {
      HNEMU_RETURN_IF_ERROR(requireType(value[key].is_boolean(), base + "/" + key, "a boolean"));
      *field = value[key].get<bool>();
    }
  }
  return shortener;
}

}  // namespace

Status applyProfileFields(const json& body, MessagingProfile& profile, bool creating) {
  if (creating) {
    for (const char* key : {"name", "whitelisted_destinations"}) {
      if (!body.contains(key) || body[key].is_null()) {
        return errors::missingParameter(std::string("/") + key);
      }
    }
  }
  if (body.contains("name")) {
    HNEMU_RETURN_IF_ERROR(requireType(body["name"].is_string(), "/name", "a string"));
    profile.name = body["name"].get<std::string>();
  }
  if (body.contains("whitelisted_destinations")) {
    const json& list = body["whitelisted_destinations"];
    HNEMU_RETURN_IF_ERROR(requireType(list.is_array(), "/whitelisted_destinations",
                                      "an array of ISO 3166-1 alpha-2 country codes"));
    std::vector<std::string> countries;
    for (size_t i = 0; i < list.size(); ++i) {
      const bool code =
          list[i].is_string() &&
          matchesAll(list[i].get<std::string>(), 2, 2, [](char c) { return c >= 'A' && c <= 'Z'; });
      HNEMU_RETURN_IF_ERROR(requireType(code, "/whitelisted_destinations/" + std::to_string(i),
                                        "an ISO 3166-1 alpha-2 country code"));
      countries.push_back(list[i].get<std::string>());
    }
    profile.whitelisted_destinations = std::move(countries);
  }
  HNEMU_RETURN_IF_ERROR(readBool(body, "enabled", profile.enabled));
  HNEMU_RETURN_IF_ERROR(readUrl(body, "webhook_url", profile.webhook_url));
  HNEMU_RETURN_IF_ERROR(readUrl(body, "webhook_failover_url", profile.webhook_failover_url));
  if (body.contains("webhook_api_version")) {
    const json& version = body["webhook_api_version"];
    const bool known =
        version.is_string() && (version == "1" || version == "2" || version == "2010-04-01");
    HNEMU_RETURN_IF_ERROR(requireType(known, "/webhook_api_version", "one of 1, 2 or 2010-04-01"));
    profile.webhook_api_version = version.get<std::string>();
  }
  if (body.contains("number_pool_settings")) {
    if (body["number_pool_settings"].is_null()) {
      profile.number_pool_settings.reset();
    } else {
      HNEMU_ASSIGN_OR_RETURN(profile.number_pool_settings,
                             decodeNumberPool(body["number_pool_settings"]));
    }
  }
  if (body.contains("url_shortener_settings")) {
    if (body["url_shortener_settings"].is_null()) {
      profile.url_shortener_settings.reset();
    } else {
      HNEMU_ASSIGN_OR_RETURN(profile.url_shortener_settings,
                             decodeUrlShortener(body["url_shortener_settings"]));
    }
  }
  if (body.contains("alpha_sender")) {
    const json& sender = body["alpha_sender"];
    if (sender.is_null()) {
      profile.alpha_sender.reset();
    } else {
      const bool valid =
          sender.is_string() && matchesAll(sender.get<std::string>(), 1, 11, [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == ' ';
          });
      HNEMU_RETURN_IF_ERROR(
          requireType(valid, "/alpha_sender", "1 to 11 letters, digits or spaces"));
      profile.alpha_sender = sender.get<std::string>();
    }
  }
  if (body.contains("daily_spend_limit")) {
    const json& limit = body["daily_spend_limit"];
    bool valid = limit.is_string();
    if (valid) {
      const std::string text = limit.get<std::string>();
      const size_t dot = text.find('.');
      const auto digits = [](char c) { return c >= '0' && c <= '9'; };
      valid = matchesAll(text.substr(0, dot), 1, 15, digits) &&
              (dot == std::string::npos || matchesAll(text.substr(dot + 1), 1, 15, digits));
    }
    HNEMU_RETURN_IF_ERROR(requireType(valid, "/daily_spend_limit", "a decimal amount as a string"));
    profile.daily_spend_limit = limit.get<std::string>();
  }
  for (const auto& [key, field] :
       {std::pair<const char*, bool*>{"daily_spend_limit_enabled",
                                      &profile.daily_spend_limit_enabled},
        {"mms_fall_back_to_sms", &profile.mms_fall_back_to_sms},
        {"mms_transcoding", &profile.mms_transcoding},
        {"mobile_only", &profile.mobile_only},
        {"smart_encoding", &profile.smart_encoding},
        {"redaction_enabled", &profile.redaction_enabled}}) {
    HNEMU_RETURN_IF_ERROR(readBool(body, key, *field));
  }
  if (body.contains("redaction_level")) {
    const json& level = body["redaction_level"];
    HNEMU_RETURN_IF_ERROR(requireType(level.is_number_integer(), "/redaction_level", "an integer"));
    profile.redaction_level = level.get<int>();
  }
  return {};
}

json encodeProfile(const MessagingProfile& profile) {
  const auto nullable = [](const std::string& text) {
    return text.empty() ? json(nullptr) : json(text);
  };
  json pool = nullptr;
  if (profile.number_pool_settings) {
    const NumberPoolSettings& settings = *profile.number_pool_settings;
    pool = {{"geomatch", settings.geomatch},
            {"long_code_weight", settings.long_code_weight},
            {"skip_unhealthy", settings.skip_unhealthy},
            {"sticky_sender", settings.sticky_sender},
            {"toll_free_weight", settings.toll_free_weight}};
  }
  json shortener = nullptr;
  if (profile.url_shortener_settings) {
    const UrlShortenerSettings& settings = *profile.url_shortener_settings;
    shortener = {{"domain", settings.domain},
                 {"prefix", settings.prefix},
                 {"replace_blacklist_only", settings.replace_blacklist_only},
                 {"send_webhooks", settings.send_webhooks}};
  }
  return json{
      {"record_type", "messaging_profile"},
      {"id", profile.id},
      {"name", profile.name},
      {"enabled", profile.enabled},
      {"webhook_url", nullable(profile.webhook_url)},
      {"webhook_failover_url", nullable(profile.webhook_failover_url)},
      {"webhook_api_version", profile.webhook_api_version},
      {"whitelisted_destinations", profile.whitelisted_destinations},
      {"number_pool_settings", std::move(pool)},
      {"url_shortener_settings", std::move(shortener)},
      {"alpha_sender", profile.alpha_sender ? json(*profile.alpha_sender) : json(nullptr)},
      {"daily_spend_limit", profile.daily_spend_limit},
      {"daily_spend_limit_enabled", profile.daily_spend_limit_enabled},
      {"mms_fall_back_to_sms", profile.mms_fall_back_to_sms},
      {"mms_transcoding", profile.mms_transcoding},
      {"mobile_only", profile.mobile_only},
      {"smart_encoding", profile.smart_encoding},
      {"redaction_enabled", profile.redaction_enabled},
      {"redaction_level", profile.redaction_level},
      {"health_webhook_url", nullptr},
      {"v1_secret", profile.v1_secret},
      {"created_at", formatIso8601Millis(profile.created_at)},
      {"updated_at", formatIso8601Millis(profile.updated_at)},
  };
}

namespace {

// Telnyx's line_type for a number of this kind.
std::string_view lineTypeName(LineKind kind) {
  switch (kind) {
    case LineKind::Wireless:
      return "Wireless";
    case LineKind::Voip:
      return "VoIP";
    case LineKind::Landline:
    case LineKind::TollFree:
      break;
  }
  return "Wireline";
}

}  // namespace

json encodeMessage(const Message& message) {
  json to = json::array();
  to.push_back(
      {{"phone_number", message.to}, {"status", "queued"}, {"carrier", ""}, {"line_type", ""}});
  json media = json::array();
  for (const std::string& url : message.media_urls) {
    media.push_back(
        {{"url", url}, {"content_type", nullptr}, {"sha256", nullptr}, {"size", nullptr}});
  }
  const auto nullable = [](const std::optional<std::string>& text) {
    return text && !text->empty() ? json(*text) : json(nullptr);
  };
  return json{
      {"record_type", "message"},
      {"direction", "outbound"},
      {"id", message.id},
      {"type", message.media_urls.empty() ? "SMS" : "MMS"},
      {"messaging_profile_id", message.messaging_profile_id_used},
      {"from",
       {{"phone_number", message.from},
        {"carrier", "Telnyx"},
        {"line_type", lineTypeName(message.from_kind)}}},
      {"to", std::move(to)},
      {"cc", json::array()},
      {"text", message.text},
      {"subject", nullptr},
      {"media", std::move(media)},
      {"webhook_url", nullable(message.webhook_url)},
      {"webhook_failover_url", nullable(message.webhook_failover_url)},
      {"encoding", message.ucs2 ? "UCS-2" : "GSM-7"},
      {"parts", message.parts},
      {"tags", json::array()},
      {"cost", nullptr},
      {"cost_breakdown", nullptr},
      {"tcr_campaign_id", nullptr},
      {"tcr_campaign_billable", false},
      {"tcr_campaign_registered", nullptr},
      {"received_at", formatIso8601Millis(message.received_at)},
      {"sent_at", nullptr},
      {"completed_at", nullptr},
      {"valid_until", formatIso8601Millis(message.received_at + std::chrono::hours(1))},
      {"errors", json::array()},
  };
}

}  // namespace wire
}  // namespace hnemu::telnyx
