# cmake -DCOMPILER=... -DINCLUDE_DIR=... -DWORK_DIR=... -DHEADERS=a.h;b.h -P check_headers.cmake:
# compiles a file that includes one public header (twice, for its guard) with only the public
# include directory and the system's, and -Werror, for each header. A header that needs another
# first, or reaches for an internal one, fails here.
file(MAKE_DIRECTORY ${WORK_DIR})
set(failed "")
foreach(header ${HEADERS})
  get_filename_component(name ${header} NAME_WE)
  set(source ${WORK_DIR}/${name}.cpp)
  file(WRITE ${source} "#include <hnemu/${name}.h>\n#include <hnemu/${name}.h>\n")
  execute_process(
    COMMAND ${COMPILER} -std=c++17 -fsyntax-only -Wall -Wextra -Wshadow -Wpedantic -Werror
            -I${INCLUDE_DIR} ${source}
    RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(status EQUAL 0)
    message(STATUS "hnemu/${name}.h: compiles on its own")
  else()
    string(APPEND failed "hnemu/${name}.h:\n${output}\n")
  endif()
endforeach()
if(NOT HEADERS)
  message(FATAL_ERROR "no public headers were given")
endif()
if(failed)
  message(FATAL_ERROR "public headers that do not compile on their own:\n${failed}")
endif()
