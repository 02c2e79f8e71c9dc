#pragma once

#include <string_view>
#include <vector>

#include "providers/provider.h"

namespace hnemu {

// Every provider hnemu serves, in order: the only list of them in the code (registry.cpp).
const std::vector<const ProviderKind*>& providerKinds();
const ProviderKind* findProviderKind(std::string_view name);
// "twilio, telnyx or bandwidth", for error messages.
std::string providerNamesText();

// Registers one more provider while it lives (tests only: a fake fourth provider shows that the
// seam is the whole of a provider).
class ScopedProviderForTest {
 public:
  explicit ScopedProviderForTest(const ProviderKind& kind);
  ~ScopedProviderForTest();
  ScopedProviderForTest(const ScopedProviderForTest&) = delete;
  ScopedProviderForTest& operator=(const ScopedProviderForTest&) = delete;

 private:
  const ProviderKind& kind_;
};

}  // namespace hnemu
