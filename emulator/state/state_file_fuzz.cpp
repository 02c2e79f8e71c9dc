// Fuzz target: any bytes as a --state file. Opening it restores or refuses with an error that
// names the file; it never crashes, and a file refused before its replay began (anything but a
// digest that does not match the replayed state, or a snapshot that cannot be restored) leaves the
// emulator as it was.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "state/state_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("hnemu-fuzz-state-" + std::to_string(::getpid()) + ".json"))
                                      .string();
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  hnemu::EmulatorOptions options;
  hnemu::Engine emulator(options);
  const nlohmann::json before = emulator.state();
  auto opened = hnemu::StateFile::open(path, emulator, nlohmann::json{{"seed", 1}}, nullptr);
  if (!opened.ok()) {
    const std::string& message = opened.error().message;
    const bool replay_began =
        message.find("replays to a state that differs") != std::string::npos ||
        message.find("its snapshot cannot be restored") != std::string::npos ||
        message.find("its snapshot restores to a state that differs") != std::string::npos;
    if (message.find(path) == std::string::npos || (!replay_began && emulator.state() != before)) {
      std::abort();
    }
  }
  opened = hnemu::Error{};  // closes the file (a final save) before it is removed
  std::filesystem::remove(path);
  return 0;
}
