#include <exception>
#include <iostream>

#include "cli/commands/cli.h"
#include "core/redact.h"

int main(int argc, char** argv) {
  // Everything below reports its own errors; this only keeps a bug from ending in
  // std::terminate without a word.
  try {
    return sluice::cli::main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "sluice: internal error: " << sluice::redact::apply(e.what()) << "\n";
    return 1;
  }
}
