# Compile options shared by every xport target, applied through xport_target_defaults().
add_library(xport_options INTERFACE)
target_compile_options(xport_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                               -Wno-sign-conversion -Wnon-virtual-dtor)
# simdjson's development checks (on when NDEBUG is not defined) assert on nesting deeper
# than 1024 even inside values the reader skips: bad input must be reported, not abort.
target_compile_definitions(xport_options INTERFACE SIMDJSON_DEVELOPMENT_CHECKS=0)
# GCC 12 reports impossible overlaps in std::string concatenation at -O3 (GCC bug 105329,
# a false positive in libstdc++'s inlined code, not in ours).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(xport_options INTERFACE -Wno-restrict)
endif()
if(XPORT_WERROR)
  target_compile_options(xport_options INTERFACE -Werror)
endif()
if(XPORT_SANITIZE)
  # Sanitizer instrumentation makes GCC's flow analysis report uninitialised reads that are
  # not there (seen in Boost.Beast's parser); the sanitizers themselves check this for real.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(xport_options INTERFACE -Wno-maybe-uninitialized)
  endif()
  target_compile_options(xport_options INTERFACE -fsanitize=address,undefined
                                                 -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(xport_options INTERFACE -fsanitize=address,undefined)
endif()

# xport_asio_component_sanitizers(TARGET): under XPORT_SANITIZE, the components built on
# Asio and Beast coroutines (net, sdk, hub) leave out three of UBSan's checks. Measured on
# src/hub/server/websocket_session.cpp at -O0: ASan alone compiles in 89 s, with all of UBSan
# in 198 s, without vptr, null and alignment in 100 s; those checks instrument every member
# access of every instantiated Asio operation. What is lost there is covered elsewhere: ASan
# stops at a null dereference itself, and the parsers of untrusted input and the data path
# (aaf, zip, sio, formats, s3, config, every test) keep full UBSan here and in the fuzz build.
function(xport_asio_component_sanitizers target)
  if(XPORT_SANITIZE)
    target_compile_options(${target} PRIVATE -fno-sanitize=vptr,null,alignment)
  endif()
endfunction()

function(xport_target_defaults target)
  target_link_libraries(${target} PRIVATE xport_options)
endfunction()

# xport_component(NAME SOURCES...): the static library of src/NAME — target xport_NAME,
# alias xport::NAME, include/ as its public include path and src/ as a private one (a
# component reaches another's private headers only through a link), the project's warnings.
# Links stay in the component's CMakeLists.txt, where they say what it depends on.
function(xport_component name)
  add_library(xport_${name} STATIC ${ARGN})
  add_library(xport::${name} ALIAS xport_${name})
  target_include_directories(xport_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                           PRIVATE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>)
  xport_target_defaults(xport_${name})
endfunction()
