#pragma once

// Catch2 (v2) support: a fixture that gives each test a fresh, started emulator, and a listener
// that prints, for a test that failed, what the emulator saw (the loaded scenario's expectations,
// coverage and the timeline of requests and webhooks), as `hnemu conform` prints a failed run:
//
//   #include <hnemu/catch2.h>
//
//   TEST_CASE_METHOD(hnemu::catch2::Fixture, "a rejected number fails the order") {
//     emulator.loadScenarioFile("scenarios/twilio/carrier_rejected.yaml");
//     ...                                             // the client under test, on emulator.url()
//     REQUIRE(emulator.expectations().passed);
//   }
//
// Include it before <catch2/catch.hpp> (or define CATCH_CONFIG_EXTERNAL_INTERFACES first): a
// listener needs Catch's reporter interfaces. The listener registers itself once per program.
#if defined(TWOBLUECUBES_SINGLE_INCLUDE_CATCH_HPP_INCLUDED) && \
    !defined(CATCH_CONFIG_EXTERNAL_INTERFACES)
#error \
    "include <hnemu/catch2.h> before <catch2/catch.hpp>, or define CATCH_CONFIG_EXTERNAL_INTERFACES"
#endif
#ifndef CATCH_CONFIG_EXTERNAL_INTERFACES
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#endif
#include <hnemu/emulator.h>

#include <catch2/catch.hpp>
#include <exception>
#include <string>
#include <utility>

namespace hnemu {
inline namespace api {
namespace catch2 {
namespace detail {

// The emulator of the test running now (Catch2 runs tests on one thread), and what it saw if
// the test failed.
struct Watch {
  bool failed = false;  // an assertion of the test running now failed
  std::string report;
};

inline Watch& watch() {
  static Watch current;
  return current;
}

}  // namespace detail

// A started emulator per test case (per run through its sections), in `emulator`. For other
// options, derive and pass them:
//   struct AutoClock : hnemu::catch2::Fixture {
//     AutoClock() : Fixture(hnemu::Options{1, hnemu::ClockMode::Auto}) {}
//   };
class Fixture {
 public:
  Fixture() : Fixture(Options{}) {}
  explicit Fixture(Options options) : emulator(std::move(options)) { emulator.start(); }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  // A failed assertion, or an exception leaving the test: keep what the emulator saw, before it
  // goes, for the listener to print once Catch has reported the failure.
  ~Fixture() {
    detail::Watch& watch = detail::watch();
    if (!watch.failed && std::uncaught_exceptions() == 0) {
      return;
    }
    try {
      watch.report += emulator.report();
    } catch (const std::exception& error) {
      watch.report += std::string("    (no report: ") + error.what() + ")\n";
    }
    watch.failed = false;  // a later run through the test's sections reports its own failures
  }

  Emulator emulator;
};

// Prints the report a failed test's fixture kept, after Catch's own report of the failure.
class FailureReport : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    TestEventListenerBase::testCaseStarting(info);
    detail::watch() = detail::Watch{};
  }

  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (!stats.assertionResult.isOk()) {
      detail::watch().failed = true;
    }
    return TestEventListenerBase::assertionEnded(stats);
  }

  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    detail::Watch& watch = detail::watch();
    if (stats.totals.assertions.failed > 0 && !watch.report.empty()) {
      stream << "hnemu: what the emulator saw in \"" << stats.testInfo.name << "\":\n"
             << watch.report << std::flush;
    }
    watch = detail::Watch{};
    TestEventListenerBase::testCaseEnded(stats);
  }
};

namespace detail {
// One registration per program, however many test files include this header.
inline const Catch::ListenerRegistrar<FailureReport> kFailureReportRegistrar;
}  // namespace detail

}  // namespace catch2
}  // namespace api
}  // namespace hnemu
