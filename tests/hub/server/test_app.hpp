// The echo app the hub_server tests run in-process: a Server on 127.0.0.1, a free port, with
// a few REST routes, a static directory and a Socket.IO namespace /plugin that echoes; over
// TLS when given a certificate and key.
#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hub/server/server.hpp"

namespace xport::hub::server::test {

namespace json = boost::json;

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

struct TestApp {
  std::filesystem::path dir;
  std::unique_ptr<Server> server;
  std::mutex mutex;
  std::vector<std::string> log;  // connect/disconnect/ack lines

  void note(std::string line) {
    std::lock_guard lock(mutex);
    log.push_back(std::move(line));
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return log;
  }
  // Waits (bounded) until `pred(log)` holds.
  template <class Pred>
  bool wait_log(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(snapshot())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred(snapshot());
  }

  // `idle_timeout`: the server's wait for the next bytes of a request or a response.
  explicit TestApp(std::filesystem::path work, sio::ServerOptions sio_options = {},
                   std::optional<ServerTls> tls = std::nullopt,
                   std::chrono::milliseconds idle_timeout = std::chrono::seconds(60),
                   const std::function<void(ServerOptions&)>& tune = {})
      : dir(std::move(work)) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "uploads");
    write_file(dir / "www/index.html", "<!doctype html><title>hub</title>");
    write_file(dir / "www/app.js", "export const x = 1;\n");
    // What a UI folder may hold besides the UI: never served.
    write_file(dir / "www/README.md", "# notes");
    write_file(dir / "www/package.json", "{}");
    write_file(dir / "www/package-lock.json", "{}");
    write_file(dir / "www/node_modules/left-pad/index.js", "module.exports = 1;");
    write_file(dir / "www/build.sh", "#!/bin/sh");
    write_file(dir / "www/css/style.css", "body{}\n");
    write_file(dir / "www/.hidden", "no");
    write_file(dir / "secret.txt", "TOP SECRET");
    std::filesystem::create_symlink(dir / "secret.txt", dir / "www/link.txt");

    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.sio = sio_options;
    o.static_dir = dir / "www";
    o.upload_dir = dir / "uploads";
    o.tls = std::move(tls);
    o.idle_timeout = idle_timeout;
    if (tune) tune(o);
    server = std::make_unique<Server>(o);

    Router& r = server->router();
    r.get("/api/projects/{id}", [](Request& req) {
      return Response::json(
          200, json::object{{"id", req.params.at("id")}, {"q", req.query_param("q").value_or("")}});
    });
    r.get("/api/projects/new", [](Request&) {
      return Response::json(200, json::object{{"literal", true}});
    });
    r.get("/api/projects/{id}/runs/{run}", [](Request& req) {
      return Response::json(
          200, json::object{{"id", req.params.at("id")}, {"run", req.params.at("run")}});
    });
    // An error raised with one of the server's own paths in it (a database error as SQLite
    // words it).
    r.get("/api/fails-naming-a-path", [this](Request&) -> Response {
      throw std::runtime_error("cannot open database " + (dir / "hub.db").string() + " (beside " +
                               (dir.string() + "-other") + ")");
    });
    r.get("/api/files/{rest...}",
          [](Request& req) { return Response::text(200, req.params.at("rest")); });
    r.post(
        "/api/echo",
        [](Request& req) {
          return Response::text(200, req.body, req.header("content-type").value_or("?"));
        },
        RouteOptions{16, false});
    r.post("/api/fail", [](Request&) -> Response { throw HttpError(409, "conflict here"); });
    r.post("/api/crash", [](Request&) -> Response { throw std::runtime_error("boom"); });
    r.put(
        "/api/upload/{name}",
        [this](Request& req) {
          std::filesystem::path dest = dir / "uploads" / ("done-" + req.params.at("name"));
          std::filesystem::rename(req.body_file, dest);
          return Response::json(
              200, json::object{{"size", req.body_size}, {"in_memory", req.body.size()}});
        },
        RouteOptions{std::uint64_t{64} << 20, true});
    // A 1 MiB limit on a body streamed to a file (the early-413 tests send more).
    r.put(
        "/api/small/{name}",
        [](Request& req) { return Response::text(200, req.params.at("name")); },
        RouteOptions{std::uint64_t{1} << 20, true});
    r.get("/api/download/{name}", [this](Request& req) {
      return Response::send_file(dir / "uploads" / ("done-" + req.params.at("name")),
                                 "application/zip", "result.zip");
    });

    r.get("/api/generated", [this](Request&) {
      write_file(dir / "generated.tmp", "generated result");
      Response res = Response::send_file(dir / "generated.tmp", "text/plain");
      res.remove_file = true;
      return res;
    });

    SocketIoServer& s = server->sio();
    s.on_connect("/plugin", [this](const SocketInfo& sock) -> std::optional<std::string> {
      const json::object* auth = sock.auth.if_object();
      if (auth != nullptr && auth->contains("token") && auth->at("token") == "bad") {
        note("refused " + sock.id);
        return "not allowed";
      }
      note("connect " + sock.nsp + " " + sock.id);
      return std::nullopt;
    });
    s.on_event("/plugin", "echo", [this](const SocketInfo& sock, json::array args, Ack ack) {
      if (ack)
        ack(std::move(args));
      else
        server->sio().emit(sock.id, sock.nsp, "echo-back", std::move(args));
    });
    s.on_binary_event(
        "/plugin", "upload",
        [](const SocketInfo&, json::array, std::vector<std::string> att, BinaryAck ack) {
          std::string hex;
          for (unsigned char c : att.at(0)) {
            static const char* d = "0123456789abcdef";
            hex += d[c >> 4];
            hex += d[c & 15];
          }
          if (ack) ack(json::array{att.size(), hex}, {});
        });
    s.on_event("/plugin", "heartbeat", [this](const SocketInfo& sock, json::array args, Ack) {
      note("heartbeat " + json::serialize(args));
      std::string id = sock.id;
      server->sio().emit(
          sock.id, "/plugin", "plugin", json::array{json::object{{"session", "run-1"}}},
          [this, id](std::optional<json::array> answer) {
            note("plugin-ack " + (answer ? json::serialize(*answer) : std::string("none")));
            server->sio().emit(id, "/plugin", "got-ack",
                               json::array{answer ? json::value((*answer)[0]) : nullptr});
          });
    });
    s.on_disconnect("/plugin", [this](const SocketInfo& sock, const std::string& reason) {
      note("disconnect " + sock.id + " " + reason);
    });
    server->start();
  }

  std::string base() const {
    return (server->options().tls ? "https://127.0.0.1:" : "http://127.0.0.1:") +
           std::to_string(server->port());
  }
};

}  // namespace xport::hub::server::test
