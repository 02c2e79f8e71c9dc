// A path no provider serves, over real sockets: the credentials choose whose "not found" answers
// (paths such as /v2/... are Twilio's and Telnyx's alike), and credentials of that kind that are
// not valid get that provider's 401.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "emulator.h"
#include "providers/telnyx/kind.h"
#include "providers/twilio/kind.h"

using namespace hnemu;
using nlohmann::json;

namespace {

struct Answer {
  int status = 0;
  json body;
  std::string authenticate;  // WWW-Authenticate
};

class Server {
 public:
  Server() {
    const auto port = emulator_.start();
    REQUIRE(port.ok());
    port_ = port.value();
  }

  Answer get(const std::string& path, const std::function<void(httplib::Client&)>& credentials) {
    httplib::Client client("127.0.0.1", port_);
    credentials(client);
    const auto result = client.Get(path);
    REQUIRE(result);
    return {result->status, json::parse(result->body, nullptr, false),
            result->get_header_value("WWW-Authenticate")};
  }

 private:
  Emulator emulator_;
  int port_ = 0;
};

auto bearer(const std::string& key) {
  return [key](httplib::Client& client) { client.set_bearer_token_auth(key); };
}
auto basic(const std::string& user, const std::string& password) {
  return [user, password](httplib::Client& client) { client.set_basic_auth(user, password); };
}

}  // namespace

TEST_CASE("unknown paths answer in the envelope of the provider whose credentials came",
          "[integration][http]") {
  Server server;
  const std::string telnyx_key(telnyx::kDefaultApiKey);
  const std::string twilio_sid(twilio::kDefaultAccountSid);
  const std::string twilio_token(twilio::kDefaultAuthToken);

  for (const std::string path : {"/_stainless_unknown_path", "/v2/nothing/here", "/v1/x"}) {
    INFO(path);
    const Answer telnyx = server.get(path, bearer(telnyx_key));
    CHECK(telnyx.status == 404);
    CHECK(telnyx.body["errors"][0]["code"] == "10005");
    CHECK(telnyx.body["errors"][0]["title"] == "Resource not found");

    const Answer unknown_key = server.get(path, bearer("KEYnot-a-key-hnemu-knows"));
    CHECK(unknown_key.status == 401);
    CHECK(unknown_key.body["errors"][0]["code"] == "10009");

    const Answer twilio = server.get(path + "?PageSize=2", basic(twilio_sid, twilio_token));
    CHECK(twilio.status == 404);
    CHECK(twilio.body == json{{"code", 20404},
                              {"message", "The requested resource " + path + " was not found"},
                              {"more_info", "https://www.twilio.com/docs/errors/20404"},
                              {"status", 404}});

    const Answer wrong_token = server.get(path, basic(twilio_sid, "wrong"));
    CHECK(wrong_token.status == 401);
    CHECK(wrong_token.body["code"] == 20003);
    CHECK(wrong_token.authenticate == "Basic realm=\"Twilio API\"");
  }

  // Credentials win over a path's look: a Telnyx key under Twilio's /2010-04-01 is Telnyx's.
  CHECK(server.get("/2010-04-01/Nothing", bearer(telnyx_key)).body["errors"][0]["code"] == "10005");
  // Credentials of neither kind: the path's owner answers (its 401), else nobody does.
  const auto none = [](httplib::Client&) {};
  CHECK(server.get("/2010-04-01/Nothing", none).body["code"] == 20003);
  CHECK(server.get("/v2/nothing", none).body["errors"][0]["code"] == "10009");
  const Answer nobody = server.get("/elsewhere", basic("someone", "x"));
  CHECK(nobody.status == 404);
  CHECK_FALSE(nobody.body.contains("errors"));
  CHECK_FALSE(nobody.body.contains("code"));
}
