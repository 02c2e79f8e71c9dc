// Every provider's console description holds together. The console renders whatever it is told,
// so a step offered in a status its resource never has, or a body naming a field its form lacks,
// would only show when a person clicks it.
#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <string>

#include "providers/registry.h"

using nlohmann::json;
using namespace hnemu;

namespace {

const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
const std::set<std::string> kFormats = {"form", "json", "multipart", "xml", "file"};

// The statuses of the lifecycle documented for a collection; empty when none is.
std::set<std::string> statesOf(const ProviderKind& kind, const std::string& collection) {
  for (const StateMachine& machine : kind.lifecycles()) {
    if (machine.collection == collection) {
      return {machine.states.begin(), machine.states.end()};
    }
  }
  return {};
}

void addPlaceholders(const std::string& text, std::set<std::string>& names) {
  static const std::regex placeholder(R"(\{(\w+)\})");
  for (std::sregex_iterator it(text.begin(), text.end(), placeholder), end; it != end; ++it) {
    names.insert((*it)[1]);
  }
}

// The fields a JSON body template names: its strings that are exactly "{name}".
void addJsonPlaceholders(const json& body, std::set<std::string>& names) {
  static const std::regex whole(R"(\{(\w+)\})");
  std::smatch match;
  if (body.is_string()) {
    const std::string text = body.get<std::string>();
    if (std::regex_match(text, match, whole)) {
      names.insert(match[1]);
    }
  }
  if (body.is_structured()) {
    for (const json& each : body) {
      addJsonPlaceholders(each, names);
    }
  }
}

void checkRequest(const json& request) {
  INFO(request.dump());
  REQUIRE(request.value("label", "") != "");
  REQUIRE(kMethods.count(request.value("method", "")) == 1);
  const std::string path = request.value("path", "");
  REQUIRE(path.rfind('/', 0) == 0);
  REQUIRE(path.rfind("/__hnemu", 0) != 0);  // the provider's own API, as a client calls it
  const std::string format = request.value("format", "");
  REQUIRE(kFormats.count(format) == 1);

  std::set<std::string> fields;
  int files = 0;
  for (const json& field : request.at("fields")) {
    INFO(field.dump());
    REQUIRE(field.value("name", "") != "");
    REQUIRE(field.value("label", "") != "");
    REQUIRE(fields.insert(field["name"].get<std::string>()).second);
    if (field.contains("file")) {
      ++files;
      REQUIRE((format == "multipart" || format == "file"));
    }
    if (field.contains("element")) {
      REQUIRE((format == "xml" && field.value("list", false)));
    }
    REQUIRE(!(field.contains("value") && field.contains("from")));
  }
  if (format == "file") {
    REQUIRE((files == 1 && fields.size() == 1));
  }
  if (format == "xml") {
    REQUIRE(request.at("body").is_string());
  }
  if (request.contains("body")) {
    REQUIRE((format == "xml" || format == "json"));
    std::set<std::string> named;
    if (format == "xml") {
      addPlaceholders(request["body"].get<std::string>(), named);
    } else {
      addJsonPlaceholders(request["body"], named);
    }
    CHECK(named == fields);  // every field is sent, and nothing else is asked for
  }
}

}  // namespace

TEST_CASE("console: every provider's client forms and steps hold together", "[console]") {
  int described = 0;
  for (const ProviderKind* kind : providerKinds()) {
    INFO(kind->name());
    const json description = kind->consoleDescription();
    if (!description.contains("client")) {
      continue;
    }
    ++described;
    const json& client = description["client"];
    REQUIRE(client.value("accounts", "") != "");
    REQUIRE(client.value("account_label", "") != "");
    const json& auth = client.at("auth");
    REQUIRE(((auth.contains("basic") && auth["basic"].size() == 2) || auth.contains("bearer")));
    REQUIRE(!client.at("start").empty());
    for (const json& request : client["start"]) {
      REQUIRE(!request.contains("when"));
      checkRequest(request);
    }
    for (const json& resource : description.at("resources")) {
      const std::set<std::string> states = statesOf(*kind, resource.value("collection", ""));
      for (const char* list : {"steps", "actions"}) {
        for (const json& offered : resource.value(list, json::array())) {
          INFO(offered.dump());
          // Offered in statuses the resource has: a typo would hide the button for good.
          REQUIRE(!offered.at("when").empty());
          for (const json& status : offered["when"]) {
            CHECK((states.empty() || states.count(status.get<std::string>()) == 1));
          }
          if (std::string(list) == "steps") {
            checkRequest(offered);
          }
        }
      }
    }
  }
  REQUIRE(described == static_cast<int>(providerKinds().size()));
}
