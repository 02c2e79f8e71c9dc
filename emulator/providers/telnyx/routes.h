#pragma once

#include <memory>
#include <mutex>

#include "core/crypto.h"
#include "core/encoded_cache.h"
#include "providers/provider.h"
#include "providers/telnyx/kind.h"
#include "providers/telnyx/model.h"

namespace hnemu::telnyx {

// Telnyx's hosted-SMS family under /v2 (and at the root, as the SDK's generated tests call it).
class TelnyxProvider : public Provider {
 public:
  explicit TelnyxProvider(ProviderContext context);

  const ProviderKind& kind() const override;
  void registerRoutes(Router& router) override;
  std::vector<ControlRoute> controlRoutes() override;
  void addDefaultAccounts() override;
  void loadWorld(const WorldSection* section) override;
  void reset() override;
  void dumpState(nlohmann::json& out) const override;
  std::vector<StateCollection> collections() const override;
  nlohmann::json dumpItem(std::string_view collection, std::string_view id) const override;
  nlohmann::json inbox(const std::optional<std::string>& number, size_t newest) const override;
  std::function<nlohmann::json()> saveState() const override;
  Status restoreState(const nlohmann::json& saved) override;
  std::optional<ProviderTimers::Armed> pendingTimer(uint64_t clock_id) const override;
  Status rearmTimer(TimePoint due, ProviderTimers::Armed timer) override;
  HttpResponse errorForStatus(int status, const HttpRequest& request) const override;
  size_t bodyLimit(const HttpRequest& head) const override;

  Model& model() { return model_; }
  // Webhook signing: a fixed 32-byte seed, or (unset) one derived from the emulator's seed.
  void setSigningSeed(std::optional<std::string> seed32);
  std::string publicKeyBase64() const;

 private:
  using Operation = std::function<HttpResponse(const Account&, HttpRequest&)>;
  HttpResponse pipeline(HttpRequest& request, const Operation& operation) const;
  void sendEvent(const Order& order, const std::vector<HostedNumber>& numbers,
                 const std::string& event);
  std::shared_ptr<const crypto::Ed25519Key> signingKey() const;
  nlohmann::json profilesJson() const;
  nlohmann::json shown(const Order& order) const;
  HttpResponse orderAnswer(const Order& order) const;
  nlohmann::json shown(const HostedNumber& number) const;

  HttpResponse createOrder(const Account& account, HttpRequest& request);
  HttpResponse listOrders(const Account& account, HttpRequest& request) const;
  HttpResponse requestCodes(const Account& account, HttpRequest& request);
  HttpResponse validateCodes(const Account& account, HttpRequest& request);
  HttpResponse uploadFiles(const Account& account, HttpRequest& request);
  HttpResponse listNumbers(const Account& account, HttpRequest& request) const;
  HttpResponse updateNumber(const Account& account, HttpRequest& request);
  HttpResponse createProfile(const Account& account, HttpRequest& request);
  HttpResponse listProfiles(const Account& account, HttpRequest& request) const;
  HttpResponse updateProfile(const Account& account, HttpRequest& request);
  HttpResponse sendMessage(const Account& account, HttpRequest& request);
  HttpResponse decideTransfer(const Account& account, HttpRequest& request, bool approve);

  nlohmann::json dumpedAccount(const Account& account) const;
  nlohmann::json dumpedOrder(const Order& order) const;
  nlohmann::json dumpedNumber(const HostedNumber& number) const;
  nlohmann::json dumpedProfile(const MessagingProfile& profile) const;
  nlohmann::json dumpedMessage(const Message& message) const;

  ProviderContext context_;
  ChangeScope changes_;  // for the world's changes made by control routes
  Model model_;
  std::optional<std::string> fixed_seed_;
  mutable std::mutex key_mutex_;  // webhook signing runs on the dispatcher's thread
  mutable std::shared_ptr<const crypto::Ed25519Key> key_;
  mutable uint64_t key_for_seed_ = 0;
  mutable bool key_fixed_ = false;
  mutable EncodedCache encoded_orders_{kEncodedAnswersKeptBytes};
};

}  // namespace hnemu::telnyx
