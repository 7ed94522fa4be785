#include "runtime/unit_run.h"

#include <spdlog/spdlog.h>

#include "runtime/on_schema_change.h"
#include "runtime/zone_transform.h"
#include "runtime/progress.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice::runtime {

bool loaded_rows_gone(Connection& target, const plan::UnitPlan& unit, const Checkpoint& cp) {
  // Appended rows live in the target table itself: if it is gone, so is any progress
  // the checkpoint speaks of.
  const LoadMode mode = unit.load.mode;
  return cp.rows > 0 && (mode == LoadMode::append || mode == LoadMode::upsert) && !target.describe(unit.target_table);
}

UnitRun::UnitRun(const Pipeline& p, const DriverRegistry& d, const plan::UnitPlan& u, const RunOptions& o, const std::string& run_id,
                 RejectFile* rejects, std::function<void()> source_opened, ProgressPart progress)
    : pipeline_(p),
      drivers_(d),
      unit_(u),
      options_(o),
      run_id_(run_id),
      rejects_(rejects),
      source_opened_(std::move(source_opened)),
      progress_(progress) {}

std::optional<Checkpoint> UnitRun::resume_point(Connection& target) {
  // Read back on every attempt: after a commit whose outcome was unknown (connection
  // lost during COMMIT) it says what really happened.
  auto cp = target.read_checkpoint(pipeline_.name, unit_.name);
  if (cp && cp->run_id != run_id_) cp.reset();
  if (cp && loaded_rows_gone(target, unit_, *cp)) {
    spdlog::info("step {}: target {} does not exist: starting from the first row", unit_.name, unit_.target_table.display());
    cp.reset();
  }
  return cp;
}

void UnitRun::mark_done(Connection& target) {
  Checkpoint done;
  done.run_id = run_id_;
  done.completed = true;
  target.write_checkpoint(pipeline_.name, unit_.name, done);
}

std::unique_ptr<SourceReader> UnitRun::open_reader(Connection& source, const std::optional<Checkpoint>& cp) {
  ExtractRequest req = unit_.extract;
  const bool resuming = cp && cp->rows > 0;
  if (resuming) {
    if (unit_.resume == plan::Resume::by_key) req.resume_after = cp->last_key;
    else req.skip_rows = cp->rows;
    spdlog::info("step {}: resuming after {} committed rows", unit_.name, cp->rows);
  }
  std::vector<std::unique_ptr<Transform>> transforms;
  for (const auto& tc : unit_.transforms) transforms.push_back(make_transform(tc));
  return std::make_unique<SourceReader>(source.open_source(req), std::move(transforms), unit_, resuming ? cp->rows : 0,
                                        static_cast<std::size_t>(unit_.step->load.settings.batch_size));
}

void UnitRun::attempt(std::int64_t isolate_until, std::int64_t rejected_before, AttemptResult& result) {
  const StepConfig& step = *unit_.step;
  auto source_conn = drivers_.connect(pipeline_.connections.at(step.extract.from));
  std::unique_ptr<Connection> target_conn;
  if (!options_.dry_run) target_conn = drivers_.connect(pipeline_.connections.at(step.load.to));
  const std::optional<Checkpoint> cp = target_conn ? resume_point(*target_conn) : std::nullopt;
  const bool resuming = cp && cp->rows > 0;
  if (unit_.shard_empty) {
    if (target_conn) mark_done(*target_conn);
    return;
  }
  auto reader = open_reader(*source_conn, cp);
  if (source_opened_) source_opened_();
  std::optional<std::int64_t> estimate;
  const bool own_line = options_.progress && !progress_.line;
  if (own_line && unit_.extract.query.empty()) estimate = source_conn->estimate_rows(unit_.source_table);
  Progress progress_line(own_line, unit_.name, estimate);
  reader->report_progress_to(progress_.line ? progress_ : ProgressPart{&progress_line, 0});

  if (options_.dry_run) {
    Batch batch(static_cast<std::size_t>(step.load.settings.batch_size));
    std::vector<std::vector<Value>> keys;
    FillCounts counts;
    while (reader->next(batch, keys, counts)) {
      result.rows_read += static_cast<std::int64_t>(counts.source_rows);
      result.rows_written += static_cast<std::int64_t>(batch.size());
      result.values_changed += counts.values_changed;
    }
    return;
  }

  LoadRequest load = unit_.load;
  Schema planned_schema = unit_.load.schema;
  if (reader->schema().size() == planned_schema.size()) {
    if (const auto left_out = apply_schema_change(*target_conn, unit_, pipeline_.name, run_id_, planned_schema); !left_out.empty()) {
      TransformConfig drop;
      drop.kind = TransformConfig::Kind::drop;
      for (std::size_t i : left_out) drop.columns.push_back(reader->schema().columns[i].name);
      reader->add_transform(make_transform(drop));
      planned_schema = without_columns(planned_schema, left_out);
    }
  }
  if (reader->schema().size() == planned_schema.size())
    if (auto zones = zone_transform(pipeline_, step, reader->schema(), planned_schema.names(), *target_conn, unit_.target_table))
      reader->add_transform(make_transform(*zones));
  // The columns as read now, under the names (and with the defaults and identity,
  // after load.objects) the plan gave them in the target.
  load.schema = reader->schema();
  if (load.schema.size() == planned_schema.size()) {
    for (std::size_t i = 0; i < load.schema.size(); ++i) {
      const Column& planned = planned_schema.columns[i];
      load.schema.columns[i].name = planned.name;
      load.schema.columns[i].default_value = planned.default_value;
      load.schema.columns[i].identity = planned.identity;
    }
    load.schema.primary_key = planned_schema.primary_key;
  }
  load.resuming = resuming;
  auto sink = target_conn->open_sink(load);
  const Checkpoint start = resuming ? *cp : Checkpoint{};
  LoadLoop(*sink, *reader, unit_, run_id_, start, resuming, rejects_, rejected_before, result, options_.on_commit).run(isolate_until);
}

}  // namespace sluice::runtime
