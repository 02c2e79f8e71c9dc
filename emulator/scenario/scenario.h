#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "engine/world_file.h"

// A scenario: a world file (accounts, numbers and how their owners, signers, reviewers and
// carriers behave, rules, faults) plus what the conformance harness needs to run a client
// against it and judge the run: a name, the provider it is about, the client's environment and
// time limit, and expectations. Reference: scenarios/README.md.
namespace hnemu {

// "count: 3" is exact; "count: {min: 1, max: 3}" a range.
struct CountBound {
  std::optional<uint64_t> min;
  std::optional<uint64_t> max;
  bool holds(uint64_t value) const;
  std::string text() const;  // "exactly 3", "at least 1", "from 1 to 3"
};

struct ClientExpectation {
  std::optional<int> exit_code;         // unset: 0
  std::optional<std::string> reported;  // the "status" the client wrote to $HNEMU_REPORT_FILE
  std::string where;                    // file:line:column, for the report
};

// The order for a number: the last one the client created for it.
struct OrderExpectation {
  std::string number;
  bool exists = true;
  std::optional<std::string> status;
  std::vector<std::string> visited;      // statuses its history passed through, in this order
  std::vector<std::string> not_visited;  // statuses its history never held
  std::optional<std::string> reason_contains;
  std::optional<CountBound> count;  // orders created for the number
  std::string where;
};

// A number's own state: Telnyx's hosted-number status, Bandwidth's in-service list. (Twilio's
// incoming phone number carries no status of its own: its order's status is the answer.)
struct NumberExpectation {
  std::string number;
  std::optional<std::string> status;
  std::optional<bool> in_service;
  std::string where;
};

struct WebhookExpectation {
  std::optional<std::string> number;                 // only the webhooks about this number's orders
  std::optional<std::vector<std::string>> statuses;  // announced, in order, repeats collapsed
  std::optional<CountBound> count;
  std::optional<bool> delivered;        // every delivery ended delivered (a 2xx answer)
  std::optional<bool> forged_rejected;  // every forged attempt got a non-2xx answer
  std::string where;
};

// Requests the client made, matched by method and path pattern ('*' is one path segment,
// a trailing '**' any rest, case ignored).
struct RequestExpectation {
  std::string method;  // empty: any
  std::string path;
  std::optional<int> status;  // only requests answered with this status
  std::optional<CountBound> count;
  std::optional<uint64_t> at_most;  // in any window of `per` virtual time
  Millis per{std::chrono::hours(1)};
  std::string where;
};

// A 4xx answer the world makes the provider give (an ineligible number's order): not the
// client's doing.
struct ExpectedRefusal {
  std::string method;  // empty: any
  std::string path;    // a pattern as in requests; empty: any
  int status = 400;
  uint64_t times = 1;  // how many such answers it explains
};

// How a client treats the order for one number, judged from the provider's lifecycles: what
// `hnemu explore` checks on every run. A status is final when nothing but the client (or a
// person outside the flow) moves an order out of it (core/exploration.h).
struct ConductExpectation {
  std::string number;
  // Its report names a status it was last told of its order (its status when the client last
  // asked, what webhooks it took after that said, the number's): always when one of them is
  // final; otherwise any status it names must be one of them.
  bool reports_status = false;
  std::optional<uint64_t> after_final;    // requests about the order once it was final: at most
  std::optional<uint64_t> polls_at_most;  // GETs of the order in any `polls_per` of virtual time
  Millis polls_per{std::chrono::hours(1)};
  std::optional<uint64_t> avoidable_4xx;  // 4xx answers no injected fault nor refusal explains
  std::vector<ExpectedRefusal> refusals;
  std::string where;
};

struct Expectations {
  std::optional<ClientExpectation> client;
  std::optional<ConductExpectation> conduct;
  std::vector<OrderExpectation> orders;
  std::vector<NumberExpectation> numbers;
  std::vector<WebhookExpectation> webhooks;
  std::vector<RequestExpectation> requests;
  bool empty() const;
  // How many are judged from the emulator's state alone: all but the client's.
  size_t judgedFromState() const;
};

struct ClientSettings {
  std::map<std::string, std::string> env;    // added to the client's environment
  Millis timeout{std::chrono::seconds(60)};  // wall time the client may take
};

struct Scenario {
  std::string source;
  std::string name;
  std::string description;
  std::string provider;  // a registered provider's name: what the expectations are about
  WorldFile world;
  ClientSettings client;
  Expectations expect;
};

// Every error names the file, line and column and what was expected; unknown keys, unknown
// statuses and numbers the scenario does not declare are errors.
// Scenarios describe a world, not bulk data: a larger one is refused before yaml-cpp sees it.
inline constexpr size_t kMaxScenarioBytes = 1024 * 1024;
Result<Scenario> parseScenario(std::string_view text, const std::string& source);
// readScenarioFile, then parseScenario.
Result<std::string> readScenarioFile(const std::string& path);
Result<Scenario> loadScenarioFile(const std::string& path);
// The scenario files (*.yaml, *.yml) under a folder, as sorted paths relative to it; none if the
// folder cannot be read.
std::vector<std::string> scenarioFilesUnder(const std::string& directory);

// Whether path matches a pattern: '*' matches one segment, a trailing '**' any rest; letter
// case is ignored, as Bandwidth's paths ignore it.
bool pathMatches(std::string_view pattern, std::string_view path);

}  // namespace hnemu
