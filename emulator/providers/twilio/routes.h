#pragma once

#include "core/encoded_cache.h"
#include "core/wire/form.h"
#include "providers/provider.h"
#include "providers/twilio/kind.h"
#include "providers/twilio/model.h"

namespace hnemu::twilio {

// Twilio's hosted-number endpoints: numbers v1 eligibility, v2 (and its bulk requests), v3
// create, preview, and Api v2010 IncomingPhoneNumbers and Messages.
class TwilioProvider : public Provider {
 public:
  explicit TwilioProvider(ProviderContext context);

  const ProviderKind& kind() const override;
  void registerRoutes(Router& router) override;
  std::vector<ControlRoute> controlRoutes() override;
  void addDefaultAccounts() override;
  void loadWorld(const WorldSection* section) override;
  void reset() override;
  void dumpState(nlohmann::json& out) const override;
  std::vector<StateCollection> collections() const override;
  nlohmann::json dumpItem(std::string_view collection, std::string_view sid) const override;
  nlohmann::json calls(size_t newest) const override;
  std::function<nlohmann::json()> saveState() const override;
  Status restoreState(const nlohmann::json& saved) override;
  std::optional<ProviderTimers::Armed> pendingTimer(uint64_t clock_id) const override;
  Status rearmTimer(TimePoint due, ProviderTimers::Armed timer) override;
  HttpResponse errorForStatus(int status, const HttpRequest& request) const override;
  size_t bodyLimit(const HttpRequest& head) const override;

  Model& model() { return model_; }
  const Model& model() const { return model_; }

 private:
  using Operation =
      std::function<HttpResponse(const Account&, HttpRequest&, const wire::FormPairs&)>;
  HttpResponse pipeline(HttpRequest& request, const Operation& operation) const;
  void sendStatusCallback(const Order& order, const Account& account);
  nlohmann::json shown(const Order& order, const std::string& base) const;
  HttpResponse orderAnswer(int status, const Order& order, const std::string& base) const;

  HttpResponse createOrder(const Account& account, HttpRequest& request,
                           const wire::FormPairs& form, Flavor flavor);
  HttpResponse listOrders(const Account& account, HttpRequest& request, Flavor flavor) const;
  HttpResponse createDocument(const Account& account, HttpRequest& request,
                              const wire::FormPairs& form, Flavor flavor);
  HttpResponse listDocuments(const Account& account, HttpRequest& request, Flavor flavor) const;
  HttpResponse listDependents(const Account& account, HttpRequest& request, Flavor flavor) const;
  HttpResponse listNumbers(const Account& account, HttpRequest& request) const;
  HttpResponse createOrderV3(const Account& account, HttpRequest& request,
                             const wire::FormPairs& form);
  HttpResponse checkEligibility(const Account& account, HttpRequest& request);
  HttpResponse createBulkEligibility(const Account& account, HttpRequest& request);
  HttpResponse createBulkRequest(const Account& account, HttpRequest& request);
  HttpResponse fetchBulkRequest(const Account& account, HttpRequest& request) const;

  ProviderContext context_;
  Model model_;
  // Orders' answers, for the orders clients poll most: bounded, so a large store is not copied.
  mutable EncodedCache encoded_orders_{kEncodedAnswersKeptBytes};
};

}  // namespace hnemu::twilio
