#include "state/state_file.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "core/crypto.h"
#include "providers/telnyx/routes.h"
#include "testing/binary.h"
#include "testing/requests.h"

using namespace hnemu;
using nlohmann::json;

namespace {

// A folder of its own for each test, removed afterwards.
struct TempFolder {
  std::filesystem::path root;
  explicit TempFolder(const std::string& name)
      : root(std::filesystem::temp_directory_path() /
             ("hnemu-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
  }
  ~TempFolder() { std::filesystem::remove_all(root); }
  std::string file(const std::string& name) const { return (root / name).string(); }
};

// Every order's status callback goes to a port nothing listens on.
const std::string kCallback = "&StatusCallbackUrl=http%3A%2F%2F127.0.0.1%3A9%2Fhook";

const json kBase = {{"seed", 1}, {"test", "state_file_test"}};

// A run that touches every kind of input: provider requests of all three providers, control
// actions, a clock move, an injected fault answered on a read.
void driveARun(Emulator& emulator) {
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody("+14153608311", kCallback))
              .status == 201);
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody("+14153608312", kCallback))
              .status == 201);
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/clock", R"({"advance":"26h"})").status == 200);
  REQUIRE(testing::send(emulator, "POST", "/v2/messaging_hosted_number_orders",
                        R"({"phone_numbers":["+13125550001"]})", "application/json",
                        "Bearer " + std::string(telnyx::kDefaultApiKey))
              .status == 200);
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/faults",
                        R"({"provider":"twilio","method":"GET","status":503,"times":1})")
              .status == 201);
  REQUIRE(testing::sendTwilio(emulator, "GET", "/v2/HostedNumber/Orders").status == 503);
  REQUIRE(testing::sendTwilio(emulator, "GET", "/v2/HostedNumber/Orders").status == 200);
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/clock", R"({"advance":"3h"})").status == 200);
  // Leaves a timer pending: the import order's processing.
  REQUIRE(testing::send(
              emulator, "POST", "/api/accounts/9900000/importTnOrders",
              "<ImportTnOrder><SiteId>222</SiteId><Subscriber><Name>Owner</Name><ServiceAddress>"
              "<HouseNumber>1</HouseNumber><StreetName>Main</StreetName><City>Raleigh</City>"
              "<StateCode>NC</StateCode><Zip>27601</Zip><County>Wake</County></ServiceAddress>"
              "</Subscriber><LoaAuthorizingPerson>The Owner</LoaAuthorizingPerson>"
              "<TelephoneNumbers><TelephoneNumber>9195551234</TelephoneNumber>"
              "</TelephoneNumbers></ImportTnOrder>",
              "application/xml", basicAuthorization("hnemu", "hnemu-password"))
              .status == 201);
}

json comparable(Emulator& emulator) {
  json state = emulator.state();
  state["pending_timers"] = json::array();
  for (const PendingTimer& timer : emulator.clock().pendingTimers()) {
    state["pending_timers"].push_back({formatIso8601Millis(timer.due), timer.label});
  }
  return state;
}

}  // namespace

TEST_CASE("state file: a restart restores state, clock and pending timers exactly", "[state]") {
  TempFolder folder("state");
  const std::string path = folder.file("state.json");
  Emulator first(testing::quietOptions());
  json saved;
  {
    RestoreReport report;
    auto file = StateFile::open(path, first, kBase, &report);
    REQUIRE(file.ok());
    CHECK_FALSE(report.restored);
    driveARun(first);
    saved = comparable(first);
    REQUIRE_FALSE(saved["pending_timers"].empty());
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));

  Emulator second(testing::quietOptions());
  RestoreReport report;
  auto file = StateFile::open(path, second, kBase, &report);
  REQUIRE(file.ok());
  CHECK(report.restored);
  CHECK(report.checkpoints >= 1);  // the one written on close matched the replayed state
  CHECK_FALSE(report.dropped_torn_input);
  CHECK(report.inputs >= 7);
  CHECK(comparable(second) == saved);
  // The fault was used up before the restart, and stays used up.
  CHECK(testing::sendTwilio(second, "GET", "/v2/HostedNumber/Orders").status == 200);

  // The restored timers behave as the originals would have.
  first.advance(std::chrono::hours(24 * 30));
  second.advance(std::chrono::hours(24 * 30));
  CHECK(comparable(second) == comparable(first));

  // And what happens after the restart is saved on top.
  REQUIRE(testing::sendTwilio(second, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody("+14153608313", kCallback))
              .status == 201);
  const json after = comparable(second);
  file.value().reset();
  Emulator third(testing::quietOptions());
  auto again = StateFile::open(path, third, kBase, &report);
  REQUIRE(again.ok());
  CHECK(report.checkpoints >= 2);
  CHECK(comparable(third) == after);
}

TEST_CASE("state file: a second file on an emulator that saved to another one takes its inputs",
          "[state]") {
  TempFolder folder("state-second");
  Emulator emulator(testing::quietOptions());
  for (const std::string number : {"+14153608314", "+14153608315"}) {
    auto file = StateFile::open(folder.file(number + ".json"), emulator, kBase, nullptr);
    REQUIRE(file.ok());
    // Each file numbers its inputs from 1: the second's first create must not wait for a turn
    // the first file's inputs already took.
    CHECK(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody(number))
              .status == 201);
  }
}

TEST_CASE("state file: a restore after a reset and a scenario load replays them too", "[state]") {
  TempFolder folder("state-reset");
  const std::string path = folder.file("state.json");
  Emulator first(testing::quietOptions());
  json saved;
  {
    auto file = StateFile::open(path, first, kBase, nullptr);
    REQUIRE(file.ok());
    driveARun(first);
    REQUIRE(testing::send(first, "PUT", "/__hnemu/scenario",
                          "seed: 7\nclock: auto\ntwilio:\n  numbers:\n    \"+14155550100\": {}\n")
                .status == 200);
    REQUIRE(testing::send(first, "POST", "/__hnemu/clock", R"({"mode":"manual"})").status == 200);
    REQUIRE(testing::sendTwilio(first, "POST", "/v2/HostedNumber/Orders",
                                testing::twilioOrderBody("+14155550100", kCallback))
                .status == 201);
    saved = comparable(first);
  }
  Emulator second(testing::quietOptions());
  RestoreReport report;
  auto file = StateFile::open(path, second, kBase, &report);
  REQUIRE(file.ok());
  CHECK(report.checkpoints >= 1);
  CHECK(comparable(second) == saved);
  CHECK(second.seed() == 7);
}

TEST_CASE("state file: a scenario loaded from the folder is recorded as its content", "[state]") {
  TempFolder folder("state-scenario-file");
  const std::string path = folder.file("state.json");
  std::filesystem::create_directories(folder.root / "scenarios");
  std::ofstream(folder.file("scenarios/picked.yaml")) << "name: picked\nseed: 5\n";
  EmulatorOptions options = testing::quietOptions();
  options.scenarios_dir = folder.file("scenarios");
  {
    Emulator first(options);
    auto file = StateFile::open(path, first, kBase, nullptr);
    REQUIRE(file.ok());
    REQUIRE(testing::send(first, "POST", "/__hnemu/scenarios/load", R"({"file":"picked.yaml"})")
                .status == 200);
    REQUIRE(first.seed() == 5);
  }
  // The file changes afterwards; the restart restores what was loaded then.
  std::ofstream(folder.file("scenarios/picked.yaml"), std::ios::trunc) << "name: later\nseed: 9\n";
  Emulator second(options);
  RestoreReport report;
  auto file = StateFile::open(path, second, kBase, &report);
  REQUIRE(file.ok());
  CHECK(report.checkpoints >= 1);
  CHECK(second.seed() == 5);
  const json loaded = json::parse(testing::send(second, "GET", "/__hnemu/scenario").body);
  CHECK(loaded["scenario"]["name"] == "picked");
  CHECK(loaded["scenario"]["source"].get<std::string>().find("picked.yaml") != std::string::npos);
}

namespace {

std::string readFile(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path, std::ios::binary).rdbuf();
  return text.str();
}

// The file's lines (each with its newline).
std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t at = 0; at < text.size();) {
    const size_t end = std::min(text.find('\n', at), text.size() - 1);
    lines.push_back(text.substr(at, end + 1 - at));
    at = end + 1;
  }
  return lines;
}

// Recomputes every line's chained checksum, as someone editing the file on purpose would.
std::string rechained(const std::vector<std::string>& lines) {
  std::string out = lines.at(0);
  std::string chain = crypto::sha256Hex(lines.at(0)).substr(0, 32);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string record = lines[i].substr(33);
    record.pop_back();  // the newline
    chain = crypto::sha256Hex(chain + record).substr(0, 32);
    out += chain + " " + record + "\n";
  }
  return out;
}

// The index of the first line whose record starts with `prefix` ("{\"input\"").
size_t lineWith(const std::vector<std::string>& lines, const std::string& prefix) {
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].compare(33, prefix.size(), prefix) == 0) {
      return i;
    }
  }
  FAIL("no line starts with " << prefix);
  return 0;
}

}  // namespace

TEST_CASE(
    "state file: compacted into a snapshot as it grows, a restart restores the snapshot and the "
    "inputs after it, exactly",
    "[state]") {
  TempFolder folder("state-compact");
  const std::string path = folder.file("state.json");
  StateFileOptions options;
  options.compact_bytes = 8 * 1024;
  // A session that changes a small state many times: the history outgrows the state.
  auto drive = [](Emulator& emulator, const std::function<void()>& after_each) {
    driveARun(emulator);
    for (int i = 0; i < 1000; ++i) {
      if (i % 100 == 0) {
        REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                                    testing::twilioOrderBody("+1415360" + std::to_string(8400 + i)))
                    .status == 201);
      }
      REQUIRE(testing::send(emulator, "POST", "/__hnemu/clock", R"({"advance":"7m"})").status ==
              200);
      after_each();
    }
    // Leaves a timer pending.
    REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                                testing::twilioOrderBody("+14153608399", kCallback))
                .status == 201);
  };
  StateFileOptions never;
  never.compact_bytes = std::numeric_limits<uint64_t>::max();
  uint64_t uncompacted = 0;
  {
    Emulator whole(testing::quietOptions());
    auto file = StateFile::open(folder.file("whole.json"), whole, kBase, nullptr, never);
    REQUIRE(file.ok());
    drive(whole, [] {});
    file.value().reset();
    uncompacted = std::filesystem::file_size(folder.file("whole.json"));
  }
  size_t inputs = 0;
  for (const std::string& line : linesOf(readFile(folder.file("whole.json")))) {
    inputs += line.compare(33, 9, "{\"input\":") == 0;
  }
  Emulator first(testing::quietOptions());
  json saved;
  uint64_t largest = 0;
  int compactions = 0;
  {
    auto file = StateFile::open(path, first, kBase, nullptr, options);
    REQUIRE(file.ok());
    uint64_t size = 0;
    drive(first, [&] {
      const uint64_t now = std::filesystem::file_size(path);
      compactions += now < size;
      size = now;
      largest = std::max(largest, now);
    });
    saved = comparable(first);
    REQUIRE_FALSE(saved["pending_timers"].empty());
  }
  INFO("largest " << largest << " bytes; uncompacted " << uncompacted);
  CHECK(compactions >= 2);
  CHECK(largest * 2 < uncompacted);
  const std::vector<std::string> lines = linesOf(readFile(path));
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0].find("\"version\":3") != std::string::npos);
  CHECK(lines[1].find("{\"snapshot\"") == 33);
  CHECK(lines[2].find("{\"checkpoint\"") == 33);
  CHECK_FALSE(std::filesystem::exists(path + ".compact"));

  Emulator second(testing::quietOptions());
  RestoreReport report;
  auto file = StateFile::open(path, second, kBase, &report, options);
  REQUIRE(file.ok());
  CHECK(report.restored);
  CHECK(report.snapshot_inputs > 0);
  CHECK(report.snapshot_inputs + report.inputs == inputs);
  CHECK(comparable(second) == saved);
  first.advance(std::chrono::hours(24 * 30));
  second.advance(std::chrono::hours(24 * 30));
  CHECK(comparable(second) == comparable(first));
  // Ids go on from where they were.
  const auto next_first = testing::sendTwilio(first, "POST", "/v2/HostedNumber/Orders",
                                              testing::twilioOrderBody("+14153609999", kCallback));
  const auto next_second = testing::sendTwilio(second, "POST", "/v2/HostedNumber/Orders",
                                               testing::twilioOrderBody("+14153609999", kCallback));
  CHECK(next_second.body == next_first.body);
  const json after = comparable(second);
  file.value().reset();
  Emulator third(testing::quietOptions());
  REQUIRE(StateFile::open(path, third, kBase, &report, options).ok());
  CHECK(comparable(third) == after);
}

TEST_CASE("state file: an altered snapshot refuses to load and leaves the file as it was",
          "[state]") {
  TempFolder folder("state-compact-altered");
  const std::string path = folder.file("state.json");
  StateFileOptions options;
  options.compact_bytes = 2 * 1024;
  {
    Emulator first(testing::quietOptions());
    auto file = StateFile::open(path, first, kBase, nullptr, options);
    REQUIRE(file.ok());
    driveARun(first);
    for (int i = 0; i < 6; ++i) {
      REQUIRE(testing::sendTwilio(
                  first, "POST", "/v2/HostedNumber/Orders",
                  testing::twilioOrderBody("+1415360" + std::to_string(8400 + i), kCallback))
                  .status == 201);
    }
  }
  std::vector<std::string> lines = linesOf(readFile(path));
  REQUIRE(lines.size() >= 3);
  REQUIRE(lines[1].find("{\"snapshot\"") == 33);
  json snapshot = json::parse(lines[1].substr(33));
  json state = json::from_cbor(
      *crypto::base64Decode(snapshot["snapshot"]["cbor_base64"].get<std::string>()));
  // An order's status (its 13th field) made completed.
  state["providers"]["twilio"]["orders"].begin().value()[12] = 7;
  const std::vector<uint8_t> cbor = json::to_cbor(state);
  snapshot["snapshot"]["cbor_base64"] = crypto::base64Encode(std::string(cbor.begin(), cbor.end()));
  lines[1] = lines[1].substr(0, 33) + snapshot.dump() + "\n";
  const std::string altered = rechained(lines);
  std::ofstream(path, std::ios::trunc | std::ios::binary) << altered;

  Emulator second(testing::quietOptions());
  auto refused = StateFile::open(path, second, kBase, nullptr, options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("snapshot restores to a state that differs") !=
        std::string::npos);
  CHECK(readFile(path) == altered);

  // Cut short inside the snapshot (a truncated file, since a kill never tears a snapshot):
  // refused, not taken for a torn last input, which would drop everything it holds.
  const std::string truncated = rechained(lines).substr(0, lines[0].size() + lines[1].size() / 2);
  std::ofstream(path, std::ios::trunc | std::ios::binary) << truncated;
  {
    Emulator cut(testing::quietOptions());
    auto refused_cut = StateFile::open(path, cut, kBase, nullptr, options);
    REQUIRE_FALSE(refused_cut.ok());
    CHECK(refused_cut.error().message.find("its snapshot, is cut short") != std::string::npos);
    CHECK(readFile(path) == truncated);
  }

  // Its chain broken instead (the line edited, not rechained): refused as altered.
  lines[1][40] = lines[1][40] == 'a' ? 'b' : 'a';
  std::string unchained;
  for (const std::string& line : lines) {
    unchained += line;
  }
  std::ofstream(path, std::ios::trunc | std::ios::binary) << unchained;
  Emulator third(testing::quietOptions());
  auto broken = StateFile::open(path, third, kBase, nullptr, options);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message.find("checksum does not match") != std::string::npos);
}

TEST_CASE("state file: a corrupt, altered or foreign file gets a clear error and changes nothing",
          "[state]") {
  TempFolder folder("state-corrupt");
  const std::string path = folder.file("state.json");
  {
    Emulator emulator(testing::quietOptions());
    auto file = StateFile::open(path, emulator, kBase, nullptr);
    REQUIRE(file.ok());
    driveARun(emulator);
  }
  const std::string good = readFile(path);
  const std::vector<std::string> lines = linesOf(good);

  // `replays`: the file checks out line by line, so replay began before the refusal.
  auto expectRefused = [&](const std::string& content, const json& base, const std::string& says,
                           bool replays = false) {
    std::ofstream(path, std::ios::trunc | std::ios::binary) << content;
    Emulator emulator(testing::quietOptions());
    const json before = emulator.state();
    auto file = StateFile::open(path, emulator, base, nullptr);
    REQUIRE_FALSE(file.ok());
    INFO(file.error().message);
    CHECK(file.error().message.find(path) != std::string::npos);
    CHECK(file.error().message.find(says) != std::string::npos);
    if (!replays) {
      CHECK(emulator.state() == before);
    }
    CHECK(readFile(path) == content);  // a refused file is left as it was
  };
  expectRefused(std::string("\x00\x01garbage", 9), kBase, "not valid JSON");
  expectRefused(good.substr(0, lines[0].size() / 2), kBase, "not valid JSON");
  expectRefused("{}\n", kBase, "format");
  expectRefused("{\"format\":5}\n", kBase, "format");
  expectRefused("{\"format\":\"hnemu-state\",\"version\":\"one\"}\n", kBase, "version \"one\"");
  expectRefused("{\"format\":\"hnemu-state\",\"version\":99}\n", kBase, "version 99");
  expectRefused("{\"format\":\"hnemu-state\",\"version\":1,\"inputs\":[]}", kBase, "version 1");
  expectRefused(good, json{{"seed", 2}}, "another start");

  // An input changed after it was written: its checksum no longer matches.
  std::vector<std::string> altered = lines;
  const size_t input = lineWith(lines, "{\"input\"");
  json edited = json::parse(lines[input].substr(33));
  std::string body = *crypto::base64Decode(edited["input"]["body_base64"].get<std::string>());
  const size_t digit = body.find("14153608311");
  REQUIRE(digit != std::string::npos);
  body[digit + 10] = '9';
  edited["input"]["body_base64"] = crypto::base64Encode(body);
  altered[input] = lines[input].substr(0, 33) + edited.dump() + "\n";
  std::string text;
  for (const std::string& line : altered) {
    text += line;
  }
  expectRefused(text, kBase, "line " + std::to_string(input + 1) + ": its checksum does not match");
  // The same change with every checksum recomputed: the replayed state differs from the digest
  // of the checkpoint written on close.
  expectRefused(rechained(altered), kBase, "replays to a state that differs", true);

  altered = lines;
  altered[input] = std::string(32, '0') + " {\"teleport\":1}\n";
  expectRefused(rechained(altered), kBase, "is neither an input nor a checkpoint");
  altered = lines;
  const size_t checkpoint = lineWith(lines, "{\"checkpoint\"");
  json record = json::parse(altered[checkpoint].substr(33));
  record["checkpoint"]["next_webhook_id"] = std::numeric_limits<uint64_t>::max();
  altered[checkpoint] = std::string(33, ' ') + record.dump() + "\n";
  expectRefused(rechained(altered), kBase, "next_webhook_id");
  record["checkpoint"]["next_webhook_id"] = 1;  // below the ids it logged
  altered[checkpoint] = std::string(33, ' ') + record.dump() + "\n";
  expectRefused(rechained(altered), kBase, "next_webhook_id");
}

TEST_CASE("state file: a torn last input (a kill mid-write) is dropped, the rest restored",
          "[state]") {
  TempFolder folder("state-torn");
  const std::string path = folder.file("state.json");
  json saved;
  {
    Emulator emulator(testing::quietOptions());
    auto file = StateFile::open(path, emulator, kBase, nullptr);
    REQUIRE(file.ok());
    driveARun(emulator);
    saved = comparable(emulator);
  }
  const std::string whole = readFile(path);
  std::ofstream(path, std::ios::app | std::ios::binary)
      << "0123456789abcdef0123456789abcdef {\"inp";
  Emulator emulator(testing::quietOptions());
  RestoreReport report;
  auto file = StateFile::open(path, emulator, kBase, &report);
  REQUIRE(file.ok());
  CHECK(report.dropped_torn_input);
  CHECK(comparable(emulator) == saved);
  CHECK(readFile(path) == whole);  // cut back to the last whole line
}

TEST_CASE("state file: created for its owner only, and never holding the admin token", "[state]") {
  TempFolder folder("state-private");
  const std::string path = folder.file("state.json");
  EmulatorOptions options = testing::quietOptions();
  options.admin_token = "s3cret-admin-token";
  Emulator first(options);
  {
    auto file = StateFile::open(path, first, kBase, nullptr);
    REQUIRE(file.ok());
    REQUIRE(testing::send(first, "POST", "/__hnemu/twilio/accounts",
                          R"({"sid":"ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","auth_token":"t"})",
                          "application/json", "Bearer s3cret-admin-token")
                .status == 201);
    REQUIRE(testing::send(first, "POST", "/__hnemu/clock", R"({"advance":"2h"})",
                          "application/json", "Bearer s3cret-admin-token")
                .status == 200);
    // Refused requests are not inputs.
    REQUIRE(testing::send(first, "POST", "/__hnemu/clock", R"({"advance":"5d"})",
                          "application/json", "Bearer wrong")
                .status == 401);
  }
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  CHECK(readFile(path).find("s3cret-admin-token") == std::string::npos);

  // Another token on the next start: the recorded control changes still apply.
  options.admin_token = "another-token";
  Emulator second(options);
  auto file = StateFile::open(path, second, kBase, nullptr);
  REQUIRE(file.ok());
  CHECK(comparable(second) == comparable(first));
  CHECK(second.now() == first.now());
  CHECK(second.state()["twilio"]["accounts"].size() == 2);
}

#ifdef HNEMU_BINARY
using testing::Served;
using testing::serveWithState;
using testing::waitExit;

TEST_CASE(
    "state file: kill -9 during heavy writes never leaves a file that cannot be loaded, "
    "and every acknowledged order survives",
    "[state][http]") {
  TempFolder folder("state-kill");
  const std::string path = folder.file("state.json");
  const std::string log = folder.file("hnemu.log");
  std::set<std::string> acknowledged;
  std::mutex acknowledged_mutex;
  int number = 0;
  // Compacted from 4 KiB, then each time the file doubles: kills land in compactions too, and
  // even a slow (sanitized) build compacts within the rounds.
  const std::vector<std::string> compact_often{"--state-compact", "4096"};
  for (int round = 0; round < 3; ++round) {
    const Served served = serveWithState(path, log, compact_often);
    INFO("round " << round << "; stderr in " << log);
    REQUIRE(served.port > 0);
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      const int first_number = number + w * 10000;
      writers.emplace_back([&, first_number] {
        httplib::Client client("127.0.0.1", served.port);
        client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                              std::string(twilio::kDefaultAuthToken).c_str());
        client.set_connection_timeout(std::chrono::seconds(2));
        client.set_read_timeout(std::chrono::seconds(5));
        for (int i = first_number; !stop; ++i) {
          const std::string phone = "+1415" + std::to_string(3000000 + i % 7000000);
          const auto created =
              client.Post("/v2/HostedNumber/Orders", testing::twilioOrderBody(phone, kCallback),
                          "application/x-www-form-urlencoded");
          if (!created) {
            return;  // killed
          }
          if (created->status == 201) {
            std::lock_guard lock(acknowledged_mutex);
            acknowledged.insert(json::parse(created->body)["sid"].get<std::string>());
          }
          if (i % 25 == 0) {
            client.Post("/__hnemu/clock", R"({"advance":"1h"})", "application/json");
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + 150 * round));
    REQUIRE(::kill(served.pid, SIGKILL) == 0);
    stop = true;
    for (std::thread& writer : writers) {
      writer.join();
    }
    const int status = waitExit(served.pid);
    CHECK(WIFSIGNALED(status));
    number += 40000;
  }
  REQUIRE(acknowledged.size() > 20);
  INFO(acknowledged.size() << " orders acknowledged across the rounds");

  // The last restart loads what every round acknowledged, from a snapshot and what followed it.
  CHECK(readFile(path).find("{\"snapshot\"") != std::string::npos);
  const Served served = serveWithState(path, log, compact_often);
  REQUIRE(served.port > 0);
  httplib::Client client("127.0.0.1", served.port);
  const auto state = client.Get("/__hnemu/state");
  REQUIRE(state);
  std::set<std::string> stored;
  const json restored = json::parse(state->body);
  for (const json& order : restored["twilio"]["hosted_number_orders"]) {
    stored.insert(order["sid"].get<std::string>());
  }
  size_t missing = 0;
  for (const std::string& sid : acknowledged) {
    missing += stored.count(sid) == 0;
  }
  INFO(stored.size() << " orders stored after the restart");
  CHECK(missing == 0);
  CHECK(readFile(log).find("replays to a state that differs") == std::string::npos);
  CHECK(served.printed.find("hnemu restored a snapshot of ") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path + ".compact"));
  ::kill(served.pid, SIGTERM);
  CHECK(WIFEXITED(waitExit(served.pid)));

  // A corrupt file: a clear message and exit status 2, no crash.
  std::ofstream(path, std::ios::trunc) << "{\"format\": \"hnemu-state\", \"inputs\": [\n";
  const Served refused = serveWithState(path, log);
  CHECK(refused.port == 0);
  const int status = waitExit(refused.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  std::stringstream errors;
  errors << std::ifstream(log).rdbuf();
  CHECK(errors.str().find("is not a state file hnemu can load") != std::string::npos);
}
#endif

#ifdef HNEMU_BINARY
namespace {

std::set<std::string> storedOrderSids(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  const auto listed = client.Get("/v2/HostedNumber/Orders?PageSize=1000");
  REQUIRE(listed);
  REQUIRE(listed->status == 200);
  std::set<std::string> sids;
  const json page = json::parse(listed->body);
  for (const json& order : page["items"]) {
    sids.insert(order["sid"].get<std::string>());
  }
  return sids;
}

}  // namespace

TEST_CASE(
    "state file: on a full disk a request is answered 503 and not applied, what was "
    "acknowledged survives kill -9",
    "[state][http]") {
  TempFolder folder("state-full");
  const std::string path = folder.file("state.json");
  // RLIMIT_FSIZE: every write past 24 KiB fails, as on a full disk (EFBIG instead of ENOSPC).
  // Compacted from 4 KiB: the disk fills with a snapshot in the file.
  const Served served =
      serveWithState(path, folder.file("first.log"), {"--state-compact", "4096"}, 24 * 1024);
  REQUIRE(served.port > 0);
  httplib::Client client("127.0.0.1", served.port);
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  std::set<std::string> acknowledged;
  int refused = 0;
  for (int i = 0; i < 200 && refused < 3; ++i) {
    const auto created =
        client.Post("/v2/HostedNumber/Orders",
                    testing::twilioOrderBody("+1415" + std::to_string(3000000 + i), kCallback),
                    "application/x-www-form-urlencoded");
    REQUIRE(created);
    if (created->status == 201) {
      CHECK(refused == 0);  // once the disk is full, nothing more is acknowledged
      acknowledged.insert(json::parse(created->body)["sid"].get<std::string>());
    } else {
      REQUIRE(created->status == 503);
      const json body = json::parse(created->body);  // Twilio's own error shape
      CHECK(body["status"] == 503);
      CHECK(body["code"] == 20503);
      ++refused;
    }
  }
  REQUIRE(acknowledged.size() >= 3);
  REQUIRE(refused == 3);
  // Refused means not applied: the live emulator holds the acknowledged orders only.
  CHECK(storedOrderSids(served.port) == acknowledged);
  const auto control = client.Post("/__hnemu/clock", R"({"advance":"1h"})", "application/json");
  REQUIRE(control);
  CHECK(control->status == 503);
  CHECK(json::parse(control->body)["error"]["status"] == 503);
  REQUIRE(::kill(served.pid, SIGKILL) == 0);
  waitExit(served.pid);
  CHECK(readFile(folder.file("first.log")).find("could not save to " + path) != std::string::npos);

  const Served restarted = serveWithState(path, folder.file("second.log"));
  REQUIRE(restarted.port > 0);
  CHECK(storedOrderSids(restarted.port) == acknowledged);
  ::kill(restarted.pid, SIGTERM);
  CHECK(WIFEXITED(waitExit(restarted.pid)));
}

TEST_CASE(
    "state file: a file whose inputs were altered refuses to start (exit 2, the file "
    "named, the file unchanged)",
    "[state][http]") {
  TempFolder folder("state-altered");
  const std::string path = folder.file("state.json");
  const std::string log = folder.file("hnemu.log");
  const Served served = serveWithState(path, log);
  REQUIRE(served.port > 0);
  httplib::Client client("127.0.0.1", served.port);
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  for (const char* number : {"+14153608311", "+14153608312"}) {
    REQUIRE(client
                .Post("/v2/HostedNumber/Orders", testing::twilioOrderBody(number, kCallback),
                      "application/x-www-form-urlencoded")
                ->status == 201);
  }
  ::kill(served.pid, SIGTERM);  // a clean stop writes a checkpoint
  REQUIRE(WIFEXITED(waitExit(served.pid)));
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));

  std::vector<std::string> lines = linesOf(readFile(path));
  const size_t input = lineWith(lines, "{\"input\"");
  json edited = json::parse(lines[input].substr(33));
  edited["input"]["at"] = "2026-01-05T09:30:00.000Z";  // applied half an hour later
  lines[input] = lines[input].substr(0, 33) + edited.dump() + "\n";
  const std::string altered = rechained(lines);
  std::ofstream(path, std::ios::trunc | std::ios::binary) << altered;

  const Served refused = serveWithState(path, log);
  CHECK(refused.port == 0);
  const int status = waitExit(refused.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  const std::string said = readFile(log);
  CHECK(said.find(path) != std::string::npos);
  CHECK(said.find("replays to a state that differs") != std::string::npos);
  CHECK(readFile(path) == altered);
}
#endif

TEST_CASE("state file: a realtime run restarts, its digests hold", "[state]") {
  TempFolder folder("state-realtime");
  const std::string path = folder.file("state.json");
  EmulatorOptions options = testing::quietOptions();
  options.clock_mode = ClockMode::Realtime;
  json saved;
  {
    Emulator first(options);
    auto file = StateFile::open(path, first, kBase, nullptr, StateFileOptions{3});
    REQUIRE(file.ok());
    for (int i = 0; i < 8; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(15));  // the wall clock moves on
      REQUIRE(testing::sendTwilio(
                  first, "POST", "/v2/HostedNumber/Orders",
                  testing::twilioOrderBody("+1415360831" + std::to_string(i), kCallback))
                  .status == 201);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    saved = first.state()["twilio"];
  }
  Emulator second(options);
  RestoreReport report;
  auto file = StateFile::open(path, second, kBase, &report);
  INFO((file.ok() ? std::string("restored") : file.error().message));
  REQUIRE(file.ok());
  CHECK(report.checkpoints >= 3);
  CHECK(second.state()["twilio"]["hosted_number_orders"] == saved["hosted_number_orders"]);
}

TEST_CASE("state file: one hnemu per file, regular files only, never the admin token", "[state]") {
  TempFolder folder("state-exclusive");
  const std::string path = folder.file("state.json");
  EmulatorOptions options = testing::quietOptions();
  options.admin_token = "s3cret-admin-token";
  Emulator first(options);
  auto file = StateFile::open(path, first, kBase, nullptr);
  REQUIRE(file.ok());
  Emulator second(options);
  auto again = StateFile::open(path, second, kBase, nullptr);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message.find("in use by another hnemu") != std::string::npos);
  // A client that sends the admin token along with every request, to a provider too.
  REQUIRE(testing::send(first, "POST", "/v2/messaging_hosted_number_orders",
                        R"({"phone_numbers":["+13125550001"]})", "application/json",
                        "Bearer s3cret-admin-token")
              .status == 401);
  auto request = requestFor("POST", "/v2/HostedNumber/Orders",
                            testing::twilioOrderBody("+14153608311", kCallback));
  request.value().headers.emplace("X-Hnemu-Admin-Token", "s3cret-admin-token");
  request.value().headers.emplace(
      "Authorization", basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken));
  REQUIRE(first.handle(request.value()).status == 201);
  file = Error{};
  CHECK(readFile(path).find("s3cret-admin-token") == std::string::npos);

  // Something that is not a regular file is refused at once (a FIFO would block a reader).
  const std::string fifo = folder.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  Emulator third(options);
  auto refused = StateFile::open(fifo, third, kBase, nullptr);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("not a regular file") != std::string::npos);
  CHECK((std::filesystem::status(fifo).permissions() & std::filesystem::perms::all) !=
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
}

#ifdef HNEMU_BINARY
TEST_CASE("state file: a stop signal while a long replay runs ends the process at once",
          "[state][http]") {
  TempFolder folder("state-long-replay");
  const std::string path = folder.file("state.json");
  // A real run's file, for the binary's base (the flags serveWithState gives).
  const Served first = serveWithState(path, folder.file("first.log"));
  REQUIRE(first.port > 0);
  httplib::Client client("127.0.0.1", first.port);
  REQUIRE(client.Post("/__hnemu/clock", R"({"advance":"1s"})", "application/json")->status == 200);
  ::kill(first.pid, SIGTERM);
  waitExit(first.pid);
  // Its one input, 200,000 times over, with the checksums a real run would have written.
  std::vector<std::string> lines = linesOf(readFile(path));
  const std::string input = lines.at(lineWith(lines, "{\"input\""));
  lines.resize(1);
  lines.insert(lines.end(), 200000, input);
  std::ofstream(path, std::ios::trunc | std::ios::binary) << rechained(lines);

  const pid_t replaying =
      testing::startBinary({"serve", "--port", "0", "--state", path}, folder.file("second.log"));
  REQUIRE(testing::waitSignalBlocked(replaying, SIGTERM));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // into the replay
  const auto signalled = std::chrono::steady_clock::now();
  REQUIRE(::kill(replaying, SIGTERM) == 0);
  const int status = waitExit(replaying);
  INFO("exit status " << status << ", signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
  CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(1));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 128 + SIGTERM);
  CHECK(readFile(folder.file("second.log")).find("stopped while starting") != std::string::npos);
}
#endif

#ifdef HNEMU_BINARY
TEST_CASE("state file: a restart does not print again the hints of the reads it replays",
          "[state][http]") {
  TempFolder folder("state-hints");
  const std::string path = folder.file("state.json");
  const std::vector<std::string> manual{"--clock", "manual"};
  const Served first = serveWithState(path, folder.file("first.log"), manual);
  REQUIRE(first.port > 0);
  httplib::Client client("127.0.0.1", first.port);
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  const auto created =
      client.Post("/v2/HostedNumber/Orders", testing::twilioOrderBody("+14153608311", kCallback),
                  "application/x-www-form-urlencoded");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  ::kill(first.pid, SIGTERM);
  waitExit(first.pid);
  REQUIRE(readFile(folder.file("first.log")).find("hnemu: hint: ") != std::string::npos);

  const Served second = serveWithState(path, folder.file("second.log"), manual);
  REQUIRE(second.port > 0);
  ::kill(second.pid, SIGTERM);
  waitExit(second.pid);
  CHECK(second.printed.find("hnemu restored") != std::string::npos);
  CHECK(readFile(folder.file("second.log")).find("hnemu: hint: ") == std::string::npos);
}
#endif

TEST_CASE(
    "state file: checkpoints digest the resources as they change, a file whose checkpoints digest "
    "the whole state (written by an earlier hnemu) still restores",
    "[state]") {
  TempFolder folder("state-digest-kinds");
  const std::string path = folder.file("state.json");
  const std::string start_digest = Emulator(testing::quietOptions()).wholeStateDigest();
  json expected;
  std::string end_digest;
  {
    Emulator emulator(testing::quietOptions());
    auto file = StateFile::open(path, emulator, kBase, nullptr);
    REQUIRE(file.ok());
    driveARun(emulator);
    expected = comparable(emulator);
    end_digest = emulator.wholeStateDigest();
    CHECK(emulator.stateDigest() != end_digest);  // two different digests of the same state
  }
  std::vector<std::string> lines = linesOf(readFile(path));
  size_t checkpoints = 0;
  for (std::string& line : lines) {
    if (line.find("{\"checkpoint\"") == std::string::npos) {
      continue;
    }
    json record = json::parse(line.substr(33));
    CHECK(record["checkpoint"]["digest"] == "resources");
    record["checkpoint"].erase("digest");
    record["checkpoint"]["state_digest"] =
        record["checkpoint"]["after_inputs"] == 0 ? start_digest : end_digest;
    line = std::string(33, ' ') + record.dump() + "\n";
    ++checkpoints;
  }
  REQUIRE(checkpoints >= 1);
  const std::string legacy = rechained(lines);
  std::ofstream(path, std::ios::trunc | std::ios::binary) << legacy;
  {
    Emulator emulator(testing::quietOptions());
    RestoreReport report;
    auto file = StateFile::open(path, emulator, kBase, &report);
    REQUIRE(file.ok());
    CHECK(report.checkpoints == checkpoints);
    CHECK(comparable(emulator) == expected);
  }

  // A digest kind this hnemu does not know is refused, not guessed.
  lines = linesOf(legacy);
  for (std::string& line : lines) {
    if (line.find("{\"checkpoint\"") != std::string::npos) {
      json record = json::parse(line.substr(33));
      record["checkpoint"]["digest"] = "merkle";
      line = std::string(33, ' ') + record.dump() + "\n";
      break;
    }
  }
  std::ofstream(path, std::ios::trunc | std::ios::binary) << rechained(lines);
  Emulator emulator(testing::quietOptions());
  auto refused = StateFile::open(path, emulator, kBase, nullptr);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("\"merkle\"") != std::string::npos);
}
