#include "providers/twilio/model.h"

#include <catch2/catch.hpp>

using namespace hnemu;
using namespace hnemu::twilio;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const TimePoint kStart = TimePoint(Millis(1'767'603'600'000));
const char* kNumber = "+14153608311";

struct Fixture {
  Clock clock{kStart};
  IdGenerator ids{1};
  Model model{clock, ids};
  Account account;
  std::vector<std::string> announced;

  Fixture() {
    REQUIRE(
        model.addAccount({"AC" + std::string(32, 'a'), "token", "main", {}, std::nullopt}).ok());
    account = model.world().accounts[0];
    model.setOrderListener([this](const Order& order, const Account&) {
      announced.push_back(std::string(orderStatusName(order.status)));
    });
  }

  CreateOrderInput input(const std::string& number = kNumber) const {
    CreateOrderInput in;
    in.phone_number = number;
    in.contact_phone_number = "+12344444444";
    in.address_sid = "AD" + std::string(32, '1');
    in.email = "owner@example.com";
    return in;
  }

  Order create(const std::string& number = kNumber) {
    auto order = model.createOrder(account, input(number));
    REQUIRE(order.ok());
    return order.value();
  }

  OrderStatus status(const std::string& sid) const { return model.orders().at(sid).status; }

  Result<Order> requestVerification(const std::string& sid) {
    UpdateOrderInput update;
    update.status = "pending-verification";
    return model.updateOrder(account, sid, update);
  }

  void profile(std::function<void(NumberProfile&)> edit, const std::string& number = kNumber) {
    NumberProfile p = model.profileFor(number);
    edit(p);
    model.world().numbers[number] = p;
  }
};

}  // namespace

TEST_CASE("happy path: twilio-processing to completed", "[twilio][model]") {
  Fixture f;
  const Order created = f.create();
  REQUIRE(created.status == OrderStatus::TwilioProcessing);
  REQUIRE(f.model.numbers().at(created.incoming_phone_number_sid).phone_number == kNumber);

  // Verification cannot start before the eligibility check passes.
  REQUIRE(f.requestVerification(created.sid).error().provider_code == "22111");
  f.clock.advance(seconds(30));
  REQUIRE(f.status(created.sid) == OrderStatus::Received);

  auto pending = f.requestVerification(created.sid);
  REQUIRE(pending.ok());
  REQUIRE(pending.value().status == OrderStatus::PendingVerification);
  REQUIRE(pending.value().verification_attempts == 1);
  REQUIRE(pending.value().verification_code->size() == 6);
  REQUIRE(pending.value().verification_call_sids.size() == 1);
  f.clock.advance(seconds(10));
  REQUIRE(f.status(created.sid) == OrderStatus::Verified);
  REQUIRE(f.model.calls()[0].outcome == CallOutcome::Verified);

  CreateDocumentInput doc_input;
  doc_input.order_sids = {created.sid};
  doc_input.address_sid = "AD" + std::string(32, '1');
  doc_input.email = "owner@example.com";
  doc_input.contact_phone_number = "+12344444444";
  auto doc = f.model.createDocument(f.account, doc_input);
  REQUIRE(doc.ok());
  REQUIRE(doc.value().status == DocumentStatus::Signing);
  REQUIRE(f.status(created.sid) == OrderStatus::PendingLoa);

  f.clock.advance(hours(1));
  REQUIRE(f.model.documents().at(doc.value().sid).status == DocumentStatus::Signed);
  REQUIRE(f.status(created.sid) == OrderStatus::CarrierProcessing);
  f.clock.advance(hours(24));
  REQUIRE(f.status(created.sid) == OrderStatus::Testing);
  f.clock.advance(hours(1));
  REQUIRE(f.status(created.sid) == OrderStatus::Completed);
  REQUIRE(f.announced == std::vector<std::string>{"twilio-processing", "received",
                                                  "pending-verification", "verified", "pending-loa",
                                                  "carrier-processing", "testing", "completed"});
  // Terminal: no more updates.
  REQUIRE(f.requestVerification(created.sid).error().provider_code == "22112");
}

TEST_CASE("three wrong codes: action-required, then failed after 7 days", "[twilio][model]") {
  Fixture f;
  f.profile([](NumberProfile& p) { p.callee = CalleeAction::EnterWrongCode; });
  const Order order = f.create();
  f.clock.advance(seconds(30));
  for (int attempt = 1; attempt <= 3; ++attempt) {
    REQUIRE(f.requestVerification(order.sid).ok());
    // A second request while the call is ringing is refused.
    REQUIRE(f.requestVerification(order.sid).error().provider_code == "22111");
    f.clock.advance(seconds(10));
  }
  const Order& stored = f.model.orders().at(order.sid);
  REQUIRE(stored.status == OrderStatus::ActionRequired);
  REQUIRE(stored.verification_attempts == 3);
  REQUIRE(stored.failure_reason.find("after 3 attempts") != std::string::npos);
  REQUIRE(f.requestVerification(order.sid).error().provider_code == "22100");

  f.clock.advance(hours(24 * 7) - Millis(1));
  REQUIRE(f.status(order.sid) == OrderStatus::ActionRequired);
  f.clock.advance(Millis(1));
  REQUIRE(f.status(order.sid) == OrderStatus::Failed);
  REQUIRE(f.model.calls().size() == 3);
  for (const VerificationCall& call : f.model.calls()) {
    REQUIRE(call.outcome == CallOutcome::WrongCode);
    REQUIRE(*call.digits_entered != call.expected_code);
  }
}

TEST_CASE("verification rules are configurable", "[twilio][model]") {
  Fixture f;
  f.model.world().rules.max_verification_attempts = 1;
  f.model.world().rules.action_required_timeout = hours(1);
  f.profile([](NumberProfile& p) { p.callee = CalleeAction::NoAnswer; });
  const Order order = f.create();
  f.clock.advance(seconds(30));
  REQUIRE(f.requestVerification(order.sid).ok());
  f.clock.advance(seconds(10));
  REQUIRE(f.status(order.sid) == OrderStatus::ActionRequired);
  f.clock.advance(hours(1));
  REQUIRE(f.status(order.sid) == OrderStatus::Failed);
}

TEST_CASE("call delay and extension waits happen in virtual time", "[twilio][model]") {
  Fixture f;
  const Order order = f.create();
  f.clock.advance(seconds(30));
  UpdateOrderInput update;
  update.status = "pending-verification";
  update.verification_call_delay = 15;
  update.verification_call_extension = "wwww2";  // two seconds of waits
  REQUIRE(f.model.updateOrder(f.account, order.sid, update).ok());
  REQUIRE(f.model.calls()[0].dial_at == f.clock.now() + seconds(17));
  f.clock.advance(seconds(26));
  REQUIRE(f.status(order.sid) == OrderStatus::PendingVerification);
  f.clock.advance(seconds(1));
  REQUIRE(f.status(order.sid) == OrderStatus::Verified);
}

TEST_CASE("a manual callee keys in digits through the control API", "[twilio][model]") {
  Fixture f;
  f.profile([](NumberProfile& p) { p.callee = CalleeAction::Manual; });
  const Order order = f.create();
  f.clock.advance(seconds(30));
  REQUIRE(f.requestVerification(order.sid).ok());
  f.clock.advance(seconds(10));
  const VerificationCall call = f.model.calls()[0];
  REQUIRE(call.outcome == CallOutcome::InProgress);
  REQUIRE(f.model
              .keyInDigits(call.sid, std::string("000000") == call.expected_code
                                         ? std::string("111111")
                                         : std::string("000000"))
              .ok());
  REQUIRE(f.status(order.sid) == OrderStatus::PendingVerification);
  REQUIRE(f.model.orders().at(order.sid).failure_reason.find("wrong code") != std::string::npos);
  REQUIRE_FALSE(f.model.keyInDigits(call.sid, std::string("1")).ok());  // that call has ended

  REQUIRE(f.requestVerification(order.sid).ok());
  f.clock.advance(seconds(10));
  const VerificationCall second = f.model.calls()[1];
  REQUIRE(f.model.keyInDigits(second.sid, second.expected_code).ok());
  REQUIRE(f.status(order.sid) == OrderStatus::Verified);
}

TEST_CASE("a manual callee who never keys in times out", "[twilio][model]") {
  Fixture f;
  f.profile([](NumberProfile& p) { p.callee = CalleeAction::Manual; });
  const Order order = f.create();
  f.clock.advance(seconds(30));
  REQUIRE(f.requestVerification(order.sid).ok());
  f.clock.advance(seconds(10) + minutes(2));
  REQUIRE(f.model.calls()[0].outcome == CallOutcome::NoAnswer);
}

TEST_CASE("carrier rejection and a carrier that never answers", "[twilio][model]") {
  for (const Decision decision : {Decision::Reject, Decision::Never}) {
    Fixture f;
    f.profile([decision](NumberProfile& p) {
      p.carrier = decision;
      p.carrier_after = hours(48);
    });
    const Order order = f.create();
    f.clock.advance(seconds(30));
    REQUIRE(f.requestVerification(order.sid).ok());
    f.clock.advance(seconds(10));
    CreateDocumentInput doc;
    doc.order_sids = {order.sid};
    doc.address_sid = "AD" + std::string(32, '1');
    doc.email = "o@example.com";
    doc.contact_phone_number = "+12344444444";
    REQUIRE(f.model.createDocument(f.account, doc).ok());
    f.clock.advance(hours(1) + hours(48));
    if (decision == Decision::Reject) {
      REQUIRE(f.status(order.sid) == OrderStatus::Failed);
      REQUIRE(f.model.orders().at(order.sid).failure_reason.find("carrier rejected") !=
              std::string::npos);
    } else {
      f.clock.advance(hours(24 * 365));
      REQUIRE(f.status(order.sid) == OrderStatus::CarrierProcessing);
      REQUIRE(f.model.carrierDecides(order.sid, true).ok());
      REQUIRE(f.status(order.sid) == OrderStatus::Testing);
    }
  }
}

TEST_CASE("a declined LOA sends its orders to action-required", "[twilio][model]") {
  Fixture f;
  f.profile([](NumberProfile& p) { p.loa_signer = Decision::Reject; });
  const Order order = f.create();
  f.clock.advance(seconds(30));
  REQUIRE(f.requestVerification(order.sid).ok());
  f.clock.advance(seconds(10));
  CreateDocumentInput doc;
  doc.order_sids = {order.sid};
  doc.address_sid = "AD" + std::string(32, '1');
  doc.email = "o@example.com";
  doc.contact_phone_number = "+12344444444";
  const auto created = f.model.createDocument(f.account, doc);
  REQUIRE(created.ok());
  f.clock.advance(hours(1));
  REQUIRE(f.model.documents().at(created.value().sid).status == DocumentStatus::Canceled);
  REQUIRE(f.status(order.sid) == OrderStatus::ActionRequired);
}

TEST_CASE("eligibility pre-check errors", "[twilio][model]") {
  Fixture f;
  auto code_for = [&](const std::string& number) {
    return f.model.createOrder(f.account, f.input(number)).error().provider_code;
  };
  REQUIRE(code_for("4153608311") == "21421");
  REQUIRE(code_for("+442071838750") == "22103");
  f.profile([](NumberProfile& p) { p.kind = NumberKind::Mobile; }, "+14155550101");
  REQUIRE(code_for("+14155550101") == "22110");
  f.profile([](NumberProfile& p) { p.hostability = Hostability::AlreadyHosted; }, "+14155550102");
  REQUIRE(code_for("+14155550102") == "22110");
  f.create("+14155550103");
  REQUIRE(code_for("+14155550103") == "22110");  // an active order already exists

  CreateOrderInput no_email = f.input("+14155550104");
  no_email.email.reset();
  REQUIRE(f.model.createOrder(f.account, no_email).error().message ==
          "Missing required parameter Email in the post body");
  CreateOrderInput bad_address = f.input("+14155550104");
  bad_address.address_sid = "AD123";
  REQUIRE(f.model.createOrder(f.account, bad_address).error().provider_code == "22109");
  CreateOrderInput bad_method = f.input("+14155550104");
  bad_method.status_callback_method = "PUT";
  REQUIRE(f.model.createOrder(f.account, bad_method).error().provider_code == "22106");
}

TEST_CASE("accounts never see each other's resources", "[twilio][model]") {
  Fixture f;
  REQUIRE(
      f.model.addAccount({"AC" + std::string(32, 'b'), "other", "other", {}, std::nullopt}).ok());
  const Account other = f.model.world().accounts[1];
  const Order order = f.create();
  REQUIRE(f.model.fetchOrder(other, order.sid).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.listOrders(other, Flavor::V2, {}).empty());
  REQUIRE(f.model.fetchNumber(other, order.incoming_phone_number_sid).error().code ==
          ErrorCode::NotFound);
  REQUIRE(f.model.authenticate(other.sid, "token") == nullptr);
  REQUIRE(f.model.authenticate(other.sid, "other") != nullptr);
}

TEST_CASE("delete only in received, release retires the number after 3 days", "[twilio][model]") {
  Fixture f;
  const Order order = f.create();
  REQUIRE(f.model.deleteOrder(f.account, order.sid).error().provider_code == "22112");
  f.clock.advance(seconds(30));
  REQUIRE(f.model.deleteOrder(f.account, order.sid).ok());
  REQUIRE(f.model.orders().empty());

  const Order second = f.create();
  REQUIRE(f.model.releaseNumber(f.account, second.incoming_phone_number_sid).ok());
  REQUIRE(f.status(second.sid) == OrderStatus::Failed);
  REQUIRE(f.model.fetchNumber(f.account, second.incoming_phone_number_sid).error().code ==
          ErrorCode::NotFound);
  f.clock.advance(hours(72));
  REQUIRE(f.model.numbers().at(second.incoming_phone_number_sid).retired);
  f.create();  // the number can be hosted again
}

TEST_CASE("reset drops resources and silences old timers", "[twilio][model]") {
  Fixture f;
  f.create();
  f.model.reset();
  REQUIRE(f.model.orders().empty());
  f.clock.advance(hours(1));  // the old eligibility timer fires into nothing
  REQUIRE(f.model.orders().empty());
  REQUIRE(f.model.world().accounts.size() == 1);
}

namespace {

const std::string kSub = "AC" + std::string(32, 'b');

Account subaccountOf(const Account& owner, const std::string& sid = kSub) {
  Account sub;
  sub.sid = sid;
  sub.auth_token = "sub";
  sub.owner_account_sid = owner.sid;
  return sub;
}

// An order of `f`'s account taken to verified.
Order verifiedOrder(Fixture& f, const std::string& number, Flavor flavor = Flavor::V2) {
  CreateOrderInput in = f.input(number);
  in.flavor = flavor;
  in.sms_capability = true;
  auto order = f.model.createOrder(f.account, in);
  REQUIRE(order.ok());
  f.clock.advance(seconds(30));
  REQUIRE(f.requestVerification(order.value().sid).ok());
  f.clock.advance(seconds(10));
  REQUIRE(f.status(order.value().sid) == OrderStatus::Verified);
  return order.value();
}

CreateDocumentInput documentFor(const std::vector<std::string>& order_sids) {
  CreateDocumentInput doc;
  doc.flavor = Flavor::Preview;
  doc.order_sids = order_sids;
  doc.address_sid = "AD" + std::string(32, '1');
  doc.email = "o@example.com";
  doc.contact_title = "Owner";
  doc.contact_phone_number = "+12344444444";
  return doc;
}

}  // namespace

TEST_CASE("subaccounts: AccountSid puts an order in one of the caller's subaccounts",
          "[twilio][model]") {
  Fixture f;
  REQUIRE(f.model.addAccount(subaccountOf(f.account)).ok());
  const Account sub = *f.model.account(kSub);
  CreateOrderInput in = f.input();
  in.account_sid = kSub;
  auto order = f.model.createOrder(f.account, in);
  REQUIRE(order.ok());
  REQUIRE(order.value().account_sid == kSub);
  REQUIRE(f.model.numbers().at(order.value().incoming_phone_number_sid).account_sid == kSub);
  REQUIRE(f.model.fetchOrder(sub, order.value().sid).ok());
  REQUIRE(f.model.fetchOrder(f.account, order.value().sid).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.accountActedFor(f.account, kSub) != nullptr);
  REQUIRE(f.model.accountActedFor(sub, f.account.sid) == nullptr);

  CreateOrderInput unknown = f.input("+14155550111");
  unknown.account_sid = "AC" + std::string(32, 'c');
  REQUIRE(f.model.createOrder(f.account, unknown).error().provider_code == "20003");
  CreateOrderInput parent = f.input("+14155550111");
  parent.account_sid = f.account.sid;
  REQUIRE(f.model.createOrder(sub, parent).error().provider_code == "20003");
  CreateOrderInput malformed = f.input("+14155550111");
  malformed.account_sid = "AC1";
  malformed.camel_case = true;
  REQUIRE(f.model.createOrder(f.account, malformed).error().message ==
          "Invalid parameter accountSid: must be AC followed by 32 hex digits");

  // One level only, and an owner must exist.
  REQUIRE_FALSE(f.model.addAccount(subaccountOf(sub, "AC" + std::string(32, 'c'))).ok());
  REQUIRE_FALSE(f.model
                    .addAccount(subaccountOf(subaccountOf(f.account, "AC" + std::string(32, 'd')),
                                             "AC" + std::string(32, 'c')))
                    .ok());
  REQUIRE_FALSE(f.model.addAccount(subaccountOf(sub, f.account.sid)).ok());
}

TEST_CASE("preview documents: opened again, edited, sent again, the first sending is void",
          "[twilio][model]") {
  Fixture f;
  const Order first = verifiedOrder(f, "+14155550121", Flavor::Preview);
  const Order second = verifiedOrder(f, "+14155550122", Flavor::Preview);
  auto doc = f.model.createDocument(f.account, documentFor({first.sid}));
  REQUIRE(doc.ok());
  const std::string sid = doc.value().sid;
  UpdateDocumentInput edit;
  edit.email = "signer@example.com";
  REQUIRE(f.model.updateDocument(f.account, sid, edit).error().provider_code == "22107");
  UpdateDocumentInput open;
  open.status = "opened";
  f.clock.advance(std::chrono::minutes(30));
  REQUIRE(f.model.updateDocument(f.account, sid, open).value().status == DocumentStatus::Opened);
  // The first signer's answer (due at 1h) finds the document opened: nothing happens.
  f.clock.advance(std::chrono::minutes(31));
  REQUIRE(f.model.documents().at(sid).status == DocumentStatus::Opened);

  UpdateDocumentInput swap;
  swap.order_sids = std::vector<std::string>{second.sid};
  swap.email = "signer@example.com";
  REQUIRE(f.model.updateDocument(f.account, sid, swap).ok());
  REQUIRE(f.status(first.sid) == OrderStatus::Verified);
  REQUIRE(f.status(second.sid) == OrderStatus::PendingLoa);
  UpdateDocumentInput bad;
  bad.status = "signed";
  REQUIRE(f.model.updateDocument(f.account, sid, bad).error().provider_code == "22122");
  UpdateDocumentInput send;
  send.status = "signing";
  REQUIRE(f.model.updateDocument(f.account, sid, send).value().status == DocumentStatus::Signing);
  f.clock.advance(std::chrono::minutes(59));
  REQUIRE(f.model.documents().at(sid).status == DocumentStatus::Signing);
  f.clock.advance(std::chrono::minutes(1));
  REQUIRE(f.model.documents().at(sid).status == DocumentStatus::Signed);
  REQUIRE(f.status(second.sid) == OrderStatus::CarrierProcessing);
  REQUIRE(f.model.documents().at(sid).email == "signer@example.com");
  REQUIRE(f.model.updateDocument(f.account, sid, open).error().provider_code == "22107");
}

TEST_CASE("eligibility: what a create would answer, in the Eligibility API's words",
          "[twilio][model]") {
  Fixture f;
  f.profile([](NumberProfile& p) { p.kind = NumberKind::Mobile; }, "+14155550131");
  f.profile([](NumberProfile& p) { p.hostability = Hostability::TwilioOwned; }, "+14155550132");
  const Order mine = f.create("+14155550133");
  REQUIRE(f.model.addAccount({"AC" + std::string(32, 'e'), "x", "x", {}, std::nullopt}).ok());
  const Account stranger = *f.model.account("AC" + std::string(32, 'e'));
  auto results = f.model.checkEligibility(f.account, {{"+18005550100", std::nullopt},
                                                      {"4565433456", std::nullopt},
                                                      {"+442071838750", std::nullopt},
                                                      {"+14155550131", std::nullopt},
                                                      {"+14155550132", std::nullopt},
                                                      {"+14155550133", std::nullopt}});
  REQUIRE(results.ok());
  const auto& r = results.value();
  REQUIRE(r[0].eligible);
  REQUIRE(r[0].phone_number_type == "TOLL_FREE");
  REQUIRE(r[0].account_sid == f.account.sid);
  REQUIRE(r[1].sub_status == "NUMBER_FORMAT_INELIGIBLE");
  REQUIRE_FALSE(r[1].account_sid);
  REQUIRE(r[2].sub_status == "COUNTRY_INELIGIBLE");
  REQUIRE(r[3].ineligibility_reason == "MOBILE_NUMBER_NOT_SUPPORTED");
  REQUIRE(r[4].ineligibility_reason == "ALREADY_IN_TWILIO_BUT_NOT_IN_USE");
  REQUIRE(r[5].hosting_order_sid == mine.sid);
  REQUIRE(r[5].hosting_order_status == "twilio-processing");
  // Another account learns the number is taken, not whose order it is.
  const auto seen = f.model.checkEligibility(stranger, {{"+14155550133", std::nullopt}});
  REQUIRE(seen.value()[0].ineligibility_reason == "ALREADY_IN_TWILIO_IN_ANOTHER_ACCOUNT");
  REQUIRE_FALSE(seen.value()[0].hosting_order_sid);
  REQUIRE(f.model.checkEligibility(f.account, {{"+18005550100", f.account.sid + "x"}})
              .error()
              .provider_code == "20001");
  REQUIRE(
      f.model.checkEligibility(f.account, {{"+18005550100", stranger.sid}}).error().provider_code ==
      "20003");

  auto bulk = f.model.createBulkEligibility(f.account, "bulk", {{"+18005550100", std::nullopt}});
  REQUIRE(bulk.ok());
  REQUIRE(bulk.value().status == BulkEligibilityStatus::Queued);
  REQUIRE(bulk.value().results.empty());
  REQUIRE(f.model.fetchBulkEligibility(stranger, bulk.value().request_id).error().code ==
          ErrorCode::NotFound);
  f.clock.advance(seconds(2));
  const BulkEligibility done =
      f.model.fetchBulkEligibility(f.account, bulk.value().request_id).value();
  REQUIRE(done.status == BulkEligibilityStatus::Successful);
  REQUIRE(done.results.size() == 1);
  REQUIRE(done.date_completed == done.date_created + seconds(2));
}

TEST_CASE("bulk hosting: queued, in progress with its orders, processed", "[twilio][model]") {
  Fixture f;
  BulkOrderLine good;
  good.input = f.input("+14155550141");
  BulkOrderLine busy;
  busy.input = f.input("+14155550142");
  BulkOrderLine undecoded;
  undecoded.input.phone_number = "12";
  undecoded.failure_reason = "PhoneNumber is invalid";
  f.create("+14155550142");
  auto request =
      f.model.createBulkRequest(f.account, "bulk", "o@example.com", {good, busy, undecoded});
  REQUIRE(request.ok());
  const std::string sid = request.value().sid;
  REQUIRE(f.model.orders().size() == 1);
  f.clock.advance(std::chrono::minutes(1));
  const BulkHostingRequest started = f.model.fetchBulkRequest(f.account, sid).value();
  REQUIRE(started.status == BulkRequestStatus::InProgress);
  REQUIRE(started.lines[0].order_sid);
  REQUIRE(f.model.orders().at(*started.lines[0].order_sid).bulk_hosting_request_sid == sid);
  REQUIRE(started.lines[1].failure_reason->find("Phone Number Not Hostable") == 0);
  REQUIRE(started.lines[2].failure_reason == "PhoneNumber is invalid");
  f.clock.advance(std::chrono::minutes(1));
  const BulkHostingRequest processed = f.model.fetchBulkRequest(f.account, sid).value();
  REQUIRE(processed.status == BulkRequestStatus::Processed);
  REQUIRE(processed.date_completed);
}

TEST_CASE("messages: from a hosted number once its order is completed", "[twilio][model]") {
  Fixture f;
  const Order order = verifiedOrder(f, kNumber);
  SendMessageInput message;
  message.to = "+14155550199";
  message.from = kNumber;
  message.body = "Hello";
  REQUIRE(f.model.sendMessage(f.account, message).error().provider_code == "21606");
  REQUIRE(f.model
              .createDocument(f.account,
                              [&] {
                                CreateDocumentInput doc = documentFor({order.sid});
                                doc.flavor = Flavor::V2;
                                return doc;
                              }())
              .ok());
  f.clock.advance(hours(1));
  f.clock.advance(hours(24));
  f.clock.advance(hours(1));
  REQUIRE(f.status(order.sid) == OrderStatus::Completed);
  auto sent = f.model.sendMessage(f.account, message);
  REQUIRE(sent.ok());
  REQUIRE(sent.value().sid.substr(0, 2) == "SM");
  REQUIRE(sent.value().status == "queued");
  REQUIRE(f.model.messages().size() == 1);

  auto code = [&](SendMessageInput input) {
    return f.model.sendMessage(f.account, input).error().provider_code;
  };
  SendMessageInput no_to = message;
  no_to.to.reset();
  REQUIRE(code(no_to) == "21604");
  SendMessageInput no_from = message;
  no_from.from.reset();
  REQUIRE(code(no_from) == "21603");
  SendMessageInput service = message;
  service.messaging_service_sid = "MG" + std::string(32, 'a');
  REQUIRE(code(service) == "21701");
  SendMessageInput no_body = message;
  no_body.body.reset();
  REQUIRE(code(no_body) == "21602");
  SendMessageInput long_body = message;
  long_body.body = std::string(1601, 'a');
  REQUIRE(code(long_body) == "21617");
  SendMessageInput bad_to = message;
  bad_to.to = "5551234";
  REQUIRE(code(bad_to) == "21211");
  // Another account may not send from it.
  REQUIRE(f.model.addAccount({"AC" + std::string(32, 'e'), "x", "x", {}, std::nullopt}).ok());
  REQUIRE(f.model.sendMessage(*f.model.account("AC" + std::string(32, 'e')), message)
              .error()
              .provider_code == "21606");
}

TEST_CASE("message segments: GSM-7 and UCS-2 as carriers split them", "[twilio][model]") {
  REQUIRE(messageSegments("") == 1);
  REQUIRE(messageSegments(std::string(160, 'a')) == 1);
  REQUIRE(messageSegments(std::string(161, 'a')) == 2);
  REQUIRE(messageSegments(std::string(306, 'a')) == 2);
  REQUIRE(messageSegments(std::string(307, 'a')) == 3);
  REQUIRE(messageSegments(std::string(80, '[')) == 1);                       // 160 septets
  REQUIRE(messageSegments(std::string(81, '[')) == 2);                       // two septets each
  REQUIRE(messageSegments("caf\xc3\xa9") == 1);                              // é is GSM
  REQUIRE(messageSegments(std::string(70, 'a') + "\xf0\x9f\x91\x8d") == 2);  // UCS-2: 72 units
  REQUIRE(messageSegments("Hello! \xf0\x9f\x91\x8d") == 1);
}
