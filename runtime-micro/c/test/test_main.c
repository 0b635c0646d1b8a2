#include "mc_test.h"

int main(void) {
    test_conv2d();
    test_pool2d();
    test_elementwise();
    test_matmul();
    test_layout();
    test_qnonlinear();
    test_quant();
    test_qconv();
    test_qkernels();
    test_weights_only();
    test_qdepthwise();
    test_qsimd_kernels();
    test_conv_simd();
    return mc_test_summary();
}
