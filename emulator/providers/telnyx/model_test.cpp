#include "providers/telnyx/model.h"

#include <catch2/catch.hpp>

#include "core/time.h"

using namespace hnemu;
using namespace hnemu::telnyx;
using std::chrono::hours;
using std::chrono::seconds;

namespace {

// 2026-01-05T09:00:00Z is a Monday.
const TimePoint kMonday = TimePoint(Millis(1'767'603'600'000));
const std::string kNumber = "+13125550001";
const std::string kOther = "+13125550002";

struct Fixture {
  Clock clock{kMonday};
  IdGenerator ids{1};
  Model model{clock, ids};
  Account account{"KEY_A", "user-a", "a", Billing::Ok};
  Account other{"KEY_B", "user-b", "b", Billing::Ok};
  std::vector<std::string> events;

  Fixture() {
    model.world().accounts = {account, other};
    MessagingProfile profile;
    profile.id = "profile-a";
    profile.user_id = "user-a";
    profile.name = "p";
    profile.webhook_url = "http://127.0.0.1:1/h";
    model.addConfiguredProfile(profile);
    profile.id = "profile-b";
    profile.user_id = "user-b";
    model.addConfiguredProfile(profile);
    model.setListener(
        [this](const Order& order, const std::vector<HostedNumber>&, const std::string& event) {
          events.push_back(event + ":" + std::string(orderStatusName(order.status)));
        });
  }

  void profile(const std::string& number, std::function<void(NumberProfile&)> edit) {
    NumberProfile p = model.profileFor(number);
    edit(p);
    model.world().numbers[number] = p;
  }

  Order create(std::vector<std::string> numbers = {kNumber}) {
    auto order = model.createOrder(account, std::string("profile-a"), numbers);
    REQUIRE(order.ok());
    return order.value();
  }

  // Requests codes, lets them arrive, and keys in what the inbox shows.
  void verify(const Order& order, const std::vector<std::string>& numbers) {
    verifyAs(account, order, numbers);
  }
  void verifyAs(const Account& who, const Order& order, const std::vector<std::string>& numbers) {
    REQUIRE(model.requestCodes(who, order.id, numbers, "sms").ok());
    clock.advance(seconds(10));
    std::vector<CodeCheck> checks;
    for (const std::string& number : numbers) {
      for (const InboxMessage& message : model.inbox()) {
        if (message.to == number) {
          checks.push_back({number, message.code});
        }
      }
    }
    REQUIRE(model.checkCodes(who, order.id, checks).ok());
  }

  // Verification, documents, review and carrier: the order's numbers end up successful.
  void activate(const Account& who, const Order& order, const std::vector<std::string>& numbers) {
    verifyAs(who, order, numbers);
    REQUIRE(model.uploadDocuments(who, order.id, true, true).ok());
    clock.advance(hours(24 * 6));
    REQUIRE(status(order) == OrderStatus::Successful);
  }

  OrderStatus status(const Order& order) const { return model.orders().at(order.id).status; }
  NumberStatus numberStatus(const Order& order, size_t i = 0) const {
    return model.numbers().at(model.orders().at(order.id).number_ids.at(i)).status;
  }
};

}  // namespace

TEST_CASE("eligibility: every status from the number's properties", "[telnyx][model]") {
  Fixture f;
  f.profile("+13125550010", [](NumberProfile& p) { p.kind = LineKind::Wireless; });
  f.profile("+13125550011", [](NumberProfile& p) { p.on_telnyx = true; });
  f.profile("+13125550012", [](NumberProfile& p) { p.hosted_by_another_customer = true; });
  f.profile("+13125550013", [](NumberProfile& p) { p.valid_routing = false; });
  f.profile("+13125550014", [](NumberProfile& p) { p.lookup_fails = true; });
  f.profile("+13125550015", [](NumberProfile& p) { p.us_number = false; });
  f.create({"+13125550016"});
  const auto results = f.model.checkEligibility(
      f.account, {kNumber, kNumber, "3125550002", "+442071838750", "+13125550010", "+13125550011",
                  "+13125550012", "+13125550013", "+13125550014", "+13125550015", "+13125550016"});
  std::vector<std::string> names;
  for (const auto& result : results) {
    names.emplace_back(eligibilityName(result.status));
  }
  REQUIRE(names == std::vector<std::string>{
                       "ELIGIBLE", "NUMBER_CAN_NOT_BE_REPEATED", "NUMBER_IS_NOT_IN_E164_FORMAT",
                       "NUMBER_IS_NOT_A_US_NUMBER", "NUMBER_CAN_NOT_BE_WIRELESS",
                       "NUMBER_CAN_NOT_BE_IN_TELNYX",
                       "NUMBER_CAN_NOT_HOSTED_WITH_A_TELNYX_SUBSCRIBER",
                       "NUMBER_IS_NOT_A_VALID_ROUTING_NUMBER", "NUMBER_CAN_NOT_BE_VALIDATED",
                       "NUMBER_IS_NOT_A_US_NUMBER", "NUMBER_CAN_NOT_BE_ACTIVE_IN_YOUR_ACCOUNT"});
  REQUIRE(eligibilityName(f.model.checkEligibility(f.other, {"+13125550016"})[0].status) ==
          "NUMBER_CAN_NOT_HOSTED_WITH_A_TELNYX_SUBSCRIBER");
  f.model.world().accounts[0].billing = Billing::CheckFailed;
  REQUIRE(
      eligibilityName(f.model.checkEligibility(f.model.world().accounts[0], {kNumber})[0].status) ==
      "BILLING_ACCOUNT_CHECK_FAILED");
  f.model.world().accounts[0].billing = Billing::Abolished;
  REQUIRE(
      eligibilityName(f.model.checkEligibility(f.model.world().accounts[0], {kNumber})[0].status) ==
      "BILLING_ACCOUNT_IS_ABOLISHED");
}

TEST_CASE("happy path: pending, ownership, documents, review, provisioning, successful",
          "[telnyx][model]") {
  Fixture f;
  const Order order = f.create({kNumber, kOther});
  REQUIRE(order.status == OrderStatus::Pending);
  // Documents first are kept; the review waits for ownership.
  REQUIRE(f.model.uploadDocuments(f.account, order.id, true, false).ok());
  REQUIRE(f.status(order) == OrderStatus::Pending);
  f.verify(order, {kNumber, kOther});
  REQUIRE(f.numberStatus(order, 0) == NumberStatus::OwnershipSuccessful);
  REQUIRE(f.status(order) == OrderStatus::Pending);
  REQUIRE(f.model.uploadDocuments(f.account, order.id, false, true).ok());
  REQUIRE(f.status(order) == OrderStatus::LoaFileSuccessful);
  // Two business days from Monday 09:00 (plus the 10 s the codes took) is Wednesday.
  f.clock.advance(hours(48) - seconds(11));
  REQUIRE(f.status(order) == OrderStatus::LoaFileSuccessful);
  f.clock.advance(seconds(11));
  REQUIRE(f.status(order) == OrderStatus::Provisioning);
  REQUIRE(f.numberStatus(order, 1) == NumberStatus::Provisioning);
  f.clock.advance(hours(24));
  REQUIRE(f.status(order) == OrderStatus::Successful);
  REQUIRE(f.numberStatus(order, 0) == NumberStatus::Successful);
  REQUIRE(f.events.front() == "created:pending");
  REQUIRE(f.events.back() == "updated:successful");
}

TEST_CASE("business days skip the weekend", "[telnyx][model]") {
  const TimePoint friday = kMonday + hours(24 * 4);
  REQUIRE(formatIso8601(addBusinessDays(friday, 1)) == "2026-01-12T09:00:00Z");
  REQUIRE(formatIso8601(addBusinessDays(kMonday, 3)) == "2026-01-08T09:00:00Z");
}

TEST_CASE("codes: wrong ones, already verified, never delivered, too many", "[telnyx][model]") {
  Fixture f;
  f.profile(kOther, [](NumberProfile& p) { p.code_delivered = false; });
  const Order order = f.create({kNumber, kOther});
  auto sent = f.model.requestCodes(f.account, order.id, {kNumber, kOther, "+13125559999"}, "call");
  REQUIRE(sent.ok());
  REQUIRE(sent.value()[0].verification_code_id);
  REQUIRE(sent.value()[1].verification_code_id);  // sent, but it never arrives
  REQUIRE(*sent.value()[2].error == "Phone number is not part of the order");
  f.clock.advance(hours(1));
  REQUIRE(f.model.inbox().size() == 1);
  REQUIRE(f.model.inbox()[0].to == kNumber);
  REQUIRE(f.model.inbox()[0].method == "call");

  auto wrong = f.model.checkCodes(f.account, order.id, {{kNumber, "00000"}, {kNumber, "00001"}});
  REQUIRE(wrong.value()[0].status == "rejected");
  REQUIRE(f.numberStatus(order, 0) == NumberStatus::Pending);
  REQUIRE(f.model.checkCodes(f.account, order.id, {{kNumber, "00002"}}).ok());
  REQUIRE(f.numberStatus(order, 0) == NumberStatus::FailedOwnershipVerification);
  REQUIRE(f.status(order) == OrderStatus::Pending);  // kOther is still live
}

TEST_CASE("review rejects the LOA once, the client uploads again", "[telnyx][model]") {
  Fixture f;
  f.profile(kNumber, [](NumberProfile& p) { p.review = ReviewOutcome::LoaFileInvalid; });
  const Order order = f.create();
  f.verify(order, {kNumber});
  REQUIRE(f.model.uploadDocuments(f.account, order.id, true, true).ok());
  f.clock.advance(hours(24 * 3));
  REQUIRE(f.status(order) == OrderStatus::LoaFileInvalid);
  REQUIRE(f.model.uploadDocuments(f.account, order.id, false, true).ok());
  REQUIRE(f.status(order) == OrderStatus::LoaFileInvalid);  // the bill alone is not enough
  REQUIRE(f.model.uploadDocuments(f.account, order.id, true, false).ok());
  REQUIRE(f.status(order) == OrderStatus::LoaFileSuccessful);
  f.clock.advance(hours(24 * 5));
  REQUIRE(f.status(order) == OrderStatus::Successful);
}

TEST_CASE("every order and number failure status", "[telnyx][model]") {
  struct Case {
    CarrierDecision decision;
    NumberStatus number;
    OrderStatus order;
  };
  for (const Case& c :
       {Case{CarrierDecision::Reject, NumberStatus::FailedCarrierRejected,
             OrderStatus::CarrierRejected},
        Case{CarrierDecision::Ineligible, NumberStatus::FailedIneligibleCarrier,
             OrderStatus::IneligibleCarrier},
        Case{CarrierDecision::NotFound, NumberStatus::FailedNumberNotFound, OrderStatus::Failed},
        Case{CarrierDecision::AlreadyHosted, NumberStatus::FailedNumberAlreadyHosted,
             OrderStatus::Failed},
        Case{CarrierDecision::ActivationFails, NumberStatus::FailedActivation, OrderStatus::Failed},
        Case{CarrierDecision::Never, NumberStatus::FailedTimeout, OrderStatus::Failed}}) {
    Fixture f;
    f.profile(kNumber, [&](NumberProfile& p) { p.carrier = c.decision; });
    const Order order = f.create();
    f.verify(order, {kNumber});
    REQUIRE(f.model.uploadDocuments(f.account, order.id, true, true).ok());
    f.clock.advance(hours(60));  // review after 2 business days; the carrier needs 1 day more
    REQUIRE(f.status(order) == OrderStatus::Provisioning);
    f.clock.advance(hours(24 * 5));
    INFO(carrierDecisionName(c.decision));
    REQUIRE(f.numberStatus(order) == c.number);
    REQUIRE(f.status(order) == c.order);
  }
  for (const ReviewOutcome outcome :
       {ReviewOutcome::IncompleteDocumentation, ReviewOutcome::IncorrectBillingInformation,
        ReviewOutcome::ComplianceReviewFailed}) {
    Fixture f;
    f.profile(kNumber, [&](NumberProfile& p) { p.review = outcome; });
    const Order order = f.create();
    f.verify(order, {kNumber});
    REQUIRE(f.model.uploadDocuments(f.account, order.id, true, true).ok());
    f.clock.advance(hours(24 * 3));
    REQUIRE(orderStatusName(f.status(order)) == reviewOutcomeName(outcome));
  }
}

TEST_CASE("a number hosted by another customer fails inside the order", "[telnyx][model]") {
  Fixture f;
  f.profile(kOther, [](NumberProfile& p) { p.hosted_by_another_customer = true; });
  const Order order = f.create({kNumber, kOther});
  REQUIRE(f.numberStatus(order, 1) == NumberStatus::FailedNumberAlreadyHosted);
  const Order lone = f.create({kOther});
  REQUIRE(f.status(lone) == OrderStatus::Failed);
}

TEST_CASE("create refuses bad input and ineligible numbers", "[telnyx][model]") {
  Fixture f;
  REQUIRE(f.model.createOrder(f.account, std::nullopt, {"3125550001"}).error().provider_code ==
          "10016");
  REQUIRE(f.model.createOrder(f.account, std::nullopt, {kNumber, kNumber}).error().provider_code ==
          "10015");
  REQUIRE(f.model.createOrder(f.account, std::string("nope"), {kNumber}).error().provider_code ==
          "10017");
  f.profile(kNumber, [](NumberProfile& p) { p.kind = LineKind::Wireless; });
  REQUIRE(f.model.createOrder(f.account, std::nullopt, {kNumber})
              .error()
              .message.find("NUMBER_CAN_NOT_BE_WIRELESS") != std::string::npos);
}

TEST_CASE("accounts are isolated, delete marks everything deleted", "[telnyx][model]") {
  Fixture f;
  const Order order = f.create();
  REQUIRE(f.model.fetchOrder(f.other, order.id).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.pageOfOrders(f.other, 0, 100).orders.empty());
  REQUIRE(f.model.fetchNumber(f.other, kNumber).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.fetchNumber(f.account, kNumber).ok());
  auto deleted = f.model.deleteOrder(f.account, order.id);
  REQUIRE(deleted.value().status == OrderStatus::Deleted);
  REQUIRE(f.numberStatus(order) == NumberStatus::Deleted);
  REQUIRE(f.events.back() == "deleted:deleted");
  REQUIRE(f.model.requestCodes(f.account, order.id, {kNumber}, "sms").error().code ==
          ErrorCode::FailedPrecondition);
}

TEST_CASE("eligibility: only US numbers, valid NANP, +1 and ten digits", "[telnyx][model]") {
  Fixture f;
  const auto results = f.model.checkEligibility(
      f.account, {"+14165550100", "+18765550100", "+17875550100", "+1312555010", "+10005550100",
                  "+12115550100", "+13121110100"});
  std::vector<std::string> names;
  for (const auto& result : results) {
    names.emplace_back(eligibilityName(result.status));
  }
  REQUIRE(names == std::vector<std::string>{
                       "NUMBER_IS_NOT_A_US_NUMBER", "NUMBER_IS_NOT_A_US_NUMBER", "ELIGIBLE",
                       "NUMBER_IS_NOT_IN_E164_FORMAT", "NUMBER_IS_NOT_IN_E164_FORMAT",
                       "NUMBER_IS_NOT_IN_E164_FORMAT", "NUMBER_IS_NOT_IN_E164_FORMAT"});
  REQUIRE(eligibilityDetail(Eligibility::NotUsNumber) == "Phone number is not a valid US number");
  REQUIRE(f.model.createOrder(f.account, std::nullopt, {"+1312555010"}).error().provider_code ==
          "10016");
  REQUIRE(f.model.createOrder(f.account, std::nullopt, {"+14165550100"})
              .error()
              .message.find("NUMBER_IS_NOT_A_US_NUMBER") != std::string::npos);
  const Error empty = f.model.createOrder(f.account, std::nullopt, {}).error();
  REQUIRE(empty.provider_code == "10015");
  REQUIRE(empty.message == "You must provide at least 1 phone number.\n/phone_numbers");
}

TEST_CASE("internal transfer: detected, approved by the owner, the number moves",
          "[telnyx][model]") {
  Fixture f;
  const Order first = f.create({kNumber});
  f.activate(f.account, first, {kNumber});
  f.events.clear();
  auto taken = f.model.createOrder(f.other, std::string("profile-b"), {kNumber});
  REQUIRE(taken.ok());
  const Order order = taken.value();
  REQUIRE(order.status == OrderStatus::Pending);
  REQUIRE(f.numberStatus(order) == NumberStatus::Pending);
  REQUIRE(f.events == std::vector<std::string>{"created:pending",
                                               "internal_transfer_detected:pending",
                                               "internal_transfer_approval_requested:pending"});
  const InternalTransfer transfer = *f.model.orders().at(order.id).internal_transfer;
  REQUIRE(transfer.losing_user_id == "user-a");
  REQUIRE(transfer.approval_deadline == f.clock.now() + hours(72));
  auto codes = f.model.requestCodes(f.other, order.id, {kNumber}, "sms");
  REQUIRE(*codes.value()[0].error == "Internal transfer approval is pending.");

  REQUIRE(f.model.decideTransfer(f.other, order.id, transfer.approval_token, true)
              .error()
              .provider_code == "10010");
  REQUIRE(f.model.decideTransfer(f.account, order.id, "wrong", true).error().provider_code ==
          "10015");
  REQUIRE(f.model.decideTransfer(f.account, "nope", transfer.approval_token, true).error().code ==
          ErrorCode::NotFound);
  REQUIRE(f.model.decideTransfer(f.account, order.id, transfer.approval_token, true).ok());
  REQUIRE(f.events.back() == "internal_transfer_approved:pending");
  REQUIRE(f.model.decideTransfer(f.account, order.id, transfer.approval_token, true)
              .error()
              .provider_code == "10015");  // single use

  f.activate(f.other, order, {kNumber});
  REQUIRE(f.numberStatus(first) == NumberStatus::Deleted);
  REQUIRE(f.model.fetchNumber(f.other, kNumber).ok());
  REQUIRE(f.model.fetchNumber(f.account, kNumber).error().code == ErrorCode::NotFound);
}

TEST_CASE("internal transfer: rejected fails the order, silence approves after 72 hours",
          "[telnyx][model]") {
  Fixture f;
  const Order first = f.create({kNumber, kOther});
  f.activate(f.account, first, {kNumber, kOther});
  const Order rejected = f.model.createOrder(f.other, std::nullopt, {kNumber}).value();
  const std::string token = f.model.orders().at(rejected.id).internal_transfer->approval_token;
  REQUIRE(f.model.decideTransfer(f.account, rejected.id, token, false).ok());
  REQUIRE(f.status(rejected) == OrderStatus::Failed);
  REQUIRE(f.numberStatus(rejected) == NumberStatus::Failed);
  REQUIRE(f.events.back() == "updated:failed");

  const Order silent = f.model.createOrder(f.other, std::nullopt, {kOther}).value();
  f.clock.advance(hours(72));
  REQUIRE(f.model.orders().at(silent.id).internal_transfer->decision == TransferDecision::Approved);
  REQUIRE(f.events.back() == "internal_transfer_auto_approved:pending");
}

TEST_CASE("messages: only from an active hosted number, health counts them", "[telnyx][model]") {
  Fixture f;
  const Order order = f.create({kNumber});
  NewMessage message;
  message.from = kNumber;
  message.to = "+13125559999";
  message.text = "hello";
  REQUIRE(f.model.sendMessage(f.account, message).error().provider_code == "40305");
  f.activate(f.account, order, {kNumber});
  REQUIRE(f.model.sendMessage(f.other, message).error().provider_code == "40305");
  NewMessage elsewhere = message;
  elsewhere.messaging_profile_id = "profile-b";
  REQUIRE(f.model.sendMessage(f.account, elsewhere).error().provider_code == "40305");
  auto sent = f.model.sendMessage(f.account, message);
  REQUIRE(sent.ok());
  REQUIRE(sent.value().parts == 1);
  REQUIRE_FALSE(sent.value().ucs2);
  REQUIRE(*sent.value().webhook_url == "http://127.0.0.1:1/h");
  message.text = std::string(161, 'a');
  REQUIRE(f.model.sendMessage(f.account, message).value().parts == 2);
  message.text = std::string(1530, 'a');
  REQUIRE(f.model.sendMessage(f.account, message).value().parts == 10);
  message.text = std::string(1531, 'a');
  const Error too_long = f.model.sendMessage(f.account, message).error();
  REQUIRE(too_long.message == "The message text is longer than 10 parts.\n/text");
  message.text = "caf\xc3\xa9";
  REQUIRE(f.model.sendMessage(f.account, message).value().ucs2);
  REQUIRE(f.model.fetchMessage(f.account, sent.value().id).ok());
  REQUIRE(f.model.fetchMessage(f.other, sent.value().id).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.healthOf(f.model.fetchNumber(f.account, kNumber).value()).message_count == 4);
}

TEST_CASE("messaging profiles: per account, filtered by name, replaced, deleted",
          "[telnyx][model]") {
  Fixture f;
  MessagingProfile input = f.model.newProfile(f.account);
  input.name = "Main profile";
  const MessagingProfile created = f.model.createProfile(f.account, input).value();
  REQUIRE(created.v1_secret.size() == 24);
  REQUIRE(f.model.listProfiles(f.account, std::nullopt, std::nullopt).size() == 2);
  REQUIRE(f.model.listProfiles(f.account, std::string("Main profile"), std::nullopt).size() == 1);
  REQUIRE(f.model.listProfiles(f.account, std::nullopt, std::string("Main")).size() == 1);
  REQUIRE(f.model.fetchProfile(f.other, created.id).error().code == ErrorCode::NotFound);
  MessagingProfile changed = created;
  changed.name = "Renamed";
  f.clock.advance(seconds(5));
  const MessagingProfile replaced = f.model.replaceProfile(f.account, changed).value();
  REQUIRE(replaced.updated_at == created.created_at + seconds(5));
  REQUIRE(f.model.deleteProfile(f.other, created.id).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.deleteProfile(f.account, created.id).value().name == "Renamed");
  REQUIRE(f.model.fetchProfile(f.account, created.id).error().code == ErrorCode::NotFound);
  // The world's profiles come back with a reset; the ones clients created do not.
  REQUIRE(f.model.createProfile(f.account, input).ok());
  f.model.reset();
  REQUIRE(f.model.listProfiles(f.account, std::nullopt, std::nullopt).size() == 1);
}
