#pragma once
// SIGINT/SIGTERM: the first asks the run to stop at the next batch boundary (the open
// transaction is rolled back, locks released); a second one exits at once.
namespace sluice::runtime {

void install_stop_handlers();
// The signal that asked to stop, or 0.
int stop_requested();
// For tests: forget a previous request.
void clear_stop_request();

}  // namespace sluice::runtime
