#pragma once
#include <string>
#include <vector>

// Builds the service's JSON answer for a request path.
std::string answer(const std::string &path, const std::vector<std::string> &tags);
