#include "greeting.hpp"
#include <iostream>

int main() {
    std::string got = answer("/health", {"a"});
    std::string want = "{\"service\":\"cpp-service\",\"path\":\"/health\",\"tags\":[\"a\"]}";
    if (got != want) {
        std::cerr << "greeting-test: got " << got << std::endl;
        return 1;
    }
    std::cout << "greeting-test: ok" << std::endl;
    return 0;
}
