package dev.multiproc.internal.child;

import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WireReader;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The fds a worker received for the frames it has parsed and not handled yet (see
 * {@link WorkerLoop}, "Fds that come with a job"): a {@link Protocol#CARRY} frame's fds are
 * received at once ({@link FdReceiver}) and belong to the frame after it, which must carry the
 * same tag. Belongs to whoever holds the worker's input.
 */
final class CarriedFds {
    private static final int[] NONE = new int[0];

    private final Map<Protocol.Frame, int[]> byFrame = new IdentityHashMap<>();
    /** The fds of the last CARRY frame, for the frame after it; or null. */
    private int[] carrying;
    /** The tag the frame after that CARRY must have. */
    private int carryingSeq;

    /**
     * Takes in a frame just parsed: true if it was a CARRY frame (its fds are received now, for
     * the next frame); false for any other, which gets the fds of the CARRY before it, if any.
     *
     * @throws OutOfStep if the fds are not there, or the frames are out of step (the channel
     *     cannot be trusted: the worker ends)
     */
    boolean parsed(Protocol.Frame frame) throws OutOfStep {
        if (carrying != null && frame.seq() != carryingSeq) {
            throw new OutOfStep("the frame after a CARRY for job " + carryingSeq + " is for job " + frame.seq(), null);
        }
        if (frame.type() == Protocol.CARRY) {
            if (carrying != null) {
                throw new OutOfStep("two CARRY frames in a row", null);
            }
            try {
                carrying = FdReceiver.receive(new WireReader(frame.payload()).getInt());
            } catch (IOException e) {
                throw new OutOfStep(e.getMessage(), e);
            }
            carryingSeq = frame.seq();
            return true;
        }
        if (carrying != null) {
            byFrame.put(frame, carrying);
            carrying = null;
        }
        return false;
    }

    /** The fds that came for {@code frame}, now the caller's (an empty array for none). */
    int[] take(Protocol.Frame frame) {
        int[] fds = byFrame.remove(frame);
        return fds == null ? NONE : fds;
    }

    /** Closes the fds that came for {@code frame}, which will not run (skipped). */
    void drop(Protocol.Frame frame) {
        for (int fd : take(frame)) {
            FdReceiver.close(fd);
        }
    }

    /** The fds and the frames are out of step: nothing more on the channel can be trusted. */
    static final class OutOfStep extends IOException {
        private static final long serialVersionUID = 1L;

        OutOfStep(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Says why on stderr and ends the worker: its parent sees a death and handles its jobs so. */
    static void halt(OutOfStep e) {
        ChildStdio.err().println("multiproc: the worker's fds are out of step with its jobs: " + e.getMessage());
        ChildStdio.err().flush();
        Runtime.getRuntime().halt(Lifeline.EXIT_CODE);
    }
}
