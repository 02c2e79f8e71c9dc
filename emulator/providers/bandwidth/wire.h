#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/http_types.h"
#include "core/result.h"
#include "providers/bandwidth/model.h"

// Bandwidth's XML wire formats (pugixml lives only here and in wire.cpp).
namespace hnemu::bandwidth::wire {

// <Root><ResponseStatus><ErrorCode/><Description/></ResponseStatus></Root> with the status
// the error maps to; 401 has an empty body, as Bandwidth's does.
HttpResponse errorResponse(const std::string& root, const Error& error);
// <Root>[<ProcessingStatus>FAILED</ProcessingStatus>]<Errors><Code/><Description/></Errors>...
HttpResponse validationErrors(const std::string& root, const std::vector<TnError>& errors,
                              bool processing_status);
HttpResponse xmlResponse(int status, const std::string& xml);
// A body-less answer, still application/xml as Bandwidth's are.
HttpResponse emptyXml(int status);
int httpStatusFor(const Error& error);

Result<std::vector<std::string>> decodeCheckerTns(const std::string& body);
Result<NewImportOrder> decodeImportOrder(const std::string& body);
Result<std::pair<std::optional<std::string>, std::vector<std::string>>> decodeRemoveOrder(
    const std::string& body);
// Subscription validation answers with Bandwidth's 145xx codes.
Result<Subscription> decodeSubscription(const std::string& body);
Result<std::pair<std::optional<std::string>, std::optional<std::string>>> decodeFileMetadata(
    const std::string& body);

std::string encodeChecker(const CheckerResult& result);
std::string encodeImportOrder(const ImportOrder& order, bool wrapped);
std::string encodeImportOrderList(const std::vector<ImportOrder>& orders);
std::string encodeRemoveOrder(const RemoveOrder& order, bool wrapped);
std::string encodeRemoveOrderList(const std::vector<RemoveOrder>& orders);
std::string encodeHistory(const std::vector<HistoryEntry>& history);
std::string encodeFileUpload(const LoaFile& file, const std::string& order_id);
// With metadata, <fileData> items; without, Iris's repeated <fileNames>.
std::string encodeFileList(const std::vector<LoaFile>& files, bool metadata);
std::string encodeFileMetadata(const LoaFile& file);
// Always <SubscriptionsResponse><Subscriptions><Subscription>: the Node client hangs otherwise.
std::string encodeSubscriptions(const std::vector<Subscription>& subscriptions, TimePoint now,
                                const std::vector<std::string>& statuses);
std::string encodeNotification(const OrderNotice& notice, const std::string& subscription_id);
// <Notification><SubscriptionId/><EventType/><ImpactedTelephoneNumbers>, numbers in the
// subscription's NumberFormat.
std::string encodeEventNotification(const EventNotice& notice, const Subscription& subscription);
// A subscription's Status after a callback: "200 OK", or with the receiver's message
// "500 Internal Server Error: <body on one line>".
std::string deliveryStatus(int status, const std::string& response_body);

// Absolute URLs of the in-service list's pages.
struct InServiceLinks {
  std::optional<std::string> first, previous, next;
};
std::string encodeInServiceNumbers(const InServicePage& page, const InServiceLinks& links);
std::string encodeInServiceTotals(size_t count);
// GET /tns/{tn}: the TN's status on the caller's account.
std::string encodeTelephoneNumber(const InServiceNumber& number);
std::string encodeTelephoneNumberNotFound();

}  // namespace hnemu::bandwidth::wire
