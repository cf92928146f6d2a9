# VMSUPPORT_STATIC: one self-contained binary for hosts without packages.
# Debian ships .a archives beside most shared libraries we use; this file points
# the imported targets of the top-level find_package calls at those archives,
# adds what the archives themselves need (libarchive.a pulls in libxml2, ICU,
# nettle, acl and the compressors), and links executables with -static.
# spdlog and fmt have no archive in Debian: they are used header-only.
# Included by the top-level CMakeLists.txt after its find_package calls.

# The archive lib<name>.a, or a configure error naming the package to install.
function(vmsupport_find_archive out name)
  find_library(VMSUPPORT_ARCHIVE_${name} NAMES lib${name}.a NO_CACHE)
  if(NOT VMSUPPORT_ARCHIVE_${name})
    message(FATAL_ERROR "VMSUPPORT_STATIC: lib${name}.a not found "
                        "(run scripts/install-deps.sh)")
  endif()
  set(${out} ${VMSUPPORT_ARCHIVE_${name}} PARENT_SCOPE)
endfunction()

# Points an imported library target (UNKNOWN or SHARED) at lib<name>.a and
# sets the archives it needs after it on the link line.
function(vmsupport_use_archive target name)
  vmsupport_find_archive(archive ${name})
  set_target_properties(${target} PROPERTIES IMPORTED_LOCATION ${archive})
  get_target_property(configs ${target} IMPORTED_CONFIGURATIONS)
  foreach(config IN LISTS configs)
    if(config)
      set_target_properties(${target} PROPERTIES IMPORTED_LOCATION_${config} ${archive}
                                                 IMPORTED_SONAME_${config} "")
    endif()
  endforeach()
  set(deps "")
  foreach(dep IN LISTS ARGN)
    vmsupport_find_archive(dep_archive ${dep})
    list(APPEND deps ${dep_archive})
  endforeach()
  if(deps)
    set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${deps} m)
  endif()
endfunction()

# Replaces the link libraries of an INTERFACE imported target (pkg-config's).
function(vmsupport_use_archives target)
  set(archives "")
  foreach(name IN LISTS ARGN)
    vmsupport_find_archive(archive ${name})
    list(APPEND archives ${archive})
  endforeach()
  set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${archives}")
endfunction()

vmsupport_use_archive(yaml-cpp yaml-cpp)
# Order matters for archives: each one before those it uses.
vmsupport_use_archive(LibArchive::LibArchive archive
  xml2 icuuc icudata nettle acl lz4 zstd lzma bz2 z)
vmsupport_use_archives(PkgConfig::NETTLE nettle)
vmsupport_use_archives(PkgConfig::HS hs)
vmsupport_use_archives(PkgConfig::ZSTD zstd)
vmsupport_use_archives(PkgConfig::DEFLATE deflate)
vmsupport_use_archives(PkgConfig::LZMA lzma)
vmsupport_use_archives(PkgConfig::LZ4 lz4)

# spdlog's header-only target, with fmt header-only too (Debian's links fmt's .so).
set_target_properties(spdlog::spdlog_header_only PROPERTIES
  INTERFACE_LINK_LIBRARIES "Threads::Threads;fmt::fmt-header-only")
set(VMSUPPORT_SPDLOG spdlog::spdlog_header_only)

# ld warns that ICU's dlopen and libxml2's getaddrinfo/gethostbyname need the
# glibc of the build at run time: neither is reached (ICU dlopens only plugins,
# which vmsupport never loads; libxml2 serves only XAR archives and never fetches
# a URL here). vmsupport itself resolves no users or hosts through NSS:
# inventory reads the root's /etc/passwd.
# The link line must end in static mode: the driver appends libstdc++, libm, libc.
set(CMAKE_LINK_SEARCH_END_STATIC ON)
add_link_options(-static)
