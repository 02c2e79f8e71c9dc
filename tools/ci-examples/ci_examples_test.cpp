// The CI examples users copy (github-actions.yml, gitlab-ci.yml) parse as YAML, have the keys
// each CI system requires and no key it would reject, name the hnemu image of this version,
// keep the JUnit report that `hnemu conform` writes even when it fails, and name installed
// scenarios that exist.
#define CATCH_CONFIG_MAIN
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

using Problems = std::vector<std::string>;

const std::string kInstalledScenarios = "/usr/share/hnemu/scenarios/";

std::vector<std::string> words(const std::string& command) {
  std::istringstream stream(command);
  std::vector<std::string> result;
  for (std::string word; stream >> word;) {
    result.push_back(word);
  }
  return result;
}

// The node at `path` under `root`, or an undefined node where a key is missing (yaml-cpp throws
// on reading through a missing key, and indexing a non-const node can insert one).
YAML::Node at(const YAML::Node& root, std::initializer_list<std::string> path) {
  YAML::Node node = root;  // a reference to the same node, not a copy of it
  for (const std::string& key : path) {
    const YAML::Node& current = node;
    if (!current.IsMap() || !current[key]) {
      return YAML::Node(YAML::NodeType::Undefined);
    }
    node.reset(current[key]);
  }
  return node;
}

std::string text(const YAML::Node& node) { return node.IsScalar() ? node.as<std::string>() : ""; }

bool isNonEmptyScalar(const YAML::Node& node) { return node && !text(node).empty(); }

// A misspelt key is ignored, or the whole file refused, by the CI system.
void checkKnownKeys(const YAML::Node& map, const std::set<std::string>& allowed,
                    const std::string& where, Problems& problems) {
  if (!map.IsMap()) {
    problems.push_back(where + ": not a mapping");
    return;
  }
  for (const auto& entry : map) {
    if (allowed.count(entry.first.as<std::string>()) == 0) {
      problems.push_back(where + ": unknown key '" + entry.first.as<std::string>() + "'");
    }
  }
}

// The examples run the image built from this version's Containerfile.
void checkHnemuImage(const std::string& image, const std::string& where, Problems& problems) {
  const std::string tag = std::string("/hnemu:") + HNEMU_VERSION;
  if (image.size() <= tag.size() ||
      image.compare(image.size() - tag.size(), tag.size(), tag) != 0) {
    problems.push_back(where + ": image '" + image + "' is not hnemu:" + HNEMU_VERSION);
  }
}

// The `--junit FILE` of a command that runs `hnemu conform` (empty if it gives none), if it runs
// conform.
std::optional<std::string> conformJunitReport(const std::string& command) {
  const std::vector<std::string> argv = words(command);
  const auto conform = std::find(argv.begin(), argv.end(), "conform");
  if (conform == argv.begin() || conform == argv.end() || *(conform - 1) != "hnemu") {
    return std::nullopt;
  }
  const auto junit = std::find(conform, argv.end(), "--junit");
  return junit == argv.end() || junit + 1 == argv.end() ? "" : *(junit + 1);
}

// Each path under the installed scenarios folder names what the install puts there: a file of
// the repository's scenarios/, or, for `FOLDER/*.yaml`, a folder of it with scenarios.
void checkInstalledScenarios(const std::string& command, const std::string& where,
                             Problems& problems) {
  for (const std::string& word : words(command)) {
    if (word.rfind(kInstalledScenarios, 0) != 0) {
      continue;
    }
    const fs::path in_repository =
        fs::path(HNEMU_SCENARIOS_DIR) / word.substr(kInstalledScenarios.size());
    const bool exists =
        word.find('*') == std::string::npos
            ? fs::is_regular_file(in_repository)
            : in_repository.filename() == "*.yaml" &&
                  fs::is_directory(in_repository.parent_path()) &&
                  std::any_of(fs::directory_iterator(in_repository.parent_path()),
                              fs::directory_iterator(), [](const fs::directory_entry& entry) {
                                return entry.path().extension() == ".yaml";
                              });
    if (!exists) {
      problems.push_back(where + ": " + word + " is not an installed scenario");
    }
  }
}

// What a `hnemu conform` command needs of the CI system: a report file, and that the file is
// kept when conform fails.
void checkConformReport(const std::optional<std::string>& report, bool kept_always,
                        const std::string& kept_path, const std::string& where,
                        Problems& problems) {
  if (!report) {
    return;
  }
  if (report->empty()) {
    problems.push_back(where + ": hnemu conform writes no --junit report");
  } else if (kept_path != *report) {
    problems.push_back(where + ": the report kept is '" + kept_path + "', conform writes '" +
                       *report + "'");
  } else if (!kept_always) {
    problems.push_back(where + ": the report is not kept when conform fails");
  }
}

const std::set<std::string> kGithubJobKeys = {
    "name",        "permissions",       "needs",     "if",       "runs-on", "environment",
    "concurrency", "outputs",           "env",       "defaults", "steps",   "timeout-minutes",
    "strategy",    "continue-on-error", "container", "services", "uses",    "with",
    "secrets"};
const std::set<std::string> kGithubStepKeys = {"id",
                                               "if",
                                               "name",
                                               "uses",
                                               "run",
                                               "shell",
                                               "with",
                                               "env",
                                               "continue-on-error",
                                               "timeout-minutes",
                                               "working-directory"};
const std::set<std::string> kGithubContainerKeys = {"image", "credentials", "env",
                                                    "ports", "volumes",     "options"};

// Problems in a GitHub Actions workflow: on, jobs.<id>.runs-on, steps each with uses or run,
// services.<name> with image, ports and options.
Problems githubProblems(const YAML::Node& workflow) {
  Problems problems;
  if (!workflow.IsMap() || !at(workflow, {"on"}) || !at(workflow, {"jobs"}).IsMap() ||
      at(workflow, {"jobs"}).size() == 0) {
    return {"a workflow needs `on` and at least one job under `jobs`"};
  }
  bool has_hnemu_service = false;
  bool runs_conform = false;
  for (const auto& job_entry : at(workflow, {"jobs"})) {
    const std::string where = "jobs." + job_entry.first.as<std::string>();
    const YAML::Node job = job_entry.second;
    checkKnownKeys(job, kGithubJobKeys, where, problems);
    if (!job.IsMap()) {
      continue;
    }
    if (!at(job, {"runs-on"}) ||
        !(at(job, {"runs-on"}).IsScalar() || at(job, {"runs-on"}).IsSequence())) {
      problems.push_back(where + ": no runs-on");
    }
    if (at(job, {"container"})) {
      checkKnownKeys(at(job, {"container"}), kGithubContainerKeys, where + ".container", problems);
      checkHnemuImage(text(at(job, {"container", "image"})), where + ".container", problems);
    }
    if (at(job, {"services"}) && !at(job, {"services"}).IsMap()) {
      problems.push_back(where + ".services: not a mapping of names to containers");
    } else if (at(job, {"services"})) {
      for (const auto& service_entry : at(job, {"services"})) {
        const std::string name = service_entry.first.as<std::string>();
        const std::string service_where = where + ".services." + name;
        const YAML::Node service = service_entry.second;
        checkKnownKeys(service, kGithubContainerKeys, service_where, problems);
        if (!isNonEmptyScalar(at(service, {"image"})) || !at(service, {"ports"}).IsSequence() ||
            at(service, {"ports"}).size() == 0 || !isNonEmptyScalar(at(service, {"options"}))) {
          problems.push_back(service_where + ": needs image, ports and options");
          continue;
        }
        for (const auto& port : at(service, {"ports"})) {
          if (!std::regex_match(text(port), std::regex(R"(\d+(:\d+)?)"))) {
            problems.push_back(service_where + ": port '" + text(port) + "'");
          }
        }
        if (name == "hnemu") {
          checkHnemuImage(text(at(service, {"image"})), service_where, problems);
          has_hnemu_service = true;
        }
      }
    }
    if (!at(job, {"steps"}).IsSequence() || at(job, {"steps"}).size() == 0) {
      problems.push_back(where + ": no steps");
      continue;
    }
    std::optional<std::string> report;
    std::string uploaded;
    bool uploaded_always = false;
    for (const auto& step : at(job, {"steps"})) {
      checkKnownKeys(step, kGithubStepKeys, where + ".steps", problems);
      if (static_cast<bool>(at(step, {"uses"})) == static_cast<bool>(at(step, {"run"}))) {
        problems.push_back(where + ".steps: a step has either uses or run");
        continue;
      }
      if (at(step, {"run"})) {
        const std::string command = text(at(step, {"run"}));
        if (command.empty()) {
          problems.push_back(where + ".steps: an empty run");
        }
        checkInstalledScenarios(command, where, problems);
        if (auto conform = conformJunitReport(command)) {
          report = std::move(conform);
        }
        continue;
      }
      const std::string action = text(at(step, {"uses"}));
      if (!std::regex_match(action, std::regex(R"([\w.-]+/[\w.-]+(/[\w./-]+)?@[\w.-]+)"))) {
        problems.push_back(where + ": uses '" + action + "' is not OWNER/REPO@REF");
      }
      if (action.rfind("actions/upload-artifact@", 0) == 0 && report) {
        uploaded = text(at(step, {"with", "path"}));
        uploaded_always = text(at(step, {"if"})) == "always()";
      }
    }
    checkConformReport(report, uploaded_always, uploaded, where, problems);
    runs_conform = runs_conform || report.has_value();
  }
  if (!has_hnemu_service || !runs_conform) {
    problems.push_back("the workflow needs a job with an hnemu service and one running conform");
  }
  return problems;
}

const std::set<std::string> kGitlabGlobalKeys = {
    "default", "include",  "stages", "variables",     "workflow",
    "image",   "services", "cache",  "before_script", "after_script"};
const std::set<std::string> kGitlabJobKeys = {
    "after_script", "allow_failure", "artifacts",      "before_script", "cache",   "coverage",
    "dependencies", "environment",   "except",         "extends",       "hooks",   "id_tokens",
    "image",        "inherit",       "interruptible",  "needs",         "only",    "pages",
    "parallel",     "release",       "resource_group", "retry",         "rules",   "script",
    "secrets",      "services",      "stage",          "tags",          "timeout", "trigger",
    "variables",    "when"};

std::vector<std::string> scriptLines(const YAML::Node& script) {
  std::vector<std::string> lines;
  if (script.IsScalar()) {
    lines.push_back(text(script));
  } else if (script.IsSequence()) {
    for (const auto& line : script) {
      lines.push_back(text(line));
    }
  }
  return lines;
}

// Problems in a GitLab CI file: stages, jobs with a script (in a listed stage), services with
// name and alias, the conform report under artifacts:reports:junit.
Problems gitlabProblems(const YAML::Node& pipeline) {
  if (!pipeline.IsMap() || !at(pipeline, {"stages"}).IsSequence()) {
    return {"a pipeline here lists its stages"};
  }
  Problems problems;
  std::set<std::string> stages;
  for (const auto& stage : at(pipeline, {"stages"})) {
    stages.insert(text(stage));
  }
  bool has_hnemu_service = false;
  bool runs_conform = false;
  for (const auto& entry : pipeline) {
    const std::string name = entry.first.as<std::string>();
    if (kGitlabGlobalKeys.count(name) == 1 || name.rfind('.', 0) == 0) {
      continue;  // a global keyword, or a hidden job (a template)
    }
    const YAML::Node job = entry.second;
    checkKnownKeys(job, kGitlabJobKeys, name, problems);
    if (!job.IsMap()) {
      continue;
    }
    if (scriptLines(at(job, {"script"})).empty()) {
      problems.push_back(name + ": no script");
    }
    if (at(job, {"stage"}) && stages.count(text(at(job, {"stage"}))) == 0) {
      problems.push_back(name + ": stage '" + text(at(job, {"stage"})) + "' is not in stages");
    }
    if (at(job, {"image"}).IsMap()) {
      checkKnownKeys(at(job, {"image"}), {"name", "entrypoint", "docker", "pull_policy"},
                     name + ".image", problems);
      if (!isNonEmptyScalar(at(job, {"image", "name"}))) {
        problems.push_back(name + ".image: no name");
      }
    } else if (at(job, {"image"}) && !isNonEmptyScalar(at(job, {"image"}))) {
      problems.push_back(name + ".image: neither a name nor a mapping with one");
    }
    if (at(job, {"services"}) && !at(job, {"services"}).IsSequence()) {
      problems.push_back(name + ".services: not a list");
    } else if (at(job, {"services"})) {
      for (const auto& service : at(job, {"services"})) {
        checkKnownKeys(
            service,
            {"name", "alias", "entrypoint", "command", "variables", "docker", "pull_policy"},
            name + ".services", problems);
        // The alias is the host name the job's tests reach the service by.
        if (!isNonEmptyScalar(at(service, {"name"})) || !isNonEmptyScalar(at(service, {"alias"}))) {
          problems.push_back(name + ".services: a service needs a name and an alias");
        } else if (text(at(service, {"alias"})) == "hnemu") {
          has_hnemu_service = true;
        }
      }
    }
    std::optional<std::string> report;
    for (const char* part : {"before_script", "script"}) {
      for (const std::string& command : scriptLines(at(job, {part}))) {
        checkInstalledScenarios(command, name, problems);
        if (auto conform = conformJunitReport(command)) {
          report = std::move(conform);
        }
      }
    }
    const YAML::Node artifacts = at(job, {"artifacts"});
    checkConformReport(report, artifacts.IsMap() && text(at(artifacts, {"when"})) == "always",
                       artifacts.IsMap() ? text(at(artifacts, {"reports", "junit"})) : "", name,
                       problems);
    runs_conform = runs_conform || report.has_value();
  }
  if (!has_hnemu_service || !runs_conform) {
    problems.push_back("the pipeline needs a job with an hnemu service and one running conform");
  }
  // The jobs name the image through $HNEMU_IMAGE.
  checkHnemuImage(text(at(pipeline, {"variables", "HNEMU_IMAGE"})), "variables.HNEMU_IMAGE",
                  problems);
  return problems;
}

YAML::Node loadExample(const std::string& name) {
  return YAML::LoadFile(std::string(HNEMU_CI_EXAMPLES_DIR) + "/" + name);
}

// The example with one change: `edit` is applied to a fresh copy.
template <typename Edit>
YAML::Node edited(const std::string& name, Edit edit) {
  YAML::Node copy = loadExample(name);
  edit(copy);
  return copy;
}

bool mentions(const Problems& problems, const std::string& part) {
  return std::any_of(problems.begin(), problems.end(), [&](const std::string& problem) {
    return problem.find(part) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("the GitHub Actions example has what a workflow needs") {
  const Problems problems = githubProblems(loadExample("github-actions.yml"));
  INFO(Catch::Detail::stringify(problems));
  CHECK(problems.empty());
}

TEST_CASE("the GitLab CI example has what a pipeline needs") {
  const Problems problems = gitlabProblems(loadExample("gitlab-ci.yml"));
  INFO(Catch::Detail::stringify(problems));
  CHECK(problems.empty());
}

TEST_CASE("the checks catch what would break the GitHub Actions example") {
  const std::string file = "github-actions.yml";
  CHECK(mentions(githubProblems(edited(file, [](YAML::Node& w) { w.remove("on"); })), "`on`"));
  CHECK(mentions(githubProblems(edited(
                     file, [](YAML::Node& w) { w["jobs"]["integration"].remove("runs-on"); })),
                 "jobs.integration: no runs-on"));
  CHECK(mentions(
      githubProblems(edited(
          file,
          [](YAML::Node& w) { w["jobs"]["integration"]["services"]["hnemu"].remove("ports"); })),
      "needs image, ports and options"));
  CHECK(mentions(githubProblems(edited(file,
                                       [](YAML::Node& w) {
                                         YAML::Node step = w["jobs"]["conformance"]["steps"][0];
                                         step["run"] = "true";
                                       })),
                 "either uses or run"));
  CHECK(mentions(githubProblems(edited(file,
                                       [](YAML::Node& w) {
                                         YAML::Node step = w["jobs"]["conformance"]["steps"][1];
                                         step["width"] = step["with"];
                                         step.remove("with");
                                       })),
                 "unknown key 'width'"));
  CHECK(mentions(githubProblems(edited(file,
                                       [](YAML::Node& w) {
                                         for (YAML::Node step : w["jobs"]["conformance"]["steps"]) {
                                           step.remove("if");
                                         }
                                       })),
                 "not kept when conform fails"));
  CHECK(mentions(githubProblems(edited(file,
                                       [](YAML::Node& w) {
                                         w["jobs"]["integration"]["services"]["hnemu"]["image"] =
                                             "ghcr.io/example/hnemu:0.0.1";
                                       })),
                 "is not hnemu:"));
}

TEST_CASE("the checks catch what would break the GitLab CI example") {
  const std::string file = "gitlab-ci.yml";
  CHECK(mentions(
      gitlabProblems(edited(file, [](YAML::Node& p) { p["integration"].remove("script"); })),
      "integration: no script"));
  CHECK(mentions(gitlabProblems(edited(
                     file, [](YAML::Node& p) { p["integration"]["services"][0].remove("alias"); })),
                 "a name and an alias"));
  CHECK(mentions(
      gitlabProblems(edited(
          file, [](YAML::Node& p) { p["hnemu-conformance"]["artifacts"].remove("reports"); })),
      "the report kept is ''"));
  CHECK(mentions(gitlabProblems(edited(
                     file, [](YAML::Node& p) { p["hnemu-conformance"]["stage"] = "tests"; })),
                 "stage 'tests' is not in stages"));
  CHECK(mentions(gitlabProblems(edited(file,
                                       [](YAML::Node& p) {
                                         YAML::Node script = p["hnemu-conformance"]["script"];
                                         script[0] = "hnemu conform --junit hnemu-junit.xml " +
                                                     kInstalledScenarios +
                                                     "twilio/no_such.yaml -- node client.mjs";
                                       })),
                 "twilio/no_such.yaml is not an installed scenario"));
}
