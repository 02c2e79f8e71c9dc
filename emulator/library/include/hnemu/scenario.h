#pragma once

#include <cstddef>
#include <string>
#include <vector>

// Scenarios (scenarios/README.md): a world (accounts, how each number's owner, signer, reviewer
// and carrier behave, rules, faults) and what a client run in it must achieve. An emulator loads
// one with loadScenario() or loadScenarioFile() and judges its expectations with expectations().
namespace hnemu {
inline namespace api {

// The scenario an emulator loaded.
struct ScenarioInfo {
  std::string name;
  std::string description;
  std::string provider;  // what its expectations are about: "twilio", "telnyx" or "bandwidth"
  std::string source;    // the file it came from, or the source name given with its text
  // How many expectations expectations() judges: all but the client process's own (`client:`),
  // which only `hnemu conform` can judge, since it runs the client.
  std::size_t expectations = 0;
};

// One expectation, judged against what the emulator recorded.
struct ExpectationResult {
  std::string what;   // "order for +14155550104 is failed"
  std::string where;  // the expectation's file:line:column
  bool passed = false;
  std::string expected;
  std::string actual;
};

// Every expectation of the loaded scenario, in file order, judged now.
struct Verdict {
  std::string scenario;
  std::string provider;
  bool passed = false;
  std::vector<ExpectationResult> results;

  // The expectations that did not hold, one per line with what was expected and what happened;
  // empty when all did. For an assertion's message.
  std::string failures() const {
    std::string text;
    for (const ExpectationResult& result : results) {
      if (!result.passed) {
        text += result.what + " (" + result.where + "): expected " + result.expected + ", actual " +
                result.actual + "\n";
      }
    }
    return text;
  }
};

}  // namespace api
}  // namespace hnemu
