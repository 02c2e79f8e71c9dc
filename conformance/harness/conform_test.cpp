#define CATCH_CONFIG_MAIN
#include "harness/conform.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

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
  CHECK(text.find("(empty: the client made no request and was sent no webhook)") !=
        std::string::npos);
  const std::string junit = junitReport({run});
  CHECK(junit.find("<testsuite name=\"telnyx\" tests=\"1\" failures=\"1\" errors=\"0\" "
                   "skipped=\"0\" time=\"") != std::string::npos);
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

TEST_CASE("a scenario that does not load is in the JUnit report as an error", "[harness]") {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("hnemu-junit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/typo.yaml") << "name: typo\nprovider: twilio\nclok: auto\n"
                                       "twilio: {numbers: {\"555\": {}}}\n";
  std::ofstream(dir + "/fine.yaml") << "name: fine\nprovider: twilio\n";
  Options options;
  options.scenario_files = {dir + "/typo.yaml", dir + "/fine.yaml"};
  options.command = {"/bin/true"};
  options.junit_path = dir + "/report.xml";
  std::ostringstream out;
  std::ostringstream err;
  CHECK(run(options, out, err) == 2);
  // Every error of the file, not only the first.
  CHECK(err.str().find("typo.yaml:3:1: clok: unknown key") != std::string::npos);
  CHECK(err.str().find("typo.yaml:4:20: twilio.numbers.555") != std::string::npos);
  std::stringstream report;
  report << std::ifstream(options.junit_path).rdbuf();
  INFO(report.str());
  CHECK(report.str().find("<error message=\"the scenario did not load\"") != std::string::npos);
  CHECK(report.str().find("clok: unknown key") != std::string::npos);
  CHECK(report.str().find("<skipped message=\"not run: another scenario did not load\"") !=
        std::string::npos);
  CHECK(report.str().find("errors=\"1\"") != std::string::npos);
  CHECK(report.str().find("skipped=\"1\"") != std::string::npos);
  CHECK(report.str().find("timestamp=\"20") != std::string::npos);
  CHECK(report.str().find("time=\"0.000\"") != std::string::npos);  // to the millisecond
  std::filesystem::remove_all(dir);
}

TEST_CASE("conform --help is the usage", "[harness]") {
  const auto parsed = parseArguments({"--help"});
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::FailedPrecondition);
  CHECK(parsed.error().message.rfind("Usage: hnemu conform", 0) == 0);
}

#ifdef HNEMU_BINARY
namespace {

// Processes of the group that are not zombies, from /proc.
int runningInGroup(pid_t group) {
  int running = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string text;
    std::getline(stat, text);
    const size_t close = text.rfind(')');
    if (close == std::string::npos) {
      continue;
    }
    std::istringstream fields(text.substr(close + 2));
    char state = 0;
    long parent = 0;
    long process_group = 0;
    fields >> state >> parent >> process_group;
    running += process_group == group && state != 'Z' ? 1 : 0;
  }
  return running;
}

}  // namespace

TEST_CASE("Ctrl-C on conform stops its clients' process groups and still writes the reports",
          "[harness]") {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("hnemu-interrupt-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/a.yaml") << "name: a\nprovider: twilio\nclient: {timeout: 60s}\n";
  std::ofstream(dir + "/b.yaml") << "name: b\nprovider: twilio\nclient: {timeout: 60s}\n";
  const std::string pid_file = dir + "/client.pid";
  const pid_t conform = ::fork();
  REQUIRE(conform >= 0);
  if (conform == 0) {
    const int log = ::open((dir + "/conform.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    const std::string script = "echo $$ > " + pid_file + "; sleep 30 & sleep 30";
    ::execl(HNEMU_BINARY, HNEMU_BINARY, "conform", "--junit", (dir + "/report.xml").c_str(),
            (dir + "/a.yaml").c_str(), (dir + "/b.yaml").c_str(), "--", "/bin/sh", "-c",
            script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_t client = 0;
  for (int i = 0; i < 200 && client == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream(pid_file) >> client;
  }
  REQUIRE(client > 0);
  const auto signalled = std::chrono::steady_clock::now();
  REQUIRE(::kill(conform, SIGINT) == 0);
  int status = 0;
  ::waitpid(conform, &status, 0);
  CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(5));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 128 + SIGINT);
  // Nothing of the client's group is left running: the shell and both sleeps (the background one
  // ignores SIGINT, as background jobs of a shell do, and is killed). A zombie no process reaps
  // (pid 1 of a container may not) counts as gone.
  CHECK(runningInGroup(client) == 0);
  std::stringstream log;
  log << std::ifstream(dir + "/conform.log").rdbuf();
  INFO(log.str());
  CHECK(log.str().find("stopped by SIGINT: 0 scenario(s) finished, 1 cut short") !=
        std::string::npos);
  std::stringstream report;
  report << std::ifstream(dir + "/report.xml").rdbuf();
  CHECK(report.str().find("a stop signal cut the run short") != std::string::npos);
  CHECK(report.str().find("not run: a stop signal came first") != std::string::npos);
  std::filesystem::remove_all(dir);
}
#endif
