// Numbers v2 bulk hosting requests: QUEUED, then IN_PROGRESS when each order is created as a
// numbers v2 create would create it (or refused with that create's error), then PROCESSED.
#include "providers/twilio/model.h"

namespace hnemu::twilio {

Result<BulkHostingRequest> Model::createBulkRequest(const Account& caller,
                                                    std::optional<std::string> friendly_name,
                                                    std::optional<std::string> notification_email,
                                                    std::vector<BulkOrderLine> lines) {
  BulkHostingRequest request;
  request.sid = ids_.sid("BH");
  request.account_sid = caller.sid;
  request.friendly_name = std::move(friendly_name);
  request.notification_email = std::move(notification_email);
  request.lines = std::move(lines);
  request.date_created = clock_.now();
  request.sequence = ++sequence_;
  const std::string sid = request.sid;
  changes_.touch(kBulkRequests, sid);
  bulk_requests_.emplace(sid, std::move(request));
  timers_.schedule(world_.rules.bulk_hosting_queued, "bulk hosting " + sid + " in progress",
                   "bulk hosting started", {sid});
  return bulk_requests_.at(sid);
}

void Model::startBulkRequest(const std::string& sid) {
  BulkHostingRequest& request = bulk_requests_.at(sid);
  request.status = BulkRequestStatus::InProgress;
  changes_.touch(kBulkRequests, sid);
  Account caller;
  caller.sid = request.account_sid;
  for (BulkOrderLine& line : request.lines) {
    if (line.failure_reason) {
      continue;
    }
    auto created = createOrder(caller, line.input);
    if (!created.ok()) {
      line.failure_reason = created.error().message;
      continue;
    }
    line.order_sid = created.value().sid;
    Order& order = orders_.at(*line.order_sid);
    order.bulk_hosting_request_sid = sid;
    touchOrder(order);
  }
  timers_.schedule(world_.rules.bulk_hosting_processing, "bulk hosting " + sid + " processed",
                   "bulk hosting processed", {sid});
}

void Model::finishBulkRequest(const std::string& sid) {
  BulkHostingRequest& processed = bulk_requests_.at(sid);
  processed.status = BulkRequestStatus::Processed;
  processed.date_completed = clock_.now();
  changes_.touch(kBulkRequests, sid);
}

Result<BulkHostingRequest> Model::fetchBulkRequest(const Account& caller,
                                                   std::string_view sid) const {
  const auto it = bulk_requests_.find(std::string(sid));
  if (it == bulk_requests_.end() || it->second.account_sid != caller.sid) {
    return makeError(ErrorCode::NotFound, "bulk hosting request not found");
  }
  return it->second;
}

}  // namespace hnemu::twilio
