#pragma once

#include "core/encoded_cache.h"
#include "providers/bandwidth/kind.h"
#include "providers/bandwidth/model.h"
#include "providers/provider.h"

namespace hnemu::bandwidth {

// Bandwidth's Numbers API (Import TN) under /api/accounts/{id}/ (also /api/v1.0/, /v1.0/,
// /api/v1/), XML in and out, HTTP Basic auth; collection names match case-insensitively.
class BandwidthProvider : public Provider {
 public:
  explicit BandwidthProvider(ProviderContext context);

  const ProviderKind& kind() const override;
  void registerRoutes(Router& router) override;
  std::vector<ControlRoute> controlRoutes() override;
  void addDefaultAccounts() override;
  void loadWorld(const WorldSection* section) override;
  void reset() override;
  void dumpState(nlohmann::json& out) const override;
  std::vector<StateCollection> collections() const override;
  nlohmann::json dumpItem(std::string_view collection, std::string_view id) const override;
  std::function<nlohmann::json()> saveState() const override;
  Status restoreState(const nlohmann::json& saved) override;
  std::optional<ProviderTimers::Armed> pendingTimer(uint64_t clock_id) const override;
  Status rearmTimer(TimePoint due, ProviderTimers::Armed timer) override;
  HttpResponse errorForStatus(int status, const HttpRequest& request) const override;
  size_t bodyLimit(const HttpRequest& head) const override;

  Model& model() { return model_; }

 private:
  using Operation =
      std::function<HttpResponse(const Account&, const std::string& user, HttpRequest&)>;
  HttpResponse pipeline(HttpRequest& request, const std::string& error_root,
                        const Operation& operation) const;
  void notify(const OrderNotice& notice);
  void notify(const EventNotice& notice);
  void deliver(Webhook hook, const Subscription& subscription);
  template <class Order>
  const Order& shown(const Order& order) const;
  HttpResponse importOrderAnswer(const ImportOrder& order) const;
  std::vector<std::string> subscriptionStatuses(
      const std::vector<Subscription>& subscriptions) const;

  HttpResponse uploadFile(const Account& account, HttpRequest& request, bool replace);
  HttpResponse createSubscription(const Account& account, HttpRequest& request);
  HttpResponse listImportOrders(const Account& account, HttpRequest& request, bool removes) const;
  HttpResponse listInServiceNumbers(const Account& account, HttpRequest& request) const;

  ProviderContext context_;
  ChangeScope changes_;  // for the world's changes made by control routes
  Model model_;
  mutable EncodedCache encoded_imports_{kEncodedAnswersKeptBytes};
};

}  // namespace hnemu::bandwidth
