#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/exploration.h"
#include "core/time.h"
#include "providers/provider.h"

// The plan of `hnemu explore`: which runs to make, each a generated scenario, so that together
// they take a provider's lifecycles through every transition the world can force; and each
// run's scenario as YAML that `hnemu check` loads and `hnemu conform` runs.
namespace hnemu::explore {

// (lifecycle, from, to)
using Transition = std::tuple<std::string, std::string, std::string>;

// What explore may expect of the client under test (--client-config): a small YAML file.
struct ClientConfig {
  std::set<std::string> handles;  // the final statuses it handles; empty: every one
  uint64_t polls_at_most = 60;    // reads of its order in any `polls_per` of virtual time
  Millis polls_per{std::chrono::hours(1)};
  bool reports = true;   // it writes {"status"} to $HNEMU_REPORT_FILE
  bool webhooks = true;  // it takes the provider's webhooks (so it must refuse forged ones)
  Millis timeout{std::chrono::seconds(30)};  // wall time a run may take before it is killed
  std::map<std::string, std::string> env;    // added to its environment
};
Result<ClientConfig> parseClientConfig(const std::string& text, const std::string& source);

// Something done to a run besides the world's choices: to its webhooks, or a provider fault at
// one step of the client's flow (a step of run 1, known once run 1 has run).
enum class Perturbation { ForgedSignature, Duplicate, Delayed, RateLimited, Unavailable };
std::string perturbationText(Perturbation perturbation);

struct FaultStep {
  std::string method;
  std::string path;
};

struct PlannedRun {
  size_t index = 0;  // 1-based: run 1 is the first
  // The choice taken at each decision met, as (decision, choice) indices into the exploration.
  std::vector<std::pair<size_t, size_t>> choices;
  StatusPaths path;  // what the choices lead through, by lifecycle
  std::set<Transition> transitions;
  std::vector<Perturbation> perturbations;
  std::optional<FaultStep> fault_step;  // for RateLimited and Unavailable, once chosen
  uint64_t fault_pick = 0;              // which step of run 1, from the seed
  std::string why;                      // why the plan has it
  bool creates_order() const;
  bool faulted() const;  // it waits for a step of run 1
};

struct Plan {
  std::string provider;
  uint64_t seed = 1;
  Exploration exploration;
  std::vector<StateMachine> lifecycles;
  std::string order_machine;   // the lifecycle of the provider's orders
  std::string number_machine;  // of its numbers, when they have statuses of their own
  std::vector<PlannedRun> runs;
  std::set<Transition> reachable;
  size_t behaviours = 0;  // world choices, every one in some run
  struct Unreachable {
    Transition transition;
    std::string why;
  };
  std::vector<Unreachable> unreachable;
};

// Greedy set cover over the reachable transitions, then over the world's choices not yet in a
// run; ties go to the candidate the seed shuffled first. Then the webhook perturbations the
// provider documents go on runs the seed picks, and two runs repeat run 1 with a 429 and a 503
// at steps the seed picks. The same seed gives the same plan.
Plan makePlan(const ProviderKind& kind, uint64_t seed, const ClientConfig& config);

// The steps of a run, from its journal: distinct (method, path) of the client's requests to the
// provider that were answered 2xx, in the order first made.
struct JournalStep {
  std::string method;
  std::string path;
};
// Picks the step of `run` from run 1's steps (none: run 1 made no request to fault).
std::optional<FaultStep> pickStep(const PlannedRun& run, const std::vector<JournalStep>& steps,
                                  const std::optional<FaultStep>& taken);

// The world's behaviours in a run, one line per decision met, with the statuses each forces.
std::vector<std::string> behaviourLines(const Plan& plan, const PlannedRun& run);
// "explore_wrong_code_429": for scenario names and file names.
std::string runName(const Plan& plan, const PlannedRun& run);
// "a > b > c" for each lifecycle, "lifecycle: a > b; other: c".
std::string pathText(const StatusPaths& path);

// The run as a scenario file: its world, the client's environment and time limit, and the
// generic expectations derived from the lifecycles.
std::string scenarioYaml(const Plan& plan, const PlannedRun& run, const ClientConfig& config,
                         const std::string& command_text);

}  // namespace hnemu::explore
