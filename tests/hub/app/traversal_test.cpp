// Zip-slip and traversal in every name and key (issue 14, item 4): each way a name from the
// outside (a plugin's upload name, a link it answers with, an externalId that becomes a file
// in a result zip, an object key) turns into a path is fed the same hostile names, and what
// comes out must stay inside: one safe segment, an object key the store accepts, a zip entry
// name the zip layer accepts, or a refusal. The HTTP side (a request path with "..", encoded
// or not) is HubServerTest.PathTraversalIsRefused; the object store's own refusal is
// ObjectStoreContract.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/common/text.hpp"
#include "hub/app/links.hpp"
#include "hub/object_store.hpp"
#include "xport/errors.hpp"
#include "xport/zip.hpp"

namespace xport {
namespace {

// Names as an attacker (or an unlucky export) writes them.
std::vector<std::string> hostile_names() {
  std::vector<std::string> names = {
      "..",
      ".",
      "...",
      "../../etc/passwd",
      "..\\..\\windows\\win.ini",
      "/etc/passwd",
      "\\\\server\\share\\x",
      "C:\\x.zip",
      "C:x.zip",
      "a/../../b",
      "a/./b",
      "a//b",
      "%2e%2e%2fetc%2fpasswd",
      "..%2f..%2fx",
      "..%5c..%5cx",
      " ..",
      ".. ",
      "x\n../y",
      "\xc0\xae\xc0\xae/x",            // overlong UTF-8 for "..": never decoded as dots
      "\xe2\x80\xae\x70\x69\x7a.exe",  // right-to-left override
      "",
      "/",
      "uploads/other-project/x.zip",
      std::string(300, 'a') + "/../x",
      std::string(1000, '.'),
  };
  names.push_back(std::string("a\0b", 3));
  return names;
}

// A plugin's upload name (GET /v2/getUploadUrl?name=...) becomes the last segment of an
// object key on the hub and in a customer's bucket: one segment the object store accepts.
TEST(Traversal, AnUploadNameBecomesOneSafeSegmentOfTheKey) {
  for (const std::string& name : hostile_names()) {
    const std::string segment = hub::safe_segment(name, "export.zip");
    SCOPED_TRACE(testing::PrintToString(name) + " -> " + segment);
    EXPECT_EQ(segment.find('/'), std::string::npos);
    EXPECT_EQ(segment.find('\\'), std::string::npos);
    EXPECT_NE(segment, "..");
    EXPECT_NE(segment, ".");
    EXPECT_LE(segment.size(), 120u);
    EXPECT_NO_THROW(hub::ObjectStore::check_key("uploads/p1/run/id/" + segment));
  }
}

// A link a plugin answers with names an object of the hub: only keys the store accepts come
// out, never a path above its root.
TEST(Traversal, ALinkNamesAnObjectOfTheHubOrNothing) {
  for (const std::string& name : hostile_names()) {
    for (const char* prefix : {"http://h:1/objects/", "http://h:1/upload/", "/objects/"}) {
      SCOPED_TRACE(std::string(prefix) + testing::PrintToString(name));
      const auto key = hub::object_key_from_url(std::string(prefix) + name + "?expires=1&sig=x");
      if (!key) continue;
      EXPECT_NO_THROW(hub::ObjectStore::check_key(*key)) << *key;
    }
  }
}

// The object store refuses any key with a parent, current or empty segment, a backslash or
// a control character, whatever built it.
TEST(Traversal, TheObjectStoreRefusesKeysThatLeaveItsRoot) {
  for (const char* key :
       {"../x", "a/../b", "a/./b", "a//b", "/abs", "a\\b", "a/..", "..", "uploads/p/\n", ""}) {
    SCOPED_TRACE(testing::PrintToString(std::string(key)));
    EXPECT_THROW(hub::ObjectStore::check_key(key), InputError);
  }
}

// An externalId (a file name in the export: "../../x.jpg" is legal AAF) becomes a file in
// the result zip: the formats' file names are one component, and the zip layer takes them.
TEST(Traversal, AnExternalIdBecomesAZipEntryThatStaysInside) {
  text::StemAllocator stems;
  for (const std::string& name : hostile_names()) {
    SCOPED_TRACE(testing::PrintToString(name));
    const std::string file = text::safe_file_name(name, 200, "asset", true);
    EXPECT_EQ(file.find('/'), std::string::npos);
    EXPECT_EQ(file.find('\\'), std::string::npos);
    EXPECT_NE(file, "..");
    EXPECT_NO_THROW(zip::check_entry_name("labels/" + file + ".txt"));
    const std::string stem = stems.allocate(name);
    EXPECT_NO_THROW(zip::check_entry_name("images/" + stem + ".jpg")) << stem;
  }
  // And the zip layer itself refuses what would climb out, whoever wrote it.
  for (const char* entry : {"../x", "a/../../x", "/abs", "a\\b", "C:\\x", "a//b", "./x"}) {
    SCOPED_TRACE(entry);
    EXPECT_THROW(zip::check_entry_name(entry), zip::NameError);
  }
}

}  // namespace
}  // namespace xport
