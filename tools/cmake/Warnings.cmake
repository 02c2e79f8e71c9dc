# Warnings apply to hnemu's own targets only, never to the system libraries they include.
function(hnemu_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wpedantic)
  if(HNEMU_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
