package org.microcodegen.lower;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.ConstData;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The packed operands of the SIMD convolution and fully connected kernels, worked by hand from the layout
 * runtime-micro's mc_conv_simd.h states (the C unit tests pack the same way and compare the kernels with the
 * reference kernels; the conformance tests run whole models on what this class packs).
 */
class SimdPackingsTest {
    /** Three channels of K = 5: weights 1..5, 11..15, 21..25. */
    private static SimdPackings.Rows rows() {
        byte[] w = new byte[15];
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 5; k++) {
                w[c * 5 + k] = (byte) (10 * c + k + 1);
            }
        }
        return new SimdPackings.Rows(w, 3, 5);
    }

    @Test
    void channelPairsInterleaveFourWeightsOfEachChannelAndPadWithZeros() {
        byte[] want = {
            1, 2, 3, 4, 11, 12, 13, 14,          // pair (0, 1), k 0..3
            5, 0, 0, 0, 15, 0, 0, 0,             // k 4, padded to 8
            21, 22, 23, 24, 0, 0, 0, 0,          // pair (2, zero channel)
            25, 0, 0, 0, 0, 0, 0, 0,
        };
        assertArrayEquals(want, SimdPackings.channelPairs(rows()).bytes());
    }

    @Test
    void foldedBiasAddsTheInputOffsetTimesEachChannelsWeightSum() {
        // sums 15, 65, 115; in_offset 3 (input zero point -3)
        assertArrayEquals(ints(100 + 45, -7 + 195, 0 + 345),
                SimdPackings.foldedBias(rows(), new long[] {100, -7, 0}, 3).bytes());
        assertArrayEquals(ints(-15 * 128, -65 * 128, -115 * 128), SimdPackings.foldedBias(rows(), null, -128).bytes(),
                "no bias: the folded offset alone");
    }

    @Test
    void foldedBiasWrapsAroundAsTheKernelsInt32SumsDo() {
        SimdPackings.Rows big = new SimdPackings.Rows(new byte[] {127, 127}, 1, 2);
        assertArrayEquals(ints(Integer.MAX_VALUE + 254 * 128), SimdPackings.foldedBias(big, new long[] {Integer.MAX_VALUE}, 128).bytes());
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return new ConstData(org.microcodegen.ir.DType.INT32, b.array()).bytes();
    }
}
