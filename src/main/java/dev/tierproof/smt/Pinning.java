package dev.tierproof.smt;

import com.microsoft.z3.Context;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;

/**
 * Keeps every Z3 object of a context alive until the context closes, so that the solver's answers
 * do not depend on when the JVM collects garbage.
 *
 * <p>Z3's Java binding releases a native object when the JVM has found its Java handle unreachable
 * ({@code Z3ReferenceQueue}: a phantom reference, polled at the next object's creation), and Z3
 * then deletes the term and reuses its id ({@code ast.h}: {@code RECYCLE_FREE_AST_INDICES}); a term
 * made again later gets its old id or a new one depending on that timing. Z3 orders its search by
 * these ids, so two runs of the same queries could find other models (other witnesses, other
 * classes). With every release deferred to {@link Context#close}, each term's id follows from the
 * order the session makes terms in alone. The cost is memory: nothing of a session is freed before
 * it closes.
 */
final class Pinning {

  private Pinning() {}

  /** A queue that never hands a reference out: the binding's poll finds nothing to release. */
  private static final class Held extends ReferenceQueue<Object> {
    @Override
    public Reference<?> poll() {
      return null;
    }
  }

  /**
   * Defers every release of {@code ctx}'s objects to its close ({@code Context.close} releases all
   * it made regardless of the queue). Fails when the binding's layout is not the one known (a Z3
   * upgrade must keep determinism or say so).
   */
  static void pin(Context ctx) {
    try {
      java.lang.reflect.Field refs = Context.class.getDeclaredField("m_RefQueue");
      refs.setAccessible(true);
      Object queue = refs.get(ctx);
      java.lang.reflect.Field polled = queue.getClass().getDeclaredField("referenceQueue");
      polled.setAccessible(true);
      polled.set(queue, new Held());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot hold Z3's objects for the session: " + e, e);
    }
  }
}
