// Built with nothing but `pkg-config --cflags --libs hnemu` (check.cmake): an emulator starts,
// its clock moves, and it stops.
#include <hnemu/emulator.h>

#include <iostream>

int main() {
  hnemu::Emulator emulator;
  emulator.start();
  emulator.advance("1d");
  std::cout << "hnemu from pkg-config: " << emulator.url() << ", " << emulator.now() << "\n";
  return emulator.now() == "2026-01-06T09:00:00.000Z" ? 0 : 1;
}
