package dev.multiproc.hazelcast;

import java.util.ArrayList;
import java.util.List;

/** {@code HOST:PORT} addresses, as members and clients are given them. */
final class Addresses {
    private Addresses() {}

    /**
     * Checks {@code address}.
     *
     * @throws IllegalArgumentException if it is not {@code HOST:PORT} with a port of 1 to 65535
     */
    static String check(String address) {
        if (address == null) {
            throw new IllegalArgumentException("an address cannot be null");
        }
        String a = address.strip();
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || colon == a.length() - 1) {
            throw new IllegalArgumentException("not a HOST:PORT address: \"" + address + "\"");
        }
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a HOST:PORT address (bad port): \"" + address + "\"", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port of \"" + address + "\" is not 1 to 65535");
        }
        return a;
    }

    /** The addresses in {@code list}, separated by commas. */
    static List<String> parseList(String list) {
        List<String> all = new ArrayList<>();
        for (String a : list.split(",")) {
            if (!a.isBlank()) {
                all.add(check(a));
            }
        }
        return all;
    }
}
