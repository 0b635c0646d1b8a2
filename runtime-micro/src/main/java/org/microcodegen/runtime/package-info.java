/**
 * The Java kernels of runtime-micro: the same operators and the same float arithmetic as the C99
 * kernels in {@code c/src}, for models compiled with {@code --target java}.
 *
 * <p>Conventions, kept by every class here:
 * <ul>
 * <li>A tensor is a pair {@code (float[] buf, int off)} (or another primitive array for other dtypes,
 * see Copy): the generated model keeps its activations in preallocated arena arrays, one per element
 * type, and passes offsets into them, like the C pointers into the arena. An absent optional operand
 * (a missing bias) is {@code (null, 0)}.</li>
 * <li>Nothing is allocated while a kernel runs; parameter objects are built once, when the model
 * class is initialised.</li>
 * <li>Sums run in the same order as in C and accumulate in {@code float}, so on the JVM the results
 * match the host C build up to the last bit wherever C uses no libm function (exp, tanh).</li>
 * <li>Java 8 language level, no dependencies: the sources are copied into a model's output and
 * compile with {@code javac --release 8 -Xlint:all -Werror}.</li>
 * </ul>
 */
package org.microcodegen.runtime;
