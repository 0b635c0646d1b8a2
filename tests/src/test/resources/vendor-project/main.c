/* The vendor's application: runs the model once on the input in input_data.c and prints every output
 * value's bits as "out INDEX HEX" over semihosting, then "done". */
#include <stdint.h>
#include <string.h>

#include "lenet.h"
#include "semihost.h"

extern const float input_data[LENET_INPUT0_SIZE];

static double arena[LENET_ARENA_DOUBLES];
static float scores[LENET_OUTPUT0_SIZE];

static void print_hex(uint32_t value, char *text)
{
    for (int i = 0; i < 8; i++) {
        unsigned nibble = (value >> (28 - 4 * i)) & 0xFu;
        text[i] = (char)(nibble < 10u ? '0' + nibble : 'a' + nibble - 10u);
    }
}

int main(void)
{
    if (lenet_run(input_data, scores, arena) != 0) {
        sh_print("vendor: lenet_run failed\n");
        return 1;
    }
    for (unsigned i = 0; i < LENET_OUTPUT0_SIZE; i++) {
        char line[] = "out 000 00000000\n";
        uint32_t bits;
        memcpy(&bits, &scores[i], sizeof bits);
        line[4] = (char)('0' + i / 100u);
        line[5] = (char)('0' + i / 10u % 10u);
        line[6] = (char)('0' + i % 10u);
        print_hex(bits, line + 8);
        sh_print(line);
    }
    sh_print("done\n");
    return 0;
}
