#include "hub/app/dispatch/rest_transport.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <thread>

#include "net/http_client.hpp"
#include "net/url.hpp"

namespace xport::hub::dispatch {

namespace {

net::HttpClient rest_client(std::chrono::seconds connect, std::chrono::seconds idle) {
  net::ClientOptions o;
  o.connect_timeout = connect;
  o.idle_timeout = idle;
  o.max_redirects = 0;
  return net::HttpClient(o);
}

}  // namespace

RestConnectorTransport::RestConnectorTransport(
    std::function<std::string(const Plugin&)> secret_of,
    std::function<void(std::function<void()>)> run_in_background)
    : secret_of_(std::move(secret_of)), run_in_background_(std::move(run_in_background)) {}

void RestConnectorTransport::install(TransportEvents& events) {
  std::lock_guard lock(calls_->mutex);
  calls_->events = &events;
}

void RestConnectorTransport::stop() {
  std::lock_guard lock(calls_->mutex);
  calls_->events = nullptr;  // REST calls still under way find nobody to report to
}

// POST {rest_url}/plugin on a thread of its own: the newest SDK's REST connector answers
// only once the run is done (its callback runs inside the request), so the call may take as
// long as the plugin's answer timeout and must not hold up other dispatches.
bool RestConnectorTransport::deliver(Delivery delivery) {
  const auto idle =
      std::chrono::duration_cast<std::chrono::seconds>(delivery.timeout) + std::chrono::seconds(5);
  net::HttpClient client = rest_client(std::chrono::seconds(10), idle);
  net::Request req;
  req.method = "POST";
  req.url = net::join_url(delivery.plugin.rest_url, "/plugin");
  req.headers = {{"Content-Type", "application/json"}, {"Secret", secret_of_(delivery.plugin)}};
  req.body = boost::json::serialize(delivery.data);
  std::thread([calls = calls_, client = std::move(client), req = std::move(req),
               name = delivery.plugin.name, url = delivery.plugin.rest_url,
               session = delivery.session]() mutable {
    std::string error;
    try {
      net::HttpResponse res = client.request(req);
      if (!res.ok())
        error = fmt::format("the REST endpoint of plugin {} answered {} {}: {}", name, res.status,
                            res.reason, res.body.substr(0, 200));
    } catch (const std::exception& e) {
      error = fmt::format("plugin {} could not be reached at {}: {}", name, url, e.what());
    }
    std::lock_guard lock(calls->mutex);
    if (calls->events) calls->events->on_delivery_ended(session, error);
  }).detach();
  return true;
}

std::size_t RestConnectorTransport::online(const Plugin& plugin, Clock::time_point now) {
  bool ask = false;
  std::size_t online = 0;
  {
    std::lock_guard lock(probes_mutex_);
    Probe& probe = probes_[plugin.id];
    const auto max_age = probe.ok ? kProbeMaxAge : kProbeMaxAge / 5;
    if (!probe.in_flight && (probe.url != plugin.rest_url || now - probe.checked > max_age)) {
      probe.in_flight = true;
      ask = true;
    }
    online = probe.ok && probe.url == plugin.rest_url ? 1 : 0;
  }
  if (ask) run_in_background_([this, plugin] { probe(plugin); });
  return online;
}

void RestConnectorTransport::probe(const Plugin& plugin) {
  bool ok = false;
  try {
    net::HttpClient client = rest_client(std::chrono::seconds(5), std::chrono::seconds(5));
    net::Request req;
    req.url = net::join_url(plugin.rest_url, "/heartbeat");
    req.headers = {{"Secret", secret_of_(plugin)}};
    const net::HttpResponse res = client.request(req);
    ok = res.ok();
    if (!ok)
      spdlog::info("plugin {}: GET {}/heartbeat answered {}", plugin.name, plugin.rest_url,
                   res.status);
  } catch (const std::exception& e) {
    spdlog::info("plugin {}: {}/heartbeat unreachable: {}", plugin.name, plugin.rest_url, e.what());
  }
  std::lock_guard lock(probes_mutex_);
  probes_[plugin.id] = Probe{plugin.rest_url, ok, Clock::now(), false};
}

}  // namespace xport::hub::dispatch
