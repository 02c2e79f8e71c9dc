#include "providers/fake/model.h"

#include <algorithm>

namespace hnemu::fake {

StateMachine orderLifecycle() {
  using S = OrderStatus;
  return makeStateMachine<OrderStatus, 4>(
      "widget_order", "orders", kOrderStatusNames,
      {{S::Received, S::Processing}, {S::Processing, S::Done}, {S::Processing, S::Failed}});
}

NumberProfile Model::profileFor(const std::string& number) const {
  const auto it = world_.numbers.find(number);
  return it == world_.numbers.end() ? NumberProfile{number, OrderStatus::Done} : it->second;
}

bool Model::authenticate(const std::string& token) const {
  return std::find(world_.tokens.begin(), world_.tokens.end(), token) != world_.tokens.end();
}

void Model::moveTo(Order& order, OrderStatus status) {
  order.status = status;
  order.history.emplace_back(clock_.now(), status);
  changes_.touch(kOrders, order.id);
}

Result<Order> Model::create(const std::string& token, const std::string& number) {
  Order order;
  order.id = ids_.uuid();
  order.token = token;
  order.number = number;
  order.sequence = next_sequence_++;
  moveTo(order, OrderStatus::Received);
  const std::string id = order.id;
  const OrderStatus outcome = profileFor(number).outcome;
  const Millis done_after = world_.rules.done_after;
  order.timer = clock_.scheduleAfter(
      world_.rules.processing_after, "fake: processing " + id, [this, id, outcome, done_after] {
        Order& processing = orders_.at(id);
        moveTo(processing, OrderStatus::Processing);
        processing.timer =
            clock_.scheduleAfter(done_after, "fake: outcome " + id,
                                 [this, id, outcome] { moveTo(orders_.at(id), outcome); });
      });
  orders_[id] = order;
  return order;
}

const Order* Model::find(const std::string& token, const std::string& id) const {
  const auto it = orders_.find(id);
  return it == orders_.end() || it->second.token != token ? nullptr : &it->second;
}

Status Model::finish(const std::string& id, OrderStatus outcome) {
  const auto it = orders_.find(id);
  if (it == orders_.end()) {
    return makeError(ErrorCode::NotFound, "no widget order " + id);
  }
  if (it->second.status != OrderStatus::Processing) {
    return makeError(ErrorCode::FailedPrecondition, "the order is not processing");
  }
  clock_.cancel(it->second.timer);
  moveTo(it->second, outcome);
  return Status();
}

void Model::reset() {
  orders_.clear();
  next_sequence_ = 1;
}

}  // namespace hnemu::fake
