#include "scenario/expectations.h"

#include <algorithm>

#include "core/http_types.h"
#include "engine/engine.h"
#include "providers/registry.h"

namespace hnemu {
namespace {

using nlohmann::json;

std::string listText(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    out += (out.size() > 1 ? ", " : "") + item;
  }
  return out + "]";
}

bool contains(const std::vector<std::string>& items, const std::string& wanted) {
  return std::any_of(items.begin(), items.end(),
                     [&](const std::string& item) { return iequals(item, wanted); });
}

// Whether `wanted` appears in `seen` in this order, not necessarily next to each other.
bool isSubsequence(const std::vector<std::string>& wanted, const std::vector<std::string>& seen) {
  size_t next = 0;
  for (const std::string& status : seen) {
    if (next < wanted.size() && iequals(status, wanted[next])) {
      ++next;
    }
  }
  return next == wanted.size();
}

std::vector<std::string> collapsed(const std::vector<std::string>& statuses) {
  std::vector<std::string> out;
  for (const std::string& status : statuses) {
    if (out.empty() || !iequals(out.back(), status)) {
      out.push_back(status);
    }
  }
  return out;
}

std::vector<std::string> historyOf(const json& order) {
  std::vector<std::string> out;
  for (const json& change : order.value("history", json::array())) {
    out.push_back(change.value("status", ""));
  }
  return out;
}

class Judge {
 public:
  Judge(const Scenario& scenario, const RunRecord& record)
      : provider_(scenario.provider),
        kind_(*findProviderKind(scenario.provider)),
        state_(record.state.value(scenario.provider, json::object())),
        record_(record) {}

  std::vector<ExpectationResult> results;

  void check(std::string what, const std::string& where, bool passed, std::string expected,
             std::string actual) {
    results.push_back({std::move(what), where, passed, std::move(expected), std::move(actual)});
  }

  void client(const Scenario& scenario, const ClientOutcome& outcome) {
    const std::optional<ClientExpectation>& expected = scenario.expect.client;
    const std::string where = expected ? expected->where : scenario.source;
    const int exit_code = expected && expected->exit_code ? *expected->exit_code : 0;
    std::string ended = !outcome.started ? "could not be started"
                        : outcome.timed_out
                            ? "was still running after " + formatDuration(scenario.client.timeout) +
                                  " and was killed"
                            : "exited with " + std::to_string(outcome.exit_code);
    check("the client finishes within " + formatDuration(scenario.client.timeout) +
              " and exits with " + std::to_string(exit_code),
          where, outcome.started && !outcome.timed_out && outcome.exit_code == exit_code,
          "exit code " + std::to_string(exit_code), ended);
    if (expected && expected->reported) {
      const std::string actual =
          outcome.reported
              ? "reported " + *outcome.reported
              : "no report" + (outcome.report_error.empty() ? std::string()
                                                            : " (" + outcome.report_error + ")");
      check("the client reports the outcome " + *expected->reported, expected->where,
            outcome.reported && *outcome.reported == *expected->reported,
            "reported " + *expected->reported, actual);
    }
  }

  void order(const OrderExpectation& expected) {
    const std::vector<json> orders = kind_.ordersFor(state_, expected.number);
    const std::string subject = "order for " + expected.number;
    std::vector<std::string> statuses;
    for (const json& order : orders) {
      statuses.push_back(order.value("status", ""));
    }
    const std::string found =
        orders.empty() ? "no order"
                       : std::to_string(orders.size()) + " order(s), " + listText(statuses);
    if (!expected.exists) {
      check("no " + subject, expected.where, orders.empty(), "no order", found);
      return;
    }
    if (expected.count) {
      check(subject + ": " + expected.count->text() + " created", expected.where,
            expected.count->holds(orders.size()), expected.count->text(), found);
    }
    if (orders.empty()) {
      check(subject + " exists", expected.where, false, "an order", "no order");
      return;
    }
    const json& last = orders.back();
    const std::vector<std::string> history = historyOf(last);
    const std::string history_text = "history " + listText(history);
    if (expected.status) {
      check(subject + " is " + *expected.status, expected.where,
            iequals(last.value("status", ""), *expected.status), *expected.status,
            last.value("status", "") + " (" + history_text + ")");
    }
    if (!expected.visited.empty()) {
      check(subject + " passed through " + listText(expected.visited), expected.where,
            isSubsequence(expected.visited, history), listText(expected.visited) + " in order",
            history_text);
    }
    for (const std::string& status : expected.not_visited) {
      check(subject + " was never " + status, expected.where, !contains(history, status),
            "never " + status, history_text);
    }
    if (expected.reason_contains) {
      const std::string reason = last.value("failure_reason", "");
      check(subject + ": failure reason mentions '" + *expected.reason_contains + "'",
            expected.where, reason.find(*expected.reason_contains) != std::string::npos,
            "a reason containing '" + *expected.reason_contains + "'", "'" + reason + "'");
    }
  }

  void number(const NumberExpectation& expected) {
    const std::string subject = "number " + expected.number;
    if (expected.status) {
      const std::vector<json> orders = kind_.ordersFor(state_, expected.number);
      const std::string status =
          orders.empty()
              ? "no hosted number"
              : kind_.numberStatus(orders.back(), expected.number).value_or("no hosted number");
      check(subject + " is " + *expected.status, expected.where, status == *expected.status,
            *expected.status, status);
    }
    if (expected.in_service) {
      const bool in_service = kind_.inService(state_, expected.number);
      check(subject + (*expected.in_service ? " is" : " is not") + " in service", expected.where,
            in_service == *expected.in_service, *expected.in_service ? "in service" : "not",
            in_service ? "in service" : "not in service");
    }
  }

  void webhooks(const WebhookExpectation& expected) {
    std::vector<std::string> ids;
    if (expected.number) {
      for (const json& order : kind_.ordersFor(state_, *expected.number)) {
        ids.push_back(kind_.orderId(order));
      }
    }
    std::vector<const Delivery*> deliveries;
    for (const Delivery& delivery : record_.deliveries) {
      if (delivery.provider == provider_ &&
          (!expected.number ||
           std::find(ids.begin(), ids.end(), delivery.resource_id) != ids.end())) {
        deliveries.push_back(&delivery);
      }
    }
    const std::string subject =
        "webhooks" + (expected.number ? " about " + *expected.number : std::string());
    if (expected.count) {
      check(subject + ": " + expected.count->text(), expected.where,
            expected.count->holds(deliveries.size()), expected.count->text(),
            std::to_string(deliveries.size()));
    }
    if (expected.statuses) {
      std::vector<std::string> announced;
      for (const Delivery* delivery : deliveries) {
        announced.push_back(delivery->status);
      }
      announced = collapsed(announced);
      const bool same =
          announced.size() == expected.statuses->size() &&
          std::equal(announced.begin(), announced.end(), expected.statuses->begin(), iequals);
      check(subject + " announce " + listText(*expected.statuses), expected.where, same,
            listText(*expected.statuses), listText(announced));
    }
    if (expected.delivered) {
      std::string failures;
      size_t failed = 0;
      for (const Delivery* delivery : deliveries) {
        if (delivery->state != DeliveryState::Delivered) {
          ++failed;
          const DeliveryAttempt* last =
              delivery->attempts.empty() ? nullptr : &delivery->attempts.back();
          failures += (failures.empty() ? "" : "; ") + std::string("#") +
                      std::to_string(delivery->id) + " " + delivery->status + ": " +
                      (last == nullptr   ? std::string("never attempted")
                       : last->connected ? "answered " + std::to_string(last->status)
                                         : last->error);
        }
      }
      const bool all = failed == 0 && !deliveries.empty();
      check(subject + (*expected.delivered ? " are all delivered (2xx)" : " are not all delivered"),
            expected.where, all == *expected.delivered,
            *expected.delivered ? "every delivery answered 2xx" : "a delivery not answered 2xx",
            deliveries.empty() ? "no webhook was sent"
                               : std::to_string(deliveries.size() - failed) + " of " +
                                     std::to_string(deliveries.size()) + " delivered" +
                                     (failures.empty() ? "" : ": " + failures));
    }
    if (expected.forged_rejected) {
      size_t forged = 0;
      size_t accepted = 0;
      for (const Delivery* delivery : deliveries) {
        for (const DeliveryAttempt& attempt : delivery->attempts) {
          if (attempt.tampered) {
            ++forged;
            if (attempt.connected && attempt.status >= 200 && attempt.status < 300) {
              ++accepted;
            }
          }
        }
      }
      const bool rejected = forged > 0 && accepted == 0;
      check(subject + ": forged signatures are rejected", expected.where,
            rejected == *expected.forged_rejected,
            *expected.forged_rejected ? "every forged delivery answered non-2xx"
                                      : "a forged delivery accepted",
            forged == 0 ? "no forged delivery was sent (is tamper_webhooks set?)"
                        : std::to_string(accepted) + " of " + std::to_string(forged) +
                              " forged deliveries accepted with a 2xx");
    }
  }

  void requests(const RequestExpectation& expected) {
    std::vector<TimePoint> times;
    for (const JournalEntry& entry : record_.journal) {
      if (entry.provider == provider_ &&
          (expected.method.empty() || entry.method == expected.method) &&
          (!expected.status || entry.status == *expected.status) &&
          pathMatches(expected.path, entry.path)) {
        times.push_back(entry.time);
      }
    }
    std::string subject =
        (expected.method.empty() ? std::string("any") : expected.method) + " " + expected.path;
    if (expected.status) {
      subject += " answered " + std::to_string(*expected.status);
    }
    const std::string dropped = record_.journal_dropped > 0
                                    ? " (the journal dropped its " +
                                          std::to_string(record_.journal_dropped) +
                                          " oldest entries)"
                                    : "";
    if (expected.count) {
      check(subject + ": " + expected.count->text(), expected.where,
            expected.count->holds(times.size()), expected.count->text(),
            std::to_string(times.size()) + dropped);
    }
    if (expected.at_most) {
      std::sort(times.begin(), times.end());
      size_t worst = 0;
      TimePoint worst_start{};
      size_t first = 0;
      for (size_t last = 0; last < times.size(); ++last) {
        while (times[last] - times[first] >= expected.per) {
          ++first;
        }
        if (last - first + 1 > worst) {
          worst = last - first + 1;
          worst_start = times[first];
        }
      }
      check(subject + ": at most " + std::to_string(*expected.at_most) + " per " +
                formatDuration(expected.per) + " of virtual time",
            expected.where, worst <= *expected.at_most,
            "at most " + std::to_string(*expected.at_most),
            worst == 0 ? "none"
                       : std::to_string(worst) + " in the " + formatDuration(expected.per) +
                             " from " + formatIso8601Millis(worst_start) + dropped);
    }
  }

 private:
  const std::string& provider_;
  const ProviderKind& kind_;
  const json state_;  // the provider's part of the state dump
  const RunRecord& record_;
};

}  // namespace

RunRecord recordOf(Engine& engine) {
  RunRecord record;
  record.state = engine.state();
  record.journal = engine.journal().entries();
  record.journal_dropped = engine.journal().dropped();
  record.deliveries = engine.webhooks().log();
  return record;
}

json resultJson(const ExpectationResult& result) {
  return json{{"what", result.what},
              {"where", result.where},
              {"passed", result.passed},
              {"expected", result.expected},
              {"actual", result.actual}};
}

std::vector<ExpectationResult> evaluate(const Scenario& scenario, const RunRecord& record,
                                        const std::optional<ClientOutcome>& client) {
  Judge judge(scenario, record);
  if (client) {
    judge.client(scenario, *client);
  }
  for (const OrderExpectation& expected : scenario.expect.orders) {
    judge.order(expected);
  }
  for (const NumberExpectation& expected : scenario.expect.numbers) {
    judge.number(expected);
  }
  for (const WebhookExpectation& expected : scenario.expect.webhooks) {
    judge.webhooks(expected);
  }
  for (const RequestExpectation& expected : scenario.expect.requests) {
    judge.requests(expected);
  }
  return std::move(judge.results);
}

}  // namespace hnemu
