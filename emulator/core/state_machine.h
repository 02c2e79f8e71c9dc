#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/enum_names.h"

namespace hnemu {

// A resource's documented lifecycle, in the provider's own status names: what transition
// coverage is measured against. `collection` names the list in the provider's state dump whose
// items carry a "history" of {"status"} entries.
struct StateMachine {
  std::string name;
  std::string collection;
  std::vector<std::string> states;
  std::vector<std::pair<std::string, std::string>> transitions;
};

template <class Enum, size_t N>
StateMachine makeStateMachine(std::string name, std::string collection,
                              const EnumNames<Enum, N>& names,
                              const std::vector<std::pair<Enum, Enum>>& moves) {
  StateMachine machine{std::move(name), std::move(collection), {}, {}};
  for (const auto& entry : names) {
    machine.states.emplace_back(entry.second);
  }
  for (const auto& [from, to] : moves) {
    machine.transitions.emplace_back(enumName(names, from), enumName(names, to));
  }
  return machine;
}

}  // namespace hnemu
