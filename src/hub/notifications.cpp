// Notifications of the calling user (created by the run transitions in runs.cpp).
#include "hub/domain.hpp"

namespace xport::hub {

std::vector<Notification> Domain::notifications(const User& user, bool unread_only,
                                                std::int64_t limit) {
  return store_.list_notifications(user.id, unread_only, limit);
}

bool Domain::mark_read(const User& user, std::int64_t notification_id) {
  return store_.mark_notification_read(user.id, notification_id);
}

std::int64_t Domain::mark_all_read(const User& user) {
  return store_.mark_all_notifications_read(user.id);
}

}  // namespace xport::hub
