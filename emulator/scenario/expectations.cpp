#include "scenario/expectations.h"

#include <algorithm>
#include <cctype>
#include <set>

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

// The most requests in any window of `per`, and when that window starts.
std::pair<size_t, TimePoint> busiestWindow(std::vector<TimePoint> times, Millis per) {
  std::sort(times.begin(), times.end());
  size_t worst = 0;
  TimePoint worst_start{};
  size_t first = 0;
  for (size_t last = 0; last < times.size(); ++last) {
    while (times[last] - times[first] >= per) {
      ++first;
    }
    if (last - first + 1 > worst) {
      worst = last - first + 1;
      worst_start = times[first];
    }
  }
  return {worst, worst_start};
}

// Whether a client's free-form report names `status`: as a word of its own, or followed by a
// code ("FAILED-19010"), in any letter case.
bool names(const std::string& report, const std::string& status) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string lower_report = report;
  std::string lower_status = status;
  for (std::string* text : {&lower_report, &lower_status}) {
    std::transform(text->begin(), text->end(), text->begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  for (size_t at = lower_report.find(lower_status); at != std::string::npos;
       at = lower_report.find(lower_status, at + 1)) {
    const size_t end = at + lower_status.size();
    const bool starts = at == 0 || !word(lower_report[at - 1]);
    const bool ends = end == lower_report.size() ||
                      (!word(lower_report[end]) && lower_report[end] != '-') ||
                      (lower_report[end] == '-' && end + 1 < lower_report.size() &&
                       std::isdigit(static_cast<unsigned char>(lower_report[end + 1])));
    if (starts && ends) {
      return true;
    }
  }
  return false;
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
            deliveries.empty() ? "none was sent (the client asked for none, or got no further)"
            : forged == 0      ? "no forged delivery was sent (is tamper_webhooks set?)"
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
      const auto [worst, worst_start] = busiestWindow(times, expected.per);
      check(subject + ": at most " + std::to_string(*expected.at_most) + " per " +
                formatDuration(expected.per) + " of virtual time",
            expected.where, worst <= *expected.at_most,
            "at most " + std::to_string(*expected.at_most),
            worst == 0 ? "none"
                       : std::to_string(worst) + " in the " + formatDuration(expected.per) +
                             " from " + formatIso8601Millis(worst_start) + dropped);
    }
  }

  void conduct(const ConductExpectation& expected, const std::optional<ClientOutcome>& client) {
    const std::vector<json> orders = kind_.ordersFor(state_, expected.number);
    const std::string subject = "the client with " + expected.number;
    const json* order = orders.empty() ? nullptr : &orders.back();
    const std::string id = order == nullptr ? "" : kind_.orderId(*order);
    std::set<std::string> finals;
    std::vector<std::string> known;  // every status of every lifecycle, to find them in reports
    const Exploration exploration = kind_.exploration();
    for (const StateMachine& machine : kind_.lifecycles()) {
      known.insert(known.end(), machine.states.begin(), machine.states.end());
      if (machine.states == kind_.orderStatuses()) {
        finals = finalStatuses(machine, exploration);
      }
    }
    auto isFinal = [&](const std::string& status) {
      return std::any_of(finals.begin(), finals.end(),
                         [&](const std::string& each) { return iequals(each, status); });
    };
    auto aboutOrder = [&](const JournalEntry& entry) {
      return !id.empty() && entry.provider == provider_ && entry.fault_id == 0 &&
             entry.path.find(id) != std::string::npos;
    };

    if (expected.reports_status && client && order != nullptr) {
      // What the client was last told of its order: its status when the client last asked, and
      // what the webhooks it took after that announced. The world may have moved it on since
      // (after the client exited, say).
      const json history = order->value("history", json::array());
      TimePoint last_asked{};
      if (!history.empty()) {
        const auto created = parseIso8601(history[0].value("time", ""));
        last_asked = created.ok() ? created.value() : last_asked;
      }
      for (const JournalEntry& entry : record_.journal) {
        if (aboutOrder(entry) && entry.status >= 200 && entry.status < 300) {
          last_asked = std::max(last_asked, entry.time);
        }
      }
      std::vector<std::string> told;
      for (const json& change : history) {
        const auto time = parseIso8601(change.value("time", ""));
        if (time.ok() && time.value() <= last_asked) {
          told = {change.value("status", "")};
        }
      }
      for (const Delivery& delivery : record_.deliveries) {
        const bool taken = std::any_of(
            delivery.attempts.begin(), delivery.attempts.end(), [&](const DeliveryAttempt& a) {
              return a.connected && a.status >= 200 && a.status < 300 && a.time >= last_asked;
            });
        if (taken && delivery.resource_id == id) {
          told.push_back(delivery.status);
        }
      }
      if (auto number_status = kind_.numberStatus(*order, expected.number)) {
        told.push_back(*number_status);
      }
      std::string told_text;
      for (const std::string& status : told) {
        if (told_text.find(status) == std::string::npos) {
          told_text += (told_text.empty() ? "" : " or ") + status;
        }
      }
      const std::string report = client->reported.value_or("");
      const bool names_told = std::any_of(told.begin(), told.end(),
                                          [&](const std::string& s) { return names(report, s); });
      const bool names_any = std::any_of(known.begin(), known.end(),
                                         [&](const std::string& s) { return names(report, s); });
      const bool final_told = std::any_of(told.begin(), told.end(), isFinal);
      check(subject + ": its report names the status it last saw its order in" +
                (final_told ? "" : " (if it names one)"),
            expected.where, names_told || (!final_told && !names_any),
            "a report naming " + told_text,
            client->reported
                ? "reported " + report
                : "no report" + (client->report_error.empty() ? std::string()
                                                              : " (" + client->report_error + ")"));
    }

    if (expected.after_final) {
      std::optional<TimePoint> final_since;
      std::string final_status;
      if (order != nullptr) {
        for (const json& change : order->value("history", json::array())) {
          const auto time = parseIso8601(change.value("time", ""));
          if (time.ok() && isFinal(change.value("status", ""))) {
            final_since = time.value();
            final_status = change.value("status", "");
            break;
          }
        }
      }
      std::vector<std::string> after;
      if (final_since) {
        for (const JournalEntry& entry : record_.journal) {
          if (aboutOrder(entry) && entry.time >= *final_since) {
            after.push_back(entry.method + " " + entry.path);
          }
        }
      }
      std::string actual = !final_since
                               ? "its order never became final"
                               : std::to_string(after.size()) + " once it was " + final_status +
                                     " (" + formatIso8601Millis(*final_since) + ")";
      if (!after.empty()) {
        actual += ", the last " + after.back();
      }
      check(subject + ": at most " + std::to_string(*expected.after_final) +
                " request(s) about its order once it is final",
            expected.where, after.size() <= *expected.after_final,
            "at most " + std::to_string(*expected.after_final), actual);
    }

    if (expected.polls_at_most) {
      std::vector<TimePoint> times;
      for (const JournalEntry& entry : record_.journal) {
        if (aboutOrder(entry) && entry.method == "GET") {
          times.push_back(entry.time);
        }
      }
      const auto [worst, worst_start] = busiestWindow(times, expected.polls_per);
      check(subject + ": it reads its order at most " + std::to_string(*expected.polls_at_most) +
                " times per " + formatDuration(expected.polls_per) + " of virtual time",
            expected.where, worst <= *expected.polls_at_most,
            "at most " + std::to_string(*expected.polls_at_most),
            worst == 0 ? "none"
                       : std::to_string(worst) + " in the " + formatDuration(expected.polls_per) +
                             " from " + formatIso8601Millis(worst_start));
    }

    if (expected.avoidable_4xx) {
      std::vector<uint64_t> left;
      for (const ExpectedRefusal& refusal : expected.refusals) {
        left.push_back(refusal.times);
      }
      std::vector<std::string> avoidable;
      for (const JournalEntry& entry : record_.journal) {
        if (entry.provider != provider_ || entry.status < 400 || entry.status > 499 ||
            entry.fault_id != 0) {
          continue;
        }
        bool explained = false;
        for (size_t i = 0; i < expected.refusals.size() && !explained; ++i) {
          const ExpectedRefusal& refusal = expected.refusals[i];
          if (left[i] > 0 && entry.status == refusal.status &&
              (refusal.method.empty() || refusal.method == entry.method) &&
              (refusal.path.empty() || pathMatches(refusal.path, entry.path))) {
            --left[i];
            explained = true;
          }
        }
        if (!explained) {
          avoidable.push_back(entry.method + " " + entry.path + " " + std::to_string(entry.status) +
                              ": " + entry.response_body.substr(0, 160));
        }
      }
      std::string actual = std::to_string(avoidable.size());
      for (size_t i = 0; i < avoidable.size() && i < 3; ++i) {
        actual += (i == 0 ? ": " : "; ") + avoidable[i];
      }
      check(subject + ": at most " + std::to_string(*expected.avoidable_4xx) +
                " 4xx answer(s) that no injected fault nor the world's refusal explains",
            expected.where, avoidable.size() <= *expected.avoidable_4xx,
            "at most " + std::to_string(*expected.avoidable_4xx), actual);
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
  if (scenario.expect.conduct) {
    judge.conduct(*scenario.expect.conduct, client);
  }
  return std::move(judge.results);
}

}  // namespace hnemu
