#include "hub/app/hub_process.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "s3/s3_object_store.hpp"
#include "s3/s3_storage_access.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace fs = std::filesystem;

namespace {

// Uploads a killed hub was streaming (xport-upload-<pid>-<n>.part, http_session.cpp): removed
// at start unless the process that writes them is still running (another hub sharing the
// folder).
void remove_orphan_uploads(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("xport-upload-", 0) != 0 || entry.path().extension() != ".part") continue;
    const long pid = std::strtol(name.c_str() + 13, nullptr, 10);
    if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) == 0) continue;
    std::error_code rm;
    if (fs::remove(entry.path(), rm))
      spdlog::info("removed {}, a partial upload of a hub that stopped", name);
  }
}

}  // namespace

HubProcess::HubProcess(HubProcessOptions options) : options_(std::move(options)) {
  // Once, for HubApp, UiPush and public_url(): links are public_url + "/...".
  while (!options_.app.public_url.empty() && options_.app.public_url.back() == '/')
    options_.app.public_url.pop_back();
  if (options_.server.upload_dir.empty())
    options_.server.upload_dir = options_.data_dir / "incoming";
  std::error_code ec;
  options_.server.private_paths = {{fs::absolute(options_.data_dir, ec), "<data dir>"},
                                   {fs::absolute(options_.server.upload_dir, ec), "<upload dir>"},
                                   {fs::temp_directory_path(ec), "<temp dir>"}};
  server_ = std::make_unique<server::Server>(options_.server);
  ui_ = std::make_unique<UiPush>(server_->sio(), options_.app.public_url);
  storages_ = std::make_unique<s3::S3StorageAccess>();
  HubCoreOptions core;
  core.domain = options_.domain;
  core.database = options_.database;
  core.join_cluster = true;
  // In front of the cluster relay: the runs this hub finished, not those other hubs relay.
  metrics_ = std::make_unique<HubMetrics>();
  core.own_events = [this](DomainEvents& next) -> std::unique_ptr<DomainEvents> {
    return std::make_unique<MetricsEvents>(*metrics_, next);
  };
  // Parsed before the data dir is touched: a bad URL or missing keys fail fast.
  if (!options_.objects.empty())
    core.objects = std::make_unique<s3::S3ObjectStore>(s3::S3Config::parse(options_.objects));
  core_ = std::make_unique<HubCore>(options_.data_dir, std::move(core), *ui_, *storages_);
  // After the HubCore: it creates the data dir itself, private (0700).
  fs::create_directories(options_.server.upload_dir);
  remove_orphan_uploads(options_.server.upload_dir);
  app_ = std::make_unique<HubApp>(*core_, *server_, *ui_, *metrics_, options_.app);
}

HubProcess::~HubProcess() {
  stop();
}

void HubProcess::start() {
  try {
    server_->start();
  } catch (const std::runtime_error& e) {
    const std::string where = options_.listen.empty()
                                  ? fmt::format("{}:{}", options_.server.host, options_.server.port)
                                  : options_.listen;
    throw IoError(fmt::format("cannot listen on {}: {}", where, e.what()));
  }
  // Before the dispatcher: its first look at the runs of this hub's previous process must
  // not race the leader's reaping of them.
  core_->cluster().start(public_url(), core_->keys_fingerprint());
  app_->start();
}

void HubProcess::stop() {
  if (app_) app_->stop();  // dispatcher, janitor
  if (core_) core_->cluster().stop();
  server_->stop();  // stop accepting, close the sessions, drain blocking handlers
  app_.reset();
  core_.reset();  // the store and the object store
}

std::string HubProcess::url_with_host(std::string host) const {
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("{}://{}:{}", tls() ? "https" : "http", host, port());
}

std::string HubProcess::listen_url() const {
  return url_with_host(options_.server.host);
}

std::string HubProcess::local_url() const {
  std::string host = options_.server.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  return url_with_host(host);
}

std::string HubProcess::public_url() const {
  return options_.app.public_url.empty() ? local_url() : options_.app.public_url;
}

}  // namespace xport::hub
