// Customers' storages in the Domain: admins only, checked before saved, secrets sealed and
// opened only for signing, other organisations' answered like unknown ones, and results in
// a storage linked with that storage's credentials. The S3 side is a recording stand-in here
// (its own tests run against a real Ceph RGW, tests/s3/).
#include <gtest/gtest.h>

#include "hub/hub_core.hpp"
#include "hub/result_location.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"
#include "xport/errors.hpp"

namespace xport::hub {
namespace {

class RecordingAccess final : public StorageAccess {
 public:
  void check(const StorageTarget& t) override {
    checked.push_back(t);
    if (!refuse.empty()) throw StorageError("S3 PUT " + t.bucket + ": 403 " + refuse, refuse);
  }
  std::string presign_put(const StorageTarget& t, std::string_view key,
                          std::chrono::seconds) override {
    return t.endpoint + "/" + t.bucket + "/" + std::string(key) + "?X-Amz-Signature=put-" +
           t.secret_key;
  }
  std::string presign_get(const StorageTarget& t, std::string_view key, std::chrono::seconds,
                          std::string_view) override {
    return t.endpoint + "/" + t.bucket + "/" + std::string(key) + "?X-Amz-Signature=get-" +
           t.secret_key;
  }
  std::uint64_t size_of(const StorageTarget&, std::string_view) override { return 1; }
  std::optional<Place> place_of_url(const StorageTarget&, std::string_view) override {
    return std::nullopt;
  }
  std::vector<StorageTarget> checked;
  std::string refuse;  // an S3 error code check() answers with
};

class StorageDomainTest : public ::testing::Test {
 protected:
  StorageDomainTest() {
    HubCoreOptions options;  // SQLite, or (the pg copy) the data dir's PostgreSQL database
    options.database.url = test::hub_database(dir_.path() / "data");
    core_ = std::make_unique<HubCore>(dir_.path() / "data", std::move(options),
                                      DomainEvents::none(), access_);
    admin_ = *domain().authenticate(domain().bootstrap(core_->data_dir())->api_key);
    member_ = domain().create_user({admin_.org_id, "Bob", "bob@example.com", "member"}).user;
    const Organization other = domain().create_organization("Other");
    stranger_ = domain().create_user({other.id, "Eve", "eve@example.com", "admin"}).user;
  }
  Domain& domain() { return core_->domain(); }
  static NewStorage results() {
    return {"Results", "http://127.0.0.1:7480/", "my-results", "us-east-1", "AK", "SK-plain"};
  }

  test::TempDir dir_;
  RecordingAccess access_;
  std::unique_ptr<HubCore> core_;
  User admin_, member_, stranger_;
};

TEST_F(StorageDomainTest, AdminsAddCheckedStoragesWithSealedSecrets) {
  const Storage s = domain().create_storage(admin_, results());
  ASSERT_EQ(access_.checked.size(), 1u);
  EXPECT_EQ(access_.checked[0].secret_key, "SK-plain");  // the check gets the plain secret
  EXPECT_EQ(s.endpoint, "http://127.0.0.1:7480");        // trailing slash trimmed
  const auto stored = domain().store().get_storage(s.id);
  ASSERT_TRUE(stored);
  EXPECT_NE(stored->secret_key, "SK-plain");
  EXPECT_EQ(stored->secret_key.find("SK-plain"), std::string::npos);
  EXPECT_EQ(domain().storage_target(*stored).secret_key, "SK-plain");
  EXPECT_EQ(domain().storage_target(*stored, "other-bucket").bucket, "other-bucket");
  EXPECT_THROW(domain().storage_target(*stored, "Bad_Bucket"), ConfigError);
}

TEST_F(StorageDomainTest, AStorageThatFailsItsCheckIsNotSaved) {
  access_.refuse = "SignatureDoesNotMatch";
  try {
    domain().create_storage(admin_, results());
    FAIL() << "saved a storage whose check failed";
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code(), "SignatureDoesNotMatch");
  }
  EXPECT_TRUE(domain().storages(admin_).empty());
}

TEST_F(StorageDomainTest, BadSettingsAreRefusedBeforeAnyCheck) {
  for (auto change : std::vector<std::function<void(NewStorage&)>>{
           [](NewStorage& s) { s.name.clear(); }, [](NewStorage& s) { s.endpoint = "ftp://x"; },
           [](NewStorage& s) { s.bucket = "UPPER"; }, [](NewStorage& s) { s.bucket = "a/b"; },
           [](NewStorage& s) { s.secret_key.clear(); }}) {
    NewStorage s = results();
    change(s);
    EXPECT_THROW(domain().create_storage(admin_, s), ConfigError);
  }
  EXPECT_TRUE(access_.checked.empty());
}

TEST_F(StorageDomainTest, MembersMayListButNotAddOrRemove) {
  const Storage s = domain().create_storage(admin_, results());
  EXPECT_THROW(domain().create_storage(member_, results()), Forbidden);
  EXPECT_EQ(domain().storages(member_).size(), 1u);
  EXPECT_THROW(domain().delete_storage(member_, s.id), Forbidden);
  domain().delete_storage(admin_, s.id);
  EXPECT_TRUE(domain().storages(admin_).empty());
}

TEST_F(StorageDomainTest, AnotherOrganizationsStorageIsUnknown) {
  const Storage s = domain().create_storage(admin_, results());
  EXPECT_TRUE(domain().storages(stranger_).empty());
  EXPECT_THROW(domain().storage(stranger_, s.id), NotFound);
  EXPECT_THROW(domain().delete_storage(stranger_, s.id), NotFound);
  EXPECT_THROW(domain().storage(admin_, "no-such-id"), NotFound);
}

TEST_F(StorageDomainTest, ResultsInAStorageAreLinkedWithItsCredentials) {
  const Storage s = domain().create_storage(admin_, results());
  hub::Run r;
  r.session = "s1";
  r.result_object = storage_result_object({s.id, "my-results", "xport/p/id/out.zip"});
  EXPECT_EQ(domain().download_link(r),
            "http://127.0.0.1:7480/my-results/xport/p/id/out.zip?X-Amz-Signature=get-SK-plain");
  domain().delete_storage(admin_, s.id);
  EXPECT_THROW(domain().download_link(r), NotFound);
}

TEST(ResultLocation, StoragePlacesRoundTripAndHubKeysAreNotPlaces) {
  const StoragePlace p{"st1", "bucket", "xport/p1/id/a b.zip"};
  const auto back = storage_place_of(storage_result_object(p));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->storage_id, "st1");
  EXPECT_EQ(back->bucket, "bucket");
  EXPECT_EQ(back->key, "xport/p1/id/a b.zip");
  EXPECT_FALSE(storage_place_of("uploads/p1/id/result.zip"));
  EXPECT_FALSE(storage_place_of("storage/st1"));
  EXPECT_FALSE(storage_place_of("storage/st1//key"));
}

TEST(StorageAccessNone, RefusesWithAClearCode) {
  try {
    StorageAccess::none().check({});
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code(), "unsupported");
  }
}

}  // namespace
}  // namespace xport::hub
