package dev.multiproc;

import java.util.Locale;

/**
 * The Linux signals, numbered as on x86_64 and aarch64 (they agree). Real-time signals are
 * named as {@code kill -l} names them: {@code SIGRTMIN}, {@code SIGRTMIN+1} …
 * {@code SIGRTMAX-1}, {@code SIGRTMAX}, spelled {@code SIGRTMIN_PLUS_1} and
 * {@code SIGRTMAX_MINUS_1} in Java. Numbers 32 and 33 are kept by glibc for itself.
 */
public enum Signal {
    SIGHUP(1), SIGINT(2), SIGQUIT(3), SIGILL(4), SIGTRAP(5), SIGABRT(6), SIGBUS(7), SIGFPE(8),
    SIGKILL(9), SIGUSR1(10), SIGSEGV(11), SIGUSR2(12), SIGPIPE(13), SIGALRM(14), SIGTERM(15),
    SIGSTKFLT(16), SIGCHLD(17), SIGCONT(18), SIGSTOP(19), SIGTSTP(20), SIGTTIN(21), SIGTTOU(22),
    SIGURG(23), SIGXCPU(24), SIGXFSZ(25), SIGVTALRM(26), SIGPROF(27), SIGWINCH(28), SIGIO(29),
    SIGPWR(30), SIGSYS(31),
    /** glibc's thread-cancellation signal (kernel real-time signal 32). */
    SIGCANCEL(32),
    /** glibc's set-id broadcast signal (kernel real-time signal 33). */
    SIGSETXID(33),
    SIGRTMIN(34), SIGRTMIN_PLUS_1(35), SIGRTMIN_PLUS_2(36), SIGRTMIN_PLUS_3(37),
    SIGRTMIN_PLUS_4(38), SIGRTMIN_PLUS_5(39), SIGRTMIN_PLUS_6(40), SIGRTMIN_PLUS_7(41),
    SIGRTMIN_PLUS_8(42), SIGRTMIN_PLUS_9(43), SIGRTMIN_PLUS_10(44), SIGRTMIN_PLUS_11(45),
    SIGRTMIN_PLUS_12(46), SIGRTMIN_PLUS_13(47), SIGRTMIN_PLUS_14(48), SIGRTMIN_PLUS_15(49),
    SIGRTMAX_MINUS_14(50), SIGRTMAX_MINUS_13(51), SIGRTMAX_MINUS_12(52), SIGRTMAX_MINUS_11(53),
    SIGRTMAX_MINUS_10(54), SIGRTMAX_MINUS_9(55), SIGRTMAX_MINUS_8(56), SIGRTMAX_MINUS_7(57),
    SIGRTMAX_MINUS_6(58), SIGRTMAX_MINUS_5(59), SIGRTMAX_MINUS_4(60), SIGRTMAX_MINUS_3(61),
    SIGRTMAX_MINUS_2(62), SIGRTMAX_MINUS_1(63), SIGRTMAX(64);

    private static final Signal[] BY_NUMBER = new Signal[65];

    static {
        for (Signal s : values()) {
            BY_NUMBER[s.number] = s;
        }
    }

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    /** The signal's number, as {@code kill(2)} takes it. */
    public int number() {
        return number;
    }

    /**
     * The signal numbered {@code number}.
     *
     * @throws IllegalArgumentException if no Linux signal has that number (1 to 64)
     */
    public static Signal of(int number) {
        if (number < 1 || number >= BY_NUMBER.length) {
            throw new IllegalArgumentException("no signal has number " + number + " (Linux signals are 1 to 64)");
        }
        return BY_NUMBER[number];
    }

    /**
     * Parses a signal as a person writes it: {@code TERM}, {@code SIGTERM}, {@code sigterm},
     * {@code 15}, {@code RTMIN+3} or {@code SIGRTMAX-1}.
     *
     * @throws IllegalArgumentException naming the text if it is no signal
     */
    public static Signal parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            try {
                return of(Integer.parseInt(t));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a signal: \"" + text + "\"", e);
            }
        }
        String name = (t.startsWith("SIG") ? t : "SIG" + t).replace("+", "_PLUS_").replace("-", "_MINUS_");
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a signal: \"" + text + "\"", e);
        }
    }

    /** The name as {@code kill -l} prints it with its prefix, such as {@code SIGTERM} or {@code SIGRTMIN+1}. */
    public String displayName() {
        return name().replace("_PLUS_", "+").replace("_MINUS_", "-");
    }
}
