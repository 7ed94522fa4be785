// The CSV driver as the config loader and the runner know it: a folder of files, with
// its own keys (delimiter, null), no query language, no upsert, no schemas.
#include "core/driver_spec.h"
#include "drivers/spec_checks.h"

namespace sluice::csv {

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg);

namespace {

// Names become file names <stem>.csv (rewritten through <stem>.csv.sluice-tmp): at most
// 255 bytes on Linux file systems, encoded by ident::file_stem.
const ident::NameRule& names() {
  static const ident::NameRule rule{"a CSV folder", 255, true, false, true};
  return rule;
}

void validate(ConnectionBlock& block, ConnectionConfig& cfg) {
  drivers::check_path(block, cfg);
  if (cfg.path == ":memory:") block.error("path", block.where() + ": a CSV connection needs a folder, not :memory:");
  if (block.has("delimiter"))
    if (auto v = block.text("delimiter")) {
      if (v->size() != 1 || *v == "\"" || *v == "\n" || *v == "\r")
        block.error("delimiter", block.where() + " delimiter must be one character other than a quote or newline");
      else
        cfg.delimiter = (*v)[0];
    }
  if (block.has("null"))
    if (auto v = block.text("null")) cfg.null_marker = *v;
}

}  // namespace

DriverSpec driver_spec() {
  DriverSpec s;
  s.name = "csv";
  s.title = "CSV";
  s.url_schemes = {"csv"};
  s.url_form = UrlForm::path;
  s.keys = {"path", "delimiter", "null"};
  s.can.query = false;
  s.can.upsert = false;
  s.can.schemas = false;
  s.can.concurrent_writes = false;
  s.path_prefix = "csv://";
  s.names = &names;
  s.validate = validate;
  s.connect = connect;
  return s;
}

}  // namespace sluice::csv
