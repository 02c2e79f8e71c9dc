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
  // How far it got: it ran; a stop signal cut it short; it never ran (a signal, or another
  // scenario did not load); or it did not load (`error` says why).
  enum class Ended { Ran, Interrupted, NotRun, NotLoaded };
  Ended ended = Ended::Ran;
  std::string error;
  Scenario scenario;
  ClientOutcome client;
  std::vector<ExpectationResult> results;
  std::vector<Coverage> coverage;
  RunRecord record;
  std::string client_output;  // the last lines the client printed
  double wall_seconds = 0;
  bool passed() const;
};

// A stop signal (SIGINT, SIGTERM) arrived: clients running get it too (their whole process
// group), then SIGKILL after a grace period; no further scenario starts. Safe to call from a
// signal-handling thread.
void interrupt(int signal);
// The stop signal that arrived, 0 if none.
int stopSignal();

// Runs one scenario, already parsed, against the command; "{provider}" in an argument becomes
// the scenario's provider, so one command line can drive every provider's client.
ScenarioRun runScenario(const Scenario& scenario, std::vector<std::string> command);

// The whole command: exit code 0 when every expectation held, 1 when one did not, 2 when a
// scenario could not be loaded (nothing runs then) or the options are wrong, 128 + the signal
// when one stopped it. The reports are written in every case, for what finished.
int run(const Options& options, std::ostream& out, std::ostream& err);

// Parses `conform` arguments (after the word conform); --help gives an error whose message is
// the usage, with ErrorCode::FailedPrecondition.
Result<Options> parseArguments(const std::vector<std::string>& args);
extern const char* const kUsage;

// Report pieces, exposed for tests.
std::string textReport(const ScenarioRun& run, bool verbose);
std::string junitReport(const std::vector<ScenarioRun>& runs);
nlohmann::json jsonReport(const std::vector<ScenarioRun>& runs);
std::vector<std::string> timeline(const RunRecord& record, size_t max_lines);

}  // namespace hnemu::conform
