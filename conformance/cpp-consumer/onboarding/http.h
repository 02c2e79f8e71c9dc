#pragma once

#include <curl/curl.h>

#include <string>
#include <utility>
#include <vector>

// The one HTTP client the onboarding code uses: libcurl's easy interface, one request at a time,
// with the connection kept alive between requests.
namespace onboarding {

struct Request {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::string content_type;
  std::string user;  // HTTP Basic credentials, when set
  std::string password;
  std::string bearer;  // Authorization: Bearer, when set
  // multipart/form-data file parts (name, content), sent instead of `body` when not empty
  std::vector<std::pair<std::string, std::string>> files;
};

struct Response {
  long status = 0;
  std::string body;
  bool ok() const { return status >= 200 && status < 300; }
};

class Http {
 public:
  Http();
  ~Http();
  Http(const Http&) = delete;
  Http& operator=(const Http&) = delete;

  // Throws std::runtime_error when no answer arrives (a refused connection, a timeout).
  Response send(const Request& request);

 private:
  CURL* curl_;
};

// "a=1&b=%2B1": a form body, each value %-encoded.
std::string form(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace onboarding
