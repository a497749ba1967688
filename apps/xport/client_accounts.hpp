// `xport client org ...`, `user ...` and `project members ...`: organisations, their users
// and projects' members over the REST API (docs/api.md, "Organizations and users").
#pragma once

#include <CLI/CLI.hpp>

#include "client/api_client.hpp"
#include "client_args.hpp"

namespace xport::cli::accounts {

// Handlers: call the hub, print the answer (its JSON with --json), return the exit code.
int org_create(const client::ApiClient& api, const ClientArgs& a);
int org_list(const client::ApiClient& api, const ClientArgs& a);
int user_add(const client::ApiClient& api, const ClientArgs& a);
int user_list(const client::ApiClient& api, const ClientArgs& a);
int user_remove(const client::ApiClient& api, const ClientArgs& a);
int user_rotate_key(const client::ApiClient& api, const ClientArgs& a);
int member_set(const client::ApiClient& api, const ClientArgs& a);
int member_list(const client::ApiClient& api, const ClientArgs& a);
int member_remove(const client::ApiClient& api, const ClientArgs& a);

// Their options.
void org_create_options(CLI::App& c, ClientArgs& a);
void user_add_options(CLI::App& c, ClientArgs& a);
void user_arg(CLI::App& c, ClientArgs& a);
void user_rotate_key_options(CLI::App& c, ClientArgs& a);
void member_set_options(CLI::App& c, ClientArgs& a);
void member_remove_options(CLI::App& c, ClientArgs& a);

}  // namespace xport::cli::accounts
