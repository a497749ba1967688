#include <stdexcept>
#include <string>

#include "hub/store.hpp"

namespace xport::hub {

std::string_view to_string(RunState state) {
  switch (state) {
    case RunState::queued:
      return "queued";
    case RunState::dispatched:
      return "dispatched";
    case RunState::succeeded:
      return "succeeded";
    case RunState::failed:
      return "failed";
    case RunState::timed_out:
      return "timed_out";
    case RunState::cancelled:
      return "cancelled";
  }
  return "unknown";
}

RunState run_state_from_string(std::string_view text) {
  for (auto state : {RunState::queued, RunState::dispatched, RunState::succeeded, RunState::failed,
                     RunState::timed_out, RunState::cancelled}) {
    if (to_string(state) == text) return state;
  }
  throw std::invalid_argument("unknown run state '" + std::string(text) + "'");
}

bool is_finished(RunState state) {
  return state != RunState::queued && state != RunState::dispatched;
}

}  // namespace xport::hub
