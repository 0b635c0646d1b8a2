/* Semihosting console and exit, SysTick instruction counter, stack high-water mark. See board.h. */
#include "board.h"

/* Arm semihosting operations (Arm DUI 0471 / semihosting v2). */
#define SYS_WRITE0 0x04
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* SysTick registers (Armv7-M ARM, B3.3). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE 1u
#define SYST_CSR_TICKINT 2u
#define SYST_CSR_CLKSOURCE 4u
#define SYST_RELOAD 0xFFFFFFu

/* Written by the reset handler over the whole stack before main runs. */
#define BOARD_STACK_PAINT 0xA5A5A5A5u

extern uint32_t _sstack;
extern uint32_t _estack;

/* Incremented by SysTick_Handler; external so the assembly handler can name it. */
volatile uint32_t board_systick_wraps;

/* The handler's instruction count, which board_instructions subtracts once per wrap. It is written in
 * assembly so that this count is a fact of this file, not of a compiler version. r0 and r1 need no saving:
 * the core stacks r0-r3, r12, lr, pc and xPSR on exception entry. */
#define SYSTICK_HANDLER_INSTRUCTIONS 6u

static int semihost(int operation, const void *argument)
{
    register int r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void board_print(const char *text)
{
    (void)semihost(SYS_WRITE0, text);
}

/* n / d for any divisor, by shift and subtract: the 64-bit division the printer and the instruction
 * count need, without the libgcc routine (__aeabi_uldivmod, 760 B) that -Os would call for the
 * divisions by constants. It runs outside the measured window only. */
__attribute__((noinline)) static uint64_t divide(uint64_t n, uint32_t d, uint32_t *remainder)
{
    uint64_t q = 0u;
    uint64_t r = 0u;
    for (int bit = 63; bit >= 0; bit--) {
        r = (r << 1) | ((n >> bit) & 1u);
        q <<= 1;
        if (r >= d) {
            r -= d;
            q |= 1u;
        }
    }
    *remainder = (uint32_t)r;
    return q;
}

void board_print_uint(const char *prefix, uint64_t value)
{
    char digits[24];
    char *p = &digits[sizeof digits - 1];
    uint32_t digit;
    *p = '\0';
    *--p = '\n';
    do {
        value = divide(value, 10u, &digit);
        *--p = (char)('0' + digit);
    } while (value != 0u);
    board_print(prefix);
    board_print(p);
}

char *board_hex(char *out, uint32_t value, int digits)
{
    while (digits-- > 0) {
        unsigned v = (value >> (4 * digits)) & 0xFu;
        *out++ = (char)(v < 10u ? '0' + v : 'a' + (v - 10u));
    }
    return out;
}

void board_print_hex(const char *prefix, const void *data, size_t bytes)
{
    const unsigned char *b = (const unsigned char *)data;
    char line[8 + 1 + 64 + 2];
    size_t at = 0;
    while (at < bytes) {
        char *p = board_hex(line, (uint32_t)at, 8);
        *p++ = ' ';
        for (size_t i = 0; i < 32u && at < bytes; i++) {
            p = board_hex(p, b[at++], 2);
        }
        *p++ = '\n';
        *p = '\0';
        board_print(prefix);
        board_print(line);
    }
}

void board_exit(int status)
{
    uint32_t block[2];
    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)status;
    (void)semihost(SYS_EXIT_EXTENDED, block);
    for (;;) {
        /* Without a debugger attached there is nobody to stop us. */
    }
}

__attribute__((naked)) void SysTick_Handler(void)
{
    __asm__ volatile(
        "movw r0, #:lower16:board_systick_wraps\n\t"
        "movt r0, #:upper16:board_systick_wraps\n\t"
        "ldr r1, [r0]\n\t"
        "adds r1, r1, #1\n\t"
        "str r1, [r0]\n\t"
        "bx lr\n\t");
}

void board_timer_start(void)
{
    SYST_CSR = 0u;
    SYST_RVR = SYST_RELOAD;
    SYST_CVR = 0u;
    board_systick_wraps = 0u;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    /* QEMU loads the reload value lazily: the first reads would otherwise see 0. */
    while (SYST_CVR == 0u) {
    }
}

board_mark_t board_mark(void)
{
    board_mark_t mark;
    uint32_t current;
    /* Re-read if the counter wrapped between the two reads. */
    do {
        mark.wraps = board_systick_wraps;
        current = SYST_CVR;
    } while (mark.wraps != board_systick_wraps);
    mark.ticks = (uint64_t)mark.wraps * (SYST_RELOAD + 1u) + (SYST_RELOAD - current);
    return mark;
}

uint64_t board_ticks(void)
{
    return board_mark().ticks;
}

#if BOARD_TICKS_DENOMINATOR
uint64_t board_instructions(const board_mark_t *start, const board_mark_t *end)
{
    /* Rounded, not truncated: with -icount shift chosen so that one instruction spans more than two ticks,
     * a tick count is within half an instruction of the truth (InstructionClock in the compiler). */
    uint32_t rest;
    uint64_t ticks = end->ticks - start->ticks;
    uint64_t instructions = divide(ticks * BOARD_TICKS_NUMERATOR + BOARD_TICKS_DENOMINATOR / 2u, BOARD_TICKS_DENOMINATOR, &rest);
    return instructions - (uint64_t)(end->wraps - start->wraps) * SYSTICK_HANDLER_INSTRUCTIONS;
}
#endif

uint32_t board_stack_used(void)
{
    const uint32_t *p = &_sstack;
    while (p < &_estack && *p == BOARD_STACK_PAINT) {
        p++;
    }
    return (uint32_t)((uintptr_t)&_estack - (uintptr_t)p);
}

uint32_t board_stack_size(void)
{
    return (uint32_t)((uintptr_t)&_estack - (uintptr_t)&_sstack);
}
