#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scenario/coverage.h"
#include "scenario/expectations.h"
#include "scenario/scenario.h"

// `hnemu conform SCENARIO... -- CLIENT_COMMAND...`: for each scenario, an emulator on an
// ephemeral port in auto clock mode, the client command run against it with the connection
// details in its environment, then the scenario's expectations checked against what the
// emulator recorded. Reports go to a stream, JUnit XML and JSON.
namespace hnemu::conform {

struct Options {
  std::vector<std::string> scenario_files;
  std::vector<std::string> command;
  int jobs = 1;
  std::string junit_path;
  std::string json_path;
  bool verbose = false;                  // the timeline and client output of passing scenarios too
  std::optional<Millis> client_timeout;  // overrides every scenario's client.timeout
};

struct ScenarioRun {
  Scenario scenario;
  ClientOutcome client;
  std::vector<ExpectationResult> results;
  std::vector<Coverage> coverage;
  RunRecord record;
  std::string client_output;  // the last lines the client printed
  double wall_seconds = 0;
  bool passed() const;
};

// Runs one scenario, already parsed, against the command; "{provider}" in an argument becomes
// the scenario's provider, so one command line can drive every provider's client.
ScenarioRun runScenario(const Scenario& scenario, std::vector<std::string> command);

// The whole command: exit code 0 when every expectation held, 1 when one did not, 2 when a
// scenario could not be loaded (nothing runs then) or the options are wrong.
int run(const Options& options, std::ostream& out, std::ostream& err);

// Parses `conform` arguments (after the word conform).
Result<Options> parseArguments(const std::vector<std::string>& args);

// Report pieces, exposed for tests.
std::string textReport(const ScenarioRun& run, bool verbose);
std::string junitReport(const std::vector<ScenarioRun>& runs);
nlohmann::json jsonReport(const std::vector<ScenarioRun>& runs);
std::vector<std::string> timeline(const RunRecord& record, size_t max_lines);

}  // namespace hnemu::conform
