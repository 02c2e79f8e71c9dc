#include "harness/conform.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>
#include <pugixml.hpp>
#include <sstream>
#include <thread>

#include "emulator.h"
#include "providers/registry.h"

extern char** environ;

namespace hnemu::conform {

using nlohmann::json;

bool ScenarioRun::passed() const {
  return ended == Ended::Ran &&
         std::all_of(results.begin(), results.end(),
                     [](const ExpectationResult& result) { return result.passed; });
}

namespace {

constexpr size_t kClientOutputLines = 40;
// How long a client may take to stop after the stop signal was passed on, before SIGKILL.
constexpr Millis kInterruptGrace{2000};

std::atomic<int> stop_signal{0};
constexpr Millis kWebhookSettle{5000};
constexpr size_t kMaxTimersAfterClient = 1000;

std::string readFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string lastLines(const std::string& text, size_t count) {
  size_t start = text.size();
  for (size_t lines = 0; start > 0 && lines <= count;) {
    --start;
    if (text[start] == '\n' && start + 1 < text.size()) {
      ++lines;
    }
  }
  std::string out = text.substr(start);
  if (!out.empty() && out[0] == '\n') {
    out.erase(0, 1);
  }
  return out;
}

// The connection details a client needs, named in the README; the scenario's own env last.
std::vector<std::string> clientEnvironment(const Scenario& scenario, const Emulator& emulator,
                                           const std::string& report_file) {
  std::map<std::string, std::string> vars;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const size_t equals = text.find('=');
    if (equals != std::string::npos) {
      vars[text.substr(0, equals)] = text.substr(equals + 1);
    }
  }
  const json state = emulator.state();
  vars["HNEMU_BASE_URL"] = emulator.url();
  vars["HNEMU_CONTROL_URL"] = emulator.url() + "/__hnemu";
  vars["HNEMU_PROVIDER"] = scenario.provider;
  vars["HNEMU_SCENARIO"] = scenario.source;
  vars["HNEMU_SCENARIO_NAME"] = scenario.name;
  vars["HNEMU_REPORT_FILE"] = report_file;
  for (const std::unique_ptr<Provider>& provider : emulator.providers()) {
    for (const auto& [name, value] :
         provider->kind().clientEnvironment(state.value(std::string(provider->name()), json()))) {
      vars[name] = value;
    }
  }
  for (const auto& [name, value] : scenario.client.env) {
    vars[name] = value;
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : vars) {
    out.push_back(name + "=" + value);
  }
  return out;
}

// Runs the command in its own process group with output to `output_file`; kills the group
// when it outlives the scenario's time limit.
ClientOutcome runClient(const std::vector<std::string>& command,
                        const std::vector<std::string>& environment, const std::string& output_file,
                        Millis timeout) {
  ClientOutcome outcome;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char*> argv;
  for (const std::string& arg : command) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& entry : environment) {
    envp.push_back(const_cast<char*>(entry.c_str()));
  }
  envp.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    std::ofstream(output_file) << "hnemu conform: cannot start '" << command[0]
                               << "': " << std::strerror(spawned) << "\n";
    return outcome;
  }
  outcome.started = true;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      break;
    }
    if (const int signal = stop_signal.load(); signal != 0 && !outcome.interrupted) {
      // Passed on to the client's whole group; it gets a moment to stop by itself.
      outcome.interrupted = true;
      kill(-pid, signal);
      deadline = std::min(deadline, std::chrono::steady_clock::now() + kInterruptGrace);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      outcome.timed_out = !outcome.interrupted;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return outcome;
    }
    // Waiting on a child process: the only wall-clock wait, and it is the harness's, not the
    // emulator's.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(-pid, SIGKILL);  // whatever the client left running in its group
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return outcome;
}

void readReport(const std::string& path, ClientOutcome& outcome) {
  std::ifstream file(path);
  if (!file) {
    return;
  }
  std::stringstream text;
  text << file.rdbuf();
  if (text.str().empty()) {
    return;
  }
  try {
    const json report = json::parse(text.str());
    if (report.contains("status") && report["status"].is_string()) {
      outcome.reported = report["status"].get<std::string>();
    } else {
      outcome.report_error = "the report has no \"status\" string";
    }
  } catch (const json::exception& error) {
    outcome.report_error = std::string("the report is not JSON: ") + error.what();
  }
}

std::string temporaryPath(const std::string& stem) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/hnemu-" + stem + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  const int fd = mkstemp(buffer.data());
  if (fd >= 0) {
    close(fd);
  }
  return std::string(buffer.data());
}

std::string mark(bool passed) { return passed ? "ok  " : "FAIL"; }

std::string scenarioLabel(const Scenario& scenario) {
  const std::string name = scenario.name.empty() ? scenario.source : scenario.name;
  return (scenario.provider.empty() ? std::string() : scenario.provider + "/") + name;
}

}  // namespace

const char* const kUsage =
    R"(Usage: hnemu conform [-j N] [--junit FILE] [--json FILE] [--client-timeout DURATION] [-v]
                     SCENARIO... -- COMMAND...

Runs COMMAND against each scenario, each on its own emulator (an ephemeral loopback port, the
auto clock), then checks the scenario's expectations. "{provider}" in COMMAND becomes the
scenario's provider. The client finds the emulator in its environment (HNEMU_BASE_URL, ...).

  -j N                     run N scenarios at once (default 1)
  --junit FILE             write a JUnit XML report (a testsuite per provider)
  --json FILE              write the whole report as JSON
  --client-timeout D       the longest a client may run (default: each scenario's, 60s)
  -v                       print the timeline and output of passing scenarios too

Exit status: 0 every expectation held; 1 one did not; 2 a scenario did not load (nothing runs;
the reports name it); 128+N a signal N stopped it (clients get it too; reports cover what ran).
)";

void interrupt(int signal) { stop_signal = signal; }

int stopSignal() { return stop_signal.load(); }

ScenarioRun runScenario(const Scenario& scenario, std::vector<std::string> command) {
  for (std::string& arg : command) {
    for (size_t at = arg.find("{provider}"); at != std::string::npos; at = arg.find("{provider}")) {
      arg.replace(at, std::string_view("{provider}").size(), scenario.provider);
    }
  }
  ScenarioRun run;
  run.scenario = scenario;
  const auto started = std::chrono::steady_clock::now();
  EmulatorOptions options;
  options.clock_mode = ClockMode::Auto;
  Emulator emulator(options);
  WorldFile world = scenario.world;
  if (!world.clock) {
    world.clock = ClockMode::Auto;
  }
  emulator.loadWorld(world);
  auto port = emulator.start();
  if (!port.ok()) {
    run.results.push_back(
        {"the emulator starts", scenario.source, false, "a bound port", port.error().message});
    return run;
  }
  const std::string report_file = temporaryPath("report");
  const std::string output_file = temporaryPath("client");
  std::remove(report_file.c_str());
  run.client = runClient(command, clientEnvironment(scenario, emulator, report_file), output_file,
                         scenario.client.timeout);
  if (run.client.interrupted) {
    run.ended = ScenarioRun::Ended::Interrupted;
  }
  // The client has stopped; the world has not. Freeze the clock, then let every pending timer
  // fire in order (a 7-day action-required window runs out, webhook retries to the gone client
  // give up), so the judged state does not depend on how fast the client process exited.
  emulator.setClockMode(ClockMode::Manual);
  (void)emulator.waitForWebhooks(kWebhookSettle);
  for (size_t fired = 0; fired < kMaxTimersAfterClient && emulator.clock().nextDue(); ++fired) {
    emulator.fireNextTimer();
    (void)emulator.waitForWebhooks(kWebhookSettle);
  }
  readReport(report_file, run.client);
  run.client_output = lastLines(readFile(output_file), kClientOutputLines);
  std::remove(report_file.c_str());
  std::remove(output_file.c_str());
  run.record = recordOf(emulator);
  emulator.stop();
  run.results = evaluate(scenario, run.record, run.client);
  run.coverage = measureCoverage(emulator.stateMachines(), run.record.state, scenario.provider);
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return run;
}

std::vector<std::string> timeline(const RunRecord& record, size_t max_lines) {
  struct Event {
    TimePoint time;
    int order;  // requests before webhooks at the same instant, then by sequence
    uint64_t sequence;
    std::string text;
  };
  std::vector<Event> events;
  for (const JournalEntry& entry : record.journal) {
    std::string text =
        "-> " + entry.method + " " + entry.path + " " +
        (entry.status == 0 ? std::string("(connection dropped)") : std::to_string(entry.status));
    if (entry.fault_id != 0) {
      text += " [fault " + std::to_string(entry.fault_id) + "]";
    }
    events.push_back({entry.time, 0, entry.sequence, text});
  }
  for (const Delivery& delivery : record.deliveries) {
    for (const DeliveryAttempt& attempt : delivery.attempts) {
      std::string text =
          "<- webhook #" + std::to_string(delivery.id) + " " + delivery.status + " attempt " +
          std::to_string(attempt.number) + (attempt.tampered ? " (forged signature)" : "") +
          (delivery.repeats != 0 ? " (#" + std::to_string(delivery.repeats) + " again)" : "") +
          (delivery.delayed.count() > 0 && attempt.number == 1
               ? " (held back " + formatDuration(delivery.delayed) + ")"
               : "") +
          ": " + (attempt.connected ? "answered " + std::to_string(attempt.status) : attempt.error);
      events.push_back({attempt.time, 1, delivery.id, text});
    }
    if (delivery.attempts.empty()) {
      events.push_back({delivery.created, 1, delivery.id,
                        "<- webhook #" + std::to_string(delivery.id) + " " + delivery.status +
                            ": " + std::string(deliveryStateName(delivery.state))});
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tie(a.time, a.order, a.sequence) < std::tie(b.time, b.order, b.sequence);
  });
  std::vector<std::string> lines;
  size_t repeats = 0;
  std::string previous;
  auto flush = [&] {
    if (repeats > 1) {
      lines.back() += "  (x" + std::to_string(repeats) + ")";
    }
  };
  for (const Event& event : events) {
    if (event.text == previous) {
      ++repeats;
      continue;
    }
    flush();
    repeats = 1;
    previous = event.text;
    lines.push_back(formatIso8601Millis(event.time) + "  " + event.text);
  }
  flush();
  if (lines.size() > max_lines) {
    const size_t hidden = lines.size() - max_lines;
    lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(hidden));
    lines.insert(lines.begin(), "... " + std::to_string(hidden) + " earlier lines");
  }
  return lines;
}

std::string textReport(const ScenarioRun& run, bool verbose) {
  std::ostringstream out;
  const bool passed = run.passed();
  for (const ExpectationResult& result : run.results) {
    if (passed && !verbose) {
      break;
    }
    out << "    " << (result.passed ? "ok   " : "FAIL ") << result.what << "  (" << result.where
        << ")\n";
    if (!result.passed) {
      out << "           expected: " << result.expected << "\n"
          << "           actual:   " << result.actual << "\n";
    }
  }
  for (const Coverage& coverage : run.coverage) {
    out << "    coverage: " << coverageLine(coverage) << "\n";
  }
  if (!passed || verbose) {
    out << "    timeline (virtual time; -> request from the client, <- webhook to it):\n";
    const std::vector<std::string> events = timeline(run.record, 60);
    for (const std::string& line : events) {
      out << "      " << line << "\n";
    }
    if (events.empty()) {
      out << "      (empty: the client made no request and was sent no webhook)\n";
    }
    if (!run.client_output.empty()) {
      out << "    client output (last lines):\n";
      std::istringstream lines(run.client_output);
      for (std::string line; std::getline(lines, line);) {
        out << "      | " << line << "\n";
      }
    }
  }
  return out.str();
}

namespace {

// JUnit times: seconds, to the millisecond.
std::string junitSeconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

std::string nowIso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

std::string junitReport(const std::vector<ScenarioRun>& runs) {
  pugi::xml_document doc;
  pugi::xml_node suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "hnemu conform";
  const std::string timestamp = nowIso8601();
  size_t failures = 0;
  size_t errors = 0;
  size_t skipped = 0;
  double total_time = 0;
  // A suite per provider, in the registry's order; scenarios that name none (or did not load)
  // in a suite of their own.
  std::vector<std::string> suite_names;
  for (const ProviderKind* kind : providerKinds()) {
    suite_names.emplace_back(kind->name());
  }
  suite_names.emplace_back("");
  for (const std::string& provider : suite_names) {
    pugi::xml_node suite;
    size_t suite_tests = 0;
    size_t suite_failures = 0;
    size_t suite_errors = 0;
    size_t suite_skipped = 0;
    double suite_time = 0;
    for (const ScenarioRun& run : runs) {
      const bool known = findProviderKind(run.scenario.provider) != nullptr;
      if ((known ? run.scenario.provider : std::string()) != provider) {
        continue;
      }
      if (!suite) {
        suite = suites.append_child("testsuite");
        suite.append_attribute("name") = provider.empty() ? "scenarios" : provider.c_str();
      }
      ++suite_tests;
      suite_time += run.wall_seconds;
      pugi::xml_node test = suite.append_child("testcase");
      test.append_attribute("classname") =
          ("conform." + (provider.empty() ? std::string("scenarios") : provider)).c_str();
      test.append_attribute("name") =
          (run.scenario.name.empty() ? run.scenario.source : run.scenario.name).c_str();
      test.append_attribute("file") = run.scenario.source.c_str();
      test.append_attribute("time") = junitSeconds(run.wall_seconds).c_str();
      switch (run.ended) {
        case ScenarioRun::Ended::NotLoaded: {
          ++suite_errors;
          pugi::xml_node error = test.append_child("error");
          error.append_attribute("message") = "the scenario did not load";
          error.append_attribute("type") = "scenario";
          error.append_child(pugi::node_pcdata).set_value(run.error.c_str());
          continue;
        }
        case ScenarioRun::Ended::NotRun:
          ++suite_skipped;
          test.append_child("skipped").append_attribute("message") = run.error.c_str();
          continue;
        case ScenarioRun::Ended::Interrupted:
          ++suite_errors;
          test.append_child("error").append_attribute("message") =
              "a stop signal cut the run short";
          break;
        case ScenarioRun::Ended::Ran:
          if (!run.passed()) {
            ++suite_failures;
            size_t failed = 0;
            std::string details;
            for (const ExpectationResult& result : run.results) {
              if (!result.passed) {
                ++failed;
                details += result.where + ": " + result.what + "\n  expected: " + result.expected +
                           "\n  actual:   " + result.actual + "\n";
              }
            }
            pugi::xml_node failure = test.append_child("failure");
            failure.append_attribute("message") =
                (std::to_string(failed) + " of " + std::to_string(run.results.size()) +
                 " expectations failed")
                    .c_str();
            failure.append_child(pugi::node_pcdata).set_value(details.c_str());
          }
          break;
      }
      test.append_child("system-out")
          .append_child(pugi::node_pcdata)
          .set_value(textReport(run, true).c_str());
    }
    if (suite) {
      suite.append_attribute("tests") = suite_tests;
      suite.append_attribute("failures") = suite_failures;
      suite.append_attribute("errors") = suite_errors;
      suite.append_attribute("skipped") = suite_skipped;
      suite.append_attribute("time") = junitSeconds(suite_time).c_str();
      suite.append_attribute("timestamp") = timestamp.c_str();
      failures += suite_failures;
      errors += suite_errors;
      skipped += suite_skipped;
      total_time += suite_time;
    }
  }
  suites.append_attribute("tests") = runs.size();
  suites.append_attribute("failures") = failures;
  suites.append_attribute("errors") = errors;
  suites.append_attribute("skipped") = skipped;
  suites.append_attribute("time") = junitSeconds(total_time).c_str();
  suites.append_attribute("timestamp") = timestamp.c_str();
  std::ostringstream out;
  doc.save(out, "  ");
  return out.str();
}

std::string_view endedName(ScenarioRun::Ended ended) {
  switch (ended) {
    case ScenarioRun::Ended::Ran:
      return "ran";
    case ScenarioRun::Ended::Interrupted:
      return "interrupted";
    case ScenarioRun::Ended::NotRun:
      return "not run";
    case ScenarioRun::Ended::NotLoaded:
      return "not loaded";
  }
  return "ran";
}

json jsonReport(const std::vector<ScenarioRun>& runs) {
  json scenarios = json::array();
  std::vector<Coverage> total;
  size_t passed = 0;
  for (const ScenarioRun& run : runs) {
    json expectations = json::array();
    for (const ExpectationResult& result : run.results) {
      expectations.push_back(resultJson(result));
    }
    mergeCoverage(total, run.coverage);
    passed += run.passed() ? 1 : 0;
    scenarios.push_back(
        {{"file", run.scenario.source},
         {"name", run.scenario.name},
         {"provider", run.scenario.provider},
         {"passed", run.passed()},
         {"ended", endedName(run.ended)},
         {"error", run.error},
         {"wall_seconds", run.wall_seconds},
         {"client",
          {{"started", run.client.started},
           {"timed_out", run.client.timed_out},
           {"exit_code", run.client.exit_code},
           {"reported", run.client.reported ? json(*run.client.reported) : json(nullptr)},
           {"output", run.client_output}}},
         {"expectations", std::move(expectations)},
         {"coverage", coverageJson(run.coverage)},
         {"timeline", timeline(run.record, 10'000)}});
  }
  return json{{"summary",
               {{"scenarios", runs.size()}, {"passed", passed}, {"failed", runs.size() - passed}}},
              {"coverage", coverageJson(total)},
              {"scenarios", std::move(scenarios)}};
}

Result<Options> parseArguments(const std::vector<std::string>& args) {
  Options options;
  size_t i = 0;
  for (; i < args.size() && args[i] != "--"; ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      return makeError(ErrorCode::FailedPrecondition, kUsage);
    }
    auto value = [&](const char* flag) -> Result<std::string> {
      if (i + 1 >= args.size() || args[i + 1] == "--") {
        return makeError(ErrorCode::InvalidArgument, std::string(flag) + " needs a value");
      }
      return args[++i];
    };
    if (arg == "-j" || arg == "--jobs") {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, value("-j"));
      if (text.empty() || text.size() > 3 ||
          text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1) {
        return makeError(ErrorCode::InvalidArgument, "-j needs a positive number of jobs");
      }
      options.jobs = std::stoi(text);
    } else if (arg == "--junit") {
      HNEMU_ASSIGN_OR_RETURN(options.junit_path, value("--junit"));
    } else if (arg == "--json") {
      HNEMU_ASSIGN_OR_RETURN(options.json_path, value("--json"));
    } else if (arg == "--client-timeout") {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, value("--client-timeout"));
      auto timeout = parseDuration(text);
      if (!timeout.ok() || timeout.value() <= Millis(0)) {
        return makeError(ErrorCode::InvalidArgument,
                         "--client-timeout needs a positive duration such as 30s");
      }
      options.client_timeout = timeout.value();
    } else if (arg == "-v" || arg == "--verbose") {
      options.verbose = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return makeError(ErrorCode::InvalidArgument, "unknown flag '" + arg + "'");
    } else {
      options.scenario_files.push_back(arg);
    }
  }
  if (i < args.size()) {
    options.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
  }
  if (options.scenario_files.empty()) {
    return makeError(ErrorCode::InvalidArgument, "name at least one scenario file");
  }
  if (options.command.empty()) {
    return makeError(ErrorCode::InvalidArgument,
                     "give the client command after '--', e.g. -- node client.mjs");
  }
  return options;
}

int run(const Options& options, std::ostream& out, std::ostream& err) {
  // Every scenario is loaded and checked before anything runs; a file that does not load is in
  // the reports as an error, and then nothing runs.
  std::vector<ScenarioRun> runs(options.scenario_files.size());
  bool broken = false;
  for (size_t i = 0; i < options.scenario_files.size(); ++i) {
    const std::string& file = options.scenario_files[i];
    ScenarioRun& run = runs[i];
    auto scenario = loadScenarioFile(file);
    if (scenario.ok() && scenario.value().provider.empty()) {
      scenario =
          makeError(ErrorCode::InvalidArgument, file + ": names no provider; conform needs one");
    }
    if (!scenario.ok()) {
      err << "hnemu conform: " << scenario.error().message << "\n";
      broken = true;
      run.ended = ScenarioRun::Ended::NotLoaded;
      run.error = scenario.error().message;
      run.scenario.source = file;
      continue;
    }
    run.scenario = std::move(scenario).value();
    if (options.client_timeout) {
      run.scenario.client.timeout = *options.client_timeout;
    }
  }
  auto writeReports = [&] {
    if (!options.junit_path.empty()) {
      std::ofstream(options.junit_path) << junitReport(runs);
    }
    if (!options.json_path.empty()) {
      std::ofstream(options.json_path) << jsonReport(runs).dump(2) << "\n";
    }
  };
  if (broken) {
    for (ScenarioRun& run : runs) {
      if (run.ended == ScenarioRun::Ended::Ran) {
        run.ended = ScenarioRun::Ended::NotRun;
        run.error = "not run: another scenario did not load";
      }
    }
    writeReports();
    return 2;
  }
  std::atomic<size_t> next{0};
  std::mutex print;
  size_t finished = 0;
  auto worker = [&] {
    for (size_t index = next++; index < runs.size(); index = next++) {
      if (stop_signal != 0) {
        runs[index].ended = ScenarioRun::Ended::NotRun;
        runs[index].error = "not run: a stop signal came first";
        continue;
      }
      runs[index] = runScenario(runs[index].scenario, options.command);
      const ScenarioRun& done = runs[index];
      std::lock_guard lock(print);
      ++finished;
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.2f s", done.wall_seconds);
      const std::string verdict =
          done.ended == ScenarioRun::Ended::Interrupted ? "STOP" : mark(done.passed());
      out << "[" << finished << "/" << runs.size() << "] " << verdict << " "
          << scenarioLabel(done.scenario) << "  (" << done.scenario.source << ", " << seconds
          << ")\n"
          << textReport(done, options.verbose) << std::flush;
    }
  };
  std::vector<std::thread> threads;
  const size_t jobs = std::min<size_t>(static_cast<size_t>(options.jobs), runs.size());
  for (size_t j = 0; j < jobs; ++j) {
    threads.emplace_back(worker);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  size_t passed = 0;
  size_t expectations = 0;
  size_t expectations_failed = 0;
  size_t interrupted = 0;
  size_t not_run = 0;
  std::vector<Coverage> total;
  for (const ScenarioRun& done : runs) {
    passed += done.passed() ? 1 : 0;
    interrupted += done.ended == ScenarioRun::Ended::Interrupted ? 1 : 0;
    not_run += done.ended == ScenarioRun::Ended::NotRun ? 1 : 0;
    expectations += done.results.size();
    for (const ExpectationResult& result : done.results) {
      expectations_failed += result.passed ? 0 : 1;
    }
    mergeCoverage(total, done.coverage);
  }
  out << "\ntransition coverage over " << runs.size() << " scenario(s):\n";
  for (const Coverage& coverage : total) {
    out << "  " << coverageLine(coverage) << "\n";
  }
  out << "\n"
      << runs.size() << " scenario(s): " << passed << " passed, " << runs.size() - passed
      << " failed; " << expectations << " expectation(s), " << expectations_failed << " failed\n";
  writeReports();
  if (const int signal = stop_signal.load(); signal != 0) {
    out << "stopped by " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ": "
        << runs.size() - interrupted - not_run << " scenario(s) finished, " << interrupted
        << " cut short (their clients were stopped), " << not_run << " not run\n";
    return 128 + signal;
  }
  return passed == runs.size() ? 0 : 1;
}

}  // namespace hnemu::conform
