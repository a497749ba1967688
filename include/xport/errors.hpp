// The error families xport reports. Each maps to one CLI exit code, so a script can tell
// "your data is bad" from "your command is wrong" from "the disk/network failed".
#pragma once

#include <stdexcept>
#include <string>

namespace xport {

// Bad input data (a malformed export, an asset that cannot be converted). Exit code 1.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad usage or configuration (unknown format, bad Config JSON, bad option). Exit code 2.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The environment failed: a file could not be opened, a write failed. Exit code 3.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum ExitCode : int { kExitOk = 0, kExitBadInput = 1, kExitUsage = 2, kExitIo = 3 };

}  // namespace xport
