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
    REQUIRE(model.addAccount({"AC" + std::string(32, 'a'), "token", "main", {}}).ok());
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
  REQUIRE(f.model.addAccount({"AC" + std::string(32, 'b'), "other", "other", {}}).ok());
  const Account other = f.model.world().accounts[1];
  const Order order = f.create();
  REQUIRE(f.model.fetchOrder(other, order.sid).error().code == ErrorCode::NotFound);
  REQUIRE(f.model.listOrders(other, Flavor::V2, {}).empty());
  REQUIRE(f.model.fetchNumber(other, order.incoming_phone_number_sid).error().code ==
          ErrorCode::NotFound);
  REQUIRE(f.model.authenticate(other.sid, "token") == nullptr);
  REQUIRE(f.model.authenticate(other.sid, "other") != nullptr);
}

TEST_CASE("delete only in received; release retires the number after 3 days", "[twilio][model]") {
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
