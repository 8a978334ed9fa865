package dev.tierproof.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;
import com.microsoft.z3.Params;
import com.microsoft.z3.Solver;
import java.time.Duration;

/**
 * The one owner of a Z3 {@link Context} and its {@link Solver}: every Z3 object of a run is made
 * through a session. Queries are stacked with push/pop, one open query at a time; each check runs
 * under the per-query timeout. Not thread-safe. Every method throws {@link IllegalStateException}
 * after {@link #close}.
 */
public final class SolverSession implements AutoCloseable {

  /** A solver answer: {@code sat} comes with a model, {@code unknown} with Z3's reason. */
  public enum Status {
    SAT,
    UNSAT,
    UNKNOWN;

    /** {@code sat}, {@code unsat} or {@code unknown}, as the verify JSON prints it. */
    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One check's answer; {@code fresh}: a fresh solver gave it (the work limit was reached). */
  record Check(Status status, Model model, String reason, long millis, boolean fresh) {}

  private final Context ctx;
  private final Solver solver;

  /**
   * How much work (Z3's deterministic resource count) a check may do on the incremental solver
   * before it goes to a fresh one (see {@link #check(BoolExpr...)}).
   */
  static final int INCREMENTAL_RLIMIT = 2_000_000;

  private final int timeoutMillis;

  /** The solver that answered the last check (its core and reason are the answer's). */
  private Solver last;

  private boolean closed;
  private Object owner;

  /**
   * Loads Z3's native library in a background daemon thread, so that a later session starts without
   * waiting for it (call it before reading input). Returns at once.
   */
  /** The version of the Z3 library in use, e.g. {@code 4.13.0}. */
  public static String z3Version() {
    return com.microsoft.z3.Version.getString();
  }

  public static void preload() {
    Thread t =
        new Thread(
            () -> {
              try (Context c = new Context()) {
                c.mkTrue();
              }
            },
            "z3-preload");
    t.setDaemon(true);
    t.start();
  }

  /** A new context and solver; {@code timeout} bounds each check (zero or negative: none). */
  public SolverSession(Duration timeout) {
    this(timeout, INCREMENTAL_RLIMIT, false);
  }

  /**
   * A session whose answers follow from its queries alone, not from when the JVM collects garbage
   * ({@link Pinning}): for the one-run questions whose output shows the solver's choices (diff's
   * classes and witnesses, verify's witness). It frees nothing before it closes, so a long session
   * (the map's workers, the test suites' shared ones) does not use it.
   */
  public static SolverSession pinned(Duration timeout) {
    return new SolverSession(timeout, INCREMENTAL_RLIMIT, true);
  }

  /** The same, with another work limit for the incremental solver (tests). */
  SolverSession(Duration timeout, int incrementalLimit) {
    this(timeout, incrementalLimit, false);
  }

  private SolverSession(Duration timeout, int incrementalLimit, boolean pinned) {
    ctx = new Context();
    if (pinned) {
      Pinning.pin(ctx);
    }
    solver = ctx.mkSolver();
    last = solver;
    timeoutMillis =
        timeout == null || timeout.isZero() || timeout.isNegative()
            ? 0
            : (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Params params = ctx.mkParams();
    if (timeoutMillis > 0) {
      params.add("timeout", timeoutMillis);
    }
    params.add("rlimit", incrementalLimit);
    solver.setParameters(params);
  }

  Context ctx() {
    open();
    return ctx;
  }

  /** Claims the session for one query; fails fast when another query is still open. */
  void acquire(Object query) {
    open();
    if (owner != null) {
      throw new IllegalStateException("another query is still open on this session");
    }
    owner = query;
    solver.push();
  }

  void release(Object query) {
    if (closed || owner != query) {
      return;
    }
    solver.pop();
    owner = null;
  }

  void push() {
    open();
    solver.push();
  }

  void pop() {
    open();
    solver.pop();
  }

  void add(BoolExpr e) {
    open();
    solver.add(new BoolExpr[] {e});
  }

  Check check() {
    return check(new BoolExpr[0]);
  }

  /**
   * Checks under {@code assumptions} (Boolean constants); after {@code UNSAT}, {@link #core} names
   * a subset of them that is already unsatisfiable.
   *
   * <p>The incremental solver answers most questions in milliseconds, but its search can take
   * seconds on a proof that bit-blasting the whole formula settles at once: past {@link
   * #INCREMENTAL_RLIMIT} the question goes to a fresh, non-incremental solver holding the same
   * assertions, for the rest of the timeout. The limit counts work, not time, so which solver
   * answers (and so which model a witness comes from) does not depend on the machine.
   */
  Check check(BoolExpr... assumptions) {
    open();
    long start = System.nanoTime();
    if (last != solver) {
      last.reset(); // the fresh solver of the previous check
      last = solver;
    }
    com.microsoft.z3.Status s = solver.check(assumptions);
    Solver by = solver;
    String why = s == com.microsoft.z3.Status.UNKNOWN ? solver.getReasonUnknown() : null;
    long spent = (System.nanoTime() - start) / 1_000_000;
    if (why != null
        && (why.contains("resource") || why.contains("canceled"))
        && (timeoutMillis == 0 || spent < timeoutMillis)) {
      // the work limit, not the timeout (Z3 names both "canceled")
      by = ctx.mkSolver();
      Params params = ctx.mkParams();
      params.add(
          "timeout",
          timeoutMillis == 0 ? Integer.MAX_VALUE : (int) Math.max(1, timeoutMillis - spent));
      by.setParameters(params);
      by.add(solver.getAssertions());
      s = by.check(assumptions);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    last = by;
    return switch (s) {
      case SATISFIABLE -> new Check(Status.SAT, by.getModel(), null, millis, by != solver);
      case UNSATISFIABLE -> new Check(Status.UNSAT, null, null, millis, by != solver);
      default -> new Check(Status.UNKNOWN, null, by.getReasonUnknown(), millis, by != solver);
    };
  }

  /** The assumptions of the last {@code UNSAT} check that Z3 used (an unsat core). */
  BoolExpr[] core() {
    open();
    return last.getUnsatCore();
  }

  public boolean isClosed() {
    return closed;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("solver session is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      ctx.close();
    }
  }
}
