#include "providers/bandwidth/model.h"

#include <catch2/catch.hpp>

using namespace hnemu;
using namespace hnemu::bandwidth;

namespace {

const TimePoint kStart = TimePoint(Millis(1'767'603'600'000));

struct Fixture {
  Clock clock{kStart};
  IdGenerator ids{1};
  Model model{clock, ids};
  Account account{"9900000", "user", "pass", true};
  Account other{"9900001", "other", "pass2", true};
  std::vector<std::string> notices;

  Fixture() {
    model.world().accounts = {account, other};
    model.setListener([this](const OrderNotice& notice) {
      notices.push_back(notice.order_type + ":" + notice.status);
    });
  }

  NewImportOrder input(std::vector<std::string> tns) const {
    NewImportOrder order;
    order.site_id = "222";
    order.subscriber_name = "ABC Inc.";
    order.address = {"11235", "Back", "Denver", "CO", "27541", ""};
    order.loa_authorizing_person = "The Authguy";
    order.tns = std::move(tns);
    return order;
  }

  ImportOrder create(std::vector<std::string> tns) {
    std::vector<TnError> invalid;
    auto order = model.createImportOrder(account, "user", input(std::move(tns)), invalid);
    REQUIRE(order.ok());
    return order.value();
  }

  OrderStatus status(const ImportOrder& order) const {
    return model.importOrders().at(order.id).status;
  }
};

}  // namespace

TEST_CASE("import order: RECEIVED, PROCESSING, COMPLETE in virtual time", "[bandwidth][model]") {
  Fixture f;
  const ImportOrder order = f.create({"9199918388", "+14158714245"});
  REQUIRE(order.status == OrderStatus::Received);
  f.clock.advance(Millis(200));
  REQUIRE(f.status(order) == OrderStatus::Processing);
  f.clock.advance(Millis(800));
  REQUIRE(f.status(order) == OrderStatus::Complete);
  REQUIRE(f.model.inService().count("4158714245") == 1);
  REQUIRE(f.notices == std::vector<std::string>{"importtnorders:COMPLETE"});
  const auto& history = f.model.importOrders().at(order.id).history;
  REQUIRE(history.size() == 3);
  REQUIRE(history[0].status == "received");
  REQUIRE(history[2].status == "complete");
}

TEST_CASE("import order: PARTIAL, FAILED, EXCEPTION and never", "[bandwidth][model]") {
  Fixture f;
  f.model.world().numbers["9199918300"] = {"9199918300", std::nullopt, ImportOutcome::Error, 19005};
  f.model.world().numbers["9199918301"] = {"9199918301", std::nullopt, ImportOutcome::Never, 0};
  f.model.world().numbers["9199918302"] = {"9199918302", std::nullopt, ImportOutcome::Exception, 0};
  const ImportOrder partial = f.create({"9199918300", "9199918388"});
  const ImportOrder failed = f.create({"9199918300"});
  const ImportOrder never = f.create({"9199918301"});
  const ImportOrder exception = f.create({"9199918302"});
  f.clock.advance(std::chrono::hours(24 * 30));
  REQUIRE(f.status(partial) == OrderStatus::Partial);
  REQUIRE(f.model.importOrders().at(partial.id).errors.at(0).code == 19005);
  REQUIRE(f.status(failed) == OrderStatus::Failed);
  REQUIRE(f.status(never) == OrderStatus::Processing);
  REQUIRE(f.status(exception) == OrderStatus::Exception);
  REQUIRE(f.model.finishImport(never.id, OrderStatus::Complete).ok());
  REQUIRE(f.status(never) == OrderStatus::Complete);
}

TEST_CASE("create validation collects every error", "[bandwidth][model]") {
  Fixture f;
  NewImportOrder bad = f.input({"123", "9199918388", "+19199918388"});
  bad.site_id = "";
  bad.sip_peer_id = "x";
  bad.loa_authorizing_person = "";
  std::vector<TnError> invalid;
  REQUIRE_FALSE(f.model.createImportOrder(f.account, "user", bad, invalid).ok());
  std::vector<int> codes;
  for (const TnError& error : invalid) {
    codes.push_back(error.code);
  }
  REQUIRE(codes == std::vector<int>{7309, 7312, 7308, 7201, 7201});
}

TEST_CASE("checker groups by code, remove orders restore the TNs", "[bandwidth][model]") {
  Fixture f;
  f.model.world().numbers["9199918300"] = {"9199918300", 19005, ImportOutcome::Import, 0};
  f.model.world().numbers["9199918301"] = {"9199918301", 19005, ImportOutcome::Import, 0};
  const auto checked = f.model.check(f.account, {"9199918388", "9199918300", "9199918301"});
  REQUIRE(checked.value().importable == std::vector<std::string>{"9199918388"});
  REQUIRE(checked.value().errors.size() == 1);
  REQUIRE(checked.value().errors[0].tns.size() == 2);

  f.create({"9199918388"});
  f.clock.advance(Millis(1000));
  std::vector<TnError> invalid;
  auto removal = f.model.createRemoveOrder(f.account, "user", std::string("rm1"),
                                           {"9199918388", "9199918399"}, invalid);
  REQUIRE(removal.ok());
  f.clock.advance(Millis(1000));
  const RemoveOrder& done = f.model.removeOrders().at(removal.value().id);
  REQUIRE(done.status == OrderStatus::Partial);
  REQUIRE(done.errors.at(0).code == 5158);
  REQUIRE(f.model.inService().empty());
}

TEST_CASE("accounts are isolated, ids are checked", "[bandwidth][model]") {
  Fixture f;
  const ImportOrder order = f.create({"9199918388"});
  REQUIRE(f.model.importOrder(f.other, order.id).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.importOrder(f.account, "not-a-uuid").error().provider_code == "1008");
  REQUIRE(f.model.authenticate("user", "wrong") == nullptr);
  REQUIRE(normalizeTn("+19199918388") == "9199918388");
  REQUIRE(normalizeTn("1199918388").empty());
}

TEST_CASE("LOA files are named <orderId>-<epochMillis>.<ext>", "[bandwidth][model]") {
  Fixture f;
  const ImportOrder order = f.create({"9199918388"});
  LoaFile file;
  file.content_type = "application/pdf";
  file.data = "%PDF";
  const auto first = f.model.addFile(f.account, order.id, file, "pdf");
  const auto second = f.model.addFile(f.account, order.id, file, "pdf");
  REQUIRE(first.value().id == order.id + "-1767603600000.pdf");
  REQUIRE(second.value().id == order.id + "-1767603600001.pdf");
  REQUIRE(f.model
              .setFileMetadata(f.account, order.id, first.value().id, std::nullopt,
                               std::string("BOGUS"))
              .error()
              .provider_code == "7639");
  REQUIRE(f.model.deleteFile(f.account, order.id, first.value().id).ok());
  REQUIRE(f.model.deleteFile(f.account, order.id, first.value().id).error().code ==
          ErrorCode::NotFound);
}

TEST_CASE("subscriptions: duplicates refused, expiry honoured", "[bandwidth][model]") {
  Fixture f;
  Subscription subscription;
  subscription.order_type = "importtnorders";
  subscription.url = "http://127.0.0.1:1/cb";
  subscription.expiry_seconds = 60;
  REQUIRE(f.model.createSubscription(f.account, subscription).ok());
  REQUIRE(f.model.createSubscription(f.account, subscription).error().provider_code == "16008");
  OrderNotice notice{"9900000", "importtnorders", "o", std::nullopt, "COMPLETE", "", kStart};
  REQUIRE(f.model.subscribersFor(notice).size() == 1);
  notice.account_id = "9900001";
  REQUIRE(f.model.subscribersFor(notice).empty());
  notice.account_id = "9900000";
  f.clock.advance(std::chrono::seconds(60));
  REQUIRE(f.model.subscribersFor(notice).empty());
}
