/* Arm semihosting: SYS_WRITE0 prints a string, SYS_EXIT_EXTENDED passes the exit status to QEMU. */
#include <stdint.h>

#include "semihost.h"

static void semihost(uint32_t operation, const void *argument)
{
    register uint32_t r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
}

void sh_print(const char *text)
{
    semihost(0x04u, text);
}

void sh_exit(int status)
{
    uint32_t block[2] = {0x20026u, (uint32_t)status};   /* ADP_Stopped_ApplicationExit, status */
    semihost(0x20u, block);
    for (;;) {
    }
}
