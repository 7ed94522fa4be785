#pragma once
// Typed form of a pipeline file (SPEC §2). Produced by config::load_pipeline, which
// validates everything before any of it is used; defaults are noted per field.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

using Millis = std::chrono::milliseconds;

// Where a setting came from, for messages: "pipelines/x.yaml:12:5".
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
  std::string display() const;
};

enum class TlsMode { disable, prefer, require, verify_ca, verify_full };

struct TlsConfig {
  TlsMode mode = TlsMode::prefer;  // as libpq; MySQL treats prefer as "use if offered"
  std::string ca, cert, key;       // file paths, resolved against the pipeline folder
};

struct ConnectionConfig {
  std::string name;
  std::string driver;  // postgres | mysql | sqlite | csv
  std::string host;
  int port = 0;        // 0 = the driver's default
  std::string database;
  std::string user;
  std::string password;  // secret: never logged; see display()
  std::string path;      // sqlite file (":memory:" allowed) or csv folder, absolute
  Millis connect_timeout{10000};
  TlsConfig tls;
  std::string encoding = "utf8";  // utf8 | latin1 | cp1252 (source text encoding)
  std::string timezone;           // how naive values of this connection are meant
  char delimiter = ',';           // csv
  std::optional<std::string> null_marker;  // csv: default is PostgreSQL's (unquoted empty)
  // Keys only one driver knows, as its spec's validate stored them (src/core/driver_spec.h).
  std::map<std::string, std::string> options;
  SourceLocation location;

  // A URL-like description with the password replaced by ***.
  std::string display() const;
};

struct RetryPolicy {
  int attempts = 5;                // total tries of a step, the first included
  Millis initial_backoff{500};
  Millis max_backoff{30000};
};

enum class OnError { abort, reject };
enum class LoadMode { append, truncate, replace, upsert };
enum class CreateMode { if_missing, never, always };
enum class OnInvalidText { reject, replace, strip };

const char* to_string(LoadMode m);
const char* to_string(CreateMode m);

// Settings a step's load: may override (defaults: block of the pipeline).
struct LoadSettings {
  int batch_size = 5000;    // rows per batch
  int commit_every = 10;    // batches per transaction
  RetryPolicy retry;
  OnError on_error = OnError::abort;
  std::int64_t max_rejects = 0;
  std::string reject_file = "rejects/{pipeline}/{step}.jsonl";
  OnInvalidText on_invalid_text = OnInvalidText::reject;
};

struct TransformConfig {
  // time_zone is never written in a file: the engine adds it where naive date-times
  // cross between connections whose `timezone:` differ (transforms/time_zone.cpp).
  enum class Kind { rename, drop, cast, default_, filter, derive, mask, lua, time_zone };
  Kind kind;
  // rename: old -> new; cast: column -> type; default: column -> value;
  // mask: column -> method; derive: column -> expression
  std::vector<std::pair<std::string, std::string>> pairs;
  std::map<std::string, std::string> derive_types;  // derive column -> declared type
  std::vector<std::string> columns;  // drop
  std::string expression;            // filter
  std::string path;                  // lua file, absolute
  std::string salt;                  // mask: prepended to values before hashing
  // cast, derive, time_zone: the zone the source's naive date-times are wall clocks in (the
  // source connection's `timezone:`; empty: UTC). time_zone: the target's, and in
  // `pairs` column -> the target column's type (timestamp or timestamptz).
  std::string timezone, target_timezone;
  // The tables of a whole-database step it applies to (globs over source table names,
  // "schema.table" for qualified ones); empty: every table.
  std::vector<std::string> tables;
  SourceLocation location;
};

struct TablePatterns {
  std::vector<std::string> include;  // globs; default ["*"]
  std::vector<std::string> exclude;
};

struct ExtractConfig {
  std::string from;  // connection name
  std::string table;
  std::string query;
  std::optional<TablePatterns> tables;  // whole-database copy
  std::string schema;  // the source schema (default: the connection's own)
  std::vector<std::string> columns;
  std::string where;
  std::vector<std::string> order_by;  // default: primary key
  std::string incremental_cursor;
  SourceLocation location;
};

enum class OnSchemaChange { fail, add_columns, ignore };
const char* to_string(OnSchemaChange c);

struct LoadConfig {
  std::string to;
  std::string table;   // default: the source table's name
  std::string schema;  // target schema for whole-database copies
  LoadMode mode = LoadMode::append;
  std::vector<std::string> key;  // upsert key; default: source primary key
  CreateMode create = CreateMode::if_missing;
  // identifiers: lower — the target's table, schema and column names folded to ASCII
  // lower case (PostgreSQL then needs no quotes for names that came mixed-case).
  bool lower_identifiers = false;
  // objects: what of a source table's definition a table sluice creates gets besides
  // its columns, NOT NULL and primary key (each true unless turned off).
  struct Objects {
    bool indexes = true, foreign_keys = true, defaults = true, identity = true, checks = true;
  } objects;
  // partitions: keep — a partitioned PostgreSQL source table becomes a partitioned
  // PostgreSQL target with the same key and partitions; merge (default): a plain table.
  bool keep_partitions = false;
  // on_schema_change: what a load into an existing table does when the source has
  // columns the table lacks: stop before writing (fail), add them (add_columns), or
  // load the columns both have (ignore).
  OnSchemaChange on_schema_change = OnSchemaChange::fail;
  LoadSettings settings;
  SourceLocation location;
};

struct StepConfig {
  std::string name;
  ExtractConfig extract;
  std::vector<TransformConfig> transforms;
  LoadConfig load;
  // parallel: N splits the step's table into N key ranges, read under one snapshot by N
  // connections and written by N; 0: not set (--parallel may split a run's only table).
  int parallel = 0;
  SourceLocation location;
};

struct VerifySettings {
  std::optional<double> float_tolerance;  // floats equal within this absolute difference
  int max_differences = 20;               // differing keys printed per step
  // Compare checksums per key range first (computed by the databases where they can);
  // false: read every step row by row (faster where the databases run beside sluice,
  // since per-row hashing in SQL costs them more CPU than sending the rows).
  bool checksums = true;
};

struct Pipeline {
  int version = 1;
  std::string name;
  std::string file;      // absolute path of the pipeline file
  std::string base_dir;  // its folder: relative paths resolve here
  std::map<std::string, ConnectionConfig> connections;
  LoadSettings defaults;
  VerifySettings verify;
  std::vector<StepConfig> steps;
};

}  // namespace sluice
