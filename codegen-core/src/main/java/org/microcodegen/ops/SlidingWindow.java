package org.microcodegen.ops;

/** An op that slides a 2-D window over H and W (convolution, pooling): kernels specialise on its geometry. */
public interface SlidingWindow {
    Window2D window(OpContext ctx);
}
