// main.cpp: the `convlens` command-line tool — parse the command line, run one command, return its exit code.
//   convlens train | eval | gradcam | summary | bench | help      (see `convlens help`)
// Running out of memory despite the budget (memory.h) ends with a message and exit code 1, not an abort.
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_session.h"
#include "commands.h"

int main(int argc, char** argv) {
  using namespace convlens;
  const std::vector<std::string> args(argv + 1, argv + argc);
  Result<CliOptions> parsed = cli_parse(args);
  if (!parsed.ok()) return cli_fail(kExitUsage, parsed.error + " (see 'convlens help')");
  const CliOptions& opts = parsed.value;
  memory_set_limit(uint64_t(opts.memory_limit_mb) << 20);
  try {
    if (opts.command == "train") return cmd_train(opts);
    if (opts.command == "eval") return cmd_eval(opts);
    if (opts.command == "gradcam") return cmd_gradcam(opts);
    if (opts.command == "summary") return cmd_summary(opts);
    if (opts.command == "bench") return cmd_bench(opts);
  } catch (const std::bad_alloc&) {
    return cli_fail(kExitData, "out of memory: lower --batch or the model's size (see --memory-limit)");
  }
  std::printf("%s", cli_usage().c_str());
  return 0;
}
