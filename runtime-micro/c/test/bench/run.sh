#!/usr/bin/env bash
# Instructions per MAC of the C kernels on a Cortex-M4F, counted by emulation.
# Needs arm-none-eabi-gcc (Debian: gcc-arm-none-eabi) and Python with unicorn and pyelftools
# (pip install unicorn pyelftools). Extra compiler flags may be given in CFLAGS_EXTRA, e.g.
#   CFLAGS_EXTRA=-ffp-contract=off bash run.sh
# to see the cost of building without fused multiply-add (which -std=c99 implies by default).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../src"
out="${TMPDIR:-/tmp}/mc-bench-$$"
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard \
    -std=c99 -O2 -ffp-contract=fast ${CFLAGS_EXTRA:-} -Wall -Wextra -Werror -pedantic \
    -I"$src" -nostdlib -nostartfiles -T "$here/cortex_m4.ld" -e bench_done \
    "$here/bench_kernels.c" "$src/mc_conv2d.c" "$src/mc_pool2d.c" "$src/mc_matmul.c" \
    -lgcc -o "$out/bench.elf"
python3 "$here/count_instructions.py" "$out/bench.elf" \
    run_conv1:117600 run_pool1:0 run_conv2:240000 run_pool2:0 \
    run_fc1:48000 run_fc2:10080 run_fc3:840
python3 "$here/count_instructions.py" "$out/bench.elf" run_depthwise:73728 run_pointwise:524288
