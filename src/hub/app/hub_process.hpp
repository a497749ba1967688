// One hub in one process: the composition root `xport hub`, `xport demo` and in-process tests
// share. It owns the parts and the order they are built and stopped in:
//   built:   Server (options only, nothing listens; a bad TLS file fails here, before the
//            data dir is touched) → UiPush (the live push to the web UI) → HubCore (data
//            dir, database, object store, keys; its Domain is given the UiPush as its
//            DomainEvents) → DATA_DIR/incoming → HubApp (routes, Socket.IO handlers,
//            dispatcher).
//   start(): the server listens, then the dispatcher (runs an earlier process left) and the
//            janitor start.
//   stop():  the dispatcher and the janitor stop (so closing plugin sessions fails no run),
//            then the server (stops accepting, closes every session, waits for blocking
//            handlers), then the HubApp and the HubCore are destroyed (store closed).
// Events flow one way: Domain → DomainEvents (UiPush) → Socket.IO /ui; the Domain never
// sees the hub app.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "hub/app/hub_app.hpp"
#include "hub/app/ui_push.hpp"
#include "hub/hub_core.hpp"
#include "hub/server/server.hpp"

namespace xport::hub {

struct HubProcessOptions {
  std::filesystem::path data_dir = "xport-hub-data";
  // host, port (0: any free port), threads, static_dir, tls, ... An empty upload_dir is
  // DATA_DIR/incoming.
  server::ServerOptions server;
  AppOptions app;
  DomainOptions domain;
  DatabaseOptions database;  // empty url: SQLite in the data dir
  // Where results and exports live: empty, DATA_DIR/storage; or an S3 bucket,
  // s3://BUCKET?endpoint=URL[&region=R][&prefix=P/][&credentials=FILE] (s3/s3_config.hpp).
  std::string objects;
  // How the address is named when it cannot be bound (the --listen text); empty: HOST:PORT.
  std::string listen;
};

class HubProcess {
 public:
  // Builds everything (see above); opens the data dir. Does not bootstrap: call
  // core().domain().bootstrap(data_dir()).
  explicit HubProcess(HubProcessOptions options);
  ~HubProcess();  // stop()
  HubProcess(const HubProcess&) = delete;
  HubProcess& operator=(const HubProcess&) = delete;

  // Listens, then starts the dispatcher and the janitor. IoError when the address cannot be
  // bound.
  void start();
  // As above; idempotent. app() and core() are gone afterwards.
  void stop();

  const std::filesystem::path& data_dir() const { return options_.data_dir; }
  std::uint16_t port() const { return server_->port(); }  // the bound port, after start()
  bool tls() const { return options_.server.tls.has_value(); }
  // scheme://HOST:PORT as bound (an IPv6 host in brackets; a wildcard host stays as it is).
  std::string listen_url() const;
  // Where this process reaches itself: a wildcard host (0.0.0.0, ::) becomes loopback.
  std::string local_url() const;
  // AppOptions::public_url (no trailing slash) when set, else local_url().
  std::string public_url() const;

  HubCore& core() { return *core_; }
  HubApp& app() { return *app_; }
  server::Server& server() { return *server_; }

 private:
  std::string url_with_host(std::string host) const;

  HubProcessOptions options_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<UiPush> ui_;
  std::unique_ptr<HubMetrics> metrics_;      // before the HubCore: its Domain's listener uses it
  std::unique_ptr<StorageAccess> storages_;  // customers' buckets, through the S3 client
  std::unique_ptr<HubCore> core_;
  std::unique_ptr<HubApp> app_;
};

}  // namespace xport::hub
