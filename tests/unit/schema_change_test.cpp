#include "core/schema_change.h"
#include "runtime/on_schema_change.h"

#include <gtest/gtest.h>

#include <tuple>

using namespace sluice;

namespace {
Column col(const std::string& name, TypeId id, bool nullable = true) {
  Column c;
  c.name = name;
  c.type.id = id;
  c.nullable = nullable;
  return c;
}
}  // namespace

TEST(SchemaChange, NewSourceColumnsAndTargetColumnsNothingFills) {
  Schema loaded, target;
  loaded.columns = {col("id", TypeId::int64, false), col("v", TypeId::text), col("score", TypeId::int32)};
  target.columns = {col("id", TypeId::int64, false), col("v", TypeId::text), col("note", TypeId::text),
                    col("region", TypeId::text, false), col("serial", TypeId::int64, false), col("made", TypeId::timestamp, false)};
  target.columns[4].identity = true;
  target.columns[5].default_value.kind = ColumnDefault::Kind::current_timestamp;
  const SchemaChange change = compare_to_target(loaded, target);
  ASSERT_EQ(change.added.size(), 1u);
  EXPECT_EQ(change.added[0], 2u);
  // An identity and a column with a default fill themselves; a nullable one the source
  // no longer gives is named (new rows would get NULL); a NOT NULL one stops every mode.
  EXPECT_EQ(change.unfilled, std::vector<std::string>{"region"});
  EXPECT_EQ(change.removed, std::vector<std::string>{"note"});
  EXPECT_FALSE(change.empty());
  EXPECT_TRUE(compare_to_target(loaded, loaded).empty());
}

TEST(SchemaChange, ATypeThatChangedIsNamedOnlyWhenTheTargetMayNotHoldIt) {
  Schema loaded, target;
  loaded.columns = {col("id", TypeId::int64, false), col("name", TypeId::varchar), col("n", TypeId::int32), col("note", TypeId::varchar)};
  loaded.columns[1].type.length = 200;
  loaded.columns[3].type.length = 20;
  target = loaded;
  target.columns[1].type.length = 50;  // the target keeps the old width
  target.columns[2].type.id = TypeId::int64;
  target.columns[3].type.id = TypeId::text;

  // Nothing recorded (the first run with this version): no type change can be told.
  EXPECT_TRUE(compare_to_target(loaded, target).changed.empty());

  const SourceColumnTypes previous = {{"id", "int64"}, {"name", "varchar(50)"}, {"n", "int16"}, {"note", "varchar(10)"}};
  const SchemaChange change = compare_to_target(loaded, target, previous);
  // n widened to int32 and note to varchar(20): their target columns still hold them.
  ASSERT_EQ(change.changed.size(), 1u);
  EXPECT_EQ(change.changed[0].name, "name");
  EXPECT_EQ(change.changed[0].was, "varchar(50)");
  EXPECT_EQ(change.changed[0].now, "varchar(200)");
  EXPECT_EQ(change.changed[0].why, "text length");
  EXPECT_EQ(describe_changed(change), "name (varchar(50) -> varchar(200): text length)");
  EXPECT_FALSE(change.empty());

  // A type that did not change is never named, even where it never fit (a table the
  // user made narrower on purpose; its values are refused row by row).
  EXPECT_TRUE(compare_to_target(loaded, target, source_column_types(loaded)).empty());
}

TEST(SchemaChange, TheRecordOfAShardOrKeyRangeIsTheTables) {
  plan::UnitPlan u;
  // name, the table's unit as plan (shards) and split_run (key ranges) leave it, the key.
  for (const auto& [name, table_unit, key] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"copy", "copy", "copy@columns"},
           {"all/orders", "all/orders", "all/orders@columns"},
           {"copy@3/16", "copy", "copy@columns"},
           {"copy@r0/4", "copy", "copy@columns"},
           {"all/a@b", "all/a@b", "all/a@b@columns"}}) {
    u.name = name;
    u.table_unit = table_unit;
    EXPECT_EQ(runtime::source_columns_key(u), key) << name;
    EXPECT_TRUE(runtime::is_source_columns_key(key));
  }
  EXPECT_FALSE(runtime::is_source_columns_key("copy@objects"));
}
