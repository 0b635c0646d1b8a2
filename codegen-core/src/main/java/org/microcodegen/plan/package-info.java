/**
 * Static memory planning: every intermediate tensor of the model gets a fixed offset in one arena
 * whose size is known at compile time, so the generated code never allocates at inference time.
 *
 * <p>The planner knows nothing about the graph. The IR side turns each tensor (after merging
 * aliases such as a Reshape's output) into a {@link org.microcodegen.plan.BufferRequest}: a size
 * and the inclusive range of schedule steps during which the bytes must stay intact. Two buffers
 * may share addresses exactly when their step ranges do not intersect. Placing them in the
 * smallest arena is NP-hard (dynamic storage allocation), so the planners here are the greedy
 * heuristics used by TFLite Micro and TVM, and {@link org.microcodegen.plan.LowerBound} reports
 * how far from the theoretical optimum a plan can at most be.
 */
package org.microcodegen.plan;
