/* Reset and fault handling for a bare-metal Cortex-M4F or M7: the vector table, the FPU enable, the
 * M7's caches, .data and .bss initialisation, stack painting (for the high-water mark), and fault
 * handlers that report where the core stopped and exit non-zero, so a crash under QEMU is a failure
 * rather than a hang. */
#include <stdint.h>

#include "board.h"

/* From the linker script (sections.ld). */
extern uint32_t _sidata;
extern uint32_t _sdata;
extern uint32_t _edata;
extern uint32_t _sbss;
extern uint32_t _ebss;
extern uint32_t _sstack;
extern uint32_t _estack;

int main(void);
void Reset_Handler(void);
void Fault_Handler(void);
void SysTick_Handler(void);
void board_report_fault(const uint32_t *frame, uint32_t exc_return);

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)
#define BOARD_STACK_PAINT 0xA5A5A5A5u

#if BOARD_CORTEX_M7
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_CCSIDR (*(volatile uint32_t *)0xE000ED80u)
#define SCB_CSSELR (*(volatile uint32_t *)0xE000ED84u)
#define SCB_ICIALLU (*(volatile uint32_t *)0xE000EF50u)
#define SCB_DCISW (*(volatile uint32_t *)0xE000EF60u)
#define SCB_CCR_DC (1u << 16)
#define SCB_CCR_IC (1u << 17)

/* A real M7 runs from flash several times slower without its caches; they come up disabled and with
 * undefined contents, so invalidate each, then enable it (Arm's Cortex-M7 TRM sequence, as CMSIS's
 * SCB_EnableICache/SCB_EnableDCache). QEMU does not model caches: there this costs a few hundred
 * instructions before main and changes nothing else. Nothing here uses DMA, so no cache maintenance is
 * needed later. */
static void enable_caches(void)
{
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    SCB_ICIALLU = 0u;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    SCB_CCR |= SCB_CCR_IC;
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    SCB_CSSELR = 0u; /* level 1 data cache */
    __asm__ volatile("dsb" ::: "memory");
    uint32_t ccsidr = SCB_CCSIDR;
    uint32_t sets = (ccsidr >> 13) & 0x7FFFu;
    do {
        uint32_t ways = (ccsidr >> 3) & 0x3FFu;
        do {
            SCB_DCISW = ((sets & 0x1FFu) << 5) | ((ways & 0x3u) << 30);
        } while (ways-- != 0u);
    } while (sets-- != 0u);
    __asm__ volatile("dsb" ::: "memory");
    SCB_CCR |= SCB_CCR_DC;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}
#endif

/* The 16 system exceptions of Armv7-M; no peripheral interrupt is enabled, so none is listed. Every
 * exception but reset and SysTick is a fault here: none is expected, and the report names it. */
__attribute__((section(".isr_vector"), used)) const uintptr_t board_vector_table[16] = {
    (uintptr_t)&_estack,      /* initial main stack pointer */
    (uintptr_t)Reset_Handler,
    (uintptr_t)Fault_Handler, /* NMI */
    (uintptr_t)Fault_Handler, /* HardFault */
    (uintptr_t)Fault_Handler, /* MemManage */
    (uintptr_t)Fault_Handler, /* BusFault */
    (uintptr_t)Fault_Handler, /* UsageFault */
    0, 0, 0, 0,               /* reserved */
    (uintptr_t)Fault_Handler, /* SVCall */
    (uintptr_t)Fault_Handler, /* DebugMonitor */
    0,                        /* reserved */
    (uintptr_t)Fault_Handler, /* PendSV */
    (uintptr_t)SysTick_Handler,
};

void Reset_Handler(void)
{
    /* Full access to CP10/CP11 before any floating-point instruction, or the core faults. */
    SCB_CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#if BOARD_CORTEX_M7
    enable_caches();
#endif

    /* volatile: keeps GCC from turning these loops into memcpy/memset calls before .data exists. */
    volatile uint32_t *dst = &_sdata;
    const volatile uint32_t *src = &_sidata;
    while (dst < &_edata) {
        *dst++ = *src++;
    }
    for (dst = &_sbss; dst < &_ebss; dst++) {
        *dst = 0u;
    }

    /* Paint the unused stack (below this frame) so board_stack_used() can find the deepest write. */
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (dst = &_sstack; (uintptr_t)dst < sp - 64u; dst++) {
        *dst = BOARD_STACK_PAINT;
    }

    board_exit(main());
}

/* Finds the stacked exception frame (main or process stack) and reports it. */
__attribute__((naked)) void Fault_Handler(void)
{
    __asm__ volatile(
        "tst lr, #4\n\t"
        "ite eq\n\t"
        "mrseq r0, msp\n\t"
        "mrsne r0, psp\n\t"
        "mov r1, lr\n\t"
        "b board_report_fault\n\t");
}

/* The string after the first n of a list of NUL-ended strings. */
static const char *nth(const char *list, uint32_t n)
{
    while (n-- != 0u) {
        while (*list++ != '\0') {
        }
    }
    return list;
}

/* "mc: FAULT NAME pc=0x... lr=0x... cfsr=0x... hfsr=0x... bfar=0x... mmfar=0x... exc_return=0x..." */
void board_report_fault(const uint32_t *frame, uint32_t exc_return)
{
    /* Exceptions 0-6 by number (IPSR), then any other; the labels of the values below. */
    static const char names[] = "?\0?\0NMI\0HardFault\0MemManage\0BusFault\0UsageFault\0unexpected exception";
    static const char labels[] = " pc=0x\0 lr=0x\0 cfsr=0x\0 hfsr=0x\0 bfar=0x\0 mmfar=0x\0 exc_return=0x";
    const uint32_t values[7] = {frame[6], frame[5], SCB_CFSR, SCB_HFSR, SCB_BFAR, SCB_MMFAR, exc_return};
    char text[9];
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FFu;
    board_print("mc: FAULT ");
    board_print(nth(names, ipsr < 7u ? ipsr : 7u));
    for (uint32_t i = 0; i < 7u; i++) {
        board_print(nth(labels, i));
        *board_hex(text, values[i], 8) = '\0';
        board_print(text);
    }
    board_print("\n");
    board_exit(BOARD_EXIT_FAULT);
}
