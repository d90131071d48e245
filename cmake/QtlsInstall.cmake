# Installation: headers, libqtls.a, libqtls.so, the qtls program, qtls.pc
# and a relocatable CMake package (find_package(qtls) ->
# qtls::qtls, qtls::qtls_shared, qtls::ngtcp2_crypto_qtls). quic/ngtcp2
# adds its library to the same export set (qtlsTargets).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/qtls DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(TARGETS qtls qtls_shared EXPORT qtlsTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET qtls-cli)
  install(TARGETS qtls-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# qtls.pc, relocatable like libngtcp2_crypto_qtls.pc: the prefix is found
# from the file's own location.
file(RELATIVE_PATH QTLS_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" QTLS_PC_TO_PREFIX "${QTLS_PC_TO_PREFIX}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/qtls.pc.in ${CMAKE_BINARY_DIR}/qtls.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/qtls.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(QTLS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/qtls)
install(EXPORT qtlsTargets NAMESPACE qtls:: DESTINATION ${QTLS_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/qtlsConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/qtlsConfig.cmake INSTALL_DESTINATION ${QTLS_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/qtlsConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/qtlsConfig.cmake ${CMAKE_BINARY_DIR}/qtlsConfigVersion.cmake
        DESTINATION ${QTLS_CMAKE_DIR})
