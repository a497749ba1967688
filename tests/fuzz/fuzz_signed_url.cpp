// libFuzzer target: signed-link verification (src/hub/signed_url.cpp), whose inputs (the
// object key in the path, `expires` and `sig` in the query) come from anyone with a URL.
// Input: "KEY\nEXPIRES\nSIG". verify() never throws and never says ok for a link it did not
// sign; a link it signed verifies before its expiry and is expired after it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hub/signed_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const xport::hub::UrlSigner signer(std::string(32, 'k'));
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto cut = [&in] {
    const auto nl = in.find('\n');
    std::string_view part = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
    return part;
  };
  const std::string_view key = cut();
  const std::string_view expires = cut();
  const std::string_view sig = in;
  const auto check = signer.verify(key, expires, sig, 1'700'000'000);
  // Ok only for the signature the signer itself makes for that key and expiry (anything else
  // would be a forgery, or an accepted empty or truncated signature).
  if (check == xport::hub::UrlCheck::ok) {
    const std::int64_t at = std::strtoll(std::string(expires).c_str(), nullptr, 10);
    const std::string genuine = signer.make(key, at);
    if (std::to_string(at) != expires || genuine.substr(genuine.find("sig=") + 4) != sig)
      std::abort();
  }
  // What it signs verifies until its expiry, then is expired.
  const std::string link = signer.make(key, 1'700'000'100);
  const std::string own_sig = link.substr(link.find("sig=") + 4);
  if (signer.verify(key, "1700000100", own_sig, 1'700'000'000) != xport::hub::UrlCheck::ok)
    std::abort();
  if (signer.verify(key, "1700000100", own_sig, 1'700'000'200) != xport::hub::UrlCheck::expired)
    std::abort();
  return 0;
}
