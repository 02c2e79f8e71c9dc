#include "providers/fake/routes.h"

#include "core/input.h"
#include "core/json_text.h"
#include "core/time.h"
#include "providers/fake/kind.h"
#include "providers/fake/world.h"
#include "providers/world_codec.h"

namespace hnemu::fake {
namespace {

using nlohmann::json;

HttpResponse fakeError(int status, const std::string& code, const std::string& message) {
  return HttpResponse::json(status,
                            jsonText(json{{"fake_error", {{"code", code}, {"message", message}}}}));
}

json orderJson(const Order& order) {
  return json{{"id", order.id},
              {"number", order.number},
              {"status", enumName(kOrderStatusNames, order.status)}};
}

}  // namespace

const ProviderKind& FakeProvider::kind() const { return fake::kind(); }

HttpResponse FakeProvider::errorForStatus(int status, const HttpRequest&) const {
  return fakeError(status, "E" + std::to_string(status), std::string(httpStatusText(status)));
}

void FakeProvider::registerRoutes(Router& router) {
  auto authenticated = [this](const HttpRequest& request) -> std::optional<std::string> {
    const std::string header = request.header("Authorization").value_or("");
    const std::string token = header.rfind("Token ", 0) == 0 ? header.substr(6) : "";
    return model_.authenticate(token) ? std::optional(token) : std::nullopt;
  };
  router.add("POST", "/fake/v1/widget-orders", "fake", [this, authenticated](HttpRequest& request) {
    const auto token = authenticated(request);
    if (!token) {
      return fakeError(401, "unauthenticated", "a known token is required");
    }
    request.account = *token;
    const json body = json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("number") || !body["number"].is_string()) {
      return fakeError(400, "bad_request", "the body is {\"number\": \"+1...\"}");
    }
    auto order = model_.create(*token, body["number"].get<std::string>());
    return HttpResponse::json(201, jsonText(orderJson(order.value())));
  });
  router.add("GET", "/fake/v1/widget-orders/{Id}", "fake",
             [this, authenticated](HttpRequest& request) {
               const auto token = authenticated(request);
               if (!token) {
                 return fakeError(401, "unauthenticated", "a known token is required");
               }
               const Order* order = model_.find(*token, request.path_params.at("Id"));
               return order == nullptr ? fakeError(404, "not_found", "no such widget order")
                                       : HttpResponse::json(200, jsonText(orderJson(*order)));
             });
  router.addFallback("/fake/", "fake",
                     [](HttpRequest&) { return fakeError(404, "not_found", "no such path"); });
}

void FakeProvider::loadWorld(const WorldSection* section) {
  if (section != nullptr) {
    model_.world() = static_cast<const Section&>(*section).world;
  }
}

std::vector<ControlRoute> FakeProvider::controlRoutes() {
  std::vector<ControlRoute> routes = worldControlRoutes<WorldCodec>("fake", model_);
  routes.push_back(
      {"POST", "/__hnemu/fake/widget-orders/{Id}/finish",
       [this](HttpRequest& request) -> Result<ControlReply> {
         HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
         HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "outcome", true));
         const auto outcome = enumFromName(kOrderStatusNames, text);
         if (!outcome || (*outcome != OrderStatus::Done && *outcome != OrderStatus::Failed)) {
           return makeError(ErrorCode::InvalidArgument, "'outcome' must be done or failed");
         }
         HNEMU_RETURN_IF_ERROR(model_.finish(request.path_params.at("Id"), *outcome));
         return ControlReply(json{{"outcome", text}});
       }});
  return routes;
}

namespace {

json dumpedOrder(const Order& order) {
  json encoded = orderJson(order);
  encoded["sequence"] = order.sequence;
  json history = json::array();
  for (const auto& [time, status] : order.history) {
    history.push_back(
        {{"time", formatIso8601Millis(time)}, {"status", enumName(kOrderStatusNames, status)}});
  }
  encoded["history"] = std::move(history);
  return encoded;
}

}  // namespace

void FakeProvider::dumpState(json& out) const {
  json tokens = json::array();
  for (const std::string& token : model_.world().tokens) {
    tokens.push_back({{"token", token}});
  }
  json orders = json::array();
  for (const auto& [id, order] : model_.orders()) {
    orders.push_back(dumpedOrder(order));
  }
  out["accounts"] = std::move(tokens);
  out[Model::kOrders] = std::move(orders);
}

std::vector<StateCollection> FakeProvider::collections() const {
  return {{"accounts", "token"}, {std::string(Model::kOrders), "id"}};
}

json FakeProvider::dumpItem(std::string_view collection, std::string_view id) const {
  if (collection == Model::kOrders) {
    const auto found = model_.orders().find(std::string(id));
    return found == model_.orders().end() ? json() : dumpedOrder(found->second);
  }
  for (const std::string& token : model_.world().tokens) {
    if (collection == "accounts" && token == id) {
      return {{"token", token}};
    }
  }
  return json();
}

}  // namespace hnemu::fake
