#pragma once

#include <hnemu/coverage.h>
#include <hnemu/records.h>
#include <hnemu/scenario.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

// hnemu in process: the hosted-number provider emulator (Twilio Hosted Number Orders, Telnyx
// hosted SMS, Bandwidth Import TN) for a C++ client's test suite. Start one, point the client
// at url(), move the virtual clock, and judge what happened:
//
//   hnemu::Emulator emulator;                       // manual clock, seed 1, default accounts
//   emulator.start();                               // 127.0.0.1, a port the OS picks
//   emulator.loadScenarioFile("scenarios/twilio/carrier_rejected.yaml");
//   MyClient client(emulator.url());                // the code under test, on real HTTP
//   ...
//   emulator.advance("2d");                         // timers due on the way fire
//   emulator.runUntilIdle();                        // or let the world run to its end
//   assert(emulator.expectations().passed);
//
// The providers' default accounts (their documented test credentials) are in README.md; the
// control API that every call here mirrors is emulator/control/README.md. Link hnemu::emulator
// (CMake: find_package(hnemu CONFIG) or add_subdirectory), or `pkg-config hnemu`.
namespace hnemu {
// The public API's names: the emulator's internals use some of the same names in namespace hnemu,
// and this keeps the two apart in the linked program.
inline namespace api {

enum class ClockMode {
  Manual,    // time moves only when advance() or runUntilIdle() says so: what tests want
  Auto,      // jumps to the next timer whenever clients are quiet (as `hnemu conform` runs)
  Realtime,  // follows the wall clock
};

struct Options {
  std::uint64_t seed = 1;  // every id and code comes from it: the same run gives the same bytes
  ClockMode clock = ClockMode::Manual;
  // The virtual time at start and after every reset, ISO 8601 in UTC; empty: 2026-01-05T09:00:00Z.
  std::string start;
  int port = 0;                  // 0: the OS picks a free port (url() says which)
  bool default_accounts = true;  // each provider's documented test credentials
};

// What the emulator refuses: a scenario that does not load (the message names its file, line
// and column), an option or duration it cannot take, a port it cannot bind, a control request it
// answers with an error. status() is the HTTP status the control API answers the same request
// with (400 for bad input, 404 for something missing, 409 for a wrong moment).
class Error : public std::runtime_error {
 public:
  Error(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

// One emulator: every provider's API and the control API under /__hnemu/ on one loopback port,
// served on background threads. Its methods may be called from any thread, also while clients
// are using it. Each throws hnemu::Error when the emulator refuses.
class Emulator {
 public:
  // Throws Error when an option is invalid (an unreadable start time).
  explicit Emulator(Options options = {});
  // Stops serving.
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Binds 127.0.0.1 (on the port of Options, or one the OS picks) and serves until stop().
  void start();
  void stop();
  bool running() const;
  // "http://127.0.0.1:PORT": every provider's base URL (Twilio's domains, Telnyx's /v2, and
  // Bandwidth's /api all live under it). Throws Error before start().
  std::string url() const;
  int port() const;

  // Moves the virtual clock forward; every timer due on the way fires in order (verification
  // calls, reviews, carriers, timeouts, webhook retries). Returns how many fired.
  std::size_t advance(std::chrono::milliseconds by);
  // The same with a duration as scenarios write it: "90s", "7d", "1d12h" (units ms s m h d w).
  std::size_t advance(const std::string& duration);
  // Fires every pending timer in order, waiting after each for the webhooks it sent, until none
  // is left or `max_timers` fired: the world runs to its end, as `hnemu conform` lets it after
  // the client exits. Returns how many fired.
  std::size_t runUntilIdle(std::size_t max_timers = 10'000);
  // Waits, up to `timeout`, until no webhook is queued or being delivered; false if some still is.
  bool waitForWebhooks(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void setClock(ClockMode mode);
  std::string now() const;  // the virtual time, ISO 8601 in UTC with milliseconds

  // Back to the loaded world's start: no orders, numbers, calls, journal or webhooks, the
  // scenario's faults re-armed, the clock at its start; accounts and number profiles stay.
  void reset();
  void reset(std::uint64_t seed);

  // Loads a scenario (YAML, or JSON): its world and faults replace the current ones, then a
  // reset. Throws Error naming file, line and column when it does not load.
  ScenarioInfo loadScenarioFile(const std::string& path);
  // The same from the scenario's text; `source` names it in errors and in expectations' `where`.
  ScenarioInfo loadScenario(const std::string& text, const std::string& source = "scenario");
  // The loaded scenario's expectations judged against what happened so far (all but the client
  // process's own). Throws Error (404) when no scenario with expectations is loaded.
  Verdict expectations() const;
  // Transition coverage of one provider's lifecycles ("twilio"), or every provider's ("").
  std::vector<Coverage> coverage(const std::string& provider = "") const;

  // Verification codes that reached numbers, of one number (E.164) or all; oldest first.
  std::vector<InboxMessage> inbox(const std::string& number = "") const;
  // Verification calls placed, to one number or all.
  std::vector<Call> calls(const std::string& number = "") const;
  // Every webhook delivery with its attempts.
  std::vector<WebhookDelivery> webhooks() const;
  // The requests clients made (the newest 10,000).
  std::vector<JournalEntry> journal() const;
  // Every resource of one provider, or of all, as JSON text (orders with their status history,
  // numbers, documents, accounts): GET /__hnemu/state.
  std::string state(const std::string& provider = "") const;

  // The requests and webhooks in virtual-time order, one line each, as `hnemu conform` prints
  // them (the newest `max_lines`): "2026-01-05T09:00:00.000Z  -> POST /v2/HostedNumber/Orders 201".
  std::vector<std::string> timeline(std::size_t max_lines = 60) const;
  // What `hnemu conform -v` prints of a run: the loaded scenario's expectations (ok or FAIL,
  // with what was expected and what happened), its provider's coverage, and the timeline.
  std::string report() const;

  // Any other control API request (emulator/control/README.md and each provider's README):
  // `path` is under /__hnemu ("/faults", "/telnyx/messaging-profiles"), `body` JSON. Returns the
  // answer's body; throws Error when the answer is not 2xx.
  std::string control(const std::string& method, const std::string& path,
                      const std::string& body = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace api
}  // namespace hnemu
