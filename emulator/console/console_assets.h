#pragma once

#include <string_view>
#include <vector>

namespace hnemu {

// One static file of the console (/__hnemu/ui), embedded at build time by embed.cmake.
struct ConsoleAsset {
  std::string_view name;  // e.g. "console.js"
  std::string_view content_type;
  std::string_view body;
};

const std::vector<ConsoleAsset>& consoleAssets();

}  // namespace hnemu
