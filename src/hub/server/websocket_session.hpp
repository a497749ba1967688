// One WebSocket connection of the Socket.IO endpoint (internal): accepts the upgrade, reads
// frames into its Engine.IO session, writes the session's frames in order (one write in
// flight, a queue behind it), and closes after the queued frames when asked. Over TCP (ws://)
// or TLS (wss://): one template in the .cpp, one overload per stream here.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <string>

#include "hub/server/shared_state.hpp"

namespace xport::hub::server {

// Takes over `stream` after http_session read an upgrade request for the Socket.IO path.
// `sid` empty: a new session on this WebSocket; else the upgrade of that polling session.
// `echo`: the Engine.IO-only echo endpoint (ServerOptions::engine_echo_path).
void run_websocket_session(std::shared_ptr<SharedState> state, boost::beast::tcp_stream stream,
                           boost::beast::http::request<boost::beast::http::empty_body> request,
                           std::string sid, std::string remote, bool echo);
void run_websocket_session(std::shared_ptr<SharedState> state,
                           boost::beast::ssl_stream<boost::beast::tcp_stream> stream,
                           boost::beast::http::request<boost::beast::http::empty_body> request,
                           std::string sid, std::string remote, bool echo);

}  // namespace xport::hub::server
