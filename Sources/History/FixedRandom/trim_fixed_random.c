#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* Every way a test process asks the system for random bytes, answered from
   one stream: getrandom(3), getentropy(3), syscall(SYS_getrandom, ...) (the
   getrandom crate calls it so), and reads of /dev/urandom or /dev/random
   opened with open/openat or fopen. */

/* A counter advanced atomically per 8 bytes, each value mixed by SplitMix64:
   the bytes depend only on how many were asked for before. */
static uint64_t position;

static uint64_t mixed(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void fill(void *buffer, size_t length) {
    unsigned char *bytes = buffer;
    size_t done = 0;
    while (done < length) {
        uint64_t word = mixed(__atomic_fetch_add(&position, 1, __ATOMIC_RELAXED));
        for (int i = 0; i < 8 && done < length; i++, done++) bytes[done] = (unsigned char)(word >> (8 * i));
    }
}

ssize_t getrandom(void *buffer, size_t length, unsigned int flags) {
    (void)flags;
    fill(buffer, length);
    return (ssize_t)length;
}

int getentropy(void *buffer, size_t length) {
    fill(buffer, length);
    return 0;
}

/* The next definition of a libc function, looked up once. */
#define REAL(name)                                                               \
    static __typeof__(&name) real_##name;                                        \
    if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name);

long syscall(long number, ...) {
    va_list arguments;
    va_start(arguments, number);
    long a[6];
    for (int i = 0; i < 6; i++) a[i] = va_arg(arguments, long);
    va_end(arguments);
    if (number == SYS_getrandom) {
        fill((void *)a[0], (size_t)a[1]);
        return a[1];
    }
    REAL(syscall);
    return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* File descriptors open on a random device: their reads come from the stream. */
#define TRACKED 65536
static unsigned char random_fd[TRACKED];

static int is_random_device(const char *path) {
    return path && (strcmp(path, "/dev/urandom") == 0 || strcmp(path, "/dev/random") == 0);
}

static int tracked(int fd, const char *path) {
    if (fd >= 0 && fd < TRACKED) __atomic_store_n(&random_fd[fd], is_random_device(path), __ATOMIC_RELAXED);
    return fd;
}

static int is_tracked(int fd) {
    return fd >= 0 && fd < TRACKED && __atomic_load_n(&random_fd[fd], __ATOMIC_RELAXED);
}

static mode_t mode_argument(int flags, va_list arguments) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(arguments, mode_t) : 0;
}

#define OPEN(name)                                                               \
    int name(const char *path, int flags, ...) {                                 \
        va_list arguments;                                                       \
        va_start(arguments, flags);                                              \
        mode_t mode = mode_argument(flags, arguments);                           \
        va_end(arguments);                                                       \
        REAL(name);                             \
        return tracked(real_##name(path, flags, mode), path);                    \
    }
OPEN(open)
OPEN(open64)

#define OPENAT(name)                                                             \
    int name(int directory, const char *path, int flags, ...) {                  \
        va_list arguments;                                                       \
        va_start(arguments, flags);                                              \
        mode_t mode = mode_argument(flags, arguments);                           \
        va_end(arguments);                                                       \
        REAL(name);                        \
        return tracked(real_##name(directory, path, flags, mode), path);         \
    }
OPENAT(openat)
OPENAT(openat64)

int __open_2(const char *path, int flags) { return open(path, flags); }
int __open64_2(const char *path, int flags) { return open64(path, flags); }

ssize_t read(int fd, void *buffer, size_t length) {
    if (is_tracked(fd)) {
        fill(buffer, length);
        return (ssize_t)length;
    }
    REAL(read);
    return real_read(fd, buffer, length);
}

int close(int fd) {
    if (fd >= 0 && fd < TRACKED) __atomic_store_n(&random_fd[fd], 0, __ATOMIC_RELAXED);
    REAL(close);
    return real_close(fd);
}

/* stdio reads through libc's internal read, which no preload reaches: a
   random device opened with fopen is a stream over `fill` instead. */
static ssize_t cookie_read(void *cookie, char *buffer, size_t length) {
    (void)cookie;
    fill(buffer, length);
    return (ssize_t)length;
}

static FILE *random_stream(void) {
    cookie_io_functions_t functions = {.read = cookie_read, .write = NULL, .seek = NULL, .close = NULL};
    return fopencookie(NULL, "r", functions);
}

FILE *fopen(const char *path, const char *mode) {
    if (is_random_device(path) && mode && mode[0] == 'r' && !strchr(mode, '+')) return random_stream();
    REAL(fopen);
    return real_fopen(path, mode);
}

FILE *fopen64(const char *path, const char *mode) {
    if (is_random_device(path) && mode && mode[0] == 'r' && !strchr(mode, '+')) return random_stream();
    REAL(fopen64);
    return real_fopen64(path, mode);
}
