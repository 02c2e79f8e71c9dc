#include "providers/telnyx/routes.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "core/phone.h"
#include "core/time.h"
#include "core/wire/multipart.h"
#include "providers/telnyx/errors.h"
#include "providers/telnyx/wire.h"

namespace hnemu::telnyx {
namespace {

using nlohmann::json;

constexpr std::string_view kOrders = "/messaging_hosted_number_orders";
constexpr std::string_view kNumbers = "/messaging_hosted_numbers";
constexpr std::string_view kProfiles = "/messaging_profiles";
constexpr std::string_view kMessages = "/messages";

std::optional<std::string> bearerToken(const HttpRequest& request) {
  const auto header = request.header("Authorization");
  if (header && header->size() > 7 && header->compare(0, 7, "Bearer ") == 0) {
    return header->substr(7);
  }
  return std::nullopt;
}

}  // namespace

TelnyxProvider::TelnyxProvider(ProviderContext context)
    : context_(context),
      changes_(context.changes, std::string(kind().name())),
      model_(context.clock, context.ids, changes_) {
  model_.setWatch(&context.watch);
  model_.setListener([this](const Order& order, const std::vector<HostedNumber>& numbers,
                            const std::string& event) { sendEvent(order, numbers, event); });
}

void TelnyxProvider::reset() {
  model_.reset();
  encoded_orders_.clear();
}

void TelnyxProvider::setSigningSeed(std::optional<std::string> seed32) {
  std::lock_guard lock(key_mutex_);
  fixed_seed_ = std::move(seed32);
  key_.reset();
}

std::shared_ptr<const crypto::Ed25519Key> TelnyxProvider::signingKey() const {
  std::lock_guard lock(key_mutex_);
  const uint64_t seed = context_.ids.seed();
  const bool fixed = fixed_seed_.has_value();
  if (!key_ || key_fixed_ != fixed || (!fixed && key_for_seed_ != seed)) {
    // Same emulator seed, same key: receivers can pin it across runs.
    const std::string seed32 =
        fixed ? *fixed_seed_ : crypto::sha256("hnemu telnyx webhook key " + std::to_string(seed));
    key_ = std::make_shared<const crypto::Ed25519Key>(seed32);
    key_for_seed_ = seed;
    key_fixed_ = fixed;
  }
  return key_;
}

std::string TelnyxProvider::publicKeyBase64() const {
  return crypto::base64Encode(signingKey()->publicKey());
}

HttpResponse TelnyxProvider::errorForStatus(int status, const HttpRequest& request) const {
  switch (status) {
    case 405: {
      HttpResponse response = wire::errorResponse(
          errors::badRequest("Method " + request.method + " is not allowed here."));
      response.status = 405;
      return response;
    }
    case 413:
      return wire::errorResponse(errors::bodyTooLarge(bodyLimit(request)));
    case 429: {
      // Telnyx's rate-limit headers: the limit, none left, and seconds until it resets (an
      // injected fault's Retry-After, rounded up, else one).
      HttpResponse response = wire::errorResponse(
          makeError(ErrorCode::ResourceExhausted,
                    "You have exceeded the maximum number of allowed requests.", "10011"));
      const double reset = request.retry_after_seconds.value_or(1);
      response.headers.emplace("x-ratelimit-limit",
                               std::to_string(model_.world().rules.rate_limit));
      response.headers.emplace("x-ratelimit-remaining", "0");
      response.headers.emplace(
          "x-ratelimit-reset",
          std::to_string(static_cast<int64_t>(std::ceil(std::max(reset, 0.0)))));
      return response;
    }
    case 400: {
      HttpResponse response = wire::errorResponse(
          errors::badRequest(request.malformed_query
                                 ? "The query string has an escape that is not %XX or is not UTF-8."
                                 : "The request could not be parsed."));
      response.status = 400;
      return response;
    }
    case 408:
      return wire::errorResponse(makeError(ErrorCode::Internal, "The request timed out.", "10008"));
    case 401:
      return wire::errorResponse(errors::authenticationFailed());
    case 404:
      return wire::errorResponse(errors::notFound());
    default:
      break;
  }
  HttpResponse response =
      wire::errorResponse(makeError(ErrorCode::Internal, "An unexpected error occurred.", "10007"));
  response.status = status;
  return response;
}

// Document uploads (LOA, bill) are multipart and may be larger than other bodies.
size_t TelnyxProvider::bodyLimit(const HttpRequest& head) const {
  const bool upload =
      head.header("Content-Type").value_or("").find("multipart/") != std::string::npos;
  return upload ? context_.max_upload_bytes : context_.max_body_bytes;
}

HttpResponse TelnyxProvider::pipeline(HttpRequest& request, const Operation& operation) const {
  const auto token = bearerToken(request);
  const Account* account = token ? model_.authenticate(*token) : nullptr;
  if (account == nullptr) {
    return wire::errorResponse(errors::authenticationFailed());
  }
  request.account = account->user_id;
  if (request.body.size() > bodyLimit(request)) {
    return errorForStatus(413, request);
  }
  return operation(*account, request);
}

// An order or a number in an answer to the client: it has seen its status.
json TelnyxProvider::shown(const Order& order) const {
  context_.watch.read(order.id);
  return wire::encodeOrder(order, model_.numbersOf(order));
}

// An order's answer ({"data": the order}), encoded once per version of the order: a client
// polling an order that has not changed skips the encoder.
HttpResponse TelnyxProvider::orderAnswer(const Order& order) const {
  context_.watch.read(order.id);
  return HttpResponse::json(200, encoded_orders_.keptOr(order.id, model_.version(order), [&] {
    return jsonText(json{{"data", wire::encodeOrder(order, model_.numbersOf(order))}});
  }));
}

json TelnyxProvider::shown(const HostedNumber& number) const {
  context_.watch.read(number.order_id);
  return wire::encodeNumberSettings(number, model_.healthOf(number));
}

void TelnyxProvider::sendEvent(const Order& order, const std::vector<HostedNumber>& numbers,
                               const std::string& event) {
  if (!order.messaging_profile_id) {
    return;
  }
  const MessagingProfile* profile = model_.profile(*order.messaging_profile_id);
  if (profile == nullptr || !profile->enabled || profile->webhook_url.empty()) {
    return;
  }
  const json data =
      wire::webhookEvent(event, context_.ids.uuid(), context_.clock.now(), order, numbers);
  Webhook hook;
  hook.provider = "telnyx";
  hook.account = order.user_id;
  hook.event = "messaging_hosted_numbers_orders." + event;
  hook.resource_id = order.id;
  hook.status = std::string(orderStatusName(order.status));
  hook.url = profile->webhook_url;
  hook.failover_url = profile->webhook_failover_url;
  hook.content_type = "application/json";
  hook.render_body = [data](const std::string& url, int attempt) {
    return jsonText(json{{"data", data}, {"meta", {{"attempt", attempt}, {"delivered_to", url}}}});
  };
  // Signed at send time over "timestamp|body" with a wall-clock timestamp, because receivers
  // check it against their own clock (300 s); occurred_at follows the virtual clock.
  auto key = signingKey();
  hook.sign = [key](const std::string&, const std::string& body, int) {
    const std::string timestamp = std::to_string(wallClockUnixSeconds());
    Headers headers;
    headers.emplace("User-Agent", "telnyx-webhooks");
    headers.emplace("telnyx-timestamp", timestamp);
    headers.emplace("telnyx-signature-ed25519",
                    crypto::base64Encode(key->sign(timestamp + "|" + body)));
    return headers;
  };
  // Up to 3 attempts per URL, then the failover URL; a 2xx within 2 s counts.
  hook.policy.max_attempts = 3;
  hook.policy.retry_on = RetryOn::AnyFailure;
  hook.policy.backoff = {Millis(5000), Millis(10000)};
  hook.policy.connect_timeout = Millis(2000);
  hook.policy.read_timeout = Millis(2000);
  context_.webhooks.enqueue(std::move(hook));
}

HttpResponse TelnyxProvider::createOrder(const Account& account, HttpRequest& request) {
  auto body = wire::decodeObject(request);
  if (!body.ok()) {
    return wire::errorResponse(body.error());
  }
  auto numbers = wire::stringArray(body.value(), "phone_numbers", false);
  if (!numbers.ok()) {
    return wire::errorResponse(numbers.error());
  }
  if (numbers.value().size() > context_.max_numbers_per_order) {
    return wire::errorResponse(
        errors::badRequest("At most " + std::to_string(context_.max_numbers_per_order) +
                               " phone numbers can be hosted in one order; this one lists " +
                               std::to_string(numbers.value().size()) + ".",
                           "/phone_numbers"));
  }
  auto profile_id = wire::optionalString(body.value(), "messaging_profile_id");
  if (!profile_id.ok()) {
    return wire::errorResponse(profile_id.error());
  }
  auto order = model_.createOrder(account, profile_id.value(), numbers.value());
  if (!order.ok()) {
    return wire::errorResponse(order.error());
  }
  return orderAnswer(order.value());
}

HttpResponse TelnyxProvider::listOrders(const Account& account, HttpRequest& request) const {
  auto page = wire::decodePage(request);
  if (!page.ok()) {
    return wire::errorResponse(page.error());
  }
  const size_t start = (page.value().number - 1) * page.value().size;
  const Model::OrderPage orders = model_.pageOfOrders(account, start, page.value().size);
  json data = json::array();
  for (const Order* order : orders.orders) {
    data.push_back(shown(*order));
  }
  return HttpResponse::json(200,
                            jsonText(json{{"data", std::move(data)},
                                          {"meta", wire::pageMeta(page.value(), orders.total)}}));
}

HttpResponse TelnyxProvider::requestCodes(const Account& account, HttpRequest& request) {
  auto body = wire::decodeObject(request);
  if (!body.ok()) {
    return wire::errorResponse(body.error());
  }
  auto numbers = wire::stringArray(body.value(), "phone_numbers", true);
  if (!numbers.ok()) {
    return wire::errorResponse(numbers.error());
  }
  if (numbers.value().empty()) {
    return wire::errorResponse(
        errors::badRequest("You must provide at least 1 phone number.", "/phone_numbers"));
  }
  auto method = wire::optionalString(body.value(), "verification_method");
  if (!method.ok()) {
    return wire::errorResponse(method.error());
  }
  if (!method.value()) {
    return wire::errorResponse(errors::missingParameter("/verification_method"));
  }
  if (*method.value() != "sms" && *method.value() != "call") {
    return wire::errorResponse(
        errors::badRequest("'verification_method' must be sms or call.", "/verification_method"));
  }
  auto results =
      model_.requestCodes(account, request.path_params.at("id"), numbers.value(), *method.value());
  if (!results.ok()) {
    return wire::errorResponse(results.error());
  }
  json data = json::array();
  for (const CodeRequestResult& result : results.value()) {
    if (result.error) {
      data.push_back({{"phone_number", result.phone_number}, {"error", *result.error}});
    } else {
      data.push_back({{"phone_number", result.phone_number},
                      {"type", result.type},
                      {"verification_code_id", *result.verification_code_id}});
    }
  }
  return wire::dataResponse(data);
}

HttpResponse TelnyxProvider::validateCodes(const Account& account, HttpRequest& request) {
  auto body = wire::decodeObject(request);
  if (!body.ok()) {
    return wire::errorResponse(body.error());
  }
  const auto it = body.value().find("verification_codes");
  if (it == body.value().end() || it->is_null()) {
    return wire::errorResponse(errors::missingParameter("/verification_codes"));
  }
  if (!it->is_array() || it->empty()) {
    return wire::errorResponse(errors::badRequest(
        "'verification_codes' must be a non-empty array of {phone_number, code}.",
        "/verification_codes"));
  }
  std::vector<CodeCheck> checks;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    const std::string pointer = "/verification_codes/" + std::to_string(i);
    if (!item.is_object() || !item.contains("phone_number") || !item.contains("code")) {
      return wire::errorResponse(errors::missingParameter(
          pointer +
          (item.is_object() && item.contains("phone_number") ? "/code" : "/phone_number")));
    }
    if (!item["phone_number"].is_string() || !item["code"].is_string()) {
      return wire::errorResponse(
          errors::badRequest("'phone_number' and 'code' must be strings.", pointer));
    }
    checks.push_back({item["phone_number"].get<std::string>(), item["code"].get<std::string>()});
  }
  const std::string order_id = request.path_params.at("id");
  auto results = model_.checkCodes(account, order_id, checks);
  if (!results.ok()) {
    return wire::errorResponse(results.error());
  }
  json numbers = json::array();
  for (const CodeCheckResult& result : results.value()) {
    numbers.push_back({{"phone_number", result.phone_number}, {"status", result.status}});
  }
  return wire::dataResponse(json{{"order_id", order_id}, {"phone_numbers", std::move(numbers)}});
}

HttpResponse TelnyxProvider::uploadFiles(const Account& account, HttpRequest& request) {
  const std::string content_type = request.header("Content-Type").value_or("");
  auto boundary = hnemu::wire::multipartBoundary(content_type);
  if (!boundary.ok()) {
    return wire::errorResponse(errors::unsupportedMediaType(
        "File uploads must be multipart/form-data with 'loa' and 'bill' file parts."));
  }
  auto parts = hnemu::wire::parseMultipart(request.body, boundary.value());
  if (!parts.ok()) {
    return wire::errorResponse(errors::badRequest(parts.error().message));
  }
  bool loa = false;
  bool bill = false;
  for (const hnemu::wire::MultipartPart& part : parts.value()) {
    if (part.name != "loa" && part.name != "bill") {
      return wire::errorResponse(errors::badRequest(
          "Unexpected part '" + part.name + "'; the parts are 'loa' and 'bill'.", "/" + part.name));
    }
    if (part.data.empty()) {
      return wire::errorResponse(
          errors::badRequest("The '" + part.name + "' file is empty.", "/" + part.name));
    }
    (part.name == "loa" ? loa : bill) = true;
  }
  auto order = model_.uploadDocuments(account, request.path_params.at("id"), loa, bill);
  if (!order.ok()) {
    return wire::errorResponse(order.error());
  }
  return orderAnswer(order.value());
}

HttpResponse TelnyxProvider::listNumbers(const Account& account, HttpRequest& request) const {
  auto page = wire::decodePage(request);
  if (!page.ok()) {
    return wire::errorResponse(page.error());
  }
  NumberFilter filter;
  filter.messaging_profile_id = request.queryValue("filter[messaging_profile_id]");
  filter.phone_number = request.queryValue("filter[phone_number]");
  filter.phone_number_contains = request.queryValue("filter[phone_number][contains]");
  if (const auto sort = request.queryValue("sort[phone_number]")) {
    if (*sort != "asc" && *sort != "desc") {
      return wire::errorResponse(
          errors::badRequest("'sort[phone_number]' must be asc or desc.", "sort[phone_number]"));
    }
    filter.descending = *sort == "desc";
  }
  const size_t start = (page.value().number - 1) * page.value().size;
  const Model::NumberPage numbers = model_.pageOfNumbers(account, filter, start, page.value().size);
  json data = json::array();
  for (const HostedNumber* number : numbers.numbers) {
    data.push_back(shown(*number));
  }
  return HttpResponse::json(200,
                            jsonText(json{{"data", std::move(data)},
                                          {"meta", wire::pageMeta(page.value(), numbers.total)}}));
}

HttpResponse TelnyxProvider::updateNumber(const Account& account, HttpRequest& request) {
  auto body = wire::decodeObject(request);
  if (!body.ok()) {
    return wire::errorResponse(body.error());
  }
  NumberUpdate update;
  auto profile_id = wire::optionalString(body.value(), "messaging_profile_id");
  auto product = wire::optionalString(body.value(), "messaging_product");
  for (const auto* field : {&profile_id, &product}) {
    if (!field->ok()) {
      return wire::errorResponse(field->error());
    }
  }
  update.messaging_profile_id = profile_id.value();
  update.messaging_product = product.value();
  if (body.value().contains("tags") && !body.value()["tags"].is_null()) {
    auto tags = wire::stringArray(body.value(), "tags", false);
    if (!tags.ok()) {
      return wire::errorResponse(tags.error());
    }
    update.tags = tags.value();
  }
  auto number = model_.updateNumber(account, request.path_params.at("id"), update);
  if (!number.ok()) {
    return wire::errorResponse(number.error());
  }
  return wire::dataResponse(shown(number.value()));
}

HttpResponse TelnyxProvider::createProfile(const Account& account, HttpRequest& request) {
  auto body = wire::decodeObject(request);
  if (!body.ok()) {
    return wire::errorResponse(body.error());
  }
  MessagingProfile profile = model_.newProfile(account);
  if (const Status applied = wire::applyProfileFields(body.value(), profile, true); !applied.ok()) {
    return wire::errorResponse(applied.error());
  }
  auto created = model_.createProfile(account, std::move(profile));
  return created.ok() ? wire::dataResponse(wire::encodeProfile(created.value()))
                      : wire::errorResponse(created.error());
}

HttpResponse TelnyxProvider::listProfiles(const Account& account, HttpRequest& request) const {
  auto page = wire::decodePage(request);
  if (!page.ok()) {
    return wire::errorResponse(page.error());
  }
  auto name_equals = request.queryValue("filter[name][eq]");
  if (!name_equals) {
    name_equals = request.queryValue("filter[name]");
  }
  const auto profiles =
      model_.listProfiles(account, name_equals, request.queryValue("filter[name][contains]"));
  json data = json::array();
  const size_t start = (page.value().number - 1) * page.value().size;
  for (size_t i = start; i < profiles.size() && i < start + page.value().size; ++i) {
    data.push_back(wire::encodeProfile(profiles[i]));
  }
  return HttpResponse::json(
      200, jsonText(json{{"data", std::move(data)},
                         {"meta", wire::pageMeta(page.value(), profiles.size())}}));
}

HttpResponse TelnyxProvider::updateProfile(const Account& account, HttpRequest& request) {
  auto body = wire::decodeObject(request);
  if (!body.ok()) {
    return wire::errorResponse(body.error());
  }
  auto current = model_.fetchProfile(account, request.path_params.at("id"));
  if (!current.ok()) {
    return wire::errorResponse(current.error());
  }
  MessagingProfile profile = current.value();
  if (const Status applied = wire::applyProfileFields(body.value(), profile, false);
      !applied.ok()) {
    return wire::errorResponse(applied.error());
  }
  // Telnyx: required on update when the profile does not have any yet.
  if (profile.whitelisted_destinations.empty()) {
    return wire::errorResponse(errors::missingParameter("/whitelisted_destinations"));
  }
  auto updated = model_.replaceProfile(account, std::move(profile));
  return updated.ok() ? wire::dataResponse(wire::encodeProfile(updated.value()))
                      : wire::errorResponse(updated.error());
}

HttpResponse TelnyxProvider::sendMessage(const Account& account, HttpRequest& request) {
  auto body = wire::decodeObject(request);
  if (!body.ok()) {
    return wire::errorResponse(body.error());
  }
  NewMessage input;
  for (const auto& [key, field] : {std::pair<const char*, std::optional<std::string>*>{
                                       "messaging_profile_id", &input.messaging_profile_id},
                                   {"webhook_url", &input.webhook_url},
                                   {"webhook_failover_url", &input.webhook_failover_url}}) {
    auto value = wire::optionalString(body.value(), key);
    if (!value.ok()) {
      return wire::errorResponse(value.error());
    }
    *field = value.value();
  }
  auto to = wire::optionalString(body.value(), "to");
  auto from = wire::optionalString(body.value(), "from");
  auto text = wire::optionalString(body.value(), "text");
  for (const auto* field : {&to, &from, &text}) {
    if (!field->ok()) {
      return wire::errorResponse(field->error());
    }
  }
  auto media = wire::stringArray(body.value(), "media_urls", false);
  if (!media.ok()) {
    return wire::errorResponse(media.error());
  }
  if (!to.value()) {
    return wire::errorResponse(errors::missingParameter("/to"));
  }
  if (!isE164(*to.value())) {
    return wire::errorResponse(errors::notE164(*to.value(), "/to"));
  }
  if (text.value().value_or("").empty() && media.value().empty()) {
    return wire::errorResponse(
        errors::badRequest("A message needs 'text' or 'media_urls'.", "/text"));
  }
  input.to = *to.value();
  input.from = from.value().value_or("");
  input.text = text.value().value_or("");
  input.media_urls = media.value();
  auto message = model_.sendMessage(account, std::move(input));
  if (!message.ok()) {
    return wire::errorResponse(message.error());
  }
  return wire::dataResponse(wire::encodeMessage(message.value()));
}

HttpResponse TelnyxProvider::decideTransfer(const Account& account, HttpRequest& request,
                                            bool approve) {
  const std::string token = request.queryValue("token").value_or("");
  auto order = model_.decideTransfer(account, request.path_params.at("id"), token, approve);
  if (!order.ok()) {
    return wire::errorResponse(order.error());
  }
  return wire::dataResponse(
      json{{"order_id", order.value().id},
           {"decision", transferDecisionName(order.value().internal_transfer->decision)}});
}

void TelnyxProvider::registerRoutes(Router& router) {
  for (const std::string base : {"/v2", ""}) {
    auto route = [&](const char* method, const std::string& path, Operation operation) {
      router.add(method, base + path, "telnyx",
                 [this, operation](HttpRequest& request) { return pipeline(request, operation); });
    };
    const std::string orders(kOrders);
    const std::string numbers(kNumbers);
    route("POST", orders + "/eligibility_numbers_check", [this](const Account& a, HttpRequest& r) {
      auto body = wire::decodeObject(r);
      if (!body.ok()) {
        return wire::errorResponse(body.error());
      }
      auto listed = wire::stringArray(body.value(), "phone_numbers", true);
      if (!listed.ok()) {
        return wire::errorResponse(listed.error());
      }
      return HttpResponse::json(
          200, jsonText(wire::encodeEligibility(model_.checkEligibility(a, listed.value()))));
    });
    route("POST", orders, [this](const Account& a, HttpRequest& r) { return createOrder(a, r); });
    route("GET", orders, [this](const Account& a, HttpRequest& r) { return listOrders(a, r); });
    route("GET", orders + "/{id}", [this](const Account& a, HttpRequest& r) {
      auto order = model_.fetchOrder(a, r.path_params.at("id"));
      return order.ok() ? orderAnswer(order.value()) : wire::errorResponse(order.error());
    });
    route("DELETE", orders + "/{id}", [this](const Account& a, HttpRequest& r) {
      auto order = model_.deleteOrder(a, r.path_params.at("id"));
      return order.ok() ? orderAnswer(order.value()) : wire::errorResponse(order.error());
    });
    route("POST", orders + "/{id}/verification_codes",
          [this](const Account& a, HttpRequest& r) { return requestCodes(a, r); });
    route("POST", orders + "/{id}/validation_codes",
          [this](const Account& a, HttpRequest& r) { return validateCodes(a, r); });
    route("POST", orders + "/{id}/actions/file_upload",
          [this](const Account& a, HttpRequest& r) { return uploadFiles(a, r); });
    route("GET", numbers, [this](const Account& a, HttpRequest& r) { return listNumbers(a, r); });
    route("GET", numbers + "/{id}", [this](const Account& a, HttpRequest& r) {
      auto number = model_.fetchNumber(a, r.path_params.at("id"));
      return number.ok() ? wire::dataResponse(shown(number.value()))
                         : wire::errorResponse(number.error());
    });
    route("PATCH", numbers + "/{id}",
          [this](const Account& a, HttpRequest& r) { return updateNumber(a, r); });
    route("DELETE", numbers + "/{id}", [this](const Account& a, HttpRequest& r) {
      auto order = model_.deleteNumber(a, r.path_params.at("id"));
      return order.ok() ? orderAnswer(order.value()) : wire::errorResponse(order.error());
    });
    // The losing owner's answer to an internal transfer (Telnyx's internal-transfer guide).
    route("POST", orders + "/{id}/approve",
          [this](const Account& a, HttpRequest& r) { return decideTransfer(a, r, true); });
    route("POST", orders + "/{id}/reject",
          [this](const Account& a, HttpRequest& r) { return decideTransfer(a, r, false); });
    const std::string profiles(kProfiles);
    route("GET", profiles, [this](const Account& a, HttpRequest& r) { return listProfiles(a, r); });
    route("POST", profiles,
          [this](const Account& a, HttpRequest& r) { return createProfile(a, r); });
    route("GET", profiles + "/{id}", [this](const Account& a, HttpRequest& r) {
      auto profile = model_.fetchProfile(a, r.path_params.at("id"));
      return profile.ok() ? wire::dataResponse(wire::encodeProfile(profile.value()))
                          : wire::errorResponse(profile.error());
    });
    route("PATCH", profiles + "/{id}",
          [this](const Account& a, HttpRequest& r) { return updateProfile(a, r); });
    route("DELETE", profiles + "/{id}", [this](const Account& a, HttpRequest& r) {
      auto profile = model_.deleteProfile(a, r.path_params.at("id"));
      return profile.ok() ? wire::dataResponse(wire::encodeProfile(profile.value()))
                          : wire::errorResponse(profile.error());
    });
    const std::string messages(kMessages);
    route("POST", messages, [this](const Account& a, HttpRequest& r) { return sendMessage(a, r); });
    route("GET", messages + "/{id}", [this](const Account& a, HttpRequest& r) {
      auto message = model_.fetchMessage(a, r.path_params.at("id"));
      return message.ok() ? wire::dataResponse(wire::encodeMessage(message.value()))
                          : wire::errorResponse(message.error());
    });
  }
  auto not_found = [this](HttpRequest& request) {
    return pipeline(request, [](const Account&, HttpRequest&) {
      return wire::errorResponse(errors::notFound());
    });
  };
  for (const char* prefix : {"/v2/", "/messaging_hosted_number_orders", "/messaging_hosted_numbers",
                             "/messaging_profiles", "/messages"}) {
    router.addFallback(prefix, "telnyx", not_found);
  }
  // Any other path, with a Telnyx API key: Telnyx's 404 (or its 401 for a key it does not know).
  router.addCredentialFallback(
      "telnyx",
      [this](const HttpRequest& request) {
        const auto token = bearerToken(request);
        if (!token) {
          return CredentialClaim::None;
        }
        if (model_.authenticate(*token) != nullptr) {
          return CredentialClaim::Known;
        }
        return token->rfind("KEY", 0) == 0 ? CredentialClaim::Shaped : CredentialClaim::None;
      },
      not_found);
}

namespace {

template <class Status, class Name>
json historyJson(const std::vector<StatusChange<Status>>& history, Name name) {
  json out = json::array();
  for (const StatusChange<Status>& change : history) {
    out.push_back({{"time", formatIso8601Millis(change.time)}, {"status", name(change.status)}});
  }
  return out;
}

}  // namespace

json TelnyxProvider::dumpedAccount(const Account& account) const {
  return {{"api_key", account.api_key},
          {"user_id", account.user_id},
          {"name", account.name},
          {"billing", billingName(account.billing)}};
}

json TelnyxProvider::dumpedOrder(const Order& order) const {
  json encoded = wire::encodeOrder(order, model_.numbersOf(order));
  encoded["user_id"] = order.user_id;
  encoded["documents"] = {{"loa", order.has_loa}, {"bill", order.has_bill}};
  encoded["reviews"] = order.reviews;
  encoded["history"] = historyJson(order.history, orderStatusName);
  encoded["sequence"] = order.sequence;
  if (order.internal_transfer) {
    const InternalTransfer& transfer = *order.internal_transfer;
    encoded["internal_transfer"] = {
        {"losing_user_id", transfer.losing_user_id},
        {"approval_token", transfer.approval_token},
        {"approval_deadline", formatIso8601Millis(transfer.approval_deadline)},
        {"decision", transferDecisionName(transfer.decision)}};
  }
  return encoded;
}

json TelnyxProvider::dumpedNumber(const HostedNumber& number) const {
  return {{"id", number.id},
          {"order_id", number.order_id},
          {"user_id", number.user_id},
          {"phone_number", number.phone_number},
          {"messaging_profile_id",
           number.messaging_profile_id ? json(*number.messaging_profile_id) : json(nullptr)},
          {"status", numberStatusName(number.status)},
          {"history", historyJson(number.history, numberStatusName)}};
}

json TelnyxProvider::dumpedProfile(const MessagingProfile& profile) const {
  json encoded = wire::encodeProfile(profile);
  encoded["user_id"] = profile.user_id;
  return encoded;
}

json TelnyxProvider::dumpedMessage(const Message& message) const {
  json encoded = wire::encodeMessage(message);
  encoded["user_id"] = message.user_id;
  return encoded;
}

void TelnyxProvider::dumpState(json& out) const {
  json accounts = json::array();
  for (const Account& account : model_.world().accounts) {
    accounts.push_back(dumpedAccount(account));
  }
  json orders = json::array();
  for (const auto& [id, order] : model_.orders()) {
    orders.push_back(dumpedOrder(order));
  }
  json numbers = json::array();
  for (const auto& [id, number] : model_.numbers()) {
    numbers.push_back(dumpedNumber(number));
  }
  json messages = json::array();
  for (const auto& [id, message] : model_.messages()) {
    messages.push_back(dumpedMessage(message));
  }
  out[Model::kAccounts] = std::move(accounts);
  out[Model::kProfiles] = profilesJson();
  out[Model::kOrders] = std::move(orders);
  out[Model::kNumbers] = std::move(numbers);
  out[Model::kMessages] = std::move(messages);
  out["public_key"] = publicKeyBase64();
}

std::vector<StateCollection> TelnyxProvider::collections() const {
  return {{std::string(Model::kAccounts), "api_key"},
          {std::string(Model::kProfiles), "id"},
          {std::string(Model::kOrders), "id"},
          {std::string(Model::kNumbers), "id"},
          {std::string(Model::kMessages), "id"}};
}

json TelnyxProvider::dumpItem(std::string_view collection, std::string_view id) const {
  if (collection == Model::kOrders) {
    const auto found = model_.orders().find(std::string(id));
    return found == model_.orders().end() ? json() : dumpedOrder(found->second);
  }
  if (collection == Model::kNumbers) {
    const auto found = model_.numbers().find(std::string(id));
    return found == model_.numbers().end() ? json() : dumpedNumber(found->second);
  }
  if (collection == Model::kAccounts) {
    for (const Account& account : model_.world().accounts) {
      if (account.api_key == id) {
        return dumpedAccount(account);
      }
    }
  }
  if (collection == Model::kProfiles) {
    const MessagingProfile* profile = model_.profile(id);
    return profile == nullptr ? json() : dumpedProfile(*profile);
  }
  if (collection == Model::kMessages) {
    const auto found = model_.messages().find(std::string(id));
    return found == model_.messages().end() ? json() : dumpedMessage(found->second);
  }
  return json();
}

json TelnyxProvider::profilesJson() const {
  json profiles = json::array();
  for (const MessagingProfile& profile : model_.profiles()) {
    profiles.push_back(dumpedProfile(profile));
  }
  return profiles;
}

json TelnyxProvider::inbox(const std::optional<std::string>& number, size_t newest) const {
  // The newest first, up to `newest`, then put back in the order they came.
  std::vector<const InboxMessage*> kept;
  const std::vector<InboxMessage>& inbox = model_.inbox();
  for (auto it = inbox.rbegin(); it != inbox.rend() && kept.size() < newest; ++it) {
    if (!number || it->to == *number) {
      kept.push_back(&*it);
    }
  }
  json out = json::array();
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    const InboxMessage& message = **it;
    out.push_back({{"provider", "telnyx"},
                   {"to", message.to},
                   {"method", message.method},
                   {"body", message.body},
                   {"code", message.code},
                   {"order_id", message.order_id},
                   {"verification_code_id", message.verification_code_id},
                   {"sent_at", formatIso8601Millis(message.sent_at)},
                   {"delivered_at", formatIso8601Millis(message.delivered_at)}});
  }
  return out;
}

}  // namespace hnemu::telnyx
