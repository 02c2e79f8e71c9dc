# cmake --install, component "development": hnemu as a library for C++ test suites
# (emulator/library/README.md). The static libraries, the public headers (include/hnemu/), a CMake
# package (find_package(hnemu CONFIG) gives hnemu::emulator) and a pkg-config file (hnemu.pc).
# Both are relocatable: they find the prefix from where they were installed.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# hnemu::emulator and the internal libraries it is built on, which a static link needs too.
set(hnemu_library_targets hnemu_emulator hnemu_conform hnemu hnemu_engine hnemu_twilio
    hnemu_telnyx hnemu_bandwidth hnemu_core)
set(hnemu_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/hnemu)

# In the build tree the internal libraries include their headers from the source tree; installed,
# there are none of theirs to include: only the public headers are installed.
foreach(target ${hnemu_library_targets})
  get_target_property(include_dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  if(include_dirs AND NOT target STREQUAL hnemu_emulator)
    set(build_only "")
    foreach(dir ${include_dirs})
      list(APPEND build_only "$<BUILD_INTERFACE:${dir}>")
    endforeach()
    set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${build_only}")
  endif()
endforeach()

install(TARGETS ${hnemu_library_targets} EXPORT hnemuTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/emulator/library/include/hnemu
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)
install(EXPORT hnemuTargets NAMESPACE hnemu:: DESTINATION ${hnemu_cmake_dir}
        COMPONENT development)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/hnemuConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/hnemuConfig.cmake
                              INSTALL_DESTINATION ${hnemu_cmake_dir})
# 0.x: a new minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hnemuConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hnemuConfig.cmake ${PROJECT_BINARY_DIR}/hnemuConfigVersion.cmake
        DESTINATION ${hnemu_cmake_dir} COMPONENT development)

# hnemu.pc names the prefix relative to its own folder (${pcfiledir}).
file(RELATIVE_PATH HNEMU_PC_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${CMAKE_CURRENT_LIST_DIR}/hnemu.pc.in ${PROJECT_BINARY_DIR}/hnemu.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/hnemu.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT development)
