// A tiny HTTP service: `cpp-service` prints one answer; `cpp-service --port N` serves HTTP/1.0 answers on N.
#include "greeting.hpp"
#include <algorithm>
#include <arpa/inet.h>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

static int serve(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(fd, 16) != 0) {
        std::perror("cpp-service: bind/listen");
        return 1;
    }
    std::cout << "cpp-service listening on " << port << std::endl;
    for (;;) {
        int c = accept(fd, nullptr, nullptr);
        if (c < 0) continue;
        char buf[2048];
        // read at most what the client announced it would send (bounded by the buffer; fortified read)
        size_t want = sizeof buf - 1;
        if (const char *limit = std::getenv("CPP_SERVICE_MAX_REQUEST")) want = std::min(want, static_cast<size_t>(std::strtoul(limit, nullptr, 10)));
        ssize_t n = read(c, buf, want);
        std::string req(buf, n > 0 ? static_cast<size_t>(n) : 0);
        std::string path = "/";
        auto sp = req.find(' ');
        if (sp != std::string::npos) path = req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
        std::string body = answer(path, {"prod", "non-root"}) + "\n";
        std::string resp = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body;
        if (write(c, resp.data(), resp.size()) < 0) std::perror("cpp-service: write");
        close(c);
    }
}

int main(int argc, char **argv) {
    if (argc > 2 && std::strcmp(argv[1], "--port") == 0) return serve(std::atoi(argv[2]));
    std::cout << answer("/", {"prod", "non-root"}) << std::endl;
    return 0;
}
