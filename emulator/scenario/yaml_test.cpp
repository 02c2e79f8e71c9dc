#include "scenario/yaml.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "scenario/scenario.h"

using namespace hnemu;

namespace {

// An alias bomb: each level is a list of ten aliases of the level below, so `levels` levels
// expand to 10^levels leaves from a few hundred bytes.
std::string aliasBomb(int levels) {
  std::string text = "a0: &a0 [x]\n";
  for (int level = 1; level <= levels; ++level) {
    const std::string below = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) {
      text += (i == 0 ? "" : ", ") + below;
    }
    text += "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("an alias that contains itself is an error, not an endless expansion", "[yaml]") {
  for (const char* text : {"seed: &a [*a]", "a: &x [*x]", "twilio: &t {numbers: *t}",
                           "faults: &f [{provider: twilio, nested: [*f]}]"}) {
    const auto loaded = loadYaml(text, "cycle.yaml");
    INFO(text);
    REQUIRE_FALSE(loaded.ok());
    REQUIRE(loaded.error().message.rfind("cycle.yaml:1:", 0) == 0);
    REQUIRE(loaded.error().message.find("refers to a node that contains it") != std::string::npos);
    // Every YAML entry point goes through loadYaml.
    const auto scenario = parseScenario(text, "cycle.yaml");
    REQUIRE_FALSE(scenario.ok());
  }
}

TEST_CASE("keys are plain values, given once, in one document", "[yaml]") {
  auto error_of = [](const char* text) { return loadYaml(text, "k.yaml").error().message; };
  CHECK(error_of("? &k [*k]\n: 1\n") == "k.yaml:1:3: a mapping key must be a plain value");
  CHECK(error_of("? [a, b]\n: 1\n") == "k.yaml:1:3: a mapping key must be a plain value");
  CHECK(error_of("seed: 1\nseed: 2\n") == "k.yaml:2:1: the key 'seed' is given twice");
  CHECK(error_of("seed: 1\n---\nseed: 2\n") ==
        "k.yaml:3:1: a second YAML document; a scenario is one document");
}

TEST_CASE("aliases are expanded within a node budget, quickly", "[yaml]") {
  const std::string bomb = aliasBomb(9);
  REQUIRE(bomb.size() < 600);
  const auto started = std::chrono::steady_clock::now();
  const auto loaded = loadYaml(bomb, "bomb.yaml");
  REQUIRE(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  REQUIRE_FALSE(loaded.ok());
  REQUIRE(loaded.error().message.find("expands to more than 200000 nodes") != std::string::npos);
  REQUIRE(parseScenario(bomb, "bomb.yaml").error().message.find("200000 nodes") !=
          std::string::npos);

  // Below the budget, aliases are ordinary YAML and expand as written.
  const auto small = loadYaml(aliasBomb(3), "small.yaml");
  REQUIRE(small.ok());
  REQUIRE(yamlToJson(small.value())["a3"].size() == 10);
  REQUIRE(yamlToJson(small.value())["a3"][9][9][9][0] == "x");
  const auto shared = parseScenario(
      "twilio:\n  rules: &r {max_verification_attempts: 2}\ntelnyx:\n  rules: {max_code_attempts: "
      "2}\n"
      "seed: &s 7\n",
      "anchors.yaml");
  REQUIRE(shared.ok());
  REQUIRE(shared.value().world.seed == 7u);
}

TEST_CASE("long texts expanded by aliases are bounded too", "[yaml]") {
  // 168 thousand nodes, under the node budget, but gigabytes of text once expanded.
  std::string text = "s0: &s0 '" + std::string(100'000, 'x') + "'\n";
  for (int level = 1; level <= 4; ++level) {
    text += "s" + std::to_string(level) + ": &s" + std::to_string(level) + " [";
    for (int i = 0; i < 40; ++i) {
      text += (i == 0 ? "*s" : ", *s") + std::to_string(level - 1);
    }
    text += "]\n";
  }
  const auto started = std::chrono::steady_clock::now();
  const auto loaded = loadYaml(text, "long.yaml");
  REQUIRE(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().message.find("more than 8388608 bytes") != std::string::npos);
}

TEST_CASE("nesting is bounded, with or without aliases", "[yaml]") {
  std::string deep;
  for (int i = 0; i < 100; ++i) {
    deep = "[" + deep + "]";
  }
  const auto plain = loadYaml("seed: " + deep, "deep.yaml");
  REQUIRE_FALSE(plain.ok());
  REQUIRE(plain.error().message.find("nested deeper than 64 levels") != std::string::npos);
  // Aliases stack nesting too: each level nests the one below twice.
  std::string stacked = "l0: &l0 [x]\n";
  for (int level = 1; level <= 70; ++level) {
    stacked += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [*l" +
               std::to_string(level - 1) + "]\n";
  }
  const auto aliased = loadYaml(stacked, "stacked.yaml");
  REQUIRE_FALSE(aliased.ok());
  REQUIRE(aliased.error().message.find("nested deeper than 64 levels") != std::string::npos);
}
