// S3's XML answers and the configuration URL: parsing, and refusing what is malformed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "s3/s3_config.hpp"
#include "s3/s3_xml.hpp"
#include "support/temp_dir.hpp"

namespace xport::s3 {
namespace {

TEST(S3Xml, ErrorDocument) {
  const auto e = xml::parse_error(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code>"
      "<Message>The bucket &amp; more</Message><BucketName>x</BucketName></Error>");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "NoSuchBucket");
  EXPECT_EQ(e->message, "The bucket & more");
  EXPECT_FALSE(xml::parse_error(""));
  EXPECT_FALSE(xml::parse_error("<html>502 Bad Gateway"));
  EXPECT_FALSE(xml::parse_error("<ListBucketResult/>"));
}

TEST(S3Xml, ListPage) {
  const auto page = xml::parse_list(
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<IsTruncated>true</IsTruncated><NextContinuationToken>tok</NextContinuationToken>"
      "<Contents><Key>a/1.zip</Key><LastModified>2026-12-03T11:46:46.517Z</LastModified>"
      "<ETag>&quot;abc&quot;</ETag><Size>42</Size></Contents>"
      "<CommonPrefixes><Prefix>a/sub/</Prefix></CommonPrefixes></ListBucketResult>");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_token, "tok");
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "a/1.zip");
  EXPECT_EQ(page.objects[0].size, 42u);
  EXPECT_EQ(page.objects[0].etag, "abc");
  EXPECT_EQ(amz_date(page.objects[0].last_modified), "20261203T114646Z");
  ASSERT_EQ(page.common_prefixes.size(), 1u);
  EXPECT_EQ(page.common_prefixes[0], "a/sub/");
}

TEST(S3Xml, RefusesMalformedAndHostileDocuments) {
  EXPECT_THROW(xml::parse_list("<ListBucketResult><Contents>"), InputError);
  EXPECT_THROW(xml::parse_list("<Error/>"), InputError);
  EXPECT_THROW(xml::parse_list("<ListBucketResult><Contents><Size>-1</Size></Contents>"
                               "</ListBucketResult>"),
               InputError);
  EXPECT_THROW(xml::parse_list("<ListBucketResult><IsTruncated>true</IsTruncated>"
                               "</ListBucketResult>"),
               InputError);
  // Entity expansion ("billion laughs") needs a DOCTYPE: refused outright.
  EXPECT_THROW(xml::parse_list("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><ListBucketResult>&a;"
                               "</ListBucketResult>"),
               InputError);
  std::string deep;
  for (int i = 0; i < 100; ++i)
    deep += "<a>";
  EXPECT_THROW(xml::parse_list(deep), InputError);
}

TEST(S3Xml, MultipartDocuments) {
  EXPECT_EQ(xml::parse_upload_id("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                                 "<UploadId>2~xyz</UploadId></InitiateMultipartUploadResult>"),
            "2~xyz");
  EXPECT_THROW(xml::parse_upload_id("<InitiateMultipartUploadResult/>"), InputError);
  const auto ok = xml::parse_complete(
      "<CompleteMultipartUploadResult><ETag>\"e-3\"</ETag></CompleteMultipartUploadResult>");
  EXPECT_EQ(ok.etag, "e-3");
  EXPECT_FALSE(ok.error);
  const auto failed =
      xml::parse_complete("<Error><Code>InternalError</Code><Message>m</Message></Error>");
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->code, "InternalError");
  EXPECT_EQ(xml::complete_body({{1, "a"}, {2, "b&"}}),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"b&amp;\"</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3Config, ParsesTheUrlWithAKeyFile) {
  test::TempDir dir;
  const auto file = dir.path() / "keys";
  std::ofstream(file) << "# test keys\naccess_key = AK\nsecret_key=SK/x+y\n";
  const auto c = S3Config::parse(
      "s3://my-bucket?endpoint=http://127.0.0.1:7480&region=eu-1"
      "&prefix=hub&credentials=" +
      file.string());
  EXPECT_EQ(c.bucket, "my-bucket");
  EXPECT_EQ(c.endpoint, "http://127.0.0.1:7480");
  EXPECT_EQ(c.region, "eu-1");
  EXPECT_EQ(c.prefix, "hub/");
  EXPECT_EQ(c.credentials.access_key, "AK");
  EXPECT_EQ(c.credentials.secret_key, "SK/x+y");
}

TEST(S3Config, KeysFromTheEnvironment) {
  ::setenv("XPORT_S3_ACCESS_KEY", "envak", 1);
  ::setenv("XPORT_S3_SECRET_KEY", "envsk", 1);
  const auto c = S3Config::parse("s3://bkt?endpoint=https://s3.example.com");
  EXPECT_EQ(c.endpoint, "https://s3.example.com");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.credentials.access_key, "envak");
  ::unsetenv("XPORT_S3_ACCESS_KEY");
  try {
    S3Config::parse("s3://bkt?endpoint=https://s3.example.com");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("XPORT_S3_ACCESS_KEY"), std::string::npos) << e.what();
  }
  ::unsetenv("XPORT_S3_SECRET_KEY");
}

TEST(S3Config, ErrorsNameTheBadPart) {
  ::setenv("XPORT_S3_ACCESS_KEY", "a", 1);
  ::setenv("XPORT_S3_SECRET_KEY", "s", 1);
  auto message = [](const std::string& url) {
    try {
      S3Config::parse(url);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("http://b?endpoint=http://h").find("s3://"), std::string::npos);
  EXPECT_NE(message("s3://B_ad?endpoint=http://h").find("bucket 'B_ad'"), std::string::npos);
  EXPECT_NE(message("s3://bkt").find("endpoint"), std::string::npos);
  EXPECT_NE(message("s3://bkt?endpoint=ftp://h").find("endpoint 'ftp://h'"), std::string::npos);
  EXPECT_NE(message("s3://bkt?endpoint=http://h/x").find("no path"), std::string::npos);
  EXPECT_NE(message("s3://bkt?endpoint=http://h&colour=red").find("'colour'"), std::string::npos);
  EXPECT_NE(message("s3://bkt?endpoint=http://h&credentials=/nonexistent")
                .find("credentials file '/nonexistent'"),
            std::string::npos);
  ::unsetenv("XPORT_S3_ACCESS_KEY");
  ::unsetenv("XPORT_S3_SECRET_KEY");
}

}  // namespace
}  // namespace xport::s3
