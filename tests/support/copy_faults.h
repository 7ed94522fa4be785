#pragma once
// What the fault tests share: a MySQL source table with awkward values, checksums of
// it on either side, a one-step copy pipeline, and kill -9 at random moments.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace sluice::test {

// 200,000 rows with a few awkward values, in MySQL and PostgreSQL alike.
inline void make_mysql_source(MyClient& my, const std::string& table, int rows) {
  my.exec("DROP TABLE IF EXISTS " + table);
  my.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name varchar(40) NOT NULL, amount decimal(14,2), created datetime(6))");
  my.exec("INSERT INTO " + table + " SELECT seq, CONCAT('n', seq, IF(seq % 97 = 0, ' \"q\"\\t\\\\', ' ✓')), IF(seq % 11 = 0, NULL, seq / 7), "
          "'2020-01-01' + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND FROM seq_1_to_" + std::to_string(rows));
}

// GROUP_CONCAT's result is cut at max_allowed_packet (16 MiB here): up to ~300,000 rows
// of make_mysql_source. Longer tables would compare truncated texts.
inline std::string mysql_checksum(MyClient& my, const std::string& table) {
  return my.scalar("SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(CONCAT_WS('|', id, name, COALESCE(amount, 'N'), "
                   "DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s.%f')) ORDER BY id SEPARATOR '\\n'))) FROM " + table);
}

inline std::string pg_checksum(PgClient& pg, const std::string& table) {
  return pg.scalar("SELECT count(*) || ':' || md5(string_agg(concat_ws('|', id, name, COALESCE(amount::text, 'N'), "
                   "to_char(created, 'YYYY-MM-DD HH24:MI:SS.US')), E'\\n' ORDER BY id)) FROM " + table);
}

inline std::string copy_pipeline(const std::string& name, const std::string& from_url, const std::string& from_table,
                          const std::string& to_url, const std::string& to_table, const std::string& extra = "") {
  return "version: 1\nname: " + name + "\nconnections:\n  src: {url: \"" + from_url + "\"}\n  dst: {url: \"" + to_url + "\"}\n"
         "defaults: {batch_size: 200, commit_every: 1, retry: {attempts: 20, initial_backoff: 100ms, max_backoff: 1s}" + extra + "}\n"
         "steps:\n  - {name: copy, extract: {from: src, table: " + from_table + "}, load: {to: dst, table: " + to_table + "}}\n";
}

// Runs sluice, kills it with SIGKILL after a random delay, again and again, then lets
// a last run finish. Returns how many runs were killed.
inline int kill_repeatedly(const std::string& pipeline, const std::string& log, int kills_wanted) {
  std::mt19937 rng(std::random_device{}());
  // Short enough that ten kills fit in the copy however fast this machine is today.
  std::uniform_int_distribution<int> delay_ms(10, 120);
  int kills = 0;
  for (int i = 0; i < kills_wanted * 3 && kills < kills_wanted; ++i) {
    Child c({SLUICE_BINARY, "run", pipeline}, log);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms(rng));
    int code = -1;
    bool done = false;
    while (std::chrono::steady_clock::now() < deadline)
      if ((done = c.exited(&code))) break;
      else std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (done && code == 75 && read_file(log).find("already running") != std::string::npos) {
      // The server has not yet ended the killed run's session, so its lock still
      // stands: exit 75 is the contract ("try again"), so try again.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    if (done) {
      EXPECT_EQ(code, 0) << read_file(log);
      return kills;  // finished before the kill: nothing left to interrupt
    }
    c.signal(SIGKILL);
    EXPECT_EQ(c.wait(), 128 + SIGKILL);
    ++kills;
  }
  for (int attempt = 0;; ++attempt) {
    Child last({SLUICE_BINARY, "run", pipeline}, log);
    int code = last.wait();
    if (code == 75 && attempt < 20 && read_file(log).find("already running") != std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    EXPECT_EQ(code, 0) << read_file(log);
    return kills;
  }
}

}  // namespace sluice::test
