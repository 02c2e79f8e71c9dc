# One -fsanitize list for the whole build; thread cannot be combined with address.
if(HNEMU_SANITIZE)
  if("thread" IN_LIST HNEMU_SANITIZE AND "address" IN_LIST HNEMU_SANITIZE)
    message(FATAL_ERROR "Thread sanitizer does not work with the address sanitizer")
  endif()
  list(JOIN HNEMU_SANITIZE "," hnemu_sanitize_list)
  add_compile_options(-fsanitize=${hnemu_sanitize_list} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${hnemu_sanitize_list})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's flow analysis is unreliable with sanitizer instrumentation: it reports
    # maybe-uninitialized inside libstdc++'s <regex> (pulled in by Catch2), which -Werror would fail.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
