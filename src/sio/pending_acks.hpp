// Acks a session waits for (client or server side): when a namespace goes (or the whole
// session), their callbacks learn that the answer can no longer come.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace xport::sio {

// `acks`: a map from ack id to {nsp, callback}; callbacks take std::optional<args>. Removes
// the acks of `nsp` (all of them for nullptr) and calls each with nullopt.
template <class AckMap>
void fail_pending_acks(AckMap& acks, const std::string* nsp) {
  // Collect first: a callback may emit (and so add acks) while we walk.
  std::vector<decltype(acks.begin()->second.callback)> failed;
  for (auto it = acks.begin(); it != acks.end();) {
    if (nsp == nullptr || it->second.nsp == *nsp) {
      failed.push_back(std::move(it->second.callback));
      it = acks.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& f : failed)
    if (f) f(std::nullopt);
}

}  // namespace xport::sio
