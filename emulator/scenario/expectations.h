#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/journal.h"
#include "core/webhooks.h"
#include "scenario/scenario.h"

// Judges a run: a scenario's expectations against what the emulator recorded (state with
// status histories, the request journal, the webhook log) and how the client process ended.
namespace hnemu {

struct ClientOutcome {
  bool started = false;
  bool timed_out = false;
  bool interrupted = false;             // a stop signal ended it
  int exit_code = -1;                   // -1 when it did not exit by itself
  std::optional<std::string> reported;  // "status" from $HNEMU_REPORT_FILE
  std::string report_error;             // why the report file could not be read, if it could not
};

struct RunRecord {
  nlohmann::json state;  // Emulator::state()
  std::vector<JournalEntry> journal;
  uint64_t journal_dropped = 0;
  std::vector<Delivery> deliveries;
};

class Engine;
// What `engine` has recorded so far.
RunRecord recordOf(Engine& engine);

struct ExpectationResult {
  std::string what;   // "order for +14155550104 is failed"
  std::string where;  // file:line:column of the expectation
  bool passed = false;
  std::string expected;
  std::string actual;
};

nlohmann::json resultJson(const ExpectationResult& result);

// Every expectation of the scenario, in file order; the client's own when `client` is given
// (unless the scenario says otherwise, it must exit 0 within its time limit).
std::vector<ExpectationResult> evaluate(const Scenario& scenario, const RunRecord& record,
                                        const std::optional<ClientOutcome>& client);

}  // namespace hnemu
