// Organisations, users and project roles in the Domain: who may see, manage and change what
// (issue 14, item 2). The REST side is tests/hub/app/organization_routes_test.cpp.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "hub/domain.hpp"
#include "hub/hub_core.hpp"
#include "hub/project_meta.hpp"
#include "temp_dir.hpp"
#include "test_database.hpp"

namespace xport::hub {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest() {
    HubCoreOptions options;  // SQLite, or (the pg copy) the data dir's PostgreSQL database
    options.database.url = test::hub_database(dir_.path() / "data");
    core_ = std::make_unique<HubCore>(dir_.path() / "data", std::move(options));
    root_ = *d().authenticate(d().bootstrap(core_->data_dir())->api_key);
    const CreatedOrganization acme =
        d().create_organization(root_, {"Acme", "Ann", "ann@acme.example"});
    acme_admin_ = acme.admin.user;
    alice_ = d().add_user(acme_admin_, {"", "Alice", "alice@acme.example", "member"}).user;
    bob_ = d().add_user(acme_admin_, {"", "Bob", "bob@acme.example", "member"}).user;
    cats_ = d().create_project(acme_admin_, NewProject{"Cats", "image", {}, {}, ""});
    plugin_ = d().create_plugin(acme_admin_, {"Formats", "Export", "", "{}", "", 1800}).plugin;
  }
  Domain& d() { return core_->domain(); }
  std::string not_found(const std::function<void()>& f) {
    try {
      f();
    } catch (const NotFound& e) {
      return e.what();
    }
    return "(no NotFound)";
  }

  test::TempDir dir_;
  std::unique_ptr<HubCore> core_;
  User root_, acme_admin_, alice_, bob_;
  Project cats_;
  Plugin plugin_;
};

TEST_F(AccountsTest, TheFirstUserIsTheServerAdminWhoAloneCreatesOrganizations) {
  EXPECT_TRUE(root_.server_admin);
  EXPECT_FALSE(acme_admin_.server_admin);
  EXPECT_EQ(acme_admin_.role, "admin");
  EXPECT_THROW(d().create_organization(acme_admin_, {"Evil", "E", "e@evil.example"}), Forbidden);
  // A taken email refuses the organisation before anything is written.
  EXPECT_THROW(d().create_organization(root_, {"Dup", "A", "alice@acme.example"}), Conflict);
  EXPECT_EQ(d().organizations(root_).size(), 2u);  // Default and Acme, no "Dup"
  ASSERT_EQ(d().organizations(alice_).size(), 1u);
  EXPECT_EQ(d().organizations(alice_)[0].name, "Acme");
  EXPECT_EQ(not_found([&] { d().organization(alice_, root_.org_id); }),
            "no organization " + root_.org_id);
}

TEST_F(AccountsTest, OrgAdminsAddRemoveAndRotateUsers) {
  EXPECT_THROW(d().add_user(alice_, {"", "Mallory", "m@acme.example", "admin"}), Forbidden);
  EXPECT_THROW(d().add_user(acme_admin_, {"", "X", "x@acme.example", "owner"}), ConfigError);
  // add_user puts the user into the admin's own organisation, whatever the request says.
  const IssuedKey carol =
      d().add_user(acme_admin_, {root_.org_id, "Carol", "carol@acme.example", "member"});
  EXPECT_EQ(carol.user.org_id, acme_admin_.org_id);
  ASSERT_TRUE(d().authenticate(carol.api_key));
  EXPECT_EQ(d().users(alice_).size(), 4u);  // Ann, Alice, Bob, Carol

  const std::string new_key = d().rotate_api_key(alice_, alice_.id);  // one's own key
  EXPECT_TRUE(d().authenticate(new_key));
  EXPECT_THROW(d().rotate_api_key(alice_, bob_.id), Forbidden);
  EXPECT_FALSE(d().rotate_api_key(acme_admin_, bob_.id).empty());

  EXPECT_THROW(d().remove_user(alice_, carol.user.id), Forbidden);
  EXPECT_THROW(d().remove_user(acme_admin_, acme_admin_.id), Forbidden);  // not oneself
  EXPECT_THROW(d().remove_user(root_, acme_admin_.id), NotFound);         // another organisation
  d().remove_user(acme_admin_, carol.user.id);
  EXPECT_FALSE(d().authenticate(carol.api_key));
  EXPECT_EQ(not_found([&] { d().user(acme_admin_, carol.user.id); }), "no user " + carol.user.id);
  EXPECT_EQ(d().users(alice_).size(), 3u);
  // The email is free again.
  EXPECT_NO_THROW(d().add_user(acme_admin_, {"", "Carol", "carol@acme.example", "member"}));
}

TEST_F(AccountsTest, MembersSeeTheirProjectsManagersRunExports) {
  // Not a member: the project and its runs answer like unknown ids.
  EXPECT_EQ(not_found([&] { d().project(alice_, cats_.id); }), "no project " + cats_.id);
  EXPECT_TRUE(d().projects(alice_).empty());
  EXPECT_FALSE(d().may_use_plugins(alice_));
  EXPECT_THROW(d().plugin(alice_, plugin_.id), Forbidden);

  d().set_member(acme_admin_, cats_.id, alice_.id, "annotator");
  EXPECT_EQ(d().project(alice_, cats_.id).name, "Cats");
  EXPECT_EQ(d().projects(alice_).size(), 1u);
  EXPECT_FALSE(d().may_manage(alice_, cats_));
  EXPECT_THROW(d().start_run(alice_, {cats_.id, plugin_.id, {}, {}, {}}), Forbidden);
  EXPECT_THROW(d().set_member(alice_, cats_.id, bob_.id, "annotator"), Forbidden);
  EXPECT_THROW(d().set_category_schema(alice_, cats_.id, "{}"), Forbidden);

  d().set_member(acme_admin_, cats_.id, alice_.id, "manager");
  EXPECT_TRUE(d().may_use_plugins(alice_));
  const hub::Run run = d().start_run(alice_, {cats_.id, plugin_.id, {}, {}, {}});
  // A manager adds members; a member who is not one sees the run only once they are.
  EXPECT_EQ(not_found([&] { d().run(bob_, run.session); }), "no run " + run.session);
  d().set_member(alice_, cats_.id, bob_.id, "reviewer");
  EXPECT_EQ(d().run(bob_, run.session).session, run.session);
  EXPECT_THROW(d().cancel(bob_, run.session), Forbidden);
  EXPECT_EQ(d().members(bob_, cats_.id).size(), 2u);
  EXPECT_THROW(d().set_member(alice_, cats_.id, bob_.id, "owner"), ConfigError);
  EXPECT_THROW(d().set_member(alice_, cats_.id, root_.id, "manager"), NotFound);

  d().remove_member(alice_, cats_.id, bob_.id);
  EXPECT_THROW(d().project(bob_, cats_.id), NotFound);
  EXPECT_THROW(d().remove_member(alice_, cats_.id, bob_.id), NotFound);
}

TEST_F(AccountsTest, AnotherOrganizationsRecordsAnswerLikeUnknownOnes) {
  const hub::Run run = d().start_run(acme_admin_, {cats_.id, plugin_.id, {}, {}, {}});
  // The Default organisation's admin (the server admin too) sees nothing of Acme's.
  EXPECT_EQ(not_found([&] { d().project(root_, cats_.id); }), "no project " + cats_.id);
  EXPECT_EQ(not_found([&] { d().run(root_, run.session); }), "no run " + run.session);
  EXPECT_EQ(not_found([&] { d().plugin(root_, plugin_.id); }), "no plugin " + plugin_.id);
  EXPECT_EQ(not_found([&] { d().user(root_, alice_.id); }), "no user " + alice_.id);
  EXPECT_EQ(not_found([&] { d().members(root_, cats_.id); }), "no project " + cats_.id);
  EXPECT_EQ(not_found([&] { d().set_member(root_, cats_.id, root_.id, "manager"); }),
            "no project " + cats_.id);
  EXPECT_EQ(not_found([&] { d().rotate_api_key(root_, alice_.id); }), "no user " + alice_.id);
}

TEST_F(AccountsTest, AMemberWhoCreatesAProjectManagesIt) {
  const Project dogs = d().create_project(bob_, NewProject{"Dogs", "image", {}, {}, ""});
  EXPECT_TRUE(d().may_manage(bob_, dogs));
  ASSERT_EQ(d().members(bob_, dogs.id).size(), 1u);
  EXPECT_EQ(d().members(bob_, dogs.id)[0].role, "manager");
  EXPECT_THROW(d().project(alice_, dogs.id), NotFound);
}

}  // namespace
}  // namespace xport::hub
