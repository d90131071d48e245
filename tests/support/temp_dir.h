// A private directory under /tmp for one test, removed with everything in it
// when the object goes away.
#pragma once

#include <string>

namespace qtls::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // Empty when mkdtemp failed (the test then fails on its first write).
    const std::string& path() const { return path_; }
    // Writes (or replaces) `name` in the directory; returns its full path.
    // Records a test failure when the file cannot be written.
    std::string write(const std::string& name, const std::string& contents) const;
    // Creates the subdirectory `name`; returns its full path.
    std::string mkdir(const std::string& name) const;

private:
    std::string path_;
};

}  // namespace qtls::test
