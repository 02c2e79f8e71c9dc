#define CATCH_CONFIG_MAIN
#include "explore/plan.h"

#include <catch2/catch.hpp>

#include "explore/explore.h"
#include "providers/registry.h"
#include "scenario/scenario.h"

using namespace hnemu;
using namespace hnemu::explore;

namespace {

std::string describe(const Plan& plan) {
  std::string out;
  for (const PlannedRun& run : plan.runs) {
    out += runName(plan, run) + "|";
  }
  return out;
}

}  // namespace

TEST_CASE("every provider's exploration accounts for every transition of its lifecycles") {
  for (const ProviderKind* kind : providerKinds()) {
    INFO(kind->name());
    const Plan plan = makePlan(*kind, 1, ClientConfig{});
    REQUIRE_FALSE(plan.runs.empty());
    size_t listed = 0;
    for (const StateMachine& machine : plan.lifecycles) {
      listed += machine.transitions.size();
      for (const auto& [from, to] : machine.transitions) {
        const Transition transition{machine.name, from, to};
        const bool unplanned =
            std::any_of(plan.exploration.unplanned.begin(), plan.exploration.unplanned.end(),
                        [&](const UnplannedTransition& each) {
                          return each.machine == machine.name && each.from == from && each.to == to;
                        });
        INFO(machine.name << " " << from << " > " << to);
        // Either a world choice leads through it, or the provider says what would: never both.
        CHECK(plan.reachable.count(transition) + (unplanned ? 1 : 0) == 1);
      }
    }
    CHECK(plan.reachable.size() + plan.unreachable.size() == listed);
    // The choices lead only through transitions the lifecycles list.
    for (const Transition& transition : plan.reachable) {
      INFO(std::get<0>(transition)
           << " " << std::get<1>(transition) << " > " << std::get<2>(transition));
      bool listed_there = false;
      for (const StateMachine& machine : plan.lifecycles) {
        listed_there =
            listed_there ||
            (machine.name == std::get<0>(transition) &&
             std::find(machine.transitions.begin(), machine.transitions.end(),
                       std::make_pair(std::get<1>(transition), std::get<2>(transition))) !=
                 machine.transitions.end());
      }
      CHECK(listed_there);
    }
  }
}

TEST_CASE("the plan covers every reachable transition and every world choice") {
  for (const ProviderKind* kind : providerKinds()) {
    INFO(kind->name());
    const Plan plan = makePlan(*kind, 7, ClientConfig{});
    std::set<Transition> covered;
    std::set<std::pair<size_t, size_t>> choices;
    for (const PlannedRun& run : plan.runs) {
      covered.insert(run.transitions.begin(), run.transitions.end());
      choices.insert(run.choices.begin(), run.choices.end());
    }
    CHECK(covered == plan.reachable);
    CHECK(choices.size() == plan.behaviours);
    // Run 1 is the greedy first pick: no candidate covers more.
    for (const PlannedRun& run : plan.runs) {
      CHECK(run.transitions.size() <= plan.runs[0].transitions.size());
    }
    // The last two repeat run 1 with a provider fault at one of its steps.
    REQUIRE(plan.runs.size() >= 3);
    CHECK(plan.runs[plan.runs.size() - 1].faulted());
    CHECK(plan.runs[plan.runs.size() - 2].faulted());
    CHECK(plan.runs[plan.runs.size() - 1].choices == plan.runs[0].choices);
  }
}

TEST_CASE("the same seed plans the same runs, and another seed may order them otherwise") {
  const ProviderKind& telnyx = *findProviderKind("telnyx");
  const Plan once = makePlan(telnyx, 3, ClientConfig{});
  const Plan again = makePlan(telnyx, 3, ClientConfig{});
  CHECK(describe(once) == describe(again));
  std::set<std::string> plans;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    plans.insert(describe(makePlan(telnyx, seed, ClientConfig{})));
  }
  CHECK(plans.size() > 1);
}

TEST_CASE("webhook perturbations follow what the provider documents") {
  auto perturbations = [](const Plan& plan) {
    std::multiset<Perturbation> out;
    for (const PlannedRun& run : plan.runs) {
      out.insert(run.perturbations.begin(), run.perturbations.end());
    }
    return out;
  };
  const auto telnyx = perturbations(makePlan(*findProviderKind("telnyx"), 1, ClientConfig{}));
  CHECK(telnyx.count(Perturbation::ForgedSignature) == 1);
  CHECK(telnyx.count(Perturbation::Duplicate) == 1);
  CHECK(telnyx.count(Perturbation::Delayed) == 1);
  const auto twilio = perturbations(makePlan(*findProviderKind("twilio"), 1, ClientConfig{}));
  CHECK(twilio.count(Perturbation::ForgedSignature) == 1);
  CHECK(twilio.count(Perturbation::Duplicate) == 0);
  CHECK(twilio.count(Perturbation::Delayed) == 0);
  ClientConfig polling_only;
  polling_only.webhooks = false;
  CHECK(perturbations(makePlan(*findProviderKind("twilio"), 1, polling_only))
            .count(Perturbation::ForgedSignature) == 0);
}

TEST_CASE("every run's scenario loads, with the generic expectations") {
  ClientConfig config;
  config.env["POLL_INTERVAL_MS"] = "100";
  for (const ProviderKind* kind : providerKinds()) {
    Plan plan = makePlan(*kind, 1, config);
    for (PlannedRun& run : plan.runs) {
      if (run.faulted()) {
        run.fault_step = FaultStep{"GET", "/some/step"};
      }
      const std::string yaml = scenarioYaml(plan, run, config, "node client.mjs");
      INFO(yaml);
      auto scenario = parseScenario(yaml, "generated.yaml");
      REQUIRE(scenario.ok());
      const Scenario& loaded = scenario.value();
      CHECK(loaded.provider == kind->name());
      CHECK(loaded.name == runName(plan, run));
      CHECK(loaded.client.env.at("HOSTED_NUMBERS") == plan.exploration.number);
      CHECK(loaded.client.env.at("POLL_INTERVAL_MS") == "100");
      REQUIRE(loaded.expect.conduct);
      CHECK(loaded.expect.conduct->reports_status);
      CHECK(loaded.expect.conduct->after_final == 1u);
      CHECK(loaded.expect.conduct->avoidable_4xx == 0u);
      REQUIRE(loaded.expect.orders.size() == 1);
      CHECK(loaded.expect.orders[0].exists == run.creates_order());
      CHECK(loaded.world.faults.size() == (run.faulted() ? 1u : 0u));
    }
  }
}

TEST_CASE("a fault goes to a step the fault rule can single out, not the other fault's") {
  PlannedRun run;
  run.fault_pick = 1;
  const std::vector<JournalStep> steps = {
      {"POST", "/v2/orders/check"}, {"POST", "/v2/orders"}, {"GET", "/v2/orders/1"}};
  // POST /v2/orders would answer the earlier check first: it cannot be singled out.
  const auto picked = pickStep(run, steps, std::nullopt);
  REQUIRE(picked);
  CHECK(picked->path == "/v2/orders/1");
  const auto other = pickStep(run, steps, picked);
  REQUIRE(other);
  CHECK(other->path == "/v2/orders/check");
  CHECK_FALSE(pickStep(run, {}, std::nullopt));
}

TEST_CASE("a client config is read with errors that say where") {
  auto config = parseClientConfig(
      "handles: [completed, failed]\npolls: {at_most: 20, per: 30m}\nreports: false\n"
      "timeout: 5s\nenv: {POLL_INTERVAL_MS: 100}\n",
      "client.yaml");
  REQUIRE(config.ok());
  CHECK(config.value().handles == std::set<std::string>{"completed", "failed"});
  CHECK(config.value().polls_at_most == 20);
  CHECK(config.value().polls_per == std::chrono::minutes(30));
  CHECK_FALSE(config.value().reports);
  CHECK(config.value().timeout == std::chrono::seconds(5));
  CHECK(config.value().env.at("POLL_INTERVAL_MS") == "100");
  auto wrong = parseClientConfig("handles: [completed]\npoll: 3\n", "client.yaml");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message.find("client.yaml:2:1: poll: unknown key") != std::string::npos);
}

TEST_CASE("a run's world names each behaviour and the statuses it forces") {
  auto linesOf = [](const char* provider, const std::string& name) {
    const Plan plan = makePlan(*findProviderKind(provider), 1, ClientConfig{});
    for (const PlannedRun& run : plan.runs) {
      if (runName(plan, run) == name) {
        return behaviourLines(plan, run);
      }
    }
    return std::vector<std::string>{};
  };
  const auto wrong_code = linesOf("twilio", "explore_wrong_code");
  REQUIRE(wrong_code.size() == 2);
  CHECK(wrong_code[1] ==
        "the verification call: the owner keys in a wrong code on every call => "
        "action-required > failed");
  // A choice that forces no status says only what happens.
  const auto mobile = linesOf("twilio", "explore_mobile");
  REQUIRE(mobile.size() == 1);
  CHECK(mobile[0] == "the number's eligibility: the number is a mobile number (22110)");
  // Where a choice moves two lifecycles, each is named.
  const Plan telnyx = makePlan(*findProviderKind("telnyx"), 1, ClientConfig{});
  const auto first = behaviourLines(telnyx, telnyx.runs[0]);
  REQUIRE_FALSE(first.empty());
  CHECK(first[0] ==
        "the number's eligibility: the number is an eligible landline => "
        "messaging_hosted_number: pending; messaging_hosted_number_order: pending");
}

TEST_CASE("the summary gives unreachable transitions into one status for one reason one line") {
  Report report;
  report.plan = makePlan(*findProviderKind("twilio"), 1, ClientConfig{});
  const std::string text = summaryText(report);
  INFO(text);
  CHECK(text.find("unreachable (8):\n") != std::string::npos);
  CHECK(text.find("\n  hosted_number_order twilio-processing, received, pending-verification, "
                  "verified, pending-loa, testing > failed: only a client that releases the "
                  "number") != std::string::npos);
  CHECK(text.find("\n  hosted_number_order pending-loa > verified: ") != std::string::npos);
  CHECK(text.find("transitions covered: 0 of 11 reachable") != std::string::npos);
}
