/* The smallest useful airlock example: a C program that greets and reports who it runs as. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char name[64] = "world";
    if (argc > 1) {
        /* bounded copy: the fortified build checks this call */
        strncpy(name, argv[1], sizeof(name) - 1);
        name[sizeof(name) - 1] = '\0';
    }
    printf("Hello, %s, from airlock! (uid %d)\n", name, (int)getuid());
    return 0;
}
