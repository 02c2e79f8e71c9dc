#include "scenario/scenario.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/http_types.h"
#include "providers/registry.h"
#include "scenario/world_file.h"
#include "scenario/yaml.h"

namespace hnemu {

using nlohmann::json;

bool CountBound::holds(uint64_t value) const {
  return (!min || value >= *min) && (!max || value <= *max);
}

std::string CountBound::text() const {
  if (min && max) {
    return *min == *max ? "exactly " + std::to_string(*min)
                        : "from " + std::to_string(*min) + " to " + std::to_string(*max);
  }
  if (min) {
    return "at least " + std::to_string(*min);
  }
  return max ? "at most " + std::to_string(*max) : "any number";
}

bool Expectations::empty() const { return !client && judgedFromState() == 0; }

size_t Expectations::judgedFromState() const {
  return orders.size() + numbers.size() + webhooks.size() + requests.size() + (conduct ? 1 : 0);
}

bool pathMatches(std::string_view pattern, std::string_view path) {
  auto next = [](std::string_view& text) {
    const size_t slash = text.find('/');
    std::string_view segment = text.substr(0, slash);
    text = slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
    return segment;
  };
  if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') {
    return false;
  }
  pattern.remove_prefix(1);
  path.remove_prefix(1);
  for (;;) {
    const bool pattern_done = pattern.empty();
    const std::string_view want = next(pattern);
    if (want == "**" && pattern.empty()) {
      return true;
    }
    const bool path_done = path.empty();
    const std::string_view have = next(path);
    if (pattern_done || path_done) {
      return pattern_done && path_done;
    }
    if (want != "*" && !iequals(want, have)) {
      return false;
    }
    if (pattern.empty() && path.empty()) {
      return true;
    }
  }
}

namespace {

std::string where(const std::string& source, const YAML::Mark& mark) {
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

enum class NumberOwner { Order, Number, Webhook, Conduct };

// Reads one scenario's `expect` and `client` sections with marks for every error.
class ScenarioReader {
 public:
  ScenarioReader(const std::string& source, Scenario& scenario)
      : source_(source), scenario_(scenario) {}

  std::optional<Error> client(const YAML::Node& node) {
    if (!node.IsMap()) {
      return yamlError(source_, node.Mark(), "client", "expected a mapping with env, timeout");
    }
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      const YAML::Node& value = entry.second;
      if (key == "env") {
        if (!value.IsMap()) {
          return yamlError(source_, value.Mark(), "client.env",
                           "expected a mapping from variable names to values");
        }
        for (const auto& variable : value) {
          const std::string name = variable.first.as<std::string>();
          const bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                             std::all_of(name.begin(), name.end(), [](char c) {
                               return std::isupper(static_cast<unsigned char>(c)) ||
                                      std::isdigit(static_cast<unsigned char>(c)) || c == '_';
                             });
          if (!valid || !variable.second.IsScalar()) {
            return yamlError(source_, variable.first.Mark(), "client.env." + name,
                             "expected an UPPER_CASE variable name with a scalar value");
          }
          scenario_.client.env[name] = variable.second.Scalar();
        }
      } else if (key == "timeout") {
        auto timeout = parseDuration(value.IsScalar() ? value.Scalar() : "");
        if (!timeout.ok() || timeout.value() <= Millis(0)) {
          return yamlError(source_, value.Mark(), "client.timeout",
                           "expected a positive duration such as 30s");
        }
        scenario_.client.timeout = timeout.value();
      } else {
        return yamlError(source_, entry.first.Mark(), "client." + key,
                         "unknown key; expected env or timeout");
      }
    }
    return std::nullopt;
  }

  // Kept until the provider is known: expectations are checked against its vocabulary.
  std::optional<Error> expect(const YAML::Node& node) {
    if (!node.IsMap()) {
      return yamlError(source_, node.Mark(), "expect",
                       "expected a mapping with client, orders, numbers, webhooks, requests, "
                       "conduct");
    }
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      const YAML::Node& value = entry.second;
      const std::string path = "expect." + key;
      std::optional<Error> error;
      if (key == "client") {
        error = clientExpectation(value);
      } else if (key == "orders") {
        error = eachItem(value, path, [this](const YAML::Node& item, const std::string& at) {
          return order(item, at);
        });
      } else if (key == "numbers") {
        error = eachItem(value, path, [this](const YAML::Node& item, const std::string& at) {
          return number(item, at);
        });
      } else if (key == "webhooks") {
        error = eachItem(value, path, [this](const YAML::Node& item, const std::string& at) {
          return webhooks(item, at);
        });
      } else if (key == "requests") {
        error = eachItem(value, path, [this](const YAML::Node& item, const std::string& at) {
          return request(item, at);
        });
      } else if (key == "conduct") {
        error = conduct(value, path);
      } else {
        return yamlError(
            source_, entry.first.Mark(), path,
            "unknown key; expected client, orders, numbers, webhooks, requests or conduct");
      }
      if (error) {
        return error;
      }
    }
    return std::nullopt;
  }

 private:
  template <class F>
  std::optional<Error> eachItem(const YAML::Node& list, const std::string& path, F parse) {
    if (!list.IsSequence()) {
      return yamlError(source_, list.Mark(), path, "expected a list");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      if (!list[i].IsMap()) {
        return yamlError(source_, list[i].Mark(), at, "expected a mapping");
      }
      if (auto error = parse(list[i], at)) {
        return error;
      }
    }
    return std::nullopt;
  }

  std::optional<Error> unknownKeys(const YAML::Node& item, const std::string& at,
                                   std::initializer_list<const char*> known) {
    for (const auto& entry : item) {
      const std::string key = entry.first.as<std::string>();
      if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
        std::string list;
        for (const char* k : known) {
          list += (list.empty() ? "" : ", ") + std::string(k);
        }
        return yamlError(source_, entry.first.Mark(), at + "." + key,
                         "unknown key; expected one of: " + list);
      }
    }
    return std::nullopt;
  }

  std::optional<Error> scalar(const YAML::Node& item, const char* key, const std::string& at,
                              std::optional<std::string>& out) {
    if (!item[key]) {
      return std::nullopt;
    }
    if (!item[key].IsScalar()) {
      return yamlError(source_, item[key].Mark(), at + "." + key, "expected a string");
    }
    out = item[key].Scalar();
    return std::nullopt;
  }

  std::optional<Error> flag(const YAML::Node& item, const char* key, const std::string& at,
                            std::optional<bool>& out) {
    if (!item[key]) {
      return std::nullopt;
    }
    const json value = yamlToJson(item[key]);
    if (!value.is_boolean()) {
      return yamlError(source_, item[key].Mark(), at + "." + key, "expected true or false");
    }
    out = value.get<bool>();
    return std::nullopt;
  }

  std::optional<Error> count(const YAML::Node& node, const std::string& at,
                             std::optional<CountBound>& out) {
    const json value = yamlToJson(node);
    CountBound bound;
    if (value.is_number_unsigned()) {
      bound.min = bound.max = value.get<uint64_t>();
    } else if (value.is_object() && !value.empty() &&
               std::all_of(value.items().begin(), value.items().end(), [](const auto& item) {
                 return (item.key() == "min" || item.key() == "max") &&
                        item.value().is_number_unsigned();
               })) {
      if (value.contains("min")) {
        bound.min = value["min"].get<uint64_t>();
      }
      if (value.contains("max")) {
        bound.max = value["max"].get<uint64_t>();
      }
    } else {
      return yamlError(source_, node.Mark(), at,
                       "expected a count (3) or a range ({min: 1, max: 3})");
    }
    out = bound;
    return std::nullopt;
  }

  // The number is checked against the world once the whole file is read; `out` is found again
  // by (list, index) then, since the lists may grow in between.
  std::optional<Error> numberKey(const YAML::Node& node, const std::string& at, NumberOwner owner,
                                 size_t index) {
    if (!node || !node.IsScalar()) {
      return yamlError(source_, node ? node.Mark() : YAML::Mark(), at + ".number",
                       "expected the number, as the scenario's numbers list it");
    }
    pending_numbers_.push_back(
        {node.Scalar(), where(source_, node.Mark()), at + ".number", owner, index});
    return std::nullopt;
  }

  std::string& numberField(NumberOwner owner, size_t index) {
    switch (owner) {
      case NumberOwner::Order:
        return scenario_.expect.orders[index].number;
      case NumberOwner::Number:
        return scenario_.expect.numbers[index].number;
      case NumberOwner::Conduct:
        return scenario_.expect.conduct->number;
      case NumberOwner::Webhook:
        break;
    }
    return *scenario_.expect.webhooks[index].number;
  }

  std::optional<Error> statuses(const YAML::Node& node, const std::string& at, bool numbers,
                                std::vector<std::string>& out) {
    if (!node.IsSequence()) {
      return yamlError(source_, node.Mark(), at, "expected a list of statuses");
    }
    for (size_t i = 0; i < node.size(); ++i) {
      if (!node[i].IsScalar()) {
        return yamlError(source_, node[i].Mark(), at, "expected a status");
      }
      pending_statuses_.push_back({node[i].Scalar(), where(source_, node[i].Mark()), at, numbers});
      out.push_back(node[i].Scalar());
    }
    return std::nullopt;
  }

  std::optional<Error> status(const YAML::Node& node, const std::string& at, bool numbers,
                              std::optional<std::string>& out) {
    if (!node.IsScalar()) {
      return yamlError(source_, node.Mark(), at, "expected a status");
    }
    pending_statuses_.push_back({node.Scalar(), where(source_, node.Mark()), at, numbers});
    out = node.Scalar();
    return std::nullopt;
  }

  std::optional<Error> clientExpectation(const YAML::Node& node) {
    if (!node.IsMap()) {
      return yamlError(source_, node.Mark(), "expect.client",
                       "expected a mapping with exit_code, reported");
    }
    if (auto error = unknownKeys(node, "expect.client", {"exit_code", "reported"})) {
      return error;
    }
    ClientExpectation out;
    out.where = where(source_, node.Mark());
    if (node["exit_code"]) {
      const json code = yamlToJson(node["exit_code"]);
      if (!code.is_number_unsigned() || code.get<uint64_t>() > 255) {
        return yamlError(source_, node["exit_code"].Mark(), "expect.client.exit_code",
                         "expected an exit code from 0 to 255");
      }
      out.exit_code = code.get<int>();
    }
    if (auto error = scalar(node, "reported", "expect.client", out.reported)) {
      return error;
    }
    scenario_.expect.client = out;
    return std::nullopt;
  }

  std::optional<Error> order(const YAML::Node& item, const std::string& at) {
    if (auto error = unknownKeys(
            item, at,
            {"number", "exists", "status", "visited", "not_visited", "reason_contains", "count"})) {
      return error;
    }
    OrderExpectation& out = scenario_.expect.orders.emplace_back();
    out.where = where(source_, item.Mark());
    std::optional<bool> exists;
    std::optional<Error> error = flag(item, "exists", at, exists);
    out.exists = exists.value_or(true);
    if (!error && item["status"]) {
      error = status(item["status"], at + ".status", false, out.status);
    }
    if (!error && item["visited"]) {
      error = statuses(item["visited"], at + ".visited", false, out.visited);
    }
    if (!error && item["not_visited"]) {
      error = statuses(item["not_visited"], at + ".not_visited", false, out.not_visited);
    }
    if (!error) {
      error = scalar(item, "reason_contains", at, out.reason_contains);
    }
    if (!error && item["count"]) {
      error = count(item["count"], at + ".count", out.count);
    }
    return error ? error
                 : numberKey(item["number"], at, NumberOwner::Order,
                             scenario_.expect.orders.size() - 1);
  }

  std::optional<Error> number(const YAML::Node& item, const std::string& at) {
    if (auto error = unknownKeys(item, at, {"number", "status", "in_service"})) {
      return error;
    }
    NumberExpectation& out = scenario_.expect.numbers.emplace_back();
    out.where = where(source_, item.Mark());
    std::optional<Error> error;
    if (item["status"]) {
      error = status(item["status"], at + ".status", true, out.status);
    }
    if (!error) {
      error = flag(item, "in_service", at, out.in_service);
    }
    if (!error) {
      number_fields_.push_back(
          {at, item.Mark(), out.status.has_value(), out.in_service.has_value()});
    }
    return error ? error
                 : numberKey(item["number"], at, NumberOwner::Number,
                             scenario_.expect.numbers.size() - 1);
  }

  std::optional<Error> webhooks(const YAML::Node& item, const std::string& at) {
    if (auto error = unknownKeys(item, at,
                                 {"number", "statuses", "count", "delivered", "forged_rejected"})) {
      return error;
    }
    WebhookExpectation& out = scenario_.expect.webhooks.emplace_back();
    out.where = where(source_, item.Mark());
    std::optional<Error> error;
    if (item["statuses"]) {
      out.statuses.emplace();
      error = statuses(item["statuses"], at + ".statuses", false, *out.statuses);
    }
    if (!error && item["count"]) {
      error = count(item["count"], at + ".count", out.count);
    }
    if (!error) {
      error = flag(item, "delivered", at, out.delivered);
    }
    if (!error) {
      error = flag(item, "forged_rejected", at, out.forged_rejected);
    }
    if (!error && item["number"]) {
      out.number.emplace();
      error =
          numberKey(item["number"], at, NumberOwner::Webhook, scenario_.expect.webhooks.size() - 1);
    }
    return error;
  }

  std::optional<Error> atMost(const YAML::Node& node, const std::string& at,
                              std::optional<uint64_t>& out) {
    const json value = yamlToJson(node);
    if (!value.is_number_unsigned()) {
      return yamlError(source_, node.Mark(), at, "expected a non-negative count");
    }
    out = value.get<uint64_t>();
    return std::nullopt;
  }

  std::optional<Error> conduct(const YAML::Node& node, const std::string& at) {
    if (!node.IsMap()) {
      return yamlError(source_, node.Mark(), at, "expected a mapping");
    }
    if (auto error = unknownKeys(
            node, at,
            {"number", "reports_status", "after_final", "polls", "avoidable_4xx", "refusals"})) {
      return error;
    }
    ConductExpectation& out = scenario_.expect.conduct.emplace();
    out.where = where(source_, node.Mark());
    std::optional<bool> reports;
    std::optional<Error> error = flag(node, "reports_status", at, reports);
    out.reports_status = reports.value_or(false);
    if (!error && node["after_final"]) {
      error = atMost(node["after_final"], at + ".after_final", out.after_final);
    }
    if (!error && node["avoidable_4xx"]) {
      error = atMost(node["avoidable_4xx"], at + ".avoidable_4xx", out.avoidable_4xx);
    }
    if (!error && node["polls"]) {
      const YAML::Node& polls = node["polls"];
      const std::string polls_at = at + ".polls";
      if (!polls.IsMap() || !polls["at_most"]) {
        return yamlError(source_, polls.Mark(), polls_at,
                         "expected {at_most: N, per: DURATION} (per defaults to 1h)");
      }
      error = unknownKeys(polls, polls_at, {"at_most", "per"});
      if (!error) {
        error = atMost(polls["at_most"], polls_at + ".at_most", out.polls_at_most);
      }
      if (!error && polls["per"]) {
        auto per = parseDuration(polls["per"].IsScalar() ? polls["per"].Scalar() : "");
        if (!per.ok() || per.value() <= Millis(0)) {
          return yamlError(source_, polls["per"].Mark(), polls_at + ".per",
                           "expected a positive duration such as 1h");
        }
        out.polls_per = per.value();
      }
    }
    if (!error && node["refusals"]) {
      error = eachItem(node["refusals"], at + ".refusals",
                       [this, &out](const YAML::Node& item, const std::string& item_at) {
                         return refusal(item, item_at, out.refusals);
                       });
    }
    return error ? error : numberKey(node["number"], at, NumberOwner::Conduct, 0);
  }

  std::optional<Error> refusal(const YAML::Node& item, const std::string& at,
                               std::vector<ExpectedRefusal>& out) {
    if (auto error = unknownKeys(item, at, {"method", "path", "status", "times"})) {
      return error;
    }
    ExpectedRefusal refusal;
    std::optional<std::string> method;
    std::optional<std::string> path;
    std::optional<Error> error = scalar(item, "method", at, method);
    if (!error) {
      error = scalar(item, "path", at, path);
    }
    if (error) {
      return error;
    }
    refusal.method = method.value_or("");
    refusal.path = path.value_or("");
    if (!refusal.path.empty() && refusal.path[0] != '/') {
      return yamlError(source_, item["path"].Mark(), at + ".path",
                       "expected a path starting with '/' ('*' matches one segment)");
    }
    const json status = item["status"] ? yamlToJson(item["status"]) : json();
    if (!status.is_number_unsigned() || status.get<uint64_t>() < 400 ||
        status.get<uint64_t>() > 499) {
      return yamlError(source_, item["status"] ? item["status"].Mark() : item.Mark(),
                       at + ".status", "expected the 4xx status the world causes");
    }
    refusal.status = status.get<int>();
    if (item["times"]) {
      std::optional<uint64_t> times;
      if (auto times_error = atMost(item["times"], at + ".times", times)) {
        return times_error;
      }
      refusal.times = *times;
    }
    out.push_back(std::move(refusal));
    return std::nullopt;
  }

  std::optional<Error> request(const YAML::Node& item, const std::string& at) {
    if (auto error =
            unknownKeys(item, at, {"method", "path", "status", "count", "at_most", "per"})) {
      return error;
    }
    RequestExpectation& out = scenario_.expect.requests.emplace_back();
    out.where = where(source_, item.Mark());
    std::optional<std::string> method;
    std::optional<std::string> path;
    std::optional<Error> error = scalar(item, "method", at, method);
    if (!error) {
      error = scalar(item, "path", at, path);
    }
    if (error) {
      return error;
    }
    out.method = method.value_or("");
    if (!std::all_of(out.method.begin(), out.method.end(),
                     [](char c) { return std::isupper(static_cast<unsigned char>(c)); })) {
      return yamlError(source_, item["method"].Mark(), at + ".method",
                       "expected an HTTP method in capitals, such as GET");
    }
    if (!path || path->empty() || (*path)[0] != '/') {
      return yamlError(source_, item["path"] ? item["path"].Mark() : item.Mark(), at + ".path",
                       "expected a path starting with '/' ('*' matches one segment)");
    }
    out.path = *path;
    if (item["status"]) {
      const json value = yamlToJson(item["status"]);
      if (!value.is_number_unsigned() || value.get<uint64_t>() < 100 ||
          value.get<uint64_t>() > 599) {
        return yamlError(source_, item["status"].Mark(), at + ".status",
                         "expected an HTTP status from 100 to 599");
      }
      out.status = value.get<int>();
    }
    if (item["count"]) {
      if (auto count_error = count(item["count"], at + ".count", out.count)) {
        return count_error;
      }
    }
    if (item["at_most"]) {
      const json value = yamlToJson(item["at_most"]);
      if (!value.is_number_unsigned()) {
        return yamlError(source_, item["at_most"].Mark(), at + ".at_most",
                         "expected a non-negative count");
      }
      out.at_most = value.get<uint64_t>();
    }
    if (item["per"]) {
      if (!out.at_most) {
        return yamlError(source_, item["per"].Mark(), at + ".per", "per needs at_most");
      }
      auto per = parseDuration(item["per"].IsScalar() ? item["per"].Scalar() : "");
      if (!per.ok() || per.value() <= Millis(0)) {
        return yamlError(source_, item["per"].Mark(), at + ".per",
                         "expected a positive duration such as 1h");
      }
      out.per = per.value();
    }
    if (!out.count && !out.at_most) {
      return yamlError(source_, item.Mark(), at, "expected count or at_most");
    }
    return std::nullopt;
  }

 public:
  // Checks what only the provider and its numbers can tell: run once the whole file is read.
  std::vector<Error> resolve() {
    std::vector<Error> errors;
    const std::string& provider = scenario_.provider;
    const ProviderKind& kind = *findProviderKind(provider);
    if (!kind.ordersHaveFailureReason()) {
      for (const OrderExpectation& order : scenario_.expect.orders) {
        if (order.reason_contains) {
          errors.push_back(makeError(ErrorCode::InvalidArgument,
                                     order.where +
                                         ": reason_contains: " + std::string(kind.title()) +
                                         " orders carry no failure reason"));
        }
      }
    }
    const bool has_status = !kind.numberStatuses().empty();
    const bool has_in_service = kind.tracksNumbersInService();
    for (const NumberFields& fields : number_fields_) {
      if (!has_status && !has_in_service) {
        errors.push_back(yamlError(source_, fields.mark, fields.path,
                                   std::string(kind.title()) +
                                       " numbers carry no status of their own; expect their "
                                       "order's"));
      } else if ((fields.status && !has_status) || (fields.in_service && !has_in_service)) {
        errors.push_back(yamlError(source_, fields.mark, fields.path,
                                   "a " + provider + " number expectation takes " +
                                       (has_status ? "status" : "in_service")));
      }
    }
    for (const PendingStatus& pending : pending_statuses_) {
      if (pending.number && !has_status) {
        continue;  // said above: this provider's numbers have no status
      }
      const std::vector<std::string> known =
          pending.number ? kind.numberStatuses() : kind.orderStatuses();
      if (std::find(known.begin(), known.end(), pending.status) == known.end()) {
        errors.push_back(makeError(ErrorCode::InvalidArgument,
                                   pending.where + ": " + pending.path + ": '" + pending.status +
                                       "' is not a " + provider +
                                       (pending.number ? " number" : " order") +
                                       " status; expected one of: " + joined(known)));
      }
    }
    const auto section = scenario_.world.sections.find(provider);
    for (const PendingNumber& pending : pending_numbers_) {
      const std::string key = kind.numberKey(pending.text);
      if (section == scenario_.world.sections.end() || key.empty() ||
          !section->second->declares(key)) {
        errors.push_back(makeError(ErrorCode::InvalidArgument,
                                   pending.where + ": " + pending.path + ": '" + pending.text +
                                       "' is not one of the scenario's " + provider +
                                       " numbers; list it under " + provider + ".numbers"));
        continue;
      }
      numberField(pending.owner, pending.index) = key;
    }
    return errors;
  }

 private:
  struct PendingStatus {
    std::string status;
    std::string where;
    std::string path;
    bool number;
  };
  struct PendingNumber {
    std::string text;
    std::string where;
    std::string path;
    NumberOwner owner;
    size_t index;
  };
  struct NumberFields {
    std::string path;
    YAML::Mark mark;
    bool status;
    bool in_service;
  };

  const std::string& source_;
  Scenario& scenario_;
  std::vector<PendingStatus> pending_statuses_;
  std::vector<PendingNumber> pending_numbers_;
  std::vector<NumberFields> number_fields_;
};

}  // namespace

Result<Scenario> parseScenario(std::string_view text, const std::string& source) {
  if (text.size() > kMaxScenarioBytes) {
    return makeError(ErrorCode::InvalidArgument, source + ": more than " +
                                                     std::to_string(kMaxScenarioBytes) +
                                                     " bytes; a scenario is at most 1 MiB");
  }
  HNEMU_ASSIGN_OR_RETURN(const YAML::Node root, loadYaml(text, source));
  Scenario scenario;
  scenario.source = source;
  if (root.IsNull()) {
    return scenario;
  }
  if (!root.IsMap()) {
    return yamlError(
        source, root.Mark(), "(top)",
        "expected a mapping with name, provider, seed, clock, ... and provider sections");
  }
  ScenarioReader reader(source, scenario);
  // Every top-level key is read, so that one run of `hnemu check` reports every error in the
  // file (the first of each key).
  std::vector<Error> errors;
  for (const auto& entry : root) {
    std::optional<Error> error;
    try {
      const std::string key = entry.first.as<std::string>();
      const YAML::Node& value = entry.second;
      if (key == "name" || key == "description" || key == "provider") {
        if (!value.IsScalar()) {
          error = yamlError(source, value.Mark(), key, "expected a string");
        } else if (key == "provider" && findProviderKind(value.Scalar()) == nullptr) {
          error = yamlError(source, value.Mark(), key,
                            "expected " + providerNamesText() + ", got '" + value.Scalar() + "'");
        } else {
          (key == "name"          ? scenario.name
           : key == "description" ? scenario.description
                                  : scenario.provider) = value.Scalar();
        }
      } else if (key == "client") {
        error = reader.client(value);
      } else if (key == "expect") {
        error = reader.expect(value);
      } else {
        bool known = false;
        error = parseWorldKey(source, key, value, scenario.world, known);
        if (!error && !known) {
          error = yamlError(source, entry.first.Mark(), key,
                            "unknown key; expected name, description, provider, client, expect, " +
                                worldKeysText());
        }
      }
    } catch (const YAML::Exception& exception) {
      error = makeError(ErrorCode::InvalidArgument,
                        source + ":" + std::to_string(exception.mark.line + 1) + ":" +
                            std::to_string(exception.mark.column + 1) + ": " + exception.msg);
    }
    if (error) {
      errors.push_back(std::move(*error));
    }
  }
  if (errors.empty() && !scenario.expect.empty()) {
    if (scenario.provider.empty()) {
      errors.push_back(yamlError(
          source, root.Mark(), "provider",
          "a scenario with expectations names its provider (" + providerNamesText() + ")"));
    } else {
      for (Error& error : reader.resolve()) {
        errors.push_back(std::move(error));
      }
    }
  }
  if (!errors.empty()) {
    std::string message;
    for (const Error& error : errors) {
      message += (message.empty() ? "" : "\n") + error.message;
    }
    return makeError(ErrorCode::InvalidArgument, message);
  }
  return scenario;
}

Result<std::string> readScenarioFile(const std::string& path) {
  std::error_code error;
  std::ifstream file;
  if (std::filesystem::is_regular_file(path, error)) {
    file.open(path, std::ios::binary);
  }
  if (!file.is_open()) {
    return makeError(ErrorCode::NotFound, path + ": cannot read the file");
  }
  // At most one byte past the limit: parseScenario then says it is too large.
  std::string text(kMaxScenarioBytes + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  return text;
}

Result<Scenario> loadScenarioFile(const std::string& path) {
  HNEMU_ASSIGN_OR_RETURN(const std::string text, readScenarioFile(path));
  return parseScenario(text, path);
}

std::vector<std::string> scenarioFilesUnder(const std::string& directory) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code error;
  const fs::path root = fs::canonical(directory, error);
  if (error) {
    return files;
  }
  fs::recursive_directory_iterator it(root, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::path& path = it->path();
    if (!it->is_regular_file(error) ||
        (path.extension() != ".yaml" && path.extension() != ".yml")) {
      continue;
    }
    // A link may point anywhere: only files that are inside the folder once resolved are listed,
    // so that neither the picker nor its error messages show another file's content.
    const fs::path target = fs::canonical(path, error);
    if (!error &&
        std::mismatch(root.begin(), root.end(), target.begin(), target.end()).first == root.end()) {
      files.push_back(path.lexically_relative(root).generic_string());
    }
    error.clear();
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace hnemu
