#include "providers/registry.h"

#include <algorithm>

#include "providers/bandwidth/kind.h"
#include "providers/telnyx/kind.h"
#include "providers/twilio/kind.h"

namespace hnemu {
namespace {

std::vector<const ProviderKind*>& registered() {
  static std::vector<const ProviderKind*> kinds = {
      &twilio::kind(),
      &telnyx::kind(),
      &bandwidth::kind(),
  };
  return kinds;
}

}  // namespace

const std::vector<const ProviderKind*>& providerKinds() { return registered(); }

const ProviderKind* findProviderKind(std::string_view name) {
  for (const ProviderKind* kind : registered()) {
    if (kind->name() == name) {
      return kind;
    }
  }
  return nullptr;
}

std::string providerNamesText() {
  std::string out;
  const auto& kinds = registered();
  for (size_t i = 0; i < kinds.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == kinds.size() ? " or " : ", ") + std::string(kinds[i]->name());
  }
  return out;
}

ScopedProviderForTest::ScopedProviderForTest(const ProviderKind& kind) : kind_(kind) {
  registered().push_back(&kind_);
}

ScopedProviderForTest::~ScopedProviderForTest() {
  auto& kinds = registered();
  kinds.erase(std::remove(kinds.begin(), kinds.end(), &kind_), kinds.end());
}

}  // namespace hnemu
