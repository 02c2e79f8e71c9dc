// The `hnemu` binary: flags in, an Emulator served on a socket. The only code tests do not share.
#include <pthread.h>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto.h"
#include "core/numbers.h"
#include "emulator.h"
#include "explore/explore.h"
#include "harness/conform.h"
#include "scenario/scenario.h"
#include "state/state_file.h"

namespace {

constexpr const char* kUsage =
    R"(hnemu - hosted-number provider emulator (Twilio, Telnyx, Bandwidth)

Usage:
  hnemu serve [options]     serve the provider APIs and the /__hnemu control API
  hnemu check FILE...       validate scenario files; errors name file, line and column
  hnemu conform [-j N] [--junit FILE] [--json FILE] [--client-timeout DURATION] [-v]
                SCENARIO... -- COMMAND...
                            run COMMAND against each scenario and check its expectations
                            ("{provider}" in COMMAND becomes the scenario's provider;
                            exit 0: all held; 1: one did not; 2: a scenario did not load)
  hnemu explore --provider NAME [-j N] [--budget DURATION] [--seed N] [--junit FILE]
                [--json FILE] [--save-failure FILE] [--client-config FILE] -- COMMAND...
                            drive COMMAND through every transition the world can force,
                            without writing scenarios (hnemu explore --help)
  hnemu --help | --version

Options for serve:
  --host ADDR            address to bind (default 127.0.0.1); an address other than
                         loopback needs --allow-remote
  --allow-remote         serve a non-loopback address (anyone who reaches it can use the
                         test credentials; set --admin-token too)
  --admin-token TOKEN    the /__hnemu control API needs "Authorization: Bearer TOKEN"
                         (default: $HNEMU_ADMIN_TOKEN, else none); open the console as
                         /__hnemu/ui#token=TOKEN
  --port N               port to bind; 0 picks a free one (default 0)
  --seed N               seed for every id and code (default 1)
  --clock MODE           manual | auto | realtime (default manual)
  --start TIME           virtual time at start, ISO 8601 UTC (default 2026-01-05T09:00:00Z)
  --max-body BYTES       largest request body a provider accepts (default 1048576)
  --log requests         print one line per request to standard error (virtual time, method,
                         target, status, provider, wall time taken)
  --log-format text|json the form of those lines (default text)
  --auto-observe DURATION
                         auto clock: how long a changed order waits for the client to see
                         it before the next step (default 10s; 0s: it does not wait)
  --webhook-timeout DURATION
                         cap every provider's webhook connect and read timeout (wall time,
                         e.g. 500ms; default: each provider's own, up to Twilio's 15s)
  --webhook-queue-bytes BYTES
                         most webhooks waiting for one receiver may take; past it they are
                         dropped, logged and counted (default 33554432)
  --max-numbers-per-order N
                         most numbers a Telnyx or Bandwidth order (or check) may list
                         (default 5000, Bandwidth's documented limit)
  --scenario FILE        load a world file (YAML): seed, clock, start, and per provider
                         accounts, number profiles and rules; flags given after it win
  --state FILE           keep state, clock and pending timers in FILE across restarts: each
                         change is appended to FILE and synced before it is answered, and
                         FILE is restored on start; start again with the same flags
  --state-compact BYTES  compact the --state file into a snapshot of the state once it is
                         this large and has doubled since the last compaction (default
                         16777216)
  --scenarios DIR        the folder the console's scenario picker lists (default: ./scenarios
                         when it exists, else the installed PREFIX/share/hnemu/scenarios)
  --no-default-account   do not create the default Twilio account

Once ready it prints "hnemu listening on http://HOST:PORT"; the console is at /__hnemu/ui.
SIGINT or SIGTERM stops it.
Default accounts: Twilio ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa / your_auth_token;
Telnyx API key KEYhnemu0000000000000000000000000_default; Bandwidth 9900000, hnemu / hnemu-password.
)";

// SIGINT and SIGTERM, from the moment they are blocked (before any thread starts, so that every
// thread inherits the mask): while hnemu is still starting (a long replay of a state file), one
// ends the process at once; once it serves, main() is told and stops cleanly.
class StopSignals {
 public:
  // `on_signal`, if given, is called (on the signal thread) for a signal that arrives once serving.
  explicit StopSignals(std::function<void(int)> on_signal = nullptr)
      : on_signal_(std::move(on_signal)) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    std::thread([this] {
      int received = 0;
      sigwait(&signals_, &received);
      std::unique_lock lock(mutex_);
      received_ = received;
      if (!serving_) {
        std::cerr << "hnemu: stopped while starting (" << name(received) << ")" << std::endl;
        std::_Exit(128 + received);
      }
      cv_.notify_all();
      if (on_signal_) {
        on_signal_(received);
      }
    }).detach();
  }
  void serving() {
    std::lock_guard lock(mutex_);
    serving_ = true;
  }
  int wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return received_ != 0; });
    return received_;
  }
  static const char* name(int signal) { return signal == SIGINT ? "SIGINT" : "SIGTERM"; }

 private:
  std::function<void(int)> on_signal_;
  sigset_t signals_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool serving_ = false;
  int received_ = 0;
};

// Where the console's scenario picker looks unless --scenarios says: ./scenarios when it exists
// (a checkout of this repository, or a project that keeps its own), else the named scenarios
// installed beside the binary. The installed folder is found from the executable's own path, so
// a prefix that was moved or unpacked elsewhere still works. Empty when neither exists.
std::string defaultScenariosDir() {
  namespace fs = std::filesystem;
  std::error_code missing;
  if (fs::is_directory("scenarios", missing)) {
    return "scenarios";
  }
  const fs::path executable = fs::read_symlink("/proc/self/exe", missing);
  if (missing) {
    return "";
  }
  const fs::path installed =
      (executable.parent_path() / HNEMU_SCENARIOS_FROM_BINDIR).lexically_normal();
  return fs::is_directory(installed, missing) ? installed.string() : "";
}

int fail(const std::string& message) {
  std::cerr << "hnemu: " << message << "\n(see hnemu --help)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "hnemu " << hnemu::kVersion << "\n";
    return 0;
  }
  if (args[0] == "check") {
    if (args.size() < 2) {
      return fail("check needs at least one scenario file");
    }
    int status = 0;
    for (size_t i = 1; i < args.size(); ++i) {
      const auto scenario = hnemu::loadScenarioFile(args[i]);
      if (!scenario.ok()) {
        std::cerr << scenario.error().message << "\n";
        status = 1;
        continue;
      }
      const hnemu::Expectations& expect = scenario.value().expect;
      std::cout << args[i] << ": ok ("
                << (scenario.value().provider.empty() ? "no provider" : scenario.value().provider)
                << ", " << expect.judgedFromState() + (expect.client ? 1 : 0)
                << " expectation group(s))\n";
    }
    return status;
  }
  if (args[0] == "conform") {
    auto options = hnemu::conform::parseArguments({args.begin() + 1, args.end()});
    if (!options.ok() && options.error().code == hnemu::ErrorCode::FailedPrecondition) {
      std::cout << options.error().message;  // --help
      return 0;
    }
    if (!options.ok()) {
      return fail("conform: " + options.error().message);
    }
    // A stop signal goes on to the clients; the reports are still written for what finished.
    StopSignals stop_signals([](int signal) { hnemu::conform::interrupt(signal); });
    stop_signals.serving();
    return hnemu::conform::run(options.value(), std::cout, std::cerr);
  }
  if (args[0] == "explore") {
    auto options = hnemu::explore::parseArguments({args.begin() + 1, args.end()});
    if (!options.ok() && options.error().code == hnemu::ErrorCode::FailedPrecondition) {
      std::cout << options.error().message;  // --help
      return 0;
    }
    if (!options.ok()) {
      return fail("explore: " + options.error().message);
    }
    StopSignals stop_signals([](int signal) { hnemu::conform::interrupt(signal); });
    stop_signals.serving();
    return hnemu::explore::run(options.value(), std::cout, std::cerr);
  }
  if (args[0] != "serve") {
    return fail("unknown command '" + args[0] + "'");
  }
  hnemu::EmulatorOptions options;
  if (const char* token = std::getenv("HNEMU_ADMIN_TOKEN"); token != nullptr) {
    options.admin_token = token;
  }
  std::optional<hnemu::Scenario> scenario;
  std::string scenario_text;  // fingerprinted into a state file's base
  std::string state_path;
  hnemu::StateFileOptions state_options;
  std::error_code no_folder;
  options.scenarios_dir = defaultScenariosDir();
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (flag == "--no-default-account") {
      options.default_accounts = false;
      continue;
    }
    if (flag == "--allow-remote") {
      options.allow_remote = true;
      continue;
    }
    if (i + 1 >= args.size()) {
      return fail("flag " + flag + " needs a value");
    }
    const std::string& value = args[++i];
    const std::optional<uint64_t> number = hnemu::parseUnsigned(value);
    if (flag == "--host") {
      options.host = value;
    } else if (flag == "--port") {
      if (!number || *number > 65535) {
        return fail("--port must be 0-65535");
      }
      options.port = static_cast<int>(*number);
    } else if (flag == "--seed") {
      if (!number) {
        return fail("--seed must be a non-negative integer");
      }
      options.seed = *number;
    } else if (flag == "--clock") {
      auto mode = hnemu::parseClockMode(value);
      if (!mode.ok()) {
        return fail(mode.error().message);
      }
      options.clock_mode = mode.value();
    } else if (flag == "--start") {
      auto start = hnemu::parseIso8601(value);
      if (!start.ok()) {
        return fail("--start: " + start.error().message);
      }
      options.start_time = start.value();
    } else if (flag == "--scenario") {
      auto text = hnemu::readScenarioFile(value);
      if (!text.ok()) {
        return fail(text.error().message);
      }
      scenario_text = std::move(text).value();
      auto parsed = hnemu::parseScenario(scenario_text, value);
      if (!parsed.ok()) {
        return fail(parsed.error().message);
      }
      scenario = std::move(parsed).value();
      // The file's settings apply now, so that flags after --scenario override them.
      const hnemu::WorldFile& world = scenario->world;
      if (world.seed) {
        options.seed = *world.seed;
      }
      if (world.clock) {
        options.clock_mode = *world.clock;
      }
      if (world.start) {
        options.start_time = *world.start;
      }
    } else if (flag == "--scenarios") {
      if (!std::filesystem::is_directory(value, no_folder)) {
        return fail("--scenarios: '" + value + "' is not a folder");
      }
      options.scenarios_dir = value;
    } else if (flag == "--state") {
      state_path = value;
    } else if (flag == "--state-compact") {
      if (!number || *number == 0) {
        return fail("--state-compact must be a positive number of bytes");
      }
      state_options.compact_bytes = *number;
    } else if (flag == "--admin-token") {
      if (value.empty()) {
        return fail("--admin-token must not be empty");
      }
      options.admin_token = value;
    } else if (flag == "--log") {
      if (value != "requests") {
        return fail("--log takes 'requests' (one line per request)");
      }
      options.log_requests = true;
    } else if (flag == "--log-format") {
      if (value != "text" && value != "json") {
        return fail("--log-format must be text or json");
      }
      options.log_json = value == "json";
    } else if (flag == "--auto-observe") {
      auto limit = hnemu::parseDuration(value);
      if (!limit.ok()) {
        return fail(
            "--auto-observe must be a duration such as 10s (0s: the auto clock does not "
            "wait for the client to see a change)");
      }
      options.auto_observe = limit.value();
    } else if (flag == "--webhook-timeout") {
      auto cap = hnemu::parseDuration(value);
      if (!cap.ok() || cap.value().count() <= 0) {
        return fail("--webhook-timeout must be a positive duration such as 500ms or 2s");
      }
      options.webhook_timeout_cap = cap.value();
    } else if (flag == "--webhook-queue-bytes") {
      if (!number || *number == 0) {
        return fail("--webhook-queue-bytes must be a positive number of bytes");
      }
      options.webhook_queue_bytes = *number;
    } else if (flag == "--max-numbers-per-order") {
      if (!number || *number == 0) {
        return fail("--max-numbers-per-order must be a positive number");
      }
      options.max_numbers_per_order = *number;
    } else if (flag == "--max-body") {
      if (!number || *number == 0) {
        return fail("--max-body must be a positive number of bytes");
      }
      options.max_body_bytes = *number;
    } else {
      return fail("unknown flag '" + flag + "'");
    }
  }

  StopSignals stop_signals;
  // Standard error carries the request log and hints; standard output only says where hnemu
  // listens (a parent that stops reading it must not end the server).
  std::signal(SIGPIPE, SIG_IGN);
  static std::mutex log_mutex;
  options.log = [](const std::string& line) {
    std::lock_guard lock(log_mutex);
    std::cerr << line << std::endl;
  };
  // A state file past the file-size limit must fail its write (and the request get 503), not
  // end the process.
  std::signal(SIGXFSZ, SIG_IGN);

  hnemu::Emulator emulator(options);
  if (scenario) {
    scenario->world.seed = options.seed;
    scenario->world.clock = options.clock_mode;
    scenario->world.start = options.start_time;
    emulator.loadScenario(std::move(*scenario));
  }
  std::unique_ptr<hnemu::StateFile> state_file;
  if (!state_path.empty()) {
    // What the inputs in the file were applied on top of: the same start replays to the same state.
    const nlohmann::json base = {
        {"seed", options.seed},
        {"clock", hnemu::clockModeName(options.clock_mode)},
        {"start", hnemu::formatIso8601Millis(options.start_time)},
        {"scenario_sha256", scenario ? hnemu::crypto::sha256Hex(scenario_text) : ""},
        {"default_accounts", options.default_accounts},
        {"max_body", options.max_body_bytes},
        {"max_numbers_per_order", options.max_numbers_per_order}};
    hnemu::RestoreReport report;
    auto opened = hnemu::StateFile::open(state_path, emulator, base, &report, state_options);
    if (!opened.ok()) {
      std::cerr << "hnemu: --state: " << opened.error().message << std::endl;
      return 2;
    }
    state_file = std::move(opened).value();
    if (report.restored) {
      std::cout << "hnemu restored "
                << (report.snapshot_inputs > 0
                        ? "a snapshot of " + std::to_string(report.snapshot_inputs) +
                              " input(s) and "
                        : std::string())
                << report.inputs << " input(s) from " << state_path << " (" << report.checkpoints
                << " checkpoint(s) verified)" << std::endl;
      if (report.dropped_torn_input) {
        std::cerr << "hnemu: " << state_path
                  << ": dropped a last input that a kill cut short while it was written (it was "
                     "never answered)"
                  << std::endl;
      }
    }
  }
  auto port = emulator.start();
  if (!port.ok()) {
    std::cerr << "hnemu: " << port.error().message << "\n";
    return 1;
  }
  std::cout << "hnemu listening on " << emulator.url() << "\n"
            << "hnemu console at " << emulator.url() << "/__hnemu/ui"
            << (options.admin_token.empty() ? "" : "#token=<the admin token>") << std::endl;
  stop_signals.serving();
  const int received = stop_signals.wait();
  std::cout << "hnemu stopping (" << StopSignals::name(received) << ")" << std::endl;
  emulator.stop();
  state_file.reset();  // the last save, before the emulator goes
  // Everything worth keeping is kept: no thread (a webhook still connecting to a receiver that
  // never accepts) may hold the exit up.
  std::cout.flush();
  std::_Exit(0);
}
