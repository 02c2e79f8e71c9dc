#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/change_feed.h"
#include "core/clock.h"
#include "core/enum_names.h"
#include "core/ids.h"
#include "core/result.h"
#include "core/state_machine.h"

// A fourth provider for tests only: what a provider needs to be, in as few lines as it takes.
// A client orders a "widget" for a number; the order is received, processed, then done or failed,
// as the number's profile says. It proves that a provider is its folder plus one registration.
namespace hnemu::fake {

enum class OrderStatus { Received, Processing, Done, Failed };
inline constexpr EnumNames<OrderStatus, 4> kOrderStatusNames = {
    {{OrderStatus::Received, "received"},
     {OrderStatus::Processing, "processing"},
     {OrderStatus::Done, "done"},
     {OrderStatus::Failed, "failed"}}};
StateMachine orderLifecycle();

struct NumberProfile {
  std::string number;
  OrderStatus outcome = OrderStatus::Done;
};

struct Rules {
  Millis processing_after = std::chrono::hours(1);
  Millis done_after = std::chrono::hours(24);
};

struct World {
  std::vector<std::string> tokens;
  std::map<std::string, NumberProfile> numbers;
  Rules rules;
};

struct Order {
  std::string id;
  std::string token;
  std::string number;
  OrderStatus status = OrderStatus::Received;
  uint64_t sequence = 0;
  std::vector<std::pair<TimePoint, OrderStatus>> history;
  uint64_t timer = 0;
};

class Model {
 public:
  // The state dump's collection of orders.
  static constexpr std::string_view kOrders = "orders";

  Model(Clock& clock, IdGenerator& ids, ChangeScope changes = {})
      : clock_(clock), ids_(ids), changes_(std::move(changes)) {}

  World& world() { return world_; }
  const World& world() const { return world_; }
  NumberProfile profileFor(const std::string& number) const;
  bool authenticate(const std::string& token) const;

  Result<Order> create(const std::string& token, const std::string& number);
  const Order* find(const std::string& token, const std::string& id) const;
  // The provider's side, now: the order ends as `outcome`.
  Status finish(const std::string& id, OrderStatus outcome);
  const std::map<std::string, Order>& orders() const { return orders_; }
  void reset();

 private:
  void moveTo(Order& order, OrderStatus status);

  Clock& clock_;
  IdGenerator& ids_;
  ChangeScope changes_;
  World world_;
  std::map<std::string, Order> orders_;
  uint64_t next_sequence_ = 1;
};

}  // namespace hnemu::fake
