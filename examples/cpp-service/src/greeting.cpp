#include "greeting.hpp"
#include <sstream>

std::string answer(const std::string &path, const std::vector<std::string> &tags) {
    std::ostringstream out;
    out << "{\"service\":\"cpp-service\",\"path\":\"" << path << "\",\"tags\":[";
    for (size_t i = 0; i < tags.size(); ++i) out << (i ? "," : "") << '"' << tags[i] << '"';
    out << "]}";
    return out.str();
}
