#define CATCH_CONFIG_MAIN
#include "harness/conform.h"

#include <catch2/catch.hpp>
#include <sstream>

using namespace hnemu;
using namespace hnemu::conform;

namespace {

Scenario scenarioOf(const std::string& text) {
  auto parsed = parseScenario(text, "s.yaml");
  REQUIRE(parsed.ok());
  return parsed.value();
}

std::vector<std::string> shell(const std::string& script) { return {"/bin/sh", "-c", script}; }

}  // namespace

TEST_CASE("the client gets the connection details and reports its outcome", "[harness]") {
  const Scenario scenario = scenarioOf(R"(
name: env
provider: twilio
client:
  env: {HOSTED_NUMBER: "+14155550104"}
expect:
  client: {reported: "+14155550104 ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 9900000"}
)");
  const ScenarioRun run = runScenario(
      scenario, shell("case \"$HNEMU_BASE_URL\" in http://127.0.0.1:*) ;; *) exit 9;; esac; "
                      "test -n \"$HNEMU_TELNYX_PUBLIC_KEY\" || exit 8; "
                      "printf '{\"status\": \"%s %s %s\"}' \"$HOSTED_NUMBER\" "
                      "\"$HNEMU_TWILIO_ACCOUNT_SID\" \"$HNEMU_BANDWIDTH_ACCOUNT_ID\" "
                      "> \"$HNEMU_REPORT_FILE\"; echo done"));
  INFO(textReport(run, true));
  REQUIRE(run.passed());
  CHECK(run.results.size() == 2);
  CHECK(run.client_output == "done\n");
}

TEST_CASE("{provider} in the command becomes the scenario's provider", "[harness]") {
  const ScenarioRun run =
      runScenario(scenarioOf("provider: bandwidth\nexpect:\n  client: {reported: bandwidth}\n"),
                  shell("printf '{\"status\": \"%s\"}' {provider} > \"$HNEMU_REPORT_FILE\""));
  INFO(textReport(run, true));
  CHECK(run.passed());
}

TEST_CASE("a failing, silent or hanging client fails with a clear message", "[harness]") {
  SECTION("exit code") {
    const ScenarioRun run = runScenario(scenarioOf("provider: twilio\n"), shell("exit 3"));
    REQUIRE_FALSE(run.passed());
    CHECK(run.results[0].actual == "exited with 3");
  }
  SECTION("time limit: the client and its children are killed") {
    const ScenarioRun run = runScenario(scenarioOf("provider: twilio\nclient: {timeout: 300ms}\n"),
                                        shell("sleep 30 & sleep 30"));
    REQUIRE_FALSE(run.passed());
    CHECK(run.client.timed_out);
    CHECK(run.wall_seconds < 10);
  }
  SECTION("a command that does not exist") {
    const ScenarioRun run =
        runScenario(scenarioOf("provider: twilio\n"), {"/nonexistent/hnemu-client"});
    REQUIRE_FALSE(run.passed());
    CHECK(run.results[0].actual == "could not be started");
  }
  SECTION("a report that is not JSON") {
    const ScenarioRun run =
        runScenario(scenarioOf("provider: twilio\nexpect:\n  client: {reported: completed}\n"),
                    shell("echo nope > \"$HNEMU_REPORT_FILE\""));
    REQUIRE_FALSE(run.passed());
    CHECK(run.results[1].actual.rfind("no report (the report is not JSON", 0) == 0);
  }
}

TEST_CASE("reports: text, JUnit XML and JSON name every failed expectation", "[harness]") {
  const ScenarioRun run =
      runScenario(scenarioOf("name: broken\nprovider: telnyx\n"), shell("echo hello; exit 1"));
  const std::string text = textReport(run, false);
  CHECK(text.find("FAIL the client finishes within 1m and exits with 0  (s.yaml)") !=
        std::string::npos);
  CHECK(text.find("| hello") != std::string::npos);
  const std::string junit = junitReport({run});
  CHECK(junit.find("<testsuite name=\"telnyx\" tests=\"1\" failures=\"1\">") != std::string::npos);
  CHECK(junit.find("<failure message=\"1 of 1 expectations failed\">") != std::string::npos);
  const auto json = jsonReport({run});
  CHECK(json["summary"]["failed"] == 1);
  CHECK(json["scenarios"][0]["client"]["exit_code"] == 1);
  CHECK(json["coverage"].size() == 2);  // Telnyx's orders and numbers
}

TEST_CASE("conform arguments", "[harness]") {
  auto parsed = parseArguments(
      {"-j", "2", "a.yaml", "b.yaml", "--junit", "r.xml", "--", "node", "client.mjs", "--flag"});
  REQUIRE(parsed.ok());
  CHECK(parsed.value().jobs == 2);
  CHECK(parsed.value().scenario_files == std::vector<std::string>{"a.yaml", "b.yaml"});
  CHECK(parsed.value().command == std::vector<std::string>{"node", "client.mjs", "--flag"});
  CHECK(parsed.value().junit_path == "r.xml");
  CHECK_FALSE(parseArguments({"a.yaml"}).ok());
  CHECK_FALSE(parseArguments({"--", "node"}).ok());
  CHECK_FALSE(parseArguments({"-j", "0", "a.yaml", "--", "x"}).ok());
}

TEST_CASE("nothing runs when one scenario does not load", "[harness]") {
  Options options;
  options.scenario_files = {"/nonexistent.yaml"};
  options.command = {"/bin/true"};
  std::ostringstream out;
  std::ostringstream err;
  CHECK(run(options, out, err) == 2);
  CHECK(err.str() == "hnemu conform: /nonexistent.yaml: cannot read the file\n");
  CHECK(out.str().empty());
}
