// Plugins: creation with id and secret, the secret shown again to admins, regeneration,
// and the heartbeat check.
#include "hub/domain.hpp"
#include "xport/config.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace {

// A second at least (tests use short ones), a week at most.
void check_plugin_timeout(std::int64_t seconds) {
  if (seconds < 1 || seconds > 7 * 24 * 3600)
    throw ConfigError("timeoutSeconds must be between 1 and 604800, not " +
                      std::to_string(seconds));
}

void check_instance_concurrency(std::int64_t runs) {
  if (runs < 0 || runs > 10000)
    throw ConfigError("instanceConcurrency must be between 0 (no limit) and 10000, not " +
                      std::to_string(runs));
}

void validate(const NewPlugin& p) {
  if (p.name.empty()) throw ConfigError("a plugin needs a name");
  if (p.type != "Export")
    throw ConfigError("plugin type must be \"Export\", not \"" + p.type + "\"");
  try {
    parse_config(p.default_config);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string("default Config JSON: ") + e.what());
  }
  check_plugin_timeout(p.timeout_seconds);
  check_instance_concurrency(p.instance_concurrency);
  if (!p.rest_url.empty() && p.rest_url.rfind("http://", 0) != 0 &&
      p.rest_url.rfind("https://", 0) != 0) {
    throw ConfigError("REST URL must start with http:// or https://");
  }
}

}  // namespace

CreatedPlugin Domain::create_plugin(const User& admin, const NewPlugin& request) {
  require_admin(admin, admin.org_id);
  validate(request);
  CreatedPlugin created;
  created.secret = new_plugin_secret();
  Plugin& p = created.plugin;
  p.id = new_id();
  p.org_id = admin.org_id;
  p.name = request.name;
  p.type = request.type;
  p.description = request.description;
  p.default_config = request.default_config.empty() ? "{}" : request.default_config;
  p.secret_hash = sha256_hex(created.secret);
  p.secret = secrets_.seal(created.secret, p.id);
  p.rest_url = request.rest_url;
  p.created_at = now_ms();
  p.timeout_seconds = request.timeout_seconds;
  p.instance_concurrency = request.instance_concurrency;
  store_.create_plugin(p);
  return created;
}

Plugin Domain::plugin(const User& user, const std::string& plugin_id) {
  auto found = store_.get_plugin(plugin_id);
  if (!found) throw NotFound("no plugin " + plugin_id);
  // Another organisation's plugin is answered like an unknown one: its existence is not
  // the caller's business.
  if (found->org_id != user.org_id) throw NotFound("no plugin " + plugin_id);
  if (!may_use_plugins(user))
    throw Forbidden("only organization admins and project managers may use plugins");
  return *found;
}

Plugin Domain::change_plugin_settings(const User& admin, const std::string& plugin_id,
                                      const PluginSettingsChange& change) {
  Plugin p = plugin(admin, plugin_id);
  require_admin(admin, p.org_id);
  if (change.timeout_seconds) check_plugin_timeout(*change.timeout_seconds);
  if (change.instance_concurrency) check_instance_concurrency(*change.instance_concurrency);
  p.timeout_seconds = change.timeout_seconds.value_or(p.timeout_seconds);
  p.redispatch_on_hub_loss = change.redispatch_on_hub_loss.value_or(p.redispatch_on_hub_loss);
  p.instance_concurrency = change.instance_concurrency.value_or(p.instance_concurrency);
  store_.set_plugin_settings(p);
  return p;
}

std::string Domain::reveal_secret(const User& admin, const std::string& plugin_id) {
  const Plugin p = plugin(admin, plugin_id);
  require_admin(admin, p.org_id);
  try {
    return secrets_.open(p.secret, p.id);
  } catch (const std::invalid_argument&) {
    // The data dir's key changed or the row was altered: the secret is gone, not wrong.
    throw IoError("the secret of plugin " + plugin_id +
                  " cannot be decrypted (was secret-box.key replaced?); regenerate it");
  }
}

std::string Domain::regenerate_secret(const User& admin, const std::string& plugin_id) {
  const Plugin p = plugin(admin, plugin_id);
  require_admin(admin, p.org_id);
  std::string secret = new_plugin_secret();
  store_.set_plugin_secret(p.id, sha256_hex(secret), secrets_.seal(secret, p.id));
  return secret;
}

void Domain::delete_plugin(const User& admin, const std::string& plugin_id) {
  const Plugin p = plugin(admin, plugin_id);
  require_admin(admin, p.org_id);
  store_.delete_plugin(p.id);
}

bool Domain::check_plugin_credentials(std::string_view plugin_id, std::string_view secret) {
  const auto p = store_.get_plugin(std::string(plugin_id));
  // Hash and compare also for an unknown id, against a digest no secret has, so the
  // answer takes as long either way; the compare of the digests is constant time.
  static const std::string kNoMatch(64, 'x');
  const bool same = constant_time_equal(sha256_hex(secret), p ? p->secret_hash : kNoMatch);
  return p.has_value() && same;
}

}  // namespace xport::hub
