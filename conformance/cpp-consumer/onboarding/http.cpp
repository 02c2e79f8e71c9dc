#include "onboarding/http.h"

#include <memory>
#include <stdexcept>

namespace onboarding {
namespace {

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

Http::Http() : curl_(curl_easy_init()) {
  if (curl_ == nullptr) {
    throw std::runtime_error("libcurl did not initialise");
  }
}

Http::~Http() { curl_easy_cleanup(curl_); }

Response Http::send(const Request& request) {
  curl_easy_reset(curl_);
  Response response;
  curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 30L);
  if (!request.user.empty()) {
    curl_easy_setopt(curl_, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl_, CURLOPT_USERNAME, request.user.c_str());
    curl_easy_setopt(curl_, CURLOPT_PASSWORD, request.password.c_str());
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  auto add_header = [&](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  add_header("Accept: */*");
  if (!request.bearer.empty()) {
    add_header("Authorization: Bearer " + request.bearer);
  }
  std::unique_ptr<curl_mime, decltype(&curl_mime_free)> mime(nullptr, curl_mime_free);
  if (!request.files.empty()) {
    mime.reset(curl_mime_init(curl_));
    for (const auto& [name, content] : request.files) {
      curl_mimepart* part = curl_mime_addpart(mime.get());
      curl_mime_name(part, name.c_str());
      curl_mime_data(part, content.data(), content.size());
      curl_mime_filename(part, (name + ".pdf").c_str());
      curl_mime_type(part, "application/pdf");
    }
    curl_easy_setopt(curl_, CURLOPT_MIMEPOST, mime.get());
  } else if (!request.body.empty() || request.method == "POST") {
    add_header("Content-Type: " + request.content_type);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers.get());
  const CURLcode result = curl_easy_perform(curl_);
  if (result != CURLE_OK) {
    throw std::runtime_error(request.method + " " + request.url + ": " +
                             curl_easy_strerror(result));
  }
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    char* escaped = curl_easy_escape(nullptr, value.c_str(), static_cast<int>(value.size()));
    body += (body.empty() ? "" : "&") + name + "=" + escaped;
    curl_free(escaped);
  }
  return body;
}

}  // namespace onboarding
