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

// A configuration of the fixture's gateway and test bucket (created on first use), with a
// key prefix no other test uses.
inline S3Config rgw_config() {
  static std::atomic<int> counter{0};
  const char* url = std::getenv("XPORT_TEST_S3_URL");
  if (!url || !*url) {
    throw std::runtime_error("XPORT_TEST_S3_URL is not set: run these tests through ctest -L s3");
  }
  S3Config config = S3Config::parse(url);
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
