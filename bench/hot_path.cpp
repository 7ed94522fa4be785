// The hot path without servers (Google Benchmark): value conversions, COPY text and
// binary encoding of a row, filling a batch. Regressions show here on any machine;
// the absolute numbers mean nothing across machines (compare runs of one build host).
//
//   cmake -S . -B build/bench -DSLUICE_BUILD_BENCH=ON && cmake --build build/bench
//   build/bench/bench/sluice_hot_path [--benchmark_filter=Copy]
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "drivers/postgres/pg_binary.h"
#include "drivers/postgres/pg_types.h"
#include "sluice/batch.h"
#include "sluice/value.h"

using namespace sluice;

namespace {

// The bench table's row: bigint, varchar, decimal(14,2), timestamp(6), text, NULL.
Row sample_row() {
  Row r(6);
  r[0].set_int(123456789);
  r[1].set_text("customer 123456789");
  r[2].set_decimal("17636684.14");
  r[3].set_timestamp(1577836800000000LL + 123456789LL * 1000000LL);
  r[4].set_text("a note with a tab\there, a quote ' and \"ünïcödé\" text");
  r[5].set_null();
  return r;
}

void CanonicalDecimal(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(convert::canonical_decimal("17636684.14"));
}
BENCHMARK(CanonicalDecimal);

void ParseTimestamp(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(convert::parse_timestamp("2023-11-14 22:13:20.123456", false));
}
BENCHMARK(ParseTimestamp);

void FormatTimestamp(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    convert::format_timestamp(1700000000123456LL, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(FormatTimestamp);

void CoerceTextToTypes(benchmark::State& state) {
  Value text, out;
  TypeInfo dec = TypeInfo::of(TypeId::decimal);
  dec.precision = 14;
  dec.scale = 2;
  for (auto _ : state) {
    text.set_text("123456789");
    convert::coerce(text, TypeInfo::of(TypeId::int64), out);
    text.set_text("17636684.14");
    convert::coerce(text, dec, out);
    text.set_text("2023-11-14 22:13:20.123456");
    convert::coerce(text, TypeInfo::of(TypeId::timestamp), out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(CoerceTextToTypes);

void CopyTextRow(benchmark::State& state) {
  const Row row = sample_row();
  std::string buf;
  for (auto _ : state) {
    buf.clear();
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) buf += '\t';
      postgres::append_copy_field(row[c], buf);
    }
    buf += '\n';
    benchmark::DoNotOptimize(buf.data());
  }
}
BENCHMARK(CopyTextRow);

void CopyBinaryRow(benchmark::State& state) {
  const Row row = sample_row();
  const postgres::BinaryType types[] = {postgres::BinaryType::int8, postgres::BinaryType::text, postgres::BinaryType::numeric,
                                        postgres::BinaryType::timestamp, postgres::BinaryType::text, postgres::BinaryType::int4};
  std::string buf;
  for (auto _ : state) {
    buf.clear();
    postgres::append_binary_tuple_start(row.size(), buf);
    for (std::size_t c = 0; c < row.size(); ++c) postgres::append_binary_field(row[c], types[c], buf);
    benchmark::DoNotOptimize(buf.data());
  }
}
BENCHMARK(CopyBinaryRow);

// A source filling a reused batch: after the first fill no allocation should remain.
void BatchFill(benchmark::State& state) {
  Batch batch(10000);
  const std::string name = "customer 123456789", note = "a note of about fifty characters, as in the bench";
  for (auto _ : state) {
    batch.clear();
    while (!batch.full()) {
      Row& r = batch.append_row(4);
      r[0].set_int(static_cast<std::int64_t>(batch.size()));
      r[1].set_text(name);
      r[2].set_decimal("17636684.14");
      r[3].set_text(note);
    }
    benchmark::DoNotOptimize(batch.size());
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BatchFill);

}  // namespace

BENCHMARK_MAIN();
