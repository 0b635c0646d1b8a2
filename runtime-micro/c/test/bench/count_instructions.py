"""Counts the instructions a Cortex-M4F executes in each run_* function of an ELF built from
bench_kernels.c, by emulating it (unicorn), and prints instructions per MAC.

usage: count_instructions.py ELF NAME:MACS [NAME:MACS ...]
(MACS may be 0 for a layer without multiply-accumulates, e.g. pooling: its instructions still
count in the total.)
"""
import sys

from elftools.elf.elffile import ELFFile
from unicorn import UC_ARCH_ARM, UC_HOOK_CODE, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn.arm_const import UC_ARM_REG_LR, UC_ARM_REG_SP

FLASH, RAM, SCS = 0x00000000, 0x20000000, 0xE0000000
STACK_TOP = RAM + (2 << 20)


def main():
    elf = ELFFile(open(sys.argv[1], "rb"))
    symbols = {s.name: s["st_value"] for s in elf.get_section_by_name(".symtab").iter_symbols()}
    cpu = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    cpu.mem_map(FLASH, 1 << 20)
    cpu.mem_map(RAM, 2 << 20)
    cpu.mem_map(SCS, 1 << 20)
    for segment in elf.iter_segments():
        if segment["p_type"] == "PT_LOAD" and segment.data():
            cpu.mem_write(segment["p_paddr"], segment.data())
    count = [0]

    def on_instruction(_uc, _address, _size, _user):
        count[0] += 1

    cpu.hook_add(UC_HOOK_CODE, on_instruction)
    done = symbols["bench_done"] & ~1
    total_instructions = total_macs = 0
    for spec in sys.argv[2:]:
        name, macs = spec.split(":")
        macs = int(macs)
        count[0] = 0
        cpu.reg_write(UC_ARM_REG_SP, STACK_TOP)
        cpu.reg_write(UC_ARM_REG_LR, done | 1)
        cpu.emu_start(symbols[name] | 1, done)
        total_instructions += count[0]
        total_macs += macs
        ratio = f"{count[0] / macs:6.2f} /MAC" if macs else "     - (no MACs)"
        print(f"{name:16s} {count[0]:9d} instructions {macs:9d} MACs {ratio}")
    print(f"{'total':16s} {total_instructions:9d} instructions {total_macs:9d} MACs "
          f"{total_instructions / total_macs:6.2f} /MAC")


if __name__ == "__main__":
    main()
