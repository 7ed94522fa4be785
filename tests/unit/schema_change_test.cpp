#include "core/schema_change.h"

#include <gtest/gtest.h>

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
