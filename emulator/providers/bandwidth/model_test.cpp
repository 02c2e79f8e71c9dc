#include "providers/bandwidth/model.h"

#include <catch2/catch.hpp>

using namespace hnemu;
using namespace hnemu::bandwidth;

namespace {

const TimePoint kStart = TimePoint(Millis(1'767'603'600'000));

NumberProfile profile(const std::string& tn, std::optional<int> checker_code, ImportOutcome outcome,
                      int import_error_code) {
  NumberProfile out;
  out.tn = tn;
  out.checker_code = checker_code;
  out.import = outcome;
  out.import_error_code = import_error_code;
  return out;
}

struct Fixture {
  Clock clock{kStart};
  IdGenerator ids{1};
  Model model{clock, ids};
  Account account{"9900000", "user", "pass", true, {}};
  Account other{"9900001", "other", "pass2", true, {}};
  std::vector<std::string> notices;

  Fixture() {
    model.world().accounts = {account, other};
    model.setListener([this](const OrderNotice& notice) {
      notices.push_back(notice.order_type + ":" + notice.status);
    });
    model.setEventListener([this](const EventNotice& notice) {
      notices.push_back(notice.account_id + ":" + notice.event_type + ":" + notice.tns.at(0));
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
  f.model.world().numbers["9199918300"] =
      profile("9199918300", std::nullopt, ImportOutcome::Error, 19005);
  f.model.world().numbers["9199918301"] =
      profile("9199918301", std::nullopt, ImportOutcome::Never, 0);
  f.model.world().numbers["9199918302"] =
      profile("9199918302", std::nullopt, ImportOutcome::Exception, 0);
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
  f.model.world().numbers["9199918300"] = profile("9199918300", 19005, ImportOutcome::Import, 0);
  f.model.world().numbers["9199918301"] = profile("9199918301", 19005, ImportOutcome::Import, 0);
  std::vector<TnError> refused;
  const auto checked =
      f.model.check(f.account, {"9199918388", "9199918300", "9199918301"}, refused);
  REQUIRE(refused.empty());
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

TEST_CASE("checker: an account without IMPORT_TNS gets 19007 in the 400 list",
          "[bandwidth][model]") {
  Fixture f;
  Account closed = f.account;
  closed.import_enabled = false;
  std::vector<TnError> refused;
  REQUIRE_FALSE(f.model.check(closed, {"9199918388"}, refused).ok());
  REQUIRE(refused.size() == 1);
  REQUIRE(refused[0].code == 19007);
  REQUIRE(refused[0].description == "Account is not contracted for importing external numbers.");
}

TEST_CASE("a FAILED import records received and failed only, the trail keeps processing",
          "[bandwidth][model]") {
  Fixture f;
  f.model.world().numbers["9199918300"] =
      profile("9199918300", std::nullopt, ImportOutcome::Error, 19010);
  const ImportOrder failed = f.create({"9199918300"});
  const ImportOrder complete = f.create({"9199918388"});
  f.clock.advance(Millis(1000));
  const ImportOrder& stored = f.model.importOrders().at(failed.id);
  REQUIRE(stored.history.size() == 3);
  const auto recorded = Model::recordedHistory(stored);
  REQUIRE(recorded.size() == 2);
  REQUIRE(recorded[0].status == "received");
  REQUIRE(recorded[1].status == "failed");
  REQUIRE(recorded[1].time == stored.modified);
  REQUIRE(Model::recordedHistory(f.model.importOrders().at(complete.id)).size() == 3);
}

TEST_CASE("a SiteId or SipPeerId the account lacks fails the order with 5016 or 4023",
          "[bandwidth][model]") {
  Fixture f;
  f.model.world().accounts[0].sites = {Site{"222", {"333"}}};
  const Account& account = f.model.world().accounts[0];
  auto make = [&](const std::string& site, std::optional<std::string> peer) {
    NewImportOrder input = f.input({"9199918388", "9199918389"});
    input.site_id = site;
    input.sip_peer_id = std::move(peer);
    std::vector<TnError> invalid;
    auto order = f.model.createImportOrder(account, "user", input, invalid);
    REQUIRE(order.ok());
    return order.value().id;
  };
  const std::string wrong_site = make("12345", std::nullopt);
  const std::string wrong_peer = make("222", std::string("444"));
  const std::string right = make("222", std::string("333"));
  f.clock.advance(Millis(1000));
  const ImportOrder& site_failed = f.model.importOrders().at(wrong_site);
  REQUIRE(site_failed.status == OrderStatus::Failed);
  REQUIRE(site_failed.errors.size() == 1);
  REQUIRE(site_failed.errors[0].code == 5016);
  REQUIRE(site_failed.errors[0].description == "The SiteId submitted is invalid.");
  REQUIRE(site_failed.errors[0].tns.size() == 2);
  REQUIRE(f.model.importOrders().at(wrong_peer).errors.at(0).code == 4023);
  REQUIRE(f.model.importOrders().at(right).status == OrderStatus::Complete);
}

TEST_CASE("in-service numbers: filters, pages, /tns details, and messaging lost",
          "[bandwidth][model]") {
  Fixture f;
  NumberProfile raleigh = profile("9199918388", std::nullopt, ImportOutcome::Import, 0);
  raleigh.state = "NC";
  raleigh.rate_center = "RALEIGH";
  f.model.world().numbers["9199918388"] = raleigh;
  const ImportOrder order = f.create({"9199918388", "9199918389", "4158714245"});
  f.clock.advance(Millis(1000));
  InServiceQuery all;
  InServicePage page = f.model.inServiceNumbers(f.account, all);
  REQUIRE(page.total == 3);
  REQUIRE(page.tns == std::vector<std::string>{"4158714245", "9199918388", "9199918389"});
  REQUIRE(f.model.inServiceNumbers(f.other, all).total == 0);

  InServiceQuery filtered;
  filtered.area_code = "919";
  REQUIRE(f.model.inServiceNumbers(f.account, filtered).total == 2);
  filtered.state = "nc";
  filtered.rate_center = "Raleigh";
  REQUIRE(f.model.inServiceNumbers(f.account, filtered).tns ==
          std::vector<std::string>{"9199918388"});
  InServiceQuery later;
  later.start_date = "2026-01-06";
  REQUIRE(f.model.inServiceNumbers(f.account, later).total == 0);

  InServiceQuery paged;
  paged.size = 2;
  paged.page = 2;
  page = f.model.inServiceNumbers(f.account, paged);
  REQUIRE(page.tns == std::vector<std::string>{"9199918389"});
  REQUIRE_FALSE(page.more);

  const auto number = f.model.inServiceNumber(f.account, "+19199918388");
  REQUIRE(number);
  REQUIRE(number->order_id == order.id);
  REQUIRE(number->site_id == "222");
  REQUIRE(number->in_service_at == kStart + Millis(1000));
  REQUIRE_FALSE(f.model.inServiceNumber(f.other, "9199918388"));

  f.notices.clear();
  REQUIRE(f.model.loseMessaging("9199918388", "").ok());
  REQUIRE(f.notices == std::vector<std::string>{"9900000:MESSAGING_LOST:9199918388"});
  REQUIRE_FALSE(f.model.inServiceNumber(f.account, "9199918388"));
  REQUIRE(f.model.loseMessaging("9199918388", "").error().code == ErrorCode::NotFound);
  REQUIRE(f.model.loseMessaging("9199918389", "9900001").error().code == ErrorCode::NotFound);
}

TEST_CASE("a number profile's messaging_lost fires after it went in service",
          "[bandwidth][model]") {
  Fixture f;
  NumberProfile leaving = profile("9199918388", std::nullopt, ImportOutcome::Import, 0);
  leaving.messaging_lost_after = std::chrono::hours(2);
  f.model.world().numbers["9199918388"] = leaving;
  f.create({"9199918388"});
  f.clock.advance(Millis(1000));
  REQUIRE(f.model.inServiceNumber(f.account, "9199918388"));
  f.clock.advance(std::chrono::hours(2));
  REQUIRE_FALSE(f.model.inServiceNumber(f.account, "9199918388"));
  REQUIRE(f.notices.back() == "9900000:MESSAGING_LOST:9199918388");
}

TEST_CASE("LOA metadata: no name until set, 7800 past 50 characters, cleared by delete",
          "[bandwidth][model]") {
  Fixture f;
  const ImportOrder order = f.create({"9199918388"});
  LoaFile file;
  file.content_type = "application/pdf";
  file.data = "%PDF";
  const auto added = f.model.addFile(f.account, order.id, file, "pdf");
  REQUIRE_FALSE(added.value().document_name);
  const std::string id = added.value().id;
  const auto too_long =
      f.model.setFileMetadata(f.account, order.id, id, std::string(51, 'n'), std::nullopt);
  REQUIRE(too_long.error().provider_code == "7800");
  REQUIRE(too_long.error().message == "Document name too long, max 50 characters");
  REQUIRE(f.model.setFileMetadata(f.account, order.id, id, std::string("loa"), std::string("CSR"))
              .ok());
  REQUIRE(f.model.clearFileMetadata(f.account, order.id, id).ok());
  const LoaFile& cleared = f.model.importOrders().at(order.id).files.at(0);
  REQUIRE_FALSE(cleared.document_name);
  REQUIRE(cleared.document_type == "LOA");
  REQUIRE(f.model.clearFileMetadata(f.other, order.id, id).error().code == ErrorCode::NotFound);
}

TEST_CASE("expired subscriptions are gone", "[bandwidth][model]") {
  Fixture f;
  Subscription subscription;
  subscription.event_type = "MESSAGING_LOST";
  subscription.url = "http://127.0.0.1:1/cb";
  subscription.expiry_seconds = 60;
  const std::string id = f.model.createSubscription(f.account, subscription).value().id;
  REQUIRE(f.model.subscribersFor(EventNotice{"9900000", "MESSAGING_LOST", {"9199918388"}}).size() ==
          1);
  f.clock.advance(std::chrono::seconds(60));
  REQUIRE(f.model.subscriptions(f.account).empty());
  REQUIRE(f.model.subscription(f.account, id).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.deleteSubscription(f.account, id).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.subscribersFor(EventNotice{"9900000", "MESSAGING_LOST", {"9199918388"}}).empty());
}
