/* Test peer: send "hello" and "world" as two send() calls, half-close, print the reply. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    const char *port = getenv("LESSON_PORT");
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(port ? port : "9001"));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); return 1; }
    if (send(fd, "hello", 5, 0) != 5) { perror("send"); return 1; }
    usleep(100000);
    if (send(fd, "world", 5, 0) != 5) { perror("send"); return 1; }
    shutdown(fd, SHUT_WR);
    char buf[64];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) fwrite(buf, 1, (size_t)n, stdout);
    putchar('\n');
    close(fd);
    return 0;
}
