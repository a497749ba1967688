// Anonymous temporary files: the spools, record files and archive buffers that hold data
// too large for memory while one conversion runs, and that nobody else may ever see.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace xport {

// $TMPDIR when set and not empty, else /tmp: where every temporary file of xport goes, so
// that users who move large spools elsewhere move all of them.
std::string temp_directory();

// A read-write file (mode 0600) in temp_directory() that has no name: O_TMPFILE, or on file
// systems without it a mkostemp file unlinked at once ("<dir>/xport-<tag>-XXXXXX"). It
// vanishes when the descriptor is closed. Throws IoError when it cannot be created.
int open_anonymous_temp_file(std::string_view tag);

// The same as a stdio stream ("w+b"); the caller fcloses it.
std::FILE* open_anonymous_temp_stream(std::string_view tag);

}  // namespace xport
