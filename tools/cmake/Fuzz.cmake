# hnemu_add_fuzzer(name source corpus_dir): with HNEMU_FUZZ=ON and clang, a libFuzzer target;
# otherwise the same target linked with a replay main that runs every file of the seed corpus,
# registered with CTest so that any compiler checks the corpus on every test run.
option(HNEMU_FUZZ "Build fuzz targets with libFuzzer (clang only)" OFF)
set(HNEMU_FUZZ_REPLAY_MAIN ${CMAKE_CURRENT_LIST_DIR}/fuzz_replay_main.cpp)

function(hnemu_add_fuzzer name source corpus_dir)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE ${ARGN})
  hnemu_warnings(${name})
  if(HNEMU_FUZZ)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${name} PRIVATE ${HNEMU_FUZZ_REPLAY_MAIN})
  endif()
  add_test(NAME "fuzz replay: ${name}" COMMAND ${name} ${corpus_dir})
endfunction()
