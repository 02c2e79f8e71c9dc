#include "explore/explore.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <pugixml.hpp>
#include <sstream>
#include <thread>

#include "core/http_types.h"
#include "providers/registry.h"
#include "scenario/scenario.h"

namespace hnemu::explore {

using nlohmann::json;

const char* const kUsage =
    R"(Usage: hnemu explore --provider NAME [-j N] [--budget DURATION] [--seed N]
                     [--junit FILE] [--json FILE] [--save-failure FILE]
                     [--client-config FILE] [--client-timeout DURATION] [-v]
                     -- COMMAND...

Plans runs that together take the provider's lifecycles through every transition the world can
force (the owner, signer, reviewer and carrier deciding each way, faults at steps of the flow,
forged, repeated and late webhooks where the provider documents them), runs COMMAND in each as
`hnemu conform` would, and judges it by what every client owes a lifecycle: it ends, reports the
status its order was in, polls gently, stops once its order is final, refuses forged webhooks
and makes no 4xx request it could have avoided. The client hosts $HOSTED_NUMBERS.

  --provider NAME          the provider to explore (twilio, telnyx, bandwidth)
  -j N                     run N at once (default 1)
  --budget D               start no run once D of wall time has passed (default: no limit)
  --seed N                 the seed of the plan and of every world (default 1)
  --junit FILE             write a JUnit XML report (a testcase per run)
  --json FILE              write the whole report as JSON
  --save-failure FILE      write the shortest failing run's scenario to FILE
  --client-config FILE     what the client handles and promises (YAML; README)
  --client-timeout D       the longest a run's client may take (default 30s)
  -v                       print the timeline and output of passing runs too

Exit status: 0 every judged run passed; 1 one failed; 2 wrong options, a report that cannot be
written or a client command that cannot be started; 3 the budget ran out before every run
started; 128+N a signal N stopped it.
)";

namespace {

std::string commandText(const std::vector<std::string>& command, const std::string& provider) {
  std::string out;
  for (std::string arg : command) {
    for (size_t at = arg.find("{provider}"); at != std::string::npos; at = arg.find("{provider}")) {
      arg.replace(at, std::string_view("{provider}").size(), provider);
    }
    const bool quote = arg.empty() || arg.find_first_of(" \t'\"$`\\*?;&|<>()") != std::string::npos;
    if (quote) {
      for (size_t at = arg.find('\''); at != std::string::npos; at = arg.find('\'', at + 4)) {
        arg.replace(at, 1, "'\\''");
      }
    }
    out += (out.empty() ? "" : " ") + (quote ? "'" + arg + "'" : arg);
  }
  return out;
}

// How the statuses in a state dump are spelled by the lifecycle (Bandwidth's histories are lower
// case), with repeats collapsed.
std::vector<std::string> historyIn(const json& item, const StateMachine& machine) {
  std::vector<std::string> out;
  for (const json& change : item.value("history", json::array())) {
    std::string status = change.value("status", "");
    for (const std::string& state : machine.states) {
      if (iequals(state, status)) {
        status = state;
      }
    }
    if (out.empty() || out.back() != status) {
      out.push_back(status);
    }
  }
  return out;
}

bool mentions(const json& item, const std::string& number) {
  return std::any_of(item.begin(), item.end(), [&](const json& value) {
    return value.is_string() && value.get<std::string>() == number;
  });
}

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", value);
  return text;
}

std::string transitionText(const Transition& transition) {
  return std::get<0>(transition) + " " + std::get<1>(transition) + " > " + std::get<2>(transition);
}

std::string verdict(const ExploredRun& run) {
  if (run.ended != ExploredRun::Ended::Ran) {
    return "SKIP";
  }
  if (!run.judged()) {
    return "NOTE";
  }
  return run.run.passed() ? "ok  " : "FAIL";
}

std::string endedText(const ExploredRun& run) {
  switch (run.ended) {
    case ExploredRun::Ended::Ran:
      return run.judged() ? "ran" : "not judged: it ends in a status the client does not handle";
    case ExploredRun::Ended::OverBudget:
      return "not run: the budget ran out";
    case ExploredRun::Ended::Stopped:
      return "stopped: a signal came before the run finished";
    case ExploredRun::Ended::NoStep:
      return "not run: run 1 made no request a fault could single out";
    case ExploredRun::Ended::NoClient:
      return "not run: the client command could not be started";
  }
  return "";
}

std::string runText(const Report& report, const ExploredRun& explored, bool verbose) {
  std::ostringstream out;
  const Plan& plan = report.plan;
  const PlannedRun& planned = explored.planned;
  const std::vector<std::string> world = behaviourLines(plan, planned);
  for (size_t i = 0; i < world.size(); ++i) {
    out << (i == 0 ? "    world:   " : "             ") << world[i] << "\n";
  }
  for (Perturbation perturbation : planned.perturbations) {
    out << "    also:    " << perturbationText(perturbation);
    if (planned.fault_step) {
      out << ": " << planned.fault_step->method << " " << planned.fault_step->path;
    }
    out << "\n";
  }
  if (explored.ended != ExploredRun::Ended::Ran) {
    out << "    " << endedText(explored) << "\n";
    return out.str();
  }
  out << "    path:    " << pathText(explored.path) << "\n";
  if (explored.path != planned.path) {
    out << "    planned: " << pathText(planned.path) << "\n";
  }
  if (!explored.judged()) {
    std::string statuses;
    for (const std::string& status : explored.unhandled) {
      statuses += (statuses.empty() ? "" : ", ") + status;
    }
    out << "    not judged: it ends in " << statuses
        << ", which the client config does not list under handles\n";
    if (!verbose) {
      return out.str();
    }
  }
  out << conform::textReport(explored.run, verbose);
  return out.str();
}

// Whether `path` can be written, without creating it (errno says why not).
bool writable(const std::string& path) {
  if (::access(path.c_str(), F_OK) == 0) {
    return ::access(path.c_str(), W_OK) == 0;
  }
  const std::string parent = std::filesystem::path(path).parent_path().string();
  return ::access(parent.empty() ? "." : parent.c_str(), W_OK) == 0;
}

// Writes a report file; says so on `err` when it cannot.
bool writeFile(const std::string& path, const std::string& text, std::ostream& err) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    err << "hnemu explore: cannot write " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  return true;
}

// The shortest failing run: the fewest planned statuses, then the fewest requests.
std::optional<size_t> shortestFailure(const std::vector<ExploredRun>& runs) {
  std::optional<size_t> best;
  auto length = [](const ExploredRun& run) {
    size_t statuses = 0;
    for (const auto& [machine, path] : run.planned.path) {
      statuses += path.size();
    }
    return std::make_tuple(statuses, run.run.record.journal.size(), run.planned.index);
  };
  for (size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].failed() && (!best || length(runs[i]) < length(runs[*best]))) {
      best = i;
    }
  }
  return best;
}

}  // namespace

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
    auto duration = [&](const char* flag) -> Result<Millis> {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, value(flag));
      auto parsed = parseDuration(text);
      if (!parsed.ok() || parsed.value() <= Millis(0)) {
        return makeError(ErrorCode::InvalidArgument,
                         std::string(flag) + " needs a positive duration such as 60s");
      }
      return parsed.value();
    };
    if (arg == "--provider") {
      HNEMU_ASSIGN_OR_RETURN(options.provider, value("--provider"));
    } else if (arg == "-j" || arg == "--jobs") {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, value("-j"));
      if (text.empty() || text.size() > 3 ||
          text.find_first_not_of("0123456789") != std::string::npos || std::stoi(text) < 1) {
        return makeError(ErrorCode::InvalidArgument, "-j needs a positive number of jobs");
      }
      options.jobs = std::stoi(text);
    } else if (arg == "--seed") {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, value("--seed"));
      if (text.empty() || text.size() > 19 ||
          text.find_first_not_of("0123456789") != std::string::npos) {
        return makeError(ErrorCode::InvalidArgument, "--seed needs a non-negative integer");
      }
      options.seed = std::stoull(text);
    } else if (arg == "--budget") {
      HNEMU_ASSIGN_OR_RETURN(options.budget, duration("--budget"));
    } else if (arg == "--client-timeout") {
      HNEMU_ASSIGN_OR_RETURN(options.client_timeout, duration("--client-timeout"));
    } else if (arg == "--junit") {
      HNEMU_ASSIGN_OR_RETURN(options.junit_path, value("--junit"));
    } else if (arg == "--json") {
      HNEMU_ASSIGN_OR_RETURN(options.json_path, value("--json"));
    } else if (arg == "--save-failure") {
      HNEMU_ASSIGN_OR_RETURN(options.save_failure_path, value("--save-failure"));
    } else if (arg == "--client-config") {
      HNEMU_ASSIGN_OR_RETURN(options.client_config_path, value("--client-config"));
    } else if (arg == "-v" || arg == "--verbose") {
      options.verbose = true;
    } else {
      return makeError(ErrorCode::InvalidArgument, "unknown argument '" + arg + "'");
    }
  }
  if (i < args.size()) {
    options.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
  }
  if (options.provider.empty()) {
    return makeError(ErrorCode::InvalidArgument,
                     "name the provider to explore: --provider " + providerNamesText());
  }
  if (options.command.empty()) {
    return makeError(ErrorCode::InvalidArgument,
                     "give the client command after '--', e.g. -- node client.mjs");
  }
  return options;
}

StatusPaths takenPath(const Plan& plan, const ProviderKind& kind, const json& state) {
  StatusPaths out;
  const json& own = state.value(plan.provider, json::object());
  const std::string& number = plan.exploration.number;
  for (const StateMachine& machine : plan.lifecycles) {
    std::optional<json> item;
    if (machine.name == plan.order_machine) {
      const std::vector<json> orders = kind.ordersFor(own, number);
      if (!orders.empty()) {
        item = orders.back();
      }
    } else {
      for (const json& each : own.value(machine.collection, json::array())) {
        if (mentions(each, number)) {
          item = each;
        }
      }
    }
    if (item) {
      out[machine.name] = historyIn(*item, machine);
    }
  }
  return out;
}

std::string summaryText(const Report& report) {
  const Plan& plan = report.plan;
  std::ostringstream out;
  out << "\ntransitions covered: " << report.covered.size() << " of " << plan.reachable.size()
      << " reachable (";
  for (size_t i = 0; i < plan.lifecycles.size(); ++i) {
    const StateMachine& machine = plan.lifecycles[i];
    auto inMachine = [&](const Transition& t) { return std::get<0>(t) == machine.name; };
    out << (i == 0 ? "" : "; ") << machine.name << " "
        << std::count_if(report.covered.begin(), report.covered.end(), inMachine) << "/"
        << std::count_if(plan.reachable.begin(), plan.reachable.end(), inMachine) << ", of the "
        << machine.transitions.size() << " it lists";
  }
  out << ")\n";
  std::vector<Transition> missed;
  std::set_difference(plan.reachable.begin(), plan.reachable.end(), report.covered.begin(),
                      report.covered.end(), std::back_inserter(missed));
  if (!missed.empty()) {
    out << "  not covered, though planned:\n";
    for (const Transition& transition : missed) {
      out << "    " << transitionText(transition) << "\n";
    }
  }
  if (!report.unplanned.empty()) {
    out << "  also taken (the client's own doing):\n";
    for (const Transition& transition : report.unplanned) {
      out << "    " << transitionText(transition) << "\n";
    }
  }
  // Transitions into one status for one reason are one line: "a, b, c > deleted: why".
  std::vector<std::pair<Transition, std::string>> grouped;  // (lifecycle, froms, to), why
  for (const Plan::Unreachable& each : plan.unreachable) {
    const auto& [machine, from, to] = each.transition;
    const auto same = std::find_if(grouped.begin(), grouped.end(), [&](const auto& group) {
      return std::get<0>(group.first) == machine && std::get<2>(group.first) == to &&
             group.second == each.why;
    });
    if (same == grouped.end()) {
      grouped.push_back({each.transition, each.why});
    } else {
      std::get<1>(same->first) += ", " + from;
    }
  }
  out << "unreachable (" << plan.unreachable.size() << "):\n";
  for (const auto& [transition, why] : grouped) {
    out << "  " << transitionText(transition) << ": " << why << "\n";
  }
  size_t passed = 0;
  size_t failed = 0;
  size_t not_judged = 0;
  size_t not_run = 0;
  for (const ExploredRun& run : report.runs) {
    if (run.ended != ExploredRun::Ended::Ran) {
      ++not_run;
    } else if (!run.judged()) {
      ++not_judged;
    } else if (run.run.passed()) {
      ++passed;
    } else {
      ++failed;
    }
  }
  out << "\n"
      << report.runs.size() << " run(s): " << passed << " passed, " << failed << " failed, "
      << not_judged << " not judged, " << not_run << " not run\n";
  return out.str();
}

std::string junitReport(const Report& report) {
  pugi::xml_document doc;
  pugi::xml_node suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "hnemu explore";
  pugi::xml_node suite = suites.append_child("testsuite");
  const std::string suite_name = "explore." + report.plan.provider;
  suite.append_attribute("name") = suite_name.c_str();
  size_t failures = 0;
  size_t skipped = 0;
  double total = 0;
  for (const ExploredRun& run : report.runs) {
    pugi::xml_node test = suite.append_child("testcase");
    test.append_attribute("classname") = suite_name.c_str();
    const std::string name =
        "run " + std::to_string(run.planned.index) + ": " + runName(report.plan, run.planned);
    test.append_attribute("name") = name.c_str();
    char time[32];
    std::snprintf(time, sizeof time, "%.3f", run.run.wall_seconds);
    test.append_attribute("time") = time;
    total += run.run.wall_seconds;
    if (!run.judged()) {
      ++skipped;
      test.append_child("skipped").append_attribute("message") = endedText(run).c_str();
    } else if (!run.run.passed()) {
      ++failures;
      std::string details;
      for (const ExpectationResult& result : run.run.results) {
        if (!result.passed) {
          details += result.what + "\n  expected: " + result.expected +
                     "\n  actual:   " + result.actual + "\n";
        }
      }
      pugi::xml_node failure = test.append_child("failure");
      failure.append_attribute("message") = "a generic expectation failed";
      failure.append_child(pugi::node_pcdata).set_value(details.c_str());
    }
    test.append_child("system-out")
        .append_child(pugi::node_pcdata)
        .set_value((runText(report, run, true) + "\n" + run.scenario_yaml).c_str());
  }
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", total);
  for (pugi::xml_node node : {suites, suite}) {
    node.append_attribute("tests") = report.runs.size();
    node.append_attribute("failures") = failures;
    node.append_attribute("errors") = 0;
    node.append_attribute("skipped") = skipped;
    node.append_attribute("time") = time;
  }
  std::ostringstream out;
  doc.save(out, "  ");
  return out.str();
}

json jsonReport(const Report& report) {
  const Plan& plan = report.plan;
  auto transitionJson = [](const Transition& t) {
    return json{{"lifecycle", std::get<0>(t)}, {"from", std::get<1>(t)}, {"to", std::get<2>(t)}};
  };
  json runs = json::array();
  size_t failed = 0;
  for (const ExploredRun& run : report.runs) {
    json expectations = json::array();
    for (const ExpectationResult& result : run.run.results) {
      expectations.push_back(resultJson(result));
    }
    json perturbations = json::array();
    for (Perturbation perturbation : run.planned.perturbations) {
      perturbations.push_back(perturbationText(perturbation));
    }
    failed += run.failed() ? 1 : 0;
    runs.push_back(
        {{"run", run.planned.index},
         {"name", runName(plan, run.planned)},
         {"why", run.planned.why},
         {"world", behaviourLines(plan, run.planned)},
         {"perturbations", std::move(perturbations)},
         {"fault_step", run.planned.fault_step ? json{{"method", run.planned.fault_step->method},
                                                      {"path", run.planned.fault_step->path}}
                                               : json(nullptr)},
         {"planned_path", run.planned.path},
         {"path", run.path},
         {"ended", endedText(run)},
         {"judged", run.judged()},
         {"passed", run.judged() && run.run.passed()},
         {"wall_seconds", run.run.wall_seconds},
         {"client",
          {{"exit_code", run.run.client.exit_code},
           {"timed_out", run.run.client.timed_out},
           {"reported", run.run.client.reported ? json(*run.run.client.reported) : json(nullptr)},
           {"output", run.run.client_output}}},
         {"expectations", std::move(expectations)},
         {"timeline", conform::timeline(run.run.record, 10'000)},
         {"scenario", run.scenario_yaml}});
  }
  json unreachable = json::array();
  for (const Plan::Unreachable& each : plan.unreachable) {
    json item = transitionJson(each.transition);
    item["why"] = each.why;
    unreachable.push_back(std::move(item));
  }
  json covered = json::array();
  for (const Transition& t : report.covered) {
    covered.push_back(transitionJson(t));
  }
  json shortest = nullptr;
  if (report.shortest_failure) {
    const ExploredRun& run = report.runs[*report.shortest_failure];
    shortest = {{"run", run.planned.index},
                {"name", runName(plan, run.planned)},
                {"scenario", run.scenario_yaml}};
  }
  return json{{"provider", plan.provider},
              {"seed", plan.seed},
              {"summary",
               {{"runs", report.runs.size()},
                {"failed", failed},
                {"reachable", plan.reachable.size()},
                {"covered", report.covered.size()},
                {"behaviours", plan.behaviours}}},
              {"covered", std::move(covered)},
              {"unreachable", std::move(unreachable)},
              {"runs", std::move(runs)},
              {"shortest_failing", std::move(shortest)}};
}

int run(const Options& options, std::ostream& out, std::ostream& err) {
  const ProviderKind* kind = findProviderKind(options.provider);
  if (kind == nullptr) {
    err << "hnemu explore: --provider must be " << providerNamesText() << ", not '"
        << options.provider << "'\n";
    return 2;
  }
  if (kind->exploration().empty()) {
    err << "hnemu explore: " << kind->title() << " declares no world decisions to explore\n";
    return 2;
  }
  ClientConfig config;
  if (!options.client_config_path.empty()) {
    auto text = readScenarioFile(options.client_config_path);
    auto parsed = text.ok() ? parseClientConfig(text.value(), options.client_config_path)
                            : Result<ClientConfig>(text.error());
    if (!parsed.ok()) {
      err << "hnemu explore: " << parsed.error().message << "\n";
      return 2;
    }
    config = std::move(parsed).value();
  }
  if (options.client_timeout) {
    config.timeout = *options.client_timeout;
  }
  Report report;
  report.plan = makePlan(*kind, options.seed, config);
  const Plan& plan = report.plan;
  for (const std::string& status : config.handles) {
    const bool known = std::any_of(
        plan.lifecycles.begin(), plan.lifecycles.end(), [&](const StateMachine& machine) {
          return std::find(machine.states.begin(), machine.states.end(), status) !=
                 machine.states.end();
        });
    if (!known) {
      err << "hnemu explore: " << options.client_config_path << ": handles: '" << status
          << "' is not a " << plan.provider << " status\n";
      return 2;
    }
  }
  // A report that cannot be written is said before the runs, not after them.
  for (const std::string* path :
       {&options.junit_path, &options.json_path, &options.save_failure_path}) {
    if (!path->empty() && !writable(*path)) {
      err << "hnemu explore: cannot write " << *path << ": " << std::strerror(errno) << "\n";
      return 2;
    }
  }
  const std::string command_text = commandText(options.command, plan.provider);
  out << "hnemu explore " << plan.provider << " (seed " << plan.seed << "): " << plan.runs.size()
      << " runs to cover " << plan.reachable.size() << " reachable transitions and "
      << plan.behaviours << " world behaviours\n";
  for (const PlannedRun& planned : plan.runs) {
    out << "  run " << planned.index << " " << runName(plan, planned) << ": " << planned.why
        << "\n";
  }
  out << "\n" << std::flush;

  report.runs.resize(plan.runs.size());
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    ExploredRun& explored = report.runs[i];
    explored.planned = plan.runs[i];
    for (const StateMachine& machine : plan.lifecycles) {
      const std::set<std::string> finals = finalStatuses(machine, plan.exploration);
      const auto it = explored.planned.path.find(machine.name);
      if (config.handles.empty() || it == explored.planned.path.end()) {
        continue;
      }
      for (const std::string& status : it->second) {
        if (finals.count(status) != 0 && config.handles.count(status) == 0) {
          explored.unhandled.push_back(status);
        }
      }
    }
    if (!explored.planned.faulted()) {
      explored.scenario_yaml = scenarioYaml(plan, explored.planned, config, command_text);
    }
  }

  const auto started = std::chrono::steady_clock::now();
  std::mutex mutex;  // guards report.runs' fault steps, the printing and the counters below
  std::condition_variable first_done;
  bool first_finished = false;
  std::atomic<size_t> next{0};
  // A command that cannot be started fails every run the same way: one run says so, and no
  // other starts.
  std::atomic<bool> no_client{false};
  size_t finished = 0;
  auto execute = [&](size_t index) {
    ExploredRun& explored = report.runs[index];
    if (explored.planned.faulted()) {
      std::unique_lock lock(mutex);
      first_done.wait(lock, [&] { return first_finished; });
      if (explored.ended != ExploredRun::Ended::Ran || explored.scenario_yaml.empty()) {
        return;
      }
    }
    if (conform::stopSignal() != 0) {
      explored.ended = ExploredRun::Ended::Stopped;
      return;
    }
    if (no_client) {
      explored.ended = ExploredRun::Ended::NoClient;
      return;
    }
    if (options.budget && std::chrono::steady_clock::now() - started >= *options.budget) {
      explored.ended = ExploredRun::Ended::OverBudget;
      return;
    }
    const std::string source = plan.provider + "/" + runName(plan, explored.planned) +
                               ".yaml (explore run " + std::to_string(explored.planned.index) + ")";
    auto scenario = parseScenario(explored.scenario_yaml, source);
    if (!scenario.ok()) {
      explored.run.scenario.source = source;
      explored.run.results.push_back({"the generated scenario loads (a bug in hnemu explore)",
                                      source, false, "it loads", scenario.error().message});
      return;
    }
    explored.run = conform::runScenario(scenario.value(), options.command);
    if (!explored.run.client.started) {
      no_client = true;
    }
    explored.path = takenPath(plan, *kind, explored.run.record.state);
    if (explored.run.ended == conform::ScenarioRun::Ended::Interrupted) {
      explored.ended = ExploredRun::Ended::Stopped;
    }
  };
  auto releaseFaultRuns = [&] {
    // Called with the lock held, once run 1 has finished (or will not run).
    const ExploredRun& first = report.runs[0];
    std::vector<JournalStep> steps;
    for (const JournalEntry& entry : first.run.record.journal) {
      const bool step = entry.provider == plan.provider && entry.status >= 200 &&
                        entry.status < 300 && entry.fault_id == 0 &&
                        std::none_of(steps.begin(), steps.end(), [&](const JournalStep& s) {
                          return s.method == entry.method && s.path == entry.path;
                        });
      if (step) {
        steps.push_back({entry.method, entry.path});
      }
    }
    std::optional<FaultStep> taken;
    for (ExploredRun& explored : report.runs) {
      if (!explored.planned.faulted()) {
        continue;
      }
      if (first.ended != ExploredRun::Ended::Ran) {
        explored.ended = first.ended;
        continue;
      }
      explored.planned.fault_step = pickStep(explored.planned, steps, taken);
      if (!explored.planned.fault_step) {
        explored.ended = ExploredRun::Ended::NoStep;
        continue;
      }
      taken = explored.planned.fault_step;
      explored.scenario_yaml = scenarioYaml(plan, explored.planned, config, command_text);
    }
    first_finished = true;
    first_done.notify_all();
  };
  auto worker = [&] {
    for (size_t index = next++; index < report.runs.size(); index = next++) {
      execute(index);
      std::lock_guard lock(mutex);
      if (index == 0) {
        releaseFaultRuns();
      }
      ExploredRun& done = report.runs[index];
      ++finished;
      out << "[" << finished << "/" << report.runs.size() << "] " << verdict(done) << " run "
          << done.planned.index << " " << runName(plan, done.planned) << "  ("
          << seconds(done.run.wall_seconds) << ")\n"
          << runText(report, done, options.verbose) << std::flush;
    }
  };
  std::vector<std::thread> threads;
  const size_t jobs = std::min<size_t>(static_cast<size_t>(options.jobs), report.runs.size());
  for (size_t j = 0; j < jobs; ++j) {
    threads.emplace_back(worker);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  for (const ExploredRun& explored : report.runs) {
    for (const Coverage& coverage : explored.run.coverage) {
      for (const auto& [from, to] : coverage.transitions_seen) {
        const Transition transition{coverage.machine.name, from, to};
        (plan.reachable.count(transition) != 0 ? report.covered : report.unplanned)
            .insert(transition);
      }
    }
  }
  report.shortest_failure = shortestFailure(report.runs);
  out << summaryText(report);
  bool written = true;  // every report asked for
  if (report.shortest_failure && !no_client) {
    const ExploredRun& failure = report.runs[*report.shortest_failure];
    const std::string name = runName(plan, failure.planned);
    out << "\nthe shortest failing run is run " << failure.planned.index << " (" << name
        << "); as a scenario to keep, e.g. scenarios/" << plan.provider << "/" << name
        << ".yaml:\n\n"
        << failure.scenario_yaml;
    if (!options.save_failure_path.empty()) {
      written = writeFile(options.save_failure_path, failure.scenario_yaml, err) && written;
      out << (written ? "\n(written to " + options.save_failure_path + ")\n" : "");
    }
  }
  if (!options.junit_path.empty()) {
    written = writeFile(options.junit_path, junitReport(report), err) && written;
  }
  if (!options.json_path.empty()) {
    written = writeFile(options.json_path, jsonReport(report).dump(2) + "\n", err) && written;
  }
  if (const int signal = conform::stopSignal(); signal != 0) {
    out << "stopped by " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << "\n";
    return 128 + signal;
  }
  if (no_client) {
    err << "hnemu explore: the client command could not be started: " << command_text
        << " (the run's client output says why)\n";
    return 2;
  }
  if (!written) {
    return 2;
  }
  if (report.shortest_failure) {
    return 1;
  }
  const bool all_ran =
      std::all_of(report.runs.begin(), report.runs.end(),
                  [](const ExploredRun& run) { return run.ended == ExploredRun::Ended::Ran; });
  if (!all_ran) {
    out << "not every planned run ran: coverage is partial\n";
    return 3;
  }
  return 0;
}

}  // namespace hnemu::explore
