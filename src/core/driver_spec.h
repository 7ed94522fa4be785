#pragma once
// What a driver says about itself before anything connects: its name, URL schemes, the
// connection keys it accepts (and how it checks them), its naming rule and what it can
// do. The config loader reads the shape every connection shares (url, driver, the
// common keys) and hands the block to the driver's spec; validate, plan and run ask
// capabilities, never driver names. Adding a driver is its folder plus one line in
// src/drivers/register.cpp.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/identifiers.h"
#include "sluice/pipeline.h"
#include "sluice/registry.h"

namespace sluice {

// How the driver's URLs are written.
enum class UrlForm {
  server,  // scheme://user:password@host:port/database?sslmode=...
  path,    // scheme:path (or scheme://path), resolved against the pipeline folder
  own,     // the driver reads it (parse_url): ODBC's odbc://DSN?attribute=value
};

struct DriverCapabilities {
  bool query = true;    // extract query: and where:
  bool upsert = true;   // load mode upsert
  bool schemas = true;  // tables live in schemas (a SQLite file and a CSV folder have none)
  bool concurrent_writes = true;  // several connections load one table at once
};

// A connection's YAML block as a driver's spec sees it: values interpolated, problems
// reported at the key's file:line:column, together with every other problem of the file.
class ConnectionBlock {
 public:
  virtual ~ConnectionBlock() = default;
  virtual bool has(const std::string& key) const = 0;
  // The key's scalar value (may be empty); nullopt, with the problem reported, when it
  // is not a scalar or absent.
  virtual std::optional<std::string> text(const std::string& key) = 0;
  // Reports a problem at `key` (the block itself when key is empty or absent).
  virtual void error(const std::string& key, const std::string& message) = 0;
  // "connection 'name'", to begin messages with.
  virtual const std::string& where() const = 0;
};

struct DriverSpec {
  std::string name;                    // the driver: key and ConnectionConfig::driver
  std::string title;                   // for messages: "PostgreSQL", "a CSV connection"...
  std::vector<std::string> url_schemes;
  UrlForm url_form = UrlForm::server;
  // Connection keys besides those every connection has (url, driver, connect_timeout,
  // encoding, timezone). Shared ones (host, port, database, user, password,
  // password_file, path, tls) are read by the loader when listed here; others are the
  // driver's own, read by `validate` (into ConnectionConfig::options).
  std::vector<std::string> keys;
  // A key of its own that names the driver without url: or driver: (ODBC's connection_string).
  std::string implied_by_key;
  DriverCapabilities can;
  // Server drivers: the port when none is given, and where unqualified tables live:
  // `default_schema`, or the connection's database when a schema is a database (MySQL:
  // every database of one server is then one store of tables).
  int default_port = 0;
  std::string default_schema;
  bool schema_is_database = false;
  // Path drivers: how a connection is shown, before its path ("sqlite:", "csv://").
  std::string path_prefix;
  const ident::NameRule& (*names)() = nullptr;  // name limits of its targets
  // UrlForm::own: reads what follows "scheme:" into the config; returns an error or "".
  std::function<std::string(const std::string& rest, ConnectionConfig& config)> parse_url;
  // How a connection is shown in messages, when not as a server's or a path's URL;
  // never with a password.
  std::function<std::string(const ConnectionConfig& config)> display;
  // After the common reading: checks what the driver needs, reads its own keys, fills
  // defaults. Reports problems on `block`.
  std::function<void(ConnectionBlock& block, ConnectionConfig& config)> validate;
  DriverRegistry::Factory connect;
};

// Every driver built into this sluice, in registration order (src/drivers/register.cpp).
const std::vector<DriverSpec>& driver_specs();
const DriverSpec* find_driver(const std::string& name);
const DriverSpec* driver_for_scheme(const std::string& scheme);  // lower case

}  // namespace sluice
