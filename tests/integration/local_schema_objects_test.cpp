// Issue 9 without servers: a SQLite database copied into a new SQLite database keeps
// its indexes, foreign keys, defaults and rowid keys; load.objects turns parts off;
// renamed and dropped columns are followed; what cannot come along is listed.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

std::string sluice_cmd(const std::string& args) { return std::string(SLUICE_BINARY) + " " + args; }

void make_source(const std::string& path) {
  test::sqlite_exec(path,
                    "CREATE TABLE parents (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, added TEXT DEFAULT CURRENT_TIMESTAMP);"
                    "CREATE TABLE kids (id INTEGER PRIMARY KEY, parent_id INT NOT NULL REFERENCES parents (id) ON DELETE CASCADE, "
                    "name TEXT NOT NULL DEFAULT 'kid', secret TEXT, age INT DEFAULT 3);"
                    "CREATE INDEX kids_name ON kids (name); CREATE INDEX kids_secret ON kids (secret, name);"
                    "CREATE INDEX kids_lower ON kids (lower(name));"
                    "CREATE TRIGGER kids_audit AFTER INSERT ON kids BEGIN SELECT 1; END;"
                    "INSERT INTO parents (id, code) VALUES (1, 'a'), (5, 'b');"
                    "INSERT INTO kids (id, parent_id, name, secret) VALUES (1, 1, 'x', 's1'), (2, 5, 'y', 's2');");
}

std::string pipeline(const std::string& load_extra, const std::string& transforms = "") {
  return "version: 1\nname: objs\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\nsteps:\n"
         "  - name: all\n    extract: {from: src, tables: {include: [\"*\"]}}\n" + transforms +
         "    load: {to: dst" + load_extra + "}\n";
}

}  // namespace

TEST(LocalSchemaObjects, IndexesForeignKeysDefaultsAndRowidKeysComeAlong) {
  test::TempDir dir;
  make_source(dir.file("src.db"));
  test::write_file(dir.file("p.yaml"), pipeline("", "    transform:\n      - {rename: {name: full_name}, tables: [kids]}\n      - {drop: [secret], tables: [\"k*\"]}\n"));
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan " + dir.file("p.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("CREATE INDEX \"kids_name\" ON \"kids\" (\"full_name\");   -- after the load"), std::string::npos) << out;
  EXPECT_NE(out.find("not migrated: index kids_secret (column secret is not loaded)"), std::string::npos) << out;
  EXPECT_NE(out.find("not migrated: index kids_lower (an expression index)"), std::string::npos) << out;
  EXPECT_NE(out.find("not migrated: trigger kids_audit"), std::string::npos) << out;
  EXPECT_NE(out.find("CONSTRAINT \"kids_parent_id_fkey\" FOREIGN KEY (\"parent_id\") REFERENCES \"parents\" (\"id\") ON DELETE CASCADE"),
            std::string::npos) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("p.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("all/kids: 1 index(es) and foreign key(s) built, 3 source object(s) not migrated"), std::string::npos) << out;
  const std::string dst = dir.file("dst.db");
  EXPECT_EQ(test::sqlite_scalar(dst, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'index' "
                                 "AND tbl_name <> 'sluice_state' ORDER BY name)"),
            "kids_name,parents_code_key");
  // The rowid key numbers new rows; the defaults apply; the unique code is enforced.
  test::sqlite_exec(dst, "INSERT INTO parents (code) VALUES ('c'); INSERT INTO kids (parent_id) VALUES (6)");
  EXPECT_EQ(test::sqlite_scalar(dst, "SELECT id || '/' || (added IS NOT NULL) FROM parents WHERE code = 'c'"), "6/1");
  EXPECT_EQ(test::sqlite_scalar(dst, "SELECT id || '/' || full_name || '/' || age FROM kids WHERE parent_id = 6"), "3/kid/3");
  EXPECT_EQ(test::sqlite_scalar(dst, "SELECT count(*) FROM pragma_foreign_key_list('kids')"), "1");
}

TEST(LocalSchemaObjects, ObjectsSwitchesTurnPartsOff) {
  test::TempDir dir;
  make_source(dir.file("src.db"));
  test::write_file(dir.file("p.yaml"), pipeline(", objects: {indexes: false, foreign_keys: false, defaults: false}"));
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("p.yaml")), &out), 0) << out;
  const std::string dst = dir.file("dst.db");
  EXPECT_EQ(test::sqlite_scalar(dst, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"), "0");
  EXPECT_EQ(test::sqlite_scalar(dst, "SELECT count(*) FROM pragma_foreign_key_list('kids')"), "0");
  EXPECT_EQ(test::sqlite_scalar(dst, "SELECT count(*) FROM pragma_table_info('kids') WHERE dflt_value IS NOT NULL"), "0");
  // identity stayed on: the key is still the rowid.
  test::sqlite_exec(dst, "INSERT INTO parents (code) VALUES ('c')");
  EXPECT_EQ(test::sqlite_scalar(dst, "SELECT id FROM parents WHERE code = 'c'"), "6");

  test::TempDir other;
  make_source(other.file("src.db"));
  test::write_file(other.file("p.yaml"), pipeline(", objects: false"));
  ASSERT_EQ(test::run_command(sluice_cmd("run " + other.file("p.yaml")), &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(other.file("dst.db"), "SELECT sql FROM sqlite_schema WHERE name = 'parents'"),
            "CREATE TABLE \"parents\" (\"id\" BIGINT, \"code\" TEXT NOT NULL, \"added\" TEXT, PRIMARY KEY (\"id\"))");

  test::write_file(other.file("bad.yaml"), pipeline(", objects: {indexes: no_thanks, triggers: true}"));
  EXPECT_EQ(test::run_command(sluice_cmd("validate " + other.file("bad.yaml")), &out), 2) << out;
  EXPECT_NE(out.find("triggers"), std::string::npos) << out;
}

// Issue 9, item 6: a transform for some tables of a whole-database step; one that names a
// column missing in a table it applies to is refused by plan and run before any row moves.
TEST(LocalSchemaObjects, TransformsApplyToTheTablesTheyName) {
  test::TempDir dir;
  make_source(dir.file("src.db"));
  test::write_file(dir.file("p.yaml"), pipeline("", "    transform:\n      - {drop: [secret], tables: [kids]}\n"));
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("p.yaml")), &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("dst.db"), "SELECT count(*) FROM pragma_table_info('kids') WHERE name = 'secret'"), "0");
  EXPECT_EQ(test::sqlite_scalar(dir.file("dst.db"), "SELECT count(*) FROM parents"), "2");

  test::TempDir other;
  make_source(other.file("src.db"));
  test::write_file(other.file("p.yaml"), pipeline("", "    transform:\n      - drop: [secret]\n"));
  EXPECT_EQ(test::run_command(sluice_cmd("plan " + other.file("p.yaml")), &out), 2) << out;
  EXPECT_NE(out.find("step all/parents: "), std::string::npos) << out;
  EXPECT_NE(out.find("no column 'secret'"), std::string::npos) << out;
  EXPECT_EQ(test::run_command(sluice_cmd("run " + other.file("p.yaml")), &out), 2) << out;
  EXPECT_FALSE(std::filesystem::exists(other.file("dst.db"))) << "nothing is written";
}
