#include "scenario/coverage.h"

#include <catch2/catch.hpp>

using namespace hnemu;
using nlohmann::json;

TEST_CASE("coverage reads histories, merges runs and flags undocumented moves", "[coverage]") {
  const std::vector<std::pair<std::string, StateMachine>> machines = {
      {"bandwidth",
       {"import_tn_order",
        "import_tn_orders",
        {"RECEIVED", "PROCESSING", "COMPLETE", "FAILED"},
        {{"RECEIVED", "PROCESSING"}, {"PROCESSING", "COMPLETE"}, {"PROCESSING", "FAILED"}}}}};
  auto history = [](std::initializer_list<const char*> statuses) {
    json out = json::array();
    for (const char* status : statuses) {
      out.push_back({{"status", status}});
    }
    return json{{"history", out}};
  };
  const json first = {
      {"bandwidth", {{"import_tn_orders", {history({"received", "processing", "complete"})}}}}};
  const json second = {{"bandwidth", {{"import_tn_orders", {history({"received", "complete"})}}}}};
  auto total = measureCoverage(machines, first, "bandwidth");
  REQUIRE(total.size() == 1);
  CHECK(coverageLine(total[0]) == "bandwidth import_tn_order: states 3/4, transitions 2/3");
  mergeCoverage(total, measureCoverage(machines, second, ""));
  CHECK(coverageLine(total[0]) ==
        "bandwidth import_tn_order: states 3/4, transitions 2/3; UNDOCUMENTED RECEIVED -> "
        "COMPLETE");
  const json encoded = coverageJson(total);
  CHECK(encoded[0]["transitions"][2] ==
        json({{"from", "PROCESSING"}, {"to", "FAILED"}, {"seen", false}}));
  CHECK(measureCoverage(machines, first, "twilio").empty());
}
