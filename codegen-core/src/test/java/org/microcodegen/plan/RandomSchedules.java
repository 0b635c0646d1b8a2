package org.microcodegen.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random planning problems for the property tests. Two sources of lifetimes: uniform random
 * intervals (nothing like a real network, so they stress corner cases) and lifetimes derived
 * from a random DAG of ops run in a random topological order (chains, diamonds, skip
 * connections and graph outputs, which is what the compiler will actually see).
 */
final class RandomSchedules {

    private RandomSchedules() {
    }

    /** Sizes as they come from real tensors, plus odd ones that stress alignment. */
    static long size(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> 1 + rnd.nextInt(999); // odd sizes
            case 1 -> 1L << (2 + rnd.nextInt(13)); // powers of two
            case 2 -> (long) new int[] {3, 8, 10, 16, 32, 64}[rnd.nextInt(6)] // channels
                    * new int[] {1, 4, 9, 25, 49, 196, 784}[rnd.nextInt(7)] // h * w
                    * (rnd.nextBoolean() ? 1 : 4); // int8 or float
            case 3 -> 1 + rnd.nextInt(64); // tiny: scalars, biases, shapes
            default -> 20_000 + rnd.nextInt(80_000); // a big feature map
        };
    }

    static int alignment(Random rnd) {
        return new int[] {1, 1, 4, 8, 16, 64}[rnd.nextInt(6)];
    }

    /** Uniform random intervals; about one in ten lives to the end of the schedule. */
    static List<BufferRequest> uniform(Random rnd) {
        int n = 1 + rnd.nextInt(40);
        int steps = 1 + rnd.nextInt(30);
        List<BufferRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int first = rnd.nextInt(steps);
            int roll = rnd.nextInt(10);
            int last = roll == 0 ? steps - 1
                    : roll < 3 ? first + rnd.nextInt(steps - first)
                    : Math.min(steps - 1, first + rnd.nextInt(3));
            requests.add(new BufferRequest("u" + i, size(rnd), first, last));
        }
        return requests;
    }

    /** Buffer i lives during steps i and i+1: a plain sequential network. */
    static List<BufferRequest> chain(long... sizes) {
        List<BufferRequest> requests = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            requests.add(new BufferRequest("t" + i, sizes[i], i, i + 1));
        }
        return requests;
    }

    static List<BufferRequest> randomChain(Random rnd) {
        long[] sizes = new long[1 + rnd.nextInt(30)];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = size(rnd);
        }
        return chain(sizes);
    }

    /**
     * A random DAG: op 0 produces the graph input, every later op reads one to three earlier
     * tensors (mostly the newest, hence long chains; sometimes an old one, hence diamonds and
     * long-lived skip connections) and writes one or two, sometimes with a scratch buffer. The
     * ops run in a random topological order; a tensor lives from its producer's step to its last
     * consumer's step, and an unread tensor is a graph output that lives to the end.
     */
    static List<BufferRequest> dag(Random rnd) {
        int ops = 1 + rnd.nextInt(40);
        List<Integer> producer = new ArrayList<>(); // tensor -> op
        List<List<Integer>> inputs = new ArrayList<>(); // op -> tensors
        List<Boolean> scratch = new ArrayList<>();
        for (int op = 0; op < ops; op++) {
            List<Integer> in = new ArrayList<>();
            if (op > 0) {
                int arity = rnd.nextInt(20) == 0 ? 3 : rnd.nextInt(4) == 0 ? 2 : 1;
                for (int k = 0; k < arity; k++) {
                    int t = rnd.nextInt(10) < 6 ? producer.size() - 1 - k : rnd.nextInt(producer.size());
                    if (t >= 0 && !in.contains(t)) {
                        in.add(t);
                    }
                }
            }
            inputs.add(in);
            scratch.add(rnd.nextInt(10) == 0);
            int outputs = rnd.nextInt(10) == 0 ? 2 : 1;
            for (int k = 0; k < outputs; k++) {
                producer.add(op);
            }
        }

        // Random topological order (Kahn's algorithm, picking a random ready op each time).
        int[] step = new int[ops];
        boolean[] done = new boolean[ops];
        for (int s = 0; s < ops; s++) {
            List<Integer> ready = new ArrayList<>();
            for (int op = 0; op < ops; op++) {
                if (!done[op] && inputs.get(op).stream().allMatch(t -> done[producer.get(t)])) {
                    ready.add(op);
                }
            }
            int op = ready.get(rnd.nextInt(ready.size()));
            done[op] = true;
            step[op] = s;
        }

        List<BufferRequest> requests = new ArrayList<>();
        for (int t = 0; t < producer.size(); t++) {
            int first = step[producer.get(t)];
            int last = -1;
            for (int op = 0; op < ops; op++) {
                if (inputs.get(op).contains(t)) {
                    last = Math.max(last, step[op]);
                }
            }
            requests.add(new BufferRequest("t" + t, size(rnd), first, last < 0 ? ops - 1 : last));
        }
        for (int op = 0; op < ops; op++) {
            if (scratch.get(op)) {
                requests.add(new BufferRequest("scratch" + op, size(rnd), step[op], step[op]));
            }
        }
        return requests;
    }
}
