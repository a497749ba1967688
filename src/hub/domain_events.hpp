// What the Domain tells whoever listens, after the fact: a notification was stored, a run
// changed. The Domain is given one listener at construction (the default does nothing); the
// hub app's UiPush (src/hub/app/ui_push.hpp) pushes the events live to the web UI. The
// hub core never knows who listens: nothing here includes the hub app.
#pragma once

#include <string>

#include "hub/store.hpp"

namespace xport::hub {

class Domain;

class DomainEvents {
 public:
  virtual ~DomainEvents() = default;

  // A notification was stored (`n` with its id). Any thread; must not throw.
  virtual void notification_created(const Notification& n) { (void)n; }
  // A run was created, changed state or got a log line (`log`: that line, else null). Any
  // thread; must not throw. `domain` is the Domain that changed it, for what the listener
  // wants to read about the run.
  virtual void run_changed(Domain& domain, const std::string& session, const RunLog* log) {
    (void)domain;
    (void)session;
    (void)log;
  }

  // The listener that does nothing (a Domain without one: tests, `xport hub import`).
  static DomainEvents& none();
};

}  // namespace xport::hub
