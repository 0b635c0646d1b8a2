/* Vendor startup: vector table, FPU on, .data and .bss, then main; faults print and exit non-zero. */
#include <stdint.h>

#include "semihost.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

int main(void);
void Reset_Handler(void);
void Fault_Handler(void);

__attribute__((section(".isr_vector"), used)) const uintptr_t vectors[16] = {
    (uintptr_t)&_estack, (uintptr_t)Reset_Handler,
    (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler,
    (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler,
    0, 0, 0, 0, (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler, 0,
    (uintptr_t)Fault_Handler, (uintptr_t)Fault_Handler,
};

void Reset_Handler(void)
{
    /* The model's kernels use the FPU: CP10 and CP11 full access before the first float instruction. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    volatile uint32_t *dst = &_sdata;
    const volatile uint32_t *src = &_sidata;
    while (dst < &_edata) {
        *dst++ = *src++;
    }
    for (dst = &_sbss; dst < &_ebss; dst++) {
        *dst = 0u;
    }
    sh_exit(main());
}

void Fault_Handler(void)
{
    sh_print("vendor: FAULT\n");
    sh_exit(3);
}
