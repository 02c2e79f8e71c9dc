// The proof of the provider seam: a fourth provider, registered through the registry alone, works
// with the control API, world files, scenario expectations, coverage, the state file, the
// console's description and the conformance harness, with no change outside its folder.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "emulator.h"
#include "harness/conform.h"
#include "providers/fake/kind.h"
#include "providers/registry.h"
#include "state/state_file.h"

using namespace hnemu;
using nlohmann::json;

namespace {

HttpResponse send(Emulator& emulator, const std::string& method, const std::string& target,
                  const std::string& body = "", const std::string& authorization = "") {
  auto request = requestFor(method, target, body);
  request.value().headers.emplace("Host", "127.0.0.1:1");
  request.value().host = "127.0.0.1:1";
  if (!body.empty()) {
    request.value().headers.emplace("Content-Type", "application/json");
  }
  if (!authorization.empty()) {
    request.value().headers.emplace("Authorization", authorization);
  }
  return emulator.handle(request.value());
}

const char* const kScenario = R"(
name: widgets
provider: fake
fake:
  tokens: [secret-token]
  numbers:
    "+15550001111": {outcome: done}
    "+15550002222": {outcome: failed}
  rules: {processing_after: 1h, done_after: 1d}
expect:
  orders:
    - {number: "+15550001111", status: done, visited: [received, processing, done]}
    - {number: "+15550002222", status: failed, not_visited: [done]}
  requests:
    - {method: POST, path: /fake/v1/widget-orders, status: 201, count: 2}
)";

std::string orderFor(Emulator& emulator, const std::string& number) {
  const HttpResponse created = send(emulator, "POST", "/fake/v1/widget-orders",
                                    json{{"number", number}}.dump(), "Token secret-token");
  REQUIRE(created.status == 201);
  return json::parse(created.body)["id"].get<std::string>();
}

}  // namespace

TEST_CASE("seam: a fake fourth provider registered through the registry alone works end to end",
          "[seam]") {
  ScopedProviderForTest registered(fake::kind());
  Emulator emulator;

  // The generic parts list it.
  const json health = json::parse(send(emulator, "GET", "/__hnemu/health").body);
  CHECK(health["providers"] == json({"twilio", "telnyx", "bandwidth", "fake"}));
  const json described = json::parse(send(emulator, "GET", "/__hnemu/providers").body);
  CHECK(described["providers"][3]["title"] == "Fake");
  CHECK(described["providers"][3]["resources"][0]["collection"] == "orders");

  // A world file section, by its key; expectations in its vocabulary.
  REQUIRE(send(emulator, "PUT", "/__hnemu/scenario", kScenario).status == 200);
  CHECK(send(emulator, "POST", "/fake/v1/widget-orders", R"({"number":"+15550001111"})",
             "Token wrong")
            .status == 401);
  const std::string done = orderFor(emulator, "+15550001111");
  orderFor(emulator, "+15550002222");
  emulator.advance(std::chrono::hours(48));
  const json verdict = json::parse(send(emulator, "GET", "/__hnemu/expectations").body);
  INFO(verdict.dump(2));
  CHECK(verdict["passed"] == true);
  CHECK(verdict["expectations"].size() == 5);

  // Coverage of its lifecycle.
  const json coverage = json::parse(send(emulator, "GET", "/__hnemu/coverage?provider=fake").body);
  CHECK(coverage["coverage"][0]["machine"] == "widget_order");
  CHECK(coverage["coverage"][0]["transitions_seen"] == 3);

  // Its control routes under /__hnemu/fake/, in the control API's error shape.
  CHECK(json::parse(send(emulator, "GET", "/__hnemu/fake/rules").body)["done_after"] == "1d");
  const HttpResponse finished =
      send(emulator, "POST", "/__hnemu/fake/widget-orders/" + done + "/finish",
           R"({"outcome":"failed"})");
  CHECK(finished.status == 409);
  CHECK(json::parse(finished.body)["error"]["message"] == "the order is not processing");
  CHECK(send(emulator, "PUT", "/__hnemu/fake/numbers/+15550003333", R"({"outcome":"failed"})")
            .status == 200);
  // A fault on its routes answers in its own shape.
  REQUIRE(send(emulator, "POST", "/__hnemu/faults", R"({"provider":"fake","status":503})").status ==
          201);
  const HttpResponse faulted =
      send(emulator, "GET", "/fake/v1/widget-orders/" + done, "", "Token secret-token");
  CHECK(faulted.status == 503);
  CHECK(json::parse(faulted.body)["fake_error"]["code"] == "E503");

  // Scenario errors speak its vocabulary.
  const auto unknown = parseScenario(
      "provider: fake\nfake: {numbers: {\"+15550001111\": {}}}\nexpect:\n  orders:\n"
      "    - {number: \"+15550001111\", status: shipped}\n",
      "f.yaml");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("'shipped' is not a fake order status; expected one of: "
                                     "received, processing, done, failed") != std::string::npos);
  const auto typo = parseScenario("fake: {tokenz: []}\n", "f.yaml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().message.rfind("f.yaml:1:8: fake.tokenz: unknown key", 0) == 0);
}

TEST_CASE("seam: the fake provider's state survives a restart through the state file", "[seam]") {
  ScopedProviderForTest registered(fake::kind());
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("hnemu-seam-" + std::to_string(::getpid()));
  std::filesystem::remove(path);
  json saved;
  {
    Emulator first;
    auto file = StateFile::open(path.string(), first, json{{"test", "seam"}}, nullptr);
    REQUIRE(file.ok());
    REQUIRE(send(first, "PUT", "/__hnemu/scenario", kScenario).status == 200);
    orderFor(first, "+15550001111");
    REQUIRE(send(first, "POST", "/__hnemu/clock", R"({"advance":"2h"})").status == 200);
    saved = first.state();
  }
  Emulator second;
  RestoreReport report;
  auto file = StateFile::open(path.string(), second, json{{"test", "seam"}}, &report);
  REQUIRE(file.ok());
  CHECK(report.checkpoints >= 1);
  CHECK(second.state()["fake"] == saved["fake"]);
  CHECK(second.state()["fake"]["orders"][0]["status"] == "processing");
  file = Error{};
  std::filesystem::remove(path);
}

#ifdef HNEMU_NODE
TEST_CASE("seam: the conformance harness runs a client against the fake provider", "[seam]") {
  ScopedProviderForTest registered(fake::kind());
  auto scenario = parseScenario(std::string(kScenario) + R"(
  client: {reported: failed}
client:
  env: {NUMBER: "+15550002222"}
)",
                                "widgets.yaml");
  REQUIRE(scenario.ok());
  const std::string client = R"(
const base = process.env.HNEMU_BASE_URL;
const headers = { Authorization: `Token ${process.env.HNEMU_FAKE_TOKEN}`, 'Content-Type': 'application/json' };
const call = async (method, path, body) =>
  (await fetch(base + path, { method, headers, body: body && JSON.stringify(body) })).json();
let order = await call('POST', '/fake/v1/widget-orders', { number: process.env.NUMBER });
await call('POST', '/fake/v1/widget-orders', { number: '+15550001111' });
while (!['done', 'failed'].includes(order.status)) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  order = await call('GET', `/fake/v1/widget-orders/${order.id}`);
}
require('fs').writeFileSync(process.env.HNEMU_REPORT_FILE, JSON.stringify({ status: order.status }));
)";
  const conform::ScenarioRun run = conform::runScenario(
      scenario.value(),
      {HNEMU_NODE, "--input-type=commonjs", "-e",
       "(async () => {" + client + "})().catch((e) => { console.error(e); process.exit(3); })"});
  INFO(conform::textReport(run, true));
  CHECK(run.passed());
  CHECK(conform::junitReport({run}).find("testsuite name=\"fake\"") != std::string::npos);
}
#endif
