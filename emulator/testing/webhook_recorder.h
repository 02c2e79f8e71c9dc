#pragma once

// For the unit tests: a webhook receiver that is never on the network. It keeps every request it
// is sent and answers each with the status and body it was told to.
#include <mutex>
#include <string>
#include <vector>

#include "core/webhooks.h"

namespace hnemu::testing {

class WebhookRecorder : public WebhookTransport {
 public:
  TransportResult send(const OutgoingRequest& request, Millis, Millis) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(request);
    return {true, status_, body_, ""};
  }
  void answer(int status, std::string body) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
  }
  std::vector<OutgoingRequest> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<OutgoingRequest> sent_;
  int status_ = 200;
  std::string body_;
};

}  // namespace hnemu::testing
