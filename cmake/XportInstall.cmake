# `cmake --install`: the xport binary, the SDK's headers and static libraries, and a CMake
# package, so that a plugin's CMakeLists can say
#   find_package(xport REQUIRED)
#   target_link_libraries(my_plugin PRIVATE xport::sdk)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_xport_libraries xport_util xport_aaf xport_zip xport_config xport_report xport_format_common
                     xport_formats xport_sio xport_net xport_sdk)
foreach(_target IN LISTS _xport_libraries)
  string(REPLACE "xport_" "" _name ${_target})
  set_target_properties(${_target} PROPERTIES EXPORT_NAME ${_name})
endforeach()
# The shared warning flags are linked privately (LINK_ONLY): the export must carry the target.
set_target_properties(xport_options PROPERTIES EXPORT_NAME options)

install(TARGETS ${_xport_libraries} xport_options EXPORT xportTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/xport DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT xportTargets NAMESPACE xport:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xport)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/xportConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/xportConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xport)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/xportConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/xportConfig.cmake ${PROJECT_BINARY_DIR}/xportConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xport)
