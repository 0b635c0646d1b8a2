/* Board support for running a generated model on a Cortex-M4F or M7 without an operating system:
 * console output and exit status over Arm semihosting (QEMU, or a debug probe), an instruction counter
 * on SysTick, and the stack high-water mark. Only the test main uses it; the model itself never does. */
#ifndef BOARD_H
#define BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "board_config.h"

/* Exit statuses the firmware reports through semihosting (QEMU exits with the same status). */
#define BOARD_EXIT_OK 0
#define BOARD_EXIT_MODEL_ERROR 1
#define BOARD_EXIT_FAULT 3

/* Writes a NUL-terminated string to the host console. */
void board_print(const char *text);

/* Writes prefix, the decimal value and a newline. */
void board_print_uint(const char *prefix, uint64_t value);

/* Writes `prefix` then the bytes in hex, 32 bytes per line, each line "prefix OFFSET HEX": a
 * bit-exact transport for output tensors that needs no file system. */
void board_print_hex(const char *prefix, const void *data, size_t bytes);

/* Writes the low `digits` hex digits of value (lower case) at out; returns the end. */
char *board_hex(char *out, uint32_t value, int digits);

/* Ends the program with a status the host sees (SYS_EXIT_EXTENDED). Never returns. */
void board_exit(int status) __attribute__((noreturn));

/* Starts SysTick on the processor clock, counting down from 2^24 - 1; wraps are counted in its
 * interrupt so long inferences do not overflow. */
void board_timer_start(void);

/* Processor clock ticks since board_timer_start. */
uint64_t board_ticks(void);

/* A point in time: ticks since board_timer_start, and how many SysTick wraps (interrupts) they include. */
typedef struct {
    uint64_t ticks;
    uint32_t wraps;
} board_mark_t;

board_mark_t board_mark(void);

#if BOARD_TICKS_DENOMINATOR
/* Guest instructions between two marks under QEMU with board_config.h's -icount shift: the ticks
 * converted exactly, less the instructions of the SysTick interrupts that ran in between. Defined only
 * for an emulated board: on a real part SysTick ticks are cycles, not instructions. */
uint64_t board_instructions(const board_mark_t *start, const board_mark_t *end);
#endif

/* Bytes of stack used so far: the reset handler paints the stack and this finds the deepest write. */
uint32_t board_stack_used(void);

/* Bytes reserved for the stack by the linker script. */
uint32_t board_stack_size(void);

#endif
