// The gateway the `rgw` CTest fixture started (tests/infra/ceph.sh), from the environment the
// fixture's tests get: one bucket for all tests, a fresh key prefix for each.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <string>

#include "s3/s3_client.hpp"

namespace xport::s3::test {

inline std::string env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) {
    throw std::runtime_error(std::string(name) +
                             " is not set: run these tests through ctest (the rgw fixture)");
  }
  return value;
}

inline constexpr const char* kBucket = "xport-test";

// A configuration of the fixture's gateway and test bucket (created on first use), with a
// key prefix no other test uses.
inline S3Config rgw_config() {
  static std::atomic<int> counter{0};
  S3Config config;
  config.endpoint = env("XPORT_TEST_S3_ENDPOINT");
  config.bucket = kBucket;
  config.credentials = {env("XPORT_TEST_S3_ACCESS_KEY"), env("XPORT_TEST_S3_SECRET_KEY")};
  static const bool created = [&] {
    S3Client(config).create_bucket();
    return true;
  }();
  (void)created;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "t";
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '.') c = '-';
  }
  config.prefix = name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "/";
  return config;
}

}  // namespace xport::s3::test
