// The Prometheus text of service mode: totals summed over passes per step, label values
// escaped, series that have no value yet left out rather than shown as zero.
#include <gtest/gtest.h>

#include "runtime/service_metrics.h"

using namespace sluice;

TEST(ServiceMetrics, TotalsAddUpOverPassesAndLabelsAreEscaped) {
  runtime::ServiceMetrics m("night\"ly\\");
  EXPECT_EQ(m.prometheus_text().find("sluice_last_success_timestamp_seconds"), std::string::npos);
  EXPECT_EQ(m.prometheus_text().find("sluice_last_pass_duration_seconds"), std::string::npos);
  EXPECT_TRUE(m.health().second);
  EXPECT_NE(m.health().first.find("starting"), std::string::npos);

  RunResult pass;
  pass.exit_code = kExitOk;
  StepResult a;
  a.name = "orders";
  a.status = "ok";
  a.rows_read = 10;
  a.rows_written = 9;
  a.rows_rejected = 1;
  a.retries = 2;
  StepResult b = a;
  b.name = "db/line\nbreak";
  pass.steps = {a, b};
  m.pass_started();
  EXPECT_NE(m.prometheus_text().find("sluice_pass_running 1\n"), std::string::npos);
  m.pass_finished(pass, 1.5, 1800000000.25, "{\"status\": \"ok\"}");
  pass.exit_code = kExitFailed;
  pass.steps[0].status = "failed";
  m.pass_finished(pass, 0.5, 1800000100, "{\"status\": \"failed\"}");

  const std::string text = m.prometheus_text();
  EXPECT_NE(text.find("sluice_info{pipeline=\"night\\\"ly\\\\\",version=\""), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_passes_total{result=\"ok\"} 1\nsluice_passes_total{result=\"failed\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_pass_running 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_rows_written_total{step=\"orders\"} 18\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_rows_read_total{step=\"db/line\\nbreak\"} 20\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_retries_total{step=\"orders\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_step_failures_total{step=\"orders\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_step_failures_total{step=\"db/line\\nbreak\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_last_pass_duration_seconds 0.500\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_last_pass_exit_code 1\n"), std::string::npos) << text;
  // The last success stays the earlier pass's time.
  EXPECT_NE(text.find("sluice_last_success_timestamp_seconds 1800000000.250\n"), std::string::npos) << text;
  EXPECT_FALSE(m.health().second);
  EXPECT_EQ(m.health().first, "{\"status\": \"failed\"}");
}
