#include "explore/plan.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "scenario/yaml.h"

namespace hnemu::explore {
namespace {

using nlohmann::json;

constexpr Millis kDelayedBy{std::chrono::minutes(30)};

// splitmix64: the same sequence for a seed on every platform, unlike the standard engines'
// distributions.
class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t count) { return static_cast<size_t>(next() % count); }

 private:
  uint64_t state_;
};

struct Candidate {
  std::vector<std::pair<size_t, size_t>> choices;
  StatusPaths path;
  std::set<Transition> transitions;
};

std::set<Transition> transitionsOf(const StatusPaths& path) {
  std::set<Transition> out;
  for (const auto& [machine, statuses] : path) {
    for (size_t i = 1; i < statuses.size(); ++i) {
      if (statuses[i - 1] != statuses[i]) {
        out.insert({machine, statuses[i - 1], statuses[i]});
      }
    }
  }
  return out;
}

// Every way through the decisions: a choice at each decision met, until one ends the flow.
void enumerate(const Exploration& exploration, size_t decision, Candidate& so_far,
               std::vector<Candidate>& out) {
  if (decision == exploration.decisions.size()) {
    so_far.transitions = transitionsOf(so_far.path);
    out.push_back(so_far);
    return;
  }
  const std::vector<WorldChoice>& choices = exploration.decisions[decision].choices;
  for (size_t c = 0; c < choices.size(); ++c) {
    Candidate next = so_far;
    next.choices.emplace_back(decision, c);
    for (const auto& [machine, statuses] : choices[c].statuses) {
      std::vector<std::string>& path = next.path[machine];
      path.insert(path.end(), statuses.begin(), statuses.end());
    }
    if (choices[c].ends) {
      next.transitions = transitionsOf(next.path);
      out.push_back(std::move(next));
    } else {
      enumerate(exploration, decision + 1, next, out);
    }
  }
}

template <class T>
size_t countNew(const std::set<T>& items, const std::set<T>& covered) {
  return static_cast<size_t>(std::count_if(
      items.begin(), items.end(), [&](const T& item) { return covered.count(item) == 0; }));
}

std::set<std::pair<size_t, size_t>> choiceSet(const Candidate& candidate) {
  return {candidate.choices.begin(), candidate.choices.end()};
}

// YAML for the generated scenarios: flow style, plain scalars where they cannot be misread.
bool plain(const std::string& text) {
  static const char* const kReserved[] = {"true", "false", "yes", "no", "on",
                                          "off",  "null",  "y",   "n",  "~"};
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '/')) {
    return false;
  }
  for (const char* reserved : kReserved) {
    if (iequals(text, reserved)) {
      return false;
    }
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == '/';
  });
}

std::string yamlScalar(const std::string& text) { return plain(text) ? text : json(text).dump(); }

std::string yamlFlow(const json& value) {
  if (value.is_object()) {
    std::string out = "{";
    for (const auto& [key, item] : value.items()) {
      out += (out.size() > 1 ? ", " : "") + yamlScalar(key) + ": " + yamlFlow(item);
    }
    return out + "}";
  }
  if (value.is_array()) {
    std::string out = "[";
    for (const json& item : value) {
      out += (out.size() > 1 ? ", " : "") + yamlFlow(item);
    }
    return out + "]";
  }
  return value.is_string() ? yamlScalar(value.get<std::string>()) : value.dump();
}

// The lifecycle whose states are `states` ("" when none is).
std::string machineWith(const std::vector<StateMachine>& machines,
                        const std::vector<std::string>& states) {
  for (const StateMachine& machine : machines) {
    if (!states.empty() && machine.states == states) {
      return machine.name;
    }
  }
  return "";
}

// "a > b > c"
std::string statusesText(const std::vector<std::string>& statuses) {
  std::string out;
  for (const std::string& status : statuses) {
    out += (out.empty() ? "" : " > ") + status;
  }
  return out;
}

std::vector<std::string> pathOf(const PlannedRun& run, const std::string& machine) {
  const auto it = run.path.find(machine);
  return it == run.path.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace

std::string perturbationText(Perturbation perturbation) {
  switch (perturbation) {
    case Perturbation::ForgedSignature:
      return "the first webhook carries a forged signature";
    case Perturbation::Duplicate:
      return "the first webhook is delivered twice";
    case Perturbation::Delayed:
      return "the first webhook is held back " + formatDuration(kDelayedBy) +
             ", so later ones overtake it";
    case Perturbation::RateLimited:
      return "a 429 (Retry-After: 1) answers one step of run 1";
    case Perturbation::Unavailable:
      return "a 503 answers one step of run 1";
  }
  return "";
}

bool PlannedRun::creates_order() const {
  return std::any_of(path.begin(), path.end(),
                     [](const auto& entry) { return !entry.second.empty(); });
}

bool PlannedRun::faulted() const {
  return std::any_of(perturbations.begin(), perturbations.end(), [](Perturbation each) {
    return each == Perturbation::RateLimited || each == Perturbation::Unavailable;
  });
}

Plan makePlan(const ProviderKind& kind, uint64_t seed, const ClientConfig& config) {
  Plan plan;
  plan.provider = std::string(kind.name());
  plan.seed = seed;
  plan.exploration = kind.exploration();
  plan.lifecycles = kind.lifecycles();
  plan.order_machine = machineWith(plan.lifecycles, kind.orderStatuses());
  plan.number_machine = machineWith(plan.lifecycles, kind.numberStatuses());
  std::vector<Candidate> candidates;
  Candidate start;
  enumerate(plan.exploration, 0, start, candidates);
  SeededRandom random(seed);
  for (size_t i = candidates.size(); i > 1; --i) {
    std::swap(candidates[i - 1], candidates[random.below(i)]);
  }
  std::set<std::pair<size_t, size_t>> behaviours;
  for (const Candidate& candidate : candidates) {
    plan.reachable.insert(candidate.transitions.begin(), candidate.transitions.end());
    behaviours.insert(candidate.choices.begin(), candidate.choices.end());
  }
  plan.behaviours = behaviours.size();

  auto take = [&](const Candidate& candidate, std::string why) {
    PlannedRun run;
    run.index = plan.runs.size() + 1;
    run.choices = candidate.choices;
    run.path = candidate.path;
    run.transitions = candidate.transitions;
    run.why = std::move(why);
    plan.runs.push_back(std::move(run));
  };
  // Greedy set cover: first the transitions, then the world's choices no run has yet.
  std::set<Transition> covered;
  while (covered.size() < plan.reachable.size()) {
    const auto best = std::max_element(
        candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
          return countNew(a.transitions, covered) < countNew(b.transitions, covered);
        });
    const size_t gained = countNew(best->transitions, covered);
    covered.insert(best->transitions.begin(), best->transitions.end());
    take(*best, "it covers " + std::to_string(gained) + " transition(s) no earlier run does");
  }
  std::set<std::pair<size_t, size_t>> exercised;
  for (const PlannedRun& run : plan.runs) {
    exercised.insert(run.choices.begin(), run.choices.end());
  }
  while (exercised.size() < behaviours.size()) {
    const auto best = std::max_element(
        candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
          return countNew(choiceSet(a), exercised) < countNew(choiceSet(b), exercised);
        });
    std::string what;
    for (const auto& choice : best->choices) {
      if (exercised.count(choice) == 0) {
        what += (what.empty() ? "" : "; ") +
                plan.exploration.decisions[choice.first].choices[choice.second].behaviour;
      }
    }
    exercised.insert(best->choices.begin(), best->choices.end());
    take(*best, "the first run where " + what);
  }

  // What the provider documents of its webhooks, each on a run the seed picks, spread over runs
  // that have none yet: one with an order, so webhooks are sent; for a late one, an order that
  // changes after it, so a later webhook can overtake it.
  std::vector<Perturbation> webhook_perturbations;
  if (config.webhooks) {
    webhook_perturbations.push_back(Perturbation::ForgedSignature);
    if (plan.exploration.webhooks_repeat) {
      webhook_perturbations.push_back(Perturbation::Duplicate);
    }
    if (plan.exploration.webhooks_reorder) {
      webhook_perturbations.push_back(Perturbation::Delayed);
    }
  }
  for (Perturbation perturbation : webhook_perturbations) {
    std::vector<size_t> open;
    std::vector<size_t> fitting;
    const size_t statuses_needed = perturbation == Perturbation::Delayed ? 2 : 1;
    for (size_t i = 0; i < plan.runs.size(); ++i) {
      const bool fits =
          std::any_of(plan.runs[i].path.begin(), plan.runs[i].path.end(),
                      [&](const auto& entry) { return entry.second.size() >= statuses_needed; });
      if (fits) {
        fitting.push_back(i);
        if (plan.runs[i].perturbations.empty()) {
          open.push_back(i);
        }
      }
    }
    const std::vector<size_t>& pool = open.empty() ? fitting : open;
    if (!pool.empty()) {
      PlannedRun& run = plan.runs[pool[random.below(pool.size())]];
      run.perturbations.push_back(perturbation);
      run.why += "; " + perturbationText(perturbation);
    }
  }
  // Provider faults at steps of run 1's flow: run 1's world again, with the fault.
  if (!plan.runs.empty()) {
    for (Perturbation fault : {Perturbation::RateLimited, Perturbation::Unavailable}) {
      PlannedRun run;
      run.index = plan.runs.size() + 1;
      run.choices = plan.runs[0].choices;
      run.path = plan.runs[0].path;
      run.transitions = plan.runs[0].transitions;
      run.perturbations = {fault};
      run.fault_pick = random.next();
      run.why = "run 1's world, and " + perturbationText(fault);
      plan.runs.push_back(std::move(run));
    }
  }

  for (const StateMachine& machine : plan.lifecycles) {
    for (const auto& [from, to] : machine.transitions) {
      const Transition transition{machine.name, from, to};
      if (plan.reachable.count(transition) != 0) {
        continue;
      }
      std::string why = "no world choice leads there, and the provider does not say why";
      for (const UnplannedTransition& each : plan.exploration.unplanned) {
        if (each.machine == machine.name && each.from == from && each.to == to) {
          why = each.why;
        }
      }
      plan.unreachable.push_back({transition, why});
    }
  }
  return plan;
}

std::optional<FaultStep> pickStep(const PlannedRun& run, const std::vector<JournalStep>& steps,
                                  const std::optional<FaultStep>& taken) {
  // A fault rule answers the first request whose path starts with its path: only a step no
  // earlier request of the same method would match can be singled out.
  std::vector<FaultStep> singled;
  for (size_t i = 0; i < steps.size(); ++i) {
    const bool shadowed = std::any_of(
        steps.begin(), steps.begin() + static_cast<long>(i), [&](const JournalStep& earlier) {
          return earlier.method == steps[i].method && earlier.path.rfind(steps[i].path, 0) == 0;
        });
    if (!shadowed) {
      singled.push_back({steps[i].method, steps[i].path});
    }
  }
  if (singled.empty()) {
    return std::nullopt;
  }
  size_t index = static_cast<size_t>(run.fault_pick % singled.size());
  if (taken && singled.size() > 1 && singled[index].method == taken->method &&
      singled[index].path == taken->path) {
    index = (index + 1) % singled.size();
  }
  return singled[index];
}

std::vector<std::string> behaviourLines(const Plan& plan, const PlannedRun& run) {
  std::vector<std::string> out;
  for (const auto& [decision, choice] : run.choices) {
    const WorldDecision& met = plan.exploration.decisions[decision];
    const WorldChoice& taken = met.choices[choice];
    const size_t machines =
        static_cast<size_t>(std::count_if(taken.statuses.begin(), taken.statuses.end(),
                                          [](const auto& entry) { return !entry.second.empty(); }));
    std::string forced;
    for (const auto& [machine, statuses] : taken.statuses) {
      if (!statuses.empty()) {
        forced += (forced.empty() ? "" : "; ") + (machines > 1 ? machine + ": " : "") +
                  statusesText(statuses);
      }
    }
    out.push_back(met.what + ": " + taken.behaviour + (forced.empty() ? "" : " => " + forced));
  }
  return out;
}

std::string runName(const Plan& plan, const PlannedRun& run) {
  std::string name = "explore";
  bool deviates = false;
  for (const auto& [decision, choice] : run.choices) {
    if (choice != 0) {
      name += "_" + plan.exploration.decisions[decision].choices[choice].name;
      deviates = true;
    }
  }
  if (!deviates) {
    name += "_happy_path";
  }
  for (Perturbation perturbation : run.perturbations) {
    switch (perturbation) {
      case Perturbation::ForgedSignature:
        name += "_forged";
        break;
      case Perturbation::Duplicate:
        name += "_duplicate";
        break;
      case Perturbation::Delayed:
        name += "_delayed";
        break;
      case Perturbation::RateLimited:
        name += "_429";
        break;
      case Perturbation::Unavailable:
        name += "_503";
        break;
    }
  }
  return name;
}

std::string pathText(const StatusPaths& path) {
  std::string out;
  for (const auto& [machine, statuses] : path) {
    if (statuses.empty()) {
      continue;
    }
    out += (out.empty() ? "" : "; ") + machine + ": " + statusesText(statuses);
  }
  return out.empty() ? "no order" : out;
}

std::string scenarioYaml(const Plan& plan, const PlannedRun& run, const ClientConfig& config,
                         const std::string& command_text) {
  const std::string& provider = plan.provider;
  const std::string& number = plan.exploration.number;
  const std::string quoted_number = yamlScalar(number);
  json profile = json::object();
  for (const auto& [decision, choice] : run.choices) {
    profile.merge_patch(plan.exploration.decisions[decision].choices[choice].profile);
  }
  std::ostringstream out;
  out << "# Generated by hnemu explore (" << provider << ", seed " << plan.seed << ", run "
      << run.index << " of " << plan.runs.size() << "). Keep it as a regression test:\n"
      << "#   hnemu conform THIS_FILE -- " << command_text << "\n"
      << "# Planned path: " << pathText(run.path) << "\n"
      << "name: " << runName(plan, run) << "\n";
  std::string description;
  for (const std::string& line : behaviourLines(plan, run)) {
    description += (description.empty() ? "" : "; ") + line;
  }
  for (Perturbation perturbation : run.perturbations) {
    description += "; " + perturbationText(perturbation);
  }
  out << "description: " << yamlScalar(description) << "\n"
      << "provider: " << provider << "\n"
      << "seed: " << plan.seed << "\n";
  for (Perturbation perturbation : run.perturbations) {
    switch (perturbation) {
      case Perturbation::ForgedSignature:
        out << "tamper_webhooks: 1\n";
        break;
      case Perturbation::Duplicate:
        out << "duplicate_webhooks: 1\n";
        break;
      case Perturbation::Delayed:
        out << "delay_webhooks: {count: 1, by: " << formatDuration(kDelayedBy) << "}\n";
        break;
      case Perturbation::RateLimited:
      case Perturbation::Unavailable:
        if (run.fault_step) {
          json fault = {{"provider", provider},
                        {"method", run.fault_step->method},
                        {"path", run.fault_step->path},
                        {"status", perturbation == Perturbation::RateLimited ? 429 : 503}};
          if (perturbation == Perturbation::RateLimited) {
            fault["retry_after"] = 1;
          }
          out << "faults:\n  - " << yamlFlow(fault) << "\n";
        }
        break;
    }
  }
  json env = json::object();
  for (const auto& [name, value] : config.env) {
    env[name] = value;
  }
  env["HOSTED_NUMBERS"] = number;
  out << "client:\n"
      << "  env: " << yamlFlow(env) << "\n"
      << "  timeout: " << formatDuration(config.timeout) << "\n"
      << provider << ":\n"
      << "  numbers:\n"
      << "    " << quoted_number << ": " << yamlFlow(profile) << "\n"
      << "expect:\n"
      << "  client: {exit_code: 0}\n";
  const std::vector<std::string> order_path = pathOf(run, plan.order_machine);
  out << "  orders:\n";
  if (order_path.empty()) {
    out << "    - {number: " << quoted_number << ", exists: false}\n";
  } else {
    out << "    - number: " << quoted_number << "\n"
        << "      status: " << yamlScalar(order_path.back()) << "\n"
        << "      visited: " << yamlFlow(order_path) << "\n";
  }
  const std::vector<std::string> number_path = pathOf(run, plan.number_machine);
  if (!number_path.empty()) {
    out << "  numbers:\n"
        << "    - {number: " << quoted_number << ", status: " << yamlScalar(number_path.back())
        << "}\n";
  }
  if (std::count(run.perturbations.begin(), run.perturbations.end(),
                 Perturbation::ForgedSignature) > 0) {
    out << "  webhooks:\n"
        << "    - {number: " << quoted_number << ", forged_rejected: true}\n";
  }
  out << "  conduct:\n"
      << "    number: " << quoted_number << "\n";
  if (config.reports) {
    out << "    reports_status: true\n";
  }
  out << "    after_final: 1\n"
      << "    polls: {at_most: " << config.polls_at_most
      << ", per: " << formatDuration(config.polls_per) << "}\n"
      << "    avoidable_4xx: 0\n";
  json refusals = json::array();
  for (const auto& [decision, choice] : run.choices) {
    const auto& refusal = plan.exploration.decisions[decision].choices[choice].refusal;
    if (refusal) {
      json item = json::object();
      if (!refusal->method.empty()) {
        item["method"] = refusal->method;
      }
      if (!refusal->path.empty()) {
        item["path"] = refusal->path;
      }
      item["status"] = refusal->status;
      refusals.push_back(std::move(item));
    }
  }
  if (!refusals.empty()) {
    out << "    refusals: " << yamlFlow(refusals) << "\n";
  }
  return out.str();
}

Result<ClientConfig> parseClientConfig(const std::string& text, const std::string& source) {
  HNEMU_ASSIGN_OR_RETURN(const YAML::Node root, loadYaml(text, source));
  ClientConfig config;
  if (root.IsNull()) {
    return config;
  }
  if (!root.IsMap()) {
    return yamlError(source, root.Mark(), "(top)",
                     "expected a mapping with handles, polls, reports, webhooks, timeout, env");
  }
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    const json decoded = yamlToJson(value);
    if (key == "handles") {
      if (!decoded.is_array() || !std::all_of(decoded.begin(), decoded.end(),
                                              [](const json& s) { return s.is_string(); })) {
        return yamlError(source, value.Mark(), key, "expected a list of final statuses");
      }
      for (const json& status : decoded) {
        config.handles.insert(status.get<std::string>());
      }
    } else if (key == "polls") {
      if (!decoded.is_object() || !decoded.contains("at_most") ||
          !decoded["at_most"].is_number_unsigned() ||
          !std::all_of(decoded.items().begin(), decoded.items().end(), [](const auto& item) {
            return item.key() == "at_most" || item.key() == "per";
          })) {
        return yamlError(source, value.Mark(), key, "expected {at_most: N, per: DURATION}");
      }
      config.polls_at_most = decoded["at_most"].get<uint64_t>();
      if (decoded.contains("per")) {
        auto per =
            parseDuration(decoded["per"].is_string() ? decoded["per"].get<std::string>() : "");
        if (!per.ok() || per.value() <= Millis(0)) {
          return yamlError(source, value.Mark(), key + ".per",
                           "expected a positive duration such as 1h");
        }
        config.polls_per = per.value();
      }
    } else if (key == "reports" || key == "webhooks") {
      if (!decoded.is_boolean()) {
        return yamlError(source, value.Mark(), key, "expected true or false");
      }
      (key == "reports" ? config.reports : config.webhooks) = decoded.get<bool>();
    } else if (key == "timeout") {
      auto timeout = parseDuration(decoded.is_string() ? decoded.get<std::string>() : "");
      if (!timeout.ok() || timeout.value() <= Millis(0)) {
        return yamlError(source, value.Mark(), key, "expected a positive duration such as 30s");
      }
      config.timeout = timeout.value();
    } else if (key == "env") {
      if (!decoded.is_object()) {
        return yamlError(source, value.Mark(), key, "expected a mapping of variables to values");
      }
      for (const auto& [name, item] : decoded.items()) {
        if (!item.is_string() && !item.is_number()) {
          return yamlError(source, value.Mark(), key + "." + name, "expected a scalar value");
        }
        config.env[name] = item.is_string() ? item.get<std::string>() : item.dump();
      }
    } else {
      return yamlError(source, entry.first.Mark(), key,
                       "unknown key; expected handles, polls, reports, webhooks, timeout or env");
    }
  }
  return config;
}

}  // namespace hnemu::explore
