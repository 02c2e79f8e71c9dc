#pragma once

#include "providers/provider.h"

namespace hnemu::fake {

// The fake provider as a registry would know it; register it with ScopedProviderForTest.
const ProviderKind& kind();

}  // namespace hnemu::fake
