// libFuzzer target: S3's XML answers (src/s3/s3_xml.cpp), which come from the network. Any
// input must parse or throw InputError; parse_error never throws.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "s3/s3_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)xport::s3::xml::parse_error(text);
  try {
    (void)xport::s3::xml::parse_list(text);
  } catch (const xport::InputError&) {
  }
  try {
    (void)xport::s3::xml::parse_upload_id(text);
  } catch (const xport::InputError&) {
  }
  try {
    (void)xport::s3::xml::parse_complete(text);
  } catch (const xport::InputError&) {
  }
  return 0;
}
