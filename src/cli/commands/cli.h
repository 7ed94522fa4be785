#pragma once
namespace sluice::cli {
// Parses the command line, runs the sub-command, returns the process exit code.
int main(int argc, char** argv);
}
