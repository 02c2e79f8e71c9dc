#pragma once

#include "providers/fake/model.h"
#include "providers/provider.h"

namespace hnemu::fake {

// POST /fake/v1/widget-orders {"number"} and GET /fake/v1/widget-orders/{id}, with
// "Authorization: Token <token>"; errors are {"fake_error": {"code", "message"}}.
class FakeProvider : public Provider {
 public:
  explicit FakeProvider(const ProviderContext& context)
      : context_(context),
        model_(context.clock, context.ids,
               ChangeScope(context.changes, std::string(kind().name()))) {}

  const ProviderKind& kind() const override;
  void registerRoutes(Router& router) override;
  std::vector<ControlRoute> controlRoutes() override;
  void addDefaultAccounts() override { model_.world().tokens.push_back("fake-default-token"); }
  void loadWorld(const WorldSection* section) override;
  void reset() override { model_.reset(); }
  void dumpState(nlohmann::json& out) const override;
  std::vector<StateCollection> collections() const override;
  nlohmann::json dumpItem(std::string_view collection, std::string_view id) const override;
  HttpResponse errorForStatus(int status, const HttpRequest& request) const override;
  size_t bodyLimit(const HttpRequest&) const override { return context_.max_body_bytes; }

 private:
  ProviderContext context_;
  Model model_;
};

}  // namespace hnemu::fake
