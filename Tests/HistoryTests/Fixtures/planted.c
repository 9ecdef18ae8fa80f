/* A library an attacker plants where trim caches its own: when anything
   loads it, it creates the file named by PLANTED_MARKER. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void planted(void) {
    const char *marker = getenv("PLANTED_MARKER");
    if (marker) {
        int descriptor = open(marker, O_CREAT | O_WRONLY, 0644);
        if (descriptor >= 0) close(descriptor);
    }
}
