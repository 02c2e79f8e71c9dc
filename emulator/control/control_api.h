#pragma once

#include "core/http_types.h"
#include "core/router.h"

namespace hnemu {

class Emulator;

// Every test-only control under /__hnemu/ (house rule 5). Reads have no side effects.
class ControlApi {
 public:
  explicit ControlApi(Emulator& emulator);
  HttpResponse handle(HttpRequest& request);

 private:
  void registerRoutes();
  Router router_;
  Emulator& emulator_;
};

}  // namespace hnemu
