#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A counter advanced atomically per 8 bytes, each value mixed by SplitMix64:
   the bytes depend only on how many were asked for before. */
static uint64_t position;

static uint64_t mixed(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

ssize_t getrandom(void *buffer, size_t length, unsigned int flags) {
    (void)flags;
    unsigned char *bytes = buffer;
    size_t done = 0;
    while (done < length) {
        uint64_t word = mixed(__atomic_fetch_add(&position, 1, __ATOMIC_RELAXED));
        for (int i = 0; i < 8 && done < length; i++, done++) bytes[done] = (unsigned char)(word >> (8 * i));
    }
    return (ssize_t)length;
}
