#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// The service's webhook endpoint, on a loopback port: Twilio's status callbacks, Telnyx's order
// events and Bandwidth's notifications. A webhook here is only a hint that something changed: the
// onboarding code reads every status it acts on from the provider's API, with its own
// credentials, so it trusts nothing a webhook says. What it does check is Bandwidth's Basic
// credentials, which it chose when it subscribed; other requests get 401.
namespace onboarding {

struct Webhook {
  std::string method;
  std::string path;
  std::string body;
};

class Receiver {
 public:
  // Bandwidth's notifications must carry "Authorization: Basic <base64 user:password>".
  explicit Receiver(std::string bandwidth_authorization);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::string url(const std::string& path) const;
  std::vector<Webhook> received() const;

 private:
  void serve();
  void answer(int connection);

  const std::string bandwidth_authorization_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<Webhook> received_;
  std::thread thread_;
};

}  // namespace onboarding
