# cmake -DMODE=installed|subdirectory -DHNEMU_SOURCE_DIR=... -DHNEMU_BUILD_DIR=... -DWORK_DIR=...
#       -DGENERATOR=... -DMAKE_PROGRAM=... -DCXX=... -DCTEST=... -P check.cmake
# How a C++ project gets hnemu, checked end to end (hnemu's CTest runs it; emulator/library/):
#   installed     cmake --install hnemu's build into a fresh prefix (component development); a
#                 program built with nothing but `pkg-config --cflags --libs hnemu` runs; this
#                 project, configured with find_package(hnemu) against the prefix, builds and passes.
#   subdirectory  this project, configured with hnemu's source tree added (add_subdirectory),
#                 builds hnemu's libraries with it and passes.
# The build folders are kept under WORK_DIR, so a second run rebuilds only what changed.
set(consumer ${CMAKE_CURRENT_LIST_DIR})
set(build ${WORK_DIR}/${MODE})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "failed (${status}): ${command}")
  endif()
endfunction()

set(configure ${CMAKE_COMMAND} -S ${consumer} -B ${build} -G ${GENERATOR}
    -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM} -DCMAKE_CXX_COMPILER=${CXX})
if(MODE STREQUAL "installed")
  set(prefix ${WORK_DIR}/prefix)
  file(REMOVE_RECURSE ${prefix})
  run(${CMAKE_COMMAND} --install ${HNEMU_BUILD_DIR} --prefix ${prefix} --component development)

  file(GLOB_RECURSE pc_files ${prefix}/hnemu.pc)
  if(NOT pc_files)
    message(FATAL_ERROR "no hnemu.pc was installed under ${prefix}")
  endif()
  get_filename_component(pc_dir ${pc_files} DIRECTORY)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_dir}
                          pkg-config --cflags --libs hnemu
                  RESULT_VARIABLE status OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "pkg-config does not know hnemu (${pc_files})")
  endif()
  message(STATUS "pkg-config --cflags --libs hnemu: ${flags}")
  separate_arguments(flags UNIX_COMMAND "${flags}")
  file(MAKE_DIRECTORY ${WORK_DIR})
  run(${CXX} -std=c++17 ${consumer}/tests/pkg_config_check.cpp ${flags}
      -o ${WORK_DIR}/pkg_config_check)
  run(${WORK_DIR}/pkg_config_check)

  run(${configure} -DCMAKE_PREFIX_PATH=${prefix})
elseif(MODE STREQUAL "subdirectory")
  run(${configure} -DHNEMU_SOURCE_DIR=${HNEMU_SOURCE_DIR})
else()
  message(FATAL_ERROR "MODE is installed or subdirectory, not '${MODE}'")
endif()
run(${CMAKE_COMMAND} --build ${build} -j 2)
run(${CTEST} --test-dir ${build} --output-on-failure)
