// What `xport client`'s options fill in, for every operation (client_command.cpp, and the
// account operations of client_accounts.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xport::cli {

struct ClientArgs {
  std::string hub;
  std::string api_key;
  std::string ca_file;
  bool json = false;
  // project
  std::string name;
  std::string project;
  std::string file;
  std::vector<std::string> stages;
  std::vector<std::string> project_batches;
  std::string type;
  std::string schema_file;
  bool replace = false;
  bool partial = false;
  // plugin
  std::string plugin;
  std::string config;
  std::string description;
  std::string rest_url;
  std::int64_t plugin_timeout = 0;         // seconds; 0: the hub's default
  std::int64_t instance_concurrency = -1;  // runs per instance at a time; -1: not given
  // storage
  std::string storage;
  std::string endpoint;
  std::string bucket;
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  // run
  std::string stage;
  std::vector<std::string> batches;
  bool wait = false;
  double timeout = 600;
  std::string session;
  std::string out;
  // notifications
  bool unread = false;
  std::int64_t limit = 100;
  // organizations, users, members
  std::string email;
  std::string role;
  std::string user;
  std::string admin_name = "admin";
  std::string admin_email;
};

}  // namespace xport::cli
