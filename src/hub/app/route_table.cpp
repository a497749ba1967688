#include "hub/app/route_table.hpp"

#include <string>

#include "hub/domain.hpp"
#include "hub/object_store.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

server::Response error_response(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const server::HttpError& e) {
    return server::Response::error(e.status(), e.what());
  } catch (const NotFound& e) {
    return server::Response::error(404, e.what());
  } catch (const Conflict& e) {
    return server::Response::error(409, e.what());
  } catch (const Forbidden& e) {
    return server::Response::error(403, e.what());
  } catch (const ObjectTooLarge& e) {
    return server::Response::error(413, e.what());
  } catch (const ConfigError& e) {
    return server::Response::error(400, e.what());
  } catch (const StorageError& e) {
    // A customer's storage refused or could not be reached: their settings are the input.
    return server::Response::error(400, e.what());
  } catch (const InputError& e) {
    return server::Response::error(400, e.what());
  }
}

void add_routes(server::Router& router, const RouteContext& context, const RouteTable& table) {
  for (const Route& route : table) {
    router.add(
        std::string(route.method), std::string(route.pattern),
        [context, handler = route.handler](server::Request& request) {
          try {
            return handler(context, request);
          } catch (...) {
            return error_response(std::current_exception());
          }
        },
        route.options);
  }
}

}  // namespace xport::hub
