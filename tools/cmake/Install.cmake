# What `cmake --install` puts under a prefix, by component, and the Debian package CPack makes of
# it. Component `runtime`: the hnemu binary, the named scenarios and the reference documentation
# (what the `hnemu` .deb holds). The C++ library is the component `development`
# (InstallLibrary.cmake); a package of it would be its name in CPACK_COMPONENTS_ALL and a
# CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME below.
include(GNUInstallDirs)

set(HNEMU_SCENARIOS_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/hnemu/scenarios)
# `install` and `cpack` take what is built instead of building every test and tool first: the
# package needs only `cmake --build --preset release --target hnemu_bin` (what tools/run builds).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS hnemu_bin RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
# `hnemu serve` finds the installed scenarios from its own path (emulator/main.cpp).
file(RELATIVE_PATH HNEMU_SCENARIOS_FROM_BINDIR ${CMAKE_INSTALL_FULL_BINDIR}
     ${CMAKE_INSTALL_PREFIX}/${HNEMU_SCENARIOS_INSTALL_DIR})
target_compile_definitions(hnemu_bin PRIVATE
                           HNEMU_SCENARIOS_FROM_BINDIR="${HNEMU_SCENARIOS_FROM_BINDIR}")

install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${HNEMU_SCENARIOS_INSTALL_DIR}
        COMPONENT runtime FILES_MATCHING PATTERN "*.yaml")

# Every README, in the same folders as in the repository so that their links between each other
# hold (links to source files do not: the sources are not installed). Three levels deep, not a
# recursive glob: that would walk conformance/node_modules at every build.
set(HNEMU_README_GLOBS)
foreach(folder emulator scenarios conformance tools)
  list(APPEND HNEMU_README_GLOBS ${PROJECT_SOURCE_DIR}/${folder}/README.md
       ${PROJECT_SOURCE_DIR}/${folder}/*/README.md ${PROJECT_SOURCE_DIR}/${folder}/*/*/README.md)
endforeach()
file(GLOB HNEMU_READMES CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR} ${HNEMU_README_GLOBS})
list(FILTER HNEMU_READMES EXCLUDE REGEX "node_modules/")
foreach(readme README.md ${HNEMU_READMES})
  get_filename_component(folder ${readme} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/${readme} DESTINATION ${CMAKE_INSTALL_DOCDIR}/${folder}
          COMPONENT runtime)
endforeach()

set(CPACK_PACKAGE_NAME hnemu)
set(CPACK_PACKAGE_CONTACT "hnemu developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "hosted-number provider emulator (Twilio, Telnyx, Bandwidth) for tests")
set(CPACK_PACKAGE_DESCRIPTION
    "hnemu answers like the SMS providers' hosted-number APIs, with a virtual clock, YAML
scenarios and a conformance harness (hnemu conform), so that an app's onboarding flow for
hosted SMS can be tested without real numbers, carriers or days of waiting.")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME hnemu)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Depends comes from the libraries the binary links (dpkg-shlibdeps, from dpkg-dev), so it names
# Debian's packages at the versions the build used.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
include(CPack)
