#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "explore/plan.h"
#include "harness/conform.h"

// `hnemu explore --provider NAME [-j N] [--budget D] [--seed N] [--junit FILE] [--json FILE]
// -- CLIENT_COMMAND...`: plans runs over the provider's lifecycles (plan.h), runs each generated
// scenario against the client as `hnemu conform` would, and reports each run's path, verdict
// and timeline, the transitions covered of those reachable, and the shortest failing run as a
// scenario to keep. Reference: conformance/explore/README.md.
namespace hnemu::explore {

struct Options {
  std::string provider;
  std::vector<std::string> command;
  int jobs = 1;
  uint64_t seed = 1;
  std::optional<Millis> budget;  // no run starts once this much wall time has passed
  std::string junit_path;
  std::string json_path;
  std::string save_failure_path;  // where the shortest failing run's scenario goes
  std::string client_config_path;
  std::optional<Millis> client_timeout;  // overrides the client config's
  bool verbose = false;
};

struct ExploredRun {
  // Ran; skipped because the budget ran out or a stop signal came; not run because run 1 gave
  // no step to fault, or because the client command could not be started in an earlier run.
  enum class Ended { Ran, OverBudget, Stopped, NoStep, NoClient };
  Ended ended = Ended::Ran;
  PlannedRun planned;
  std::string scenario_yaml;
  conform::ScenarioRun run;
  StatusPaths path;  // what the run took, from the status histories
  // Its planned path ends in a final status the client does not declare it handles: it is
  // reported, not judged.
  std::vector<std::string> unhandled;
  bool judged() const { return ended == Ended::Ran && unhandled.empty(); }
  bool failed() const { return judged() && !run.passed(); }
};

struct Report {
  Plan plan;
  std::vector<ExploredRun> runs;
  std::set<Transition> covered;    // observed in some run, and reachable
  std::set<Transition> unplanned;  // observed, but not among the reachable (a client's own doing)
  std::optional<size_t> shortest_failure;  // index into runs
};

// Parses `explore` arguments (after the word explore); --help gives an error whose message is
// the usage, with ErrorCode::FailedPrecondition.
Result<Options> parseArguments(const std::vector<std::string>& args);
extern const char* const kUsage;

// The whole command: exit code 0 when every judged run passed and every run ran, 1 when one
// failed, 2 for wrong options, a provider that cannot be explored or a client command that cannot
// be started, 3 when the budget ran out first, 128 + the signal when one stopped it.
int run(const Options& options, std::ostream& out, std::ostream& err);

// The runs' statuses as taken, by lifecycle, for the number the runs host.
StatusPaths takenPath(const Plan& plan, const ProviderKind& kind, const nlohmann::json& state);
// Report pieces, exposed for tests.
std::string summaryText(const Report& report);
std::string junitReport(const Report& report);
nlohmann::json jsonReport(const Report& report);

}  // namespace hnemu::explore
